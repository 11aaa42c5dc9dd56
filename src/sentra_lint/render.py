"""Render a JSON report in any other format: lint once, report several ways.

    sentra-lint check . --format json --output result.json --fail-on never
    python -m sentra_lint.render result.json --format text
    python -m sentra_lint.render result.json --format sarif --output results.sarif --sarif-category ci
    python -m sentra_lint.render result.json --format markdown >> "$GITHUB_STEP_SUMMARY"

The GitHub Action uses it to write the log, the SARIF report, the annotations
and the job summary from one run, so they cannot disagree. The JSON report
(``schemas/output.schema.json``) is read back into the result the reporters
take; the source line under each finding is read again from its file (the
text format shows it; a file that is gone shows no line).

``--min-severity`` leaves out the findings below a level in every format;
``--fail-on`` then sets the exit status from the findings that are left, as
``check`` does: 0 none at or above it, 1 some, 2 the report holds internal
errors (a crashed rule never looks like a clean run).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sentra_lint.container.posture import launch_from_dict
from sentra_lint.findings import Edit, Finding, Fix, Related, Severity
from sentra_lint.result import InternalError, RunResult
from sentra_lint.source import Span

RANK = {"note": 1, "warning": 2, "error": 3}
FAIL_ON = ("error", "warning", "note", "never")


def _span(d: dict[str, Any]) -> Span:
    return Span(int(d["line"]), int(d["column"]), int(d["end_line"]), int(d["end_column"]))


class _Lines:
    """Source lines read again from the files the report names, each file once."""

    def __init__(self) -> None:
        self._files: dict[str, list[str] | None] = {}

    def line(self, path: str, number: int) -> str:
        if path not in self._files:
            try:
                self._files[path] = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
            except (OSError, ValueError):
                self._files[path] = None
        lines = self._files[path]
        if lines is None or not 1 <= number <= len(lines):
            return ""
        return lines[number - 1][:1000]


_FINDING_FIELDS = frozenset(f.name for f in dataclasses.fields(Finding))


def finding_from_dict(d: dict[str, Any], lines: _Lines | None = None) -> Finding:
    suppression = d.get("suppression") or {}
    # Fields the report carries only for some findings (a launch's group of missing controls).
    extra = {k: d[k] for k in ("group", "lacks") if k in d and k in _FINDING_FIELDS}
    return Finding(
        rule=d["rule"],
        name=d["name"],
        severity=Severity(d["severity"]),
        path=d["path"],
        span=_span(d),
        message=d["message"],
        related=tuple(Related(r["path"], _span(r), r.get("message", "")) for r in d.get("related", ())),
        fixes=tuple(
            Fix(fx["description"], tuple(Edit(e["start"], e["end"], e["replacement"]) for e in fx["edits"]),
                bool(fx.get("safe", True)))
            for fx in d.get("fixes", ())
        ),
        suppressed=bool(d.get("suppressed")),
        suppression_kind=suppression.get("kind"),
        justification=suppression.get("justification"),
        fingerprint=d.get("fingerprint", ""),
        source_line=lines.line(d["path"], int(d["line"])) if lines is not None else "",
        **extra,
    )


def load(doc: dict[str, Any], *, min_severity: str = "note", read_sources: bool = True) -> RunResult:
    """The result a JSON report describes, without the findings below ``min_severity``."""
    if doc.get("version") != 1 or not isinstance(doc.get("findings"), list):
        raise ValueError("not a sentra-lint JSON report (version 1)")
    floor = RANK[min_severity]
    lines = _Lines() if read_sources else None
    findings = [finding_from_dict(d, lines) for d in doc["findings"] if RANK[d["severity"]] >= floor]
    errors = [InternalError(e["path"], e.get("rule"), e["message"]) for e in doc.get("errors", ())]
    result = RunResult(
        findings=findings, errors=errors, files=int(doc.get("summary", {}).get("files", 0)), rules=_rules(findings)
    )
    result.launches = [launch_from_dict(d) for d in doc.get("launches", ())]
    if read_sources:
        from sentra_lint.sources import describe

        result.sources = describe(findings)  # line hashes and line breaks, for SARIF
    return result


def _rules(findings: list[Finding]) -> list[Any]:
    """The metadata of the built-in rules that reported (the reporters read it from the result)."""
    from sentra_lint.rules import BUILTIN

    ids = sorted({f.rule for f in findings if BUILTIN.is_known(f.rule)})
    return [r for r in map(BUILTIN.load, ids) if r is not None]


def exit_code(result: RunResult, fail_on: str) -> int:
    if result.errors:
        return 2
    if fail_on == "never":
        return 0
    floor = RANK[fail_on]
    return 1 if any(not f.suppressed and RANK[f.severity.value] >= floor for f in result.findings) else 0


def render(result: RunResult, fmt: str, out: Any, opts: dict[str, Any]) -> None:
    from sentra_lint.reporters import get_reporter

    get_reporter(fmt)(result, out, opts)


def main(argv: Sequence[str] | None = None) -> int:
    from sentra_lint.reporters import FORMATS

    parser = argparse.ArgumentParser(prog="python -m sentra_lint.render", description=__doc__.split("\n\n")[0])
    parser.add_argument("report", help="a JSON report of `sentra-lint check --format json` ('-': standard input)")
    parser.add_argument("--format", "-f", dest="fmt", choices=sorted(FORMATS), default="text")
    parser.add_argument("--output", "-o", help="write to FILE (default: standard output)")
    parser.add_argument("--sarif-category", default="", help="SARIF runAutomationDetails.id")
    parser.add_argument("--min-severity", choices=("note", "warning", "error"), default="note")
    parser.add_argument("--fail-on", choices=FAIL_ON, default="error")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    args = parser.parse_args(argv)
    try:
        text = sys.stdin.read() if args.report == "-" else Path(args.report).read_text(encoding="utf-8")
        result = load(json.loads(text), min_severity=args.min_severity)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"sentra-lint render: {args.report}: {exc}", file=sys.stderr)
        return 2
    opts = {"sarif_category": args.sarif_category, "color": _color(args.color, args.output)}
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
            render(result, args.fmt, fh, opts)
    else:
        render(result, args.fmt, sys.stdout, opts)
    return exit_code(result, args.fail_on)


def _color(choice: str, output: str | None) -> bool:
    import os

    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return output is None and sys.stdout.isatty()


if __name__ == "__main__":
    sys.exit(main())
