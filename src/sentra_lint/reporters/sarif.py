"""SARIF 2.1.0 for GitHub code scanning.

Valid against the OASIS schema and complete for code scanning: rule
metadata from each rule's documentation, tight regions, repo-relative URIs
under ``%SRCROOT%``, ``partialFingerprints`` and ``suppressions``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from typing import IO, Any
from urllib.parse import quote

from sentra_lint import __version__
from sentra_lint.engine import RunResult
from sentra_lint.findings import Finding
from sentra_lint.reporters.json_format import HELP_URI
from sentra_lint.rulebase import Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/sentra-lint/sentra-lint"
MAX_RESULTS = 25_000
MAX_DESCRIPTION = 1024


def _trim(text: str, limit: int = MAX_DESCRIPTION) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _sections(doc: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    current = "summary"
    buf: list[str] = []
    for line in doc.splitlines():
        if line.startswith("## "):
            parts[current] = "\n".join(buf).strip()
            current, buf = line[3:].strip(), []
        else:
            buf.append(line)
    parts[current] = "\n".join(buf).strip()
    return parts


def _plain(markdown: str) -> str:
    text = re.sub(r"```[a-z]*\n?", "", markdown)
    return text.replace("`", "")


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    meta = rule.meta
    sections = _sections(rule.doc)
    what = sections.get("What it does", meta.title)
    full = _trim(_plain(" ".join(what.split())))
    return {
        "id": meta.id,
        "name": "".join(w.capitalize() for w in meta.slug.split("-")),
        "shortDescription": {"text": _trim(meta.title)},
        "fullDescription": {"text": full},
        "help": {"text": _plain(rule.doc), "markdown": rule.doc},
        "helpUri": HELP_URI.format(id=meta.id),
        "defaultConfiguration": {"level": meta.severity.value},
        "properties": {
            "tags": ["security", meta.area],
            "security-severity": f"{meta.security_severity:.1f}",
            "precision": meta.precision,
            "problem.severity": {"error": "error", "warning": "warning", "note": "recommendation"}[
                meta.severity.value
            ],
        },
    }


def _uri(path: str) -> str:
    return quote(path.replace(os.sep, "/"), safe="/._-~+@=,:")


def line_hash(source_line: str, rule: str, occurrence: int) -> str:
    """A hash of the finding's line content (whitespace-insensitive): stable when lines are added above."""
    basis = " ".join(source_line.split()) + "\0" + rule
    return f"{hashlib.sha256(basis.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}:{occurrence}"


def _region(span: Any) -> dict[str, int]:
    return {
        "startLine": span.line,
        "startColumn": span.column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
    }


def _location(path: str, span: Any, message: str | None = None, loc_id: int | None = None) -> dict[str, Any]:
    loc: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(path), "uriBaseId": "%SRCROOT%"},
            "region": _region(span),
        }
    }
    if loc_id is not None:
        loc["id"] = loc_id
    if message:
        loc["message"] = {"text": message}
    return loc


def result_object(f: Finding, rule_index: dict[str, int], occurrences: dict[str, int]) -> dict[str, Any]:
    key = f"{f.path}\0{f.rule}\0{' '.join(f.source_line.split())}"
    n = occurrences.get(key, 0)
    occurrences[key] = n + 1
    res: dict[str, Any] = {
        "ruleId": f.rule,
        "level": f.severity.value,
        "message": {"text": f.message if f.message.endswith(".") else f.message + "."},
        "locations": [_location(f.path, f.span)],
        "partialFingerprints": {"primaryLocationLineHash": line_hash(f.source_line, f.rule, n)},
    }
    if f.rule in rule_index:
        res["ruleIndex"] = rule_index[f.rule]
    if f.related:
        res["relatedLocations"] = [
            _location(r.path, r.span, r.message, i + 1) for i, r in enumerate(f.related[:10])
        ]
    if f.suppressed:
        sup: dict[str, Any] = {"kind": f.suppression_kind or "inSource"}
        if f.justification:
            sup["justification"] = f.justification
        res["suppressions"] = [sup]
    if f.fixes:
        res["fixes"] = [
            {
                "description": {"text": fx.description},
                "artifactChanges": [
                    {
                        "artifactLocation": {"uri": _uri(f.path), "uriBaseId": "%SRCROOT%"},
                        "replacements": [
                            {
                                "deletedRegion": {"charOffset": e.start, "charLength": e.end - e.start},
                                "insertedContent": {"text": e.replacement},
                            }
                            for e in fx.edits
                        ],
                    }
                ],
            }
            for fx in f.fixes
        ]
    return res


def build(result: RunResult, opts: dict[str, Any]) -> dict[str, Any]:
    from sentra_lint.rules import load_rule

    rules = {r.id: r for r in result.rules}
    for f in result.findings:
        if f.rule not in rules:
            rule = load_rule(f.rule)
            if rule is not None:
                rules[f.rule] = rule
    ordered = [rules[k] for k in sorted(rules)]
    rule_index = {r.id: i for i, r in enumerate(ordered)}
    occurrences: dict[str, int] = {}
    results = [result_object(f, rule_index, occurrences) for f in result.findings[:MAX_RESULTS]]
    cwd = os.getcwd().replace(os.sep, "/")
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "sentra-lint",
                "semanticVersion": __version__,
                "version": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(r) for r in ordered],
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": "file://" + quote(cwd.rstrip("/") + "/")}},
        "results": results,
        "columnKind": "unicodeCodePoints",
        "invocations": [_invocation(result)],
    }
    category = opts.get("sarif_category")
    if category:
        run["automationDetails"] = {"id": f"{category.rstrip('/')}/"}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _invocation(result: RunResult) -> dict[str, Any]:
    inv: dict[str, Any] = {"executionSuccessful": not result.errors}
    notes = []
    for f in result.findings:
        if f.rule in ("SE001", "SE002"):
            notes.append(
                {
                    "level": "error" if f.rule == "SE001" else "warning",
                    "message": {"text": f"{f.path}: {f.message}"},
                    "locations": [_location(f.path, f.span)],
                    "descriptor": {"id": f.rule},
                }
            )
    for e in result.errors:
        notes.append({"level": "error", "message": {"text": f"{e.path}: internal error"
                                                     f"{' in rule ' + e.rule if e.rule else ''}: {e.message}"}})
    if notes:
        inv["toolExecutionNotifications"] = notes
    return inv


def report(result: RunResult, out: IO[str], opts: dict[str, Any]) -> None:
    json.dump(build(result, opts), out, indent=2, ensure_ascii=True)
    out.write("\n")
