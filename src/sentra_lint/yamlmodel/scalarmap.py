"""Map each character of a scalar's value back to the file.

A scalar's value is not a slice of the file: quotes, escapes, indentation,
block headers, chomping and line folding all stand between them. This module
re-reads the scalar's source text with the same rules the parser (libyaml)
applies and records, for every value character, the source range it came
from. The result is checked against the parsed value; if it differs (an
exotic construct), every character maps to the scalar's start and the map is
marked inexact rather than pointing somewhere wrong.

Folding rules (libyaml's, which follow the YAML spec):
- plain and quoted scalars: trailing and leading blanks around a line break
  are dropped; one break becomes a space, ``n`` breaks become ``n - 1``
  newlines; a ``\\`` before a break in a double-quoted scalar joins the lines;
- block scalars: literal ``|`` keeps every break; folded ``>`` turns a single
  break between two lines that are not more indented into a space; chomping
  ``-`` drops the final break, the default keeps one, ``+`` keeps all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.yamlmodel.valuemap import ValueMap

if TYPE_CHECKING:
    from sentra_lint.yamlmodel.nodes import ScalarNode

_BREAKS = "\n\x85\u2028\u2029"
_BLANK = " \t"

_SIMPLE_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "'": "'",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}

# Runs of characters that stand for themselves, per scanning mode.
_CHUNK = {
    (None, True): lazy_compile("[^ \t\n\x85\u2028\u2029]+"),
    ("'", True): lazy_compile("[^ \t\n\x85\u2028\u2029']+"),
    ('"', True): lazy_compile("[^ \t\n\x85\u2028\u2029\\\\]+"),
    ('"', False): lazy_compile("[^\\\\]+"),
}
_BLANKS_RE = lazy_compile("[ \t]+")
_BREAK_RE = lazy_compile("[\n\x85\u2028\u2029]")


class _Out:
    """Accumulates value text with the source range of each character, as runs."""

    __slots__ = ("chars", "length", "runs")

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.runs: list[list[int]] = []  # [value index, file offset, length, width]
        self.length = 0

    def emit(self, ch: str, start: int, end: int) -> None:
        """One value character produced by ``text[start:end]``."""
        self.chars.append(ch)
        width = end - start
        runs = self.runs
        if width == 1 and runs:
            last = runs[-1]
            if last[3] == 1 and last[1] + last[2] == start:
                last[2] += 1
                self.length += 1
                return
        runs.append([self.length, start, 1, width])
        self.length += 1

    def emit_slice(self, text: str, start: int, end: int) -> None:
        """Value characters that are ``text[start:end]`` verbatim."""
        if end <= start:
            return
        self.chars.append(text[start:end])
        runs = self.runs
        if runs:
            last = runs[-1]
            if last[3] == 1 and last[1] + last[2] == start:
                last[2] += end - start
                self.length += end - start
                return
        runs.append([self.length, start, end - start, 1])
        self.length += end - start

    def value(self) -> str:
        return "".join(self.chars)


def _norm_break(ch: str) -> str:
    """What a line break character reads as (libyaml: NEL becomes ``\\n``)."""
    return "\n" if ch in "\n\x85" else ch


def _flow_like(text: str, start: int, end: int, style: str | None, fold: bool = True) -> _Out:
    """Plain, single- and double-quoted scalars (one scanner, three quoting rules).

    ``fold=False`` reads a JSON string: no line folding, only escapes."""
    out = _Out()
    i, stop = start, end
    if style in ("'", '"'):
        i, stop = start + 1, end - 1
    chunk = _CHUNK[(style if style in ("'", '"') else None, fold if style == '"' else True)]
    leading_blanks = False
    leading_break: tuple[int, str] | None = None  # (offset, char); char "" after an escaped break
    trailing: list[tuple[int, str]] = []
    ws: tuple[int, int] | None = None  # pending blanks between content on one line
    while i < stop:
        ch = text[i]
        if fold and ch in _BLANK:
            m = _BLANKS_RE.match(text, i, stop)
            j = m.end() if m else i + 1
            if not leading_blanks:
                ws = (i, j)
            i = j
            continue
        if fold and ch in _BREAKS:
            if not leading_blanks:
                ws = None
                leading_break = (i, _norm_break(ch))
                leading_blanks = True
            else:
                trailing.append((i, _norm_break(ch)))
            i += 1
            continue
        # Content: first settle the blanks and breaks before it.
        if leading_blanks or ws is not None:
            _settle(text, out, leading_blanks, leading_break, trailing, ws)
            leading_blanks, leading_break, ws = False, None, None
            trailing.clear()
        if style == "'" and ch == "'":
            if i + 1 < stop and text[i + 1] == "'":
                out.emit("'", i, i + 2)
                i += 2
            else:
                out.emit("'", i, i + 1)
                i += 1
            continue
        if style == '"' and ch == "\\":
            i = _escape(text, i, stop, out)
            if i < 0:  # an escaped line break joins the lines
                i = -i
                leading_blanks = True
                leading_break = (i - 2, "")
            continue
        m = chunk.match(text, i, stop)
        j = m.end() if m else i + 1
        out.emit_slice(text, i, j)
        i = j
    if style is not None and (leading_blanks or ws is not None):
        # Blanks before the closing quote belong to the value (folded like any).
        _settle(text, out, leading_blanks, leading_break, trailing, ws)
    return out


def _escape(text: str, i: int, stop: int, out: _Out) -> int:
    """Read the escape at ``text[i]`` (a backslash); returns the next index, or
    minus it for an escaped line break."""
    if i + 1 >= stop:
        out.emit("\\", i, i + 1)
        return i + 1
    nxt = text[i + 1]
    if nxt in _BREAKS:
        return -(i + 2)
    simple = _SIMPLE_ESCAPES.get(nxt)
    if simple is not None:
        out.emit(simple, i, i + 2)
        return i + 2
    width = _HEX_ESCAPES.get(nxt)
    if width is None:
        out.emit(nxt, i, i + 2)
        return i + 2
    end_esc = i + 2 + width
    try:
        code = int(text[i + 2 : end_esc], 16)
        if 0xD800 <= code < 0xDC00 and text[end_esc : end_esc + 2] == "\\u":
            # A JSON surrogate pair is one character.
            low = int(text[end_esc + 2 : end_esc + 6], 16)
            if 0xDC00 <= low < 0xE000:
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                end_esc += 6
        out.emit(chr(code), i, end_esc)
    except (ValueError, OverflowError):
        out.emit(nxt, i, i + 2)
    return end_esc


def _settle(
    text: str,
    out: _Out,
    leading_blanks: bool,
    leading_break: tuple[int, str] | None,
    trailing: list[tuple[int, str]],
    ws: tuple[int, int] | None,
) -> None:
    """Emit the blanks and breaks that stand between two pieces of content."""
    if leading_blanks:
        if leading_break is not None and leading_break[1] == "\n":
            if not trailing:
                out.emit(" ", leading_break[0], leading_break[0] + 1)
        elif leading_break is not None and leading_break[1]:
            out.emit(leading_break[1], leading_break[0], leading_break[0] + 1)
        for off, b in trailing:
            out.emit(b, off, off + 1)
    elif ws is not None:
        out.emit_slice(text, ws[0], ws[1])


def _header(text: str, start: int, end: int) -> tuple[str, int, int]:
    """Chomping (``-``, ``+`` or ``""``), indentation indicator (0 when absent),
    and the offset where the content lines begin."""
    i = start + 1
    chomp, incr = "", 0
    for _ in range(2):
        if i < end and text[i] in "+-" and not chomp:
            chomp = text[i]
            i += 1
        elif i < end and text[i] in "123456789" and not incr:
            incr = int(text[i])
            i += 1
    while i < end and text[i] not in _BREAKS:
        i += 1
    return chomp, incr, min(i + 1, end)


def _block(text: str, body: int, end: int, folded: bool, chomp: str, indent: int) -> _Out | None:
    """A block scalar's content at a known indentation (``None`` if it cannot apply)."""
    out = _Out()
    pos = body

    pad = " " * indent

    def scan_breaks(pos: int) -> tuple[int, int, list[tuple[int, str]]]:
        breaks: list[tuple[int, str]] = []
        while True:
            if pos + indent <= end and text.startswith(pad, pos):
                pos += indent
                col = indent
            else:
                col = 0
                while col < indent and pos < end and text[pos] == " ":
                    pos += 1
                    col += 1
            if pos < end and text[pos] in _BREAKS:
                breaks.append((pos, _norm_break(text[pos])))
                pos += 1
                continue
            return pos, col, breaks

    pos, col, trailing = scan_breaks(pos)
    leading_break: tuple[int, str] | None = None
    leading_blank = False
    while pos < end and col == indent:
        trailing_blank = text[pos] in _BLANK
        if (
            folded
            and leading_break is not None
            and leading_break[1] == "\n"
            and not leading_blank
            and not trailing_blank
        ):
            if not trailing:
                out.emit(" ", leading_break[0], leading_break[0] + 1)
        elif leading_break is not None:
            out.emit(leading_break[1], leading_break[0], leading_break[0] + 1)
        leading_break = None
        for off, b in trailing:
            out.emit(b, off, off + 1)
        trailing = []
        leading_blank = text[pos] in _BLANK
        m = _BREAK_RE.search(text, pos, end)
        line_end = m.start() if m else end
        out.emit_slice(text, pos, line_end)
        pos = line_end
        if pos >= end:
            break
        leading_break = (pos, _norm_break(text[pos]))
        pos, col, trailing = scan_breaks(pos + 1)
    if chomp != "-" and leading_break is not None:
        out.emit(leading_break[1], leading_break[0], leading_break[0] + 1)
    if chomp == "+":
        for off, b in trailing:
            out.emit(b, off, off + 1)
    return out


def _auto_indent(text: str, body: int, end: int) -> tuple[int, int]:
    """libyaml's indentation detection: the widest leading empty line or the
    first content line's indentation, at least 1. Also returns the first
    content line's indentation."""
    pos, widest = body, 0
    while pos < end:
        col = 0
        while pos < end and text[pos] == " ":
            pos += 1
            col += 1
        widest = max(widest, col)
        if pos < end and text[pos] in _BREAKS:
            pos += 1
            continue
        return max(widest, 1), col
    return max(widest, 1), widest


def _block_scalar(node: ScalarNode, text: str) -> _Out | None:
    start, end = node.start, node.end
    chomp, incr, body = _header(text, start, end)
    folded = node.style == ">"
    auto, first_col = _auto_indent(text, body, end)
    candidates: list[int] = []
    if not incr:
        candidates.append(auto)
    # An explicit indicator is relative to the parent's indentation, which the
    # scalar alone does not tell: try every indentation the text allows.
    candidates.extend(k for k in range(1, max(first_col, auto) + 1) if k not in candidates)
    for indent in candidates:
        out = _block(text, body, end, folded, chomp, indent)
        if out is not None and out.value() == node.value:
            return out
    return None


def map_scalar(node: ScalarNode, text: str) -> ValueMap:
    """The :class:`ValueMap` of ``node`` in ``text`` (the file it was parsed from)."""
    value, start, end = node.value, node.start, node.end
    if not value:
        return ValueMap((), 0, True, start, end)
    out: _Out | None = None
    if end > len(text) or start < 0:
        pass
    elif node.style is None and text[start:end] == value:
        return ValueMap(((0, start, len(value), 1),), len(value), True, start, end)
    elif node.style in ("'", '"') and text[start + 1 : end - 1] == value:
        return ValueMap(((0, start + 1, len(value), 1),), len(value), True, start, end)
    elif node.style in ("|", ">"):
        out = _block_scalar(node, text)
    else:
        out = _flow_like(text, start, end, node.style)
        if out.value() != value and node.style == '"':
            # A JSON string (devcontainer.json): escapes but no line folding.
            out = _flow_like(text, start, end, node.style, fold=False)
        if out.value() != value:
            out = None
    if out is None:
        n = len(value)
        runs = tuple((k, start, 1, max(end - start, 1)) for k in range(n))
        return ValueMap(runs, n, False, start, end)
    return ValueMap(tuple((r[0], r[1], r[2], r[3]) for r in out.runs), out.length, True, start, end)
