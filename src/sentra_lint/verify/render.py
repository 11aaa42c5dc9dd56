"""Output of ``verify``: text, json, sarif and the markdown verification report.

Every format is deterministic for the same observation. No format prints an
environment variable's value: the observation never holds one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import IO, Any

from sentra_lint.findings import Finding
from sentra_lint.verify.controls import FAIL, INFO, PASS, UNKNOWN, Check
from sentra_lint.verify.report import VerifyResult, shown_root

_TEXT_MARK = {PASS: "ok  ", FAIL: "FAIL", UNKNOWN: "??  ", INFO: "info"}
_MD_MARK = {PASS: "✅", FAIL: "❌", UNKNOWN: "❔", INFO: "\N{INFORMATION SOURCE}\ufe0f"}


def _safe(text: str) -> str:
    from sentra_lint.reporters.text import safe

    return safe(text)


def _summary(result: VerifyResult) -> str:
    n = result.counts()
    judged = n["pass"] + n["fail"] + n["unknown"]
    text = f"{n['pass']} of {judged} control(s) hold"
    if n["fail"]:
        text += f", {n['fail']} failed"
    if n["unknown"]:
        text += f", {n['unknown']} unknown"
    return text


def _where(result: VerifyResult) -> str:
    place = f"container '{result.container}'"
    if not result.live:
        place += f" (captured tree {shown_root(result.root)})"
    if result.declared is not None:
        place += f", job '{result.declared.job}' of {result.declared.path}"
    return place


def text(result: VerifyResult, out: IO[str], opts: dict[str, Any]) -> None:
    out.write(f"sentra-lint verify: {_safe(_where(result))}, profile {result.profile}\n")
    width = max((len(c.control) for c in result.checks), default=10)
    for c in result.checks:
        out.write(f"  {_TEXT_MARK[c.status]}  {c.rule}  {_safe(c.control):<{width}}  {_safe(c.observed)}")
        if c.status in (FAIL, UNKNOWN):
            out.write(f"  (expected {_safe(c.expected)})")
        out.write("\n")
    if result.findings:
        out.write("\n")
    counts = {"error": 0, "warning": 0, "note": 0}
    for f in result.findings:
        counts[f.severity.value] += 1
        tag = " (drift)" if f.fingerprint in result.drift else ""
        out.write(f"{_safe(f.path)}:{f.span.line}:{f.span.column}: {f.rule} [{f.severity.value}]{tag} {_safe(f.message)}\n")
        if f.source_line:
            out.write(f"    {_safe(f.source_line.expandtabs(1))[:200]}\n")
    for note in result.notes:
        out.write(f"note: {_safe(note)}\n")
    total = sum(counts.values())
    out.write(
        f"{_summary(result)}; {total} finding(s) ({counts['error']} error(s), {counts['warning']} warning(s), "
        f"{counts['note']} note(s)).\n"
    )


def _finding(result: VerifyResult, f: Finding) -> dict[str, Any]:
    from sentra_lint.reporters.json_format import finding_dict

    d = finding_dict(f)
    d["kind"] = "drift" if f.fingerprint in result.drift else "observed"
    return d


def _check(c: Check) -> dict[str, Any]:
    d: dict[str, Any] = {
        "rule": c.rule,
        "control": c.control,
        "expected": c.expected,
        "observed": c.observed,
        "status": c.status,
    }
    if c.where is not None:
        d["source"] = {"path": c.where.path, "line": c.where.line}
    return d


def json_report(result: VerifyResult, out: IO[str], opts: dict[str, Any]) -> None:
    doc: dict[str, Any] = {
        "version": 1,
        "kind": "verify",
        "container": result.container,
        "root": shown_root(result.root),
        "profile": result.profile,
        "controls": [_check(c) for c in result.checks],
        "findings": [_finding(result, f) for f in result.findings],
        "summary": {**result.counts(), "findings": len(result.findings)},
    }
    if result.declared is not None:
        doc["declared"] = {"path": result.declared.path, "job": result.declared.job}
    json.dump(doc, out, indent=2, ensure_ascii=True)
    out.write("\n")


def _md(text: str) -> str:
    return (
        _safe(text).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
        .replace("*", "\\*").replace("`", "\\`")
    )


def markdown(result: VerifyResult, out: IO[str], opts: dict[str, Any]) -> None:
    """The verification report, ready to append to ``$GITHUB_STEP_SUMMARY``."""
    out.write(f"### sentra-lint verify: {_md(_where(result))}\n\n")
    out.write(f"Profile `{result.profile}`: {_md(_summary(result))}.\n\n")
    out.write("| | Control | Expected | Observed |\n|---|---|---|---|\n")
    for c in result.checks:
        out.write(f"| {_MD_MARK[c.status]} | {_md(c.control)} ({c.rule}) | {_md(c.expected)} | {_md(c.observed)} |\n")
    drift = [f for f in result.findings if f.fingerprint in result.drift]
    problems = [f for f in result.findings if f.rule.startswith("SE")]
    if drift:
        out.write("\n**Declared but not in effect:**\n\n")
        for f in drift:
            out.write(f"- {f.rule} `{_safe(f.path)}:{f.span.line}`: {_md(f.message)}\n")
    if problems:
        out.write("\n**Could not be read:**\n\n")
        for f in problems:
            out.write(f"- {f.rule} `{_safe(f.path)}`: {_md(f.message)}\n")
    out.write("\n")


def sarif(result: VerifyResult, out: IO[str], opts: dict[str, Any]) -> None:
    from sentra_lint import __version__
    from sentra_lint.reporters import sarif as base

    rules = {r.id: r for r in result.rules if any(f.rule == r.id for f in result.findings) or any(c.rule == r.id for c in result.checks)}
    ordered = [rules[k] for k in sorted(rules)]
    index = {r.id: i for i, r in enumerate(ordered)}
    logical = {"name": result.container, "fullyQualifiedName": f"container/{result.container}", "kind": "resource"}
    results = []
    for f in result.findings:
        text = base.message_text(f.message)
        res: dict[str, Any] = {"ruleId": f.rule}
        if f.rule in index:
            res["ruleIndex"] = index[f.rule]
        res["level"] = f.severity.value
        res["message"] = {"text": text}
        in_repo = result.declared is not None and f.path == result.declared.path
        loc: dict[str, Any] = {}
        if in_repo:
            loc["physicalLocation"] = {"artifactLocation": base.artifact_location(f.path), "region": base.region(f.span)}
            fp = base.line_hashes(f.source_line or "", 1)[0] if f.source_line else f.fingerprint
        else:
            uri = f.path if result.live else f.path[len(shown_root(result.root).rstrip("/")):]
            loc["physicalLocation"] = {
                "artifactLocation": {"uri": uri.lstrip("/"), "uriBaseId": "CONTAINERROOT"},
                "region": {"startLine": f.span.line},
            }
            fp = f.fingerprint
        loc["logicalLocations"] = [logical]
        res["locations"] = [loc]
        res["partialFingerprints"] = {"primaryLocationLineHash": fp}
        res["properties"] = {"verify": "drift" if f.fingerprint in result.drift else "observed"}
        results.append(res)
    root_uri = "file:///" if result.live else base._file_uri(result.root).rstrip("/") + "/"
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "sentra-lint",
                "semanticVersion": __version__,
                "version": __version__,
                "informationUri": base.INFORMATION_URI,
                "rules": [base.rule_descriptor(r) for r in ordered],
            }
        },
    }
    category = (opts.get("sarif_category") or "").strip()
    if category:
        run["automationDetails"] = {"id": category if category.endswith("/") else category + "/"}
    bases: dict[str, Any] = {"CONTAINERROOT": {"uri": root_uri}}
    if result.declared is not None:
        bases[base.SRCROOT] = {"uri": base._src_root()}
    run["originalUriBaseIds"] = bases
    run["invocations"] = [{"executionSuccessful": True}]
    run["columnKind"] = "unicodeCodePoints"
    run["results"] = results
    run["properties"] = {"controls": [_check(c) for c in result.checks]}
    json.dump({"$schema": base.SCHEMA_URI, "version": "2.1.0", "runs": [run]}, out, indent=2, ensure_ascii=True)
    out.write("\n")


RENDERERS: dict[str, Callable[[VerifyResult, IO[str], dict[str, Any]], None]] = {
    "text": text,
    "json": json_report,
    "sarif": sarif,
    "markdown": markdown,
}
