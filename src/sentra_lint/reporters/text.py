"""Human-readable output: ``path:line:col: ID [severity] message``, the line and a caret."""

from __future__ import annotations

import re
from typing import IO, Any

from sentra_lint.findings import Finding
from sentra_lint.result import RunResult

# \udc80-\udcff: the bytes of a file name that is not UTF-8 (surrogate escapes), which
# no strict UTF-8 stream can write.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\udc80-\udcff]")


def safe(text: str) -> str:
    """Escape terminal control characters so a file cannot drive the terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def _caret(f: Finding) -> str:
    line = f.source_line.expandtabs(1)
    start = max(1, f.span.column)
    end = f.span.end_column if f.span.end_line == f.span.line else len(line) + 1
    width = max(1, min(end, len(line) + 1) - start)
    return " " * (start - 1) + "^" * width


def _launch_groups(findings: list[Finding], show_suppressed: bool) -> dict[int, list[Finding]]:
    """Findings of missing controls of one launch (same file, place and launch), by the
    index of the first: shown as one entry. Groups of one stay plain findings."""
    groups: dict[int, list[Finding]] = {}
    key_at: dict[tuple[str, int, int, str], int] = {}
    for i, f in enumerate(findings):
        if f.group is None or f.lacks is None or (f.suppressed and not show_suppressed) or f.suppressed:
            continue
        key = (f.path, f.span.line, f.span.column, f.group)
        first = key_at.setdefault(key, i)
        groups.setdefault(first, []).append(f)
    return {i: members for i, members in groups.items() if len(members) > 1}


def report(result: RunResult, out: IO[str], opts: dict[str, Any]) -> None:
    color = bool(opts.get("color"))
    show_suppressed = bool(opts.get("show_suppressed"))
    counts = {"error": 0, "warning": 0, "note": 0}
    suppressed = 0
    groups = _launch_groups(result.findings, show_suppressed)
    grouped = {id(m) for members in groups.values() for m in members[1:]}
    for i, f in enumerate(result.findings):
        if f.suppressed:
            suppressed += 1
            if not show_suppressed:
                continue
        else:
            counts[f.severity.value] += 1
        if id(f) in grouped:
            continue
        sev = f.severity.value
        members = groups.get(i)
        if members is not None:
            # One launch's missing controls together; JSON and SARIF keep one result per rule.
            sev = max((m.severity for m in members), key=lambda s: s.rank).value
            rules = " ".join(m.rule for m in members)
            lacks = ", ".join(f"{m.lacks}" for m in members)
            message = f"{f.group} lacks: {lacks}"
            head = f"{safe(f.path)}:{f.span.line}:{f.span.column}: {rules} [{sev}] {safe(message)}"
        else:
            head = f"{safe(f.path)}:{f.span.line}:{f.span.column}: {f.rule} [{sev}] {safe(f.message)}"
        if f.suppressed:
            head += " (suppressed)"
        if color:
            code = {"error": "31", "warning": "33", "note": "36"}[sev]
            head = head.replace(f"[{sev}]", f"\x1b[{code}m[{sev}]\x1b[0m", 1)
        out.write(head + "\n")
        if f.source_line:
            src_line = safe(f.source_line.expandtabs(1))
            if len(src_line) > 200:
                src_line = src_line[:200] + "..."
            out.write(f"    {src_line}\n    {_caret(f)[:200]}\n")
        for rel in f.related:
            out.write(f"    note: {safe(rel.path)}:{rel.span.line}:{rel.span.column}: {safe(rel.message)}\n")
    for e in result.errors:
        where = f" in rule {e.rule}" if e.rule else ""
        out.write(f"{safe(e.path)}: internal error{where}: {safe(e.message)}\n")
    total = sum(counts.values())
    parts = [f"{counts['error']} error(s)", f"{counts['warning']} warning(s)", f"{counts['note']} note(s)"]
    files = result.files
    summary = f"Found {total} finding(s) ({', '.join(parts)}) in {files} file(s)"
    if suppressed:
        summary += f"; {suppressed} suppressed"
    out.write(summary + ".\n")
