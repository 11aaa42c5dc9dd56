"""Human-readable output: ``path:line:col: ID [severity] message``, the line and a caret."""

from __future__ import annotations

from typing import IO, Any

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.findings import Finding
from sentra_lint.result import RunResult

# \udc80-\udcff: the bytes of a file name that is not UTF-8 (surrogate escapes), which
# no strict UTF-8 stream can write.
_CONTROL = lazy_compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\udc80-\udcff]")


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


def plural(n: int, noun: str) -> str:
    """``1 finding``, ``2 findings``, ``0 notes``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def fixable(f: Finding, unsafe: bool) -> bool:
    """Whether ``--fix`` (with ``unsafe``: ``--fix=unsafe``) fixes this finding."""
    return not f.suppressed and any(fx.safe or unsafe for fx in f.fixes)


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def _head(f: Finding, color: bool, unsafe: bool) -> str:
    return _line(f, f.rule, f.severity.value, f.message, fixable(f, unsafe), color)


def _line(f: Finding, rules: str, sev: str, message: str, can_fix: bool, color: bool) -> str:
    """``path:line:col: ID [severity] [*] message``, coloured when asked."""
    where = _paint(f"{safe(f.path)}:{f.span.line}:{f.span.column}:", "1", color)
    tag = _paint(f"[{sev}]", {"error": "31", "warning": "33", "note": "36"}[sev], color)
    mark = " [*]" if can_fix else ""
    head = f"{where} {_paint(rules, '1', color)} {tag}{mark} {safe(message)}"
    return head + " (suppressed)" if f.suppressed else head


def summary(result: RunResult, counts: dict[str, int], suppressed: int) -> str:
    if not result.files:
        return "No files found."
    total = sum(counts.values())
    parts = [plural(counts["error"], "error"), plural(counts["warning"], "warning"), plural(counts["note"], "note")]
    text = f"Found {plural(total, 'finding')} ({', '.join(parts)}) in {plural(result.files, 'file')}"
    return text + (f"; {suppressed} suppressed." if suppressed else ".")


def fix_hint(findings: list[Finding], unsafe: bool) -> str | None:
    """``[*] 3 fixable with `--fix`, 2 more with `--fix=unsafe`.`` (``None`` when nothing is fixable)."""
    safe_count = sum(1 for f in findings if fixable(f, unsafe))
    more = 0 if unsafe else sum(1 for f in findings if not f.suppressed and f.fixes and not fixable(f, False))
    if not safe_count and not more:
        return None
    if not safe_count:
        return f"[*] {more} fixable with `--fix=unsafe`."
    flag = "`--fix=unsafe`" if unsafe else "`--fix`"
    return f"[*] {safe_count} fixable with {flag}" + (f", {more} more with `--fix=unsafe`." if more else ".")


def report(result: RunResult, out: IO[str], opts: dict[str, Any]) -> None:
    color = bool(opts.get("color"))
    show_suppressed = bool(opts.get("show_suppressed"))
    unsafe = bool(opts.get("unsafe_fixes"))
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
        members = groups.get(i)
        if members is not None:
            # One launch's missing controls together; JSON and SARIF keep one result per rule.
            sev = max((m.severity for m in members), key=lambda s: s.rank).value
            rules = " ".join(m.rule for m in members)
            lacks = ", ".join(f"{m.lacks}" for m in members)
            head = _line(f, rules, sev, f"{f.group} lacks: {lacks}", any(fixable(m, unsafe) for m in members), color)
        else:
            head = _head(f, color, unsafe)
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
    if opts.get("quiet"):
        return
    out.write(summary(result, counts, suppressed) + "\n")
    hint = fix_hint(result.findings, unsafe)
    if hint:
        out.write(hint + "\n")
