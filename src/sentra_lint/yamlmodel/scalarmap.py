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

from sentra_lint.yamlmodel.nodes import ScalarNode, ValueMap

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


class _Out:
    """Accumulates value characters with the source range of each."""

    __slots__ = ("chars", "ends", "starts")

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def emit(self, ch: str, start: int, end: int) -> None:
        self.chars.append(ch)
        self.starts.append(start)
        self.ends.append(end)


def _norm_break(ch: str) -> str:
    """What a line break character reads as (libyaml: NEL becomes ``\\n``)."""
    return "\n" if ch in "\n\x85" else ch


def _flow_like(text: str, start: int, end: int, style: str | None, fold: bool = True) -> _Out:
    """Plain, single- and double-quoted scalars (one scanner, three quoting rules).

    ``fold=False`` reads a JSON string: no line folding, only escapes."""
    out = _Out()
    breaks = _BREAKS if fold else ""
    blanks = _BLANK if fold else ""
    i, stop = start, end
    if style in ("'", '"'):
        i, stop = start + 1, end - 1
    leading_blanks = False
    leading_break: tuple[int, str] | None = None  # (offset, char); char "" after an escaped break
    trailing: list[tuple[int, str]] = []
    whitespace: list[int] = []
    while i < stop:
        ch = text[i]
        if ch in blanks:
            if not leading_blanks:
                whitespace.append(i)
            i += 1
            continue
        if ch in breaks:
            if not leading_blanks:
                whitespace.clear()
                leading_break = (i, _norm_break(ch))
                leading_blanks = True
            else:
                trailing.append((i, _norm_break(ch)))
            i += 1
            continue
        # A content character: first settle the blanks before it.
        _settle(text, out, leading_blanks, leading_break, trailing, whitespace)
        leading_blanks, leading_break = False, None
        trailing.clear()
        whitespace.clear()
        if style == "'" and ch == "'" and i + 1 < stop and text[i + 1] == "'":
            out.emit("'", i, i + 2)
            i += 2
            continue
        if style == '"' and ch == "\\" and i + 1 < stop:
            nxt = text[i + 1]
            if nxt in _BREAKS:
                leading_blanks = True
                leading_break = (i, "")
                i += 2
                continue
            simple = _SIMPLE_ESCAPES.get(nxt)
            if simple is not None:
                out.emit(simple, i, i + 2)
                i += 2
                continue
            width = _HEX_ESCAPES.get(nxt)
            if width is not None:
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
                i = end_esc
                continue
        out.emit(ch, i, i + 1)
        i += 1
    if style is not None:
        # Blanks before the closing quote belong to the value (folded like any).
        _settle(text, out, leading_blanks, leading_break, trailing, whitespace)
    return out


def _settle(
    text: str,
    out: _Out,
    leading_blanks: bool,
    leading_break: tuple[int, str] | None,
    trailing: list[tuple[int, str]],
    whitespace: list[int],
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
    else:
        for off in whitespace:
            out.emit(text[off], off, off + 1)


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

    def scan_breaks(pos: int) -> tuple[int, int, list[tuple[int, str]]]:
        breaks: list[tuple[int, str]] = []
        while True:
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
        while pos < end and text[pos] not in _BREAKS:
            out.emit(text[pos], pos, pos + 1)
            pos += 1
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
        if out is not None and "".join(out.chars) == node.value:
            return out
    return None


def map_scalar(node: ScalarNode, text: str) -> ValueMap:
    """The :class:`ValueMap` of ``node`` in ``text`` (the file it was parsed from)."""
    out: _Out | None
    if not node.value:
        return ValueMap((), (), True, node.start, node.end)
    if node.end > len(text) or node.start < 0:
        out = None
    elif node.style in ("|", ">"):
        out = _block_scalar(node, text)
    else:
        out = _flow_like(text, node.start, node.end, node.style)
        if "".join(out.chars) != node.value and node.style == '"':
            # A JSON string (devcontainer.json): escapes but no line folding.
            out = _flow_like(text, node.start, node.end, node.style, fold=False)
        if "".join(out.chars) != node.value:
            out = None
    if out is None:
        n = len(node.value)
        return ValueMap((node.start,) * n, (node.end,) * n, False, node.start, node.end)
    return ValueMap(tuple(out.starts), tuple(out.ends), True, node.start, node.end)
