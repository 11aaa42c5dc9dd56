"""JSON output: ``{"version": 1, "findings": [...]}``, documented by ``schemas/output.schema.json``."""

from __future__ import annotations

from typing import IO, Any

from sentra_lint._version import version
from sentra_lint.container.posture import launch_to_dict
from sentra_lint.findings import Finding
from sentra_lint.reporters.jsontext import write_indented
from sentra_lint.result import RunResult

HELP_URI = "https://github.com/sentra-lint/sentra-lint/blob/main/docs/rules/{id}.md"


def finding_dict(f: Finding) -> dict[str, Any]:
    d: dict[str, Any] = {
        "rule": f.rule,
        "name": f.name,
        "severity": f.severity.value,
        "path": f.path,
        "line": f.span.line,
        "column": f.span.column,
        "end_line": f.span.end_line,
        "end_column": f.span.end_column,
        "message": f.message,
        "help_uri": HELP_URI.format(id=f.rule),
        "suppressed": f.suppressed,
        "fingerprint": f.fingerprint,
    }
    group = getattr(f, "group", None)
    if group:
        # A launch's missing controls: what lets a report rendered from this one group them.
        d["group"] = group
        d["lacks"] = getattr(f, "lacks", None) or ""
    if f.suppressed:
        d["suppression"] = {"kind": f.suppression_kind, "justification": f.justification}
    if f.related:
        d["related"] = [
            {
                "path": r.path,
                "line": r.span.line,
                "column": r.span.column,
                "end_line": r.span.end_line,
                "end_column": r.span.end_column,
                "message": r.message,
            }
            for r in f.related
        ]
    if f.fixes:
        d["fixes"] = [
            {
                "description": fx.description,
                "safe": fx.safe,
                "edits": [{"start": e.start, "end": e.end, "replacement": e.replacement} for e in fx.edits],
            }
            for fx in f.fixes
        ]
    return d


def report(result: RunResult, out: IO[str], opts: dict[str, Any]) -> None:
    doc: dict[str, Any] = {
        "version": 1,
        "tool": {"name": "sentra-lint", "version": version()},
        "findings": [finding_dict(f) for f in result.findings],
        "errors": [{"path": e.path, "rule": e.rule, "message": e.message} for e in result.errors],
        "launches": [launch_to_dict(la) for la in result.launches],
        "summary": {
            "files": result.files,
            "findings": sum(1 for f in result.findings if not f.suppressed),
            "suppressed": sum(1 for f in result.findings if f.suppressed),
        },
    }
    write_indented(doc, out, end="\n")
