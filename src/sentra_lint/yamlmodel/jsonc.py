"""JSON with comments (``//``, ``/* */``) and trailing commas, as nodes.

``devcontainer.json`` and VS Code settings use this dialect. The parser
produces the same :class:`MapNode` / :class:`SeqNode` / :class:`ScalarNode`
types as the YAML loader, with character offsets, so rules and value maps
work the same on both. Strings are double-quoted scalars (``style='"'``);
numbers, ``true``, ``false`` and ``null`` are plain scalars with core tags.

It is a loop over an explicit stack (deep nesting cannot overflow the
interpreter's stack), stops at the first error and reports it as one
:class:`ParseProblem` with the position and what was expected.
"""

from __future__ import annotations

from typing import Any

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.source import SourceFile
from sentra_lint.yamlmodel.loader import YamlDoc
from sentra_lint.yamlmodel.nodes import (
    TAG_BOOL,
    TAG_FLOAT,
    TAG_INT,
    TAG_MAP,
    TAG_NULL,
    TAG_SEQ,
    TAG_STR,
    MapNode,
    Node,
    ParseProblem,
    ScalarNode,
    SeqNode,
)

_NUMBER = lazy_compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_WORD = lazy_compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_LITERALS = {"true": TAG_BOOL, "false": TAG_BOOL, "null": TAG_NULL}
MAX_DEPTH = 20_000


class JsonError(Exception):
    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index
        self.message = message


def _skip(text: str, i: int) -> int:
    """Skip whitespace and comments."""
    n = len(text)
    while i < n:
        c = text[i]
        if c in " \t\n\r\ufeff":
            i += 1
        elif c == "/" and i + 1 < n and text[i + 1] == "/":
            j = text.find("\n", i)
            i = n if j == -1 else j + 1
        elif c == "/" and i + 1 < n and text[i + 1] == "*":
            j = text.find("*/", i + 2)
            if j == -1:
                raise JsonError(i, "comment '/*' is never closed")
            i = j + 2
        else:
            break
    return i


def _string(text: str, i: int) -> tuple[str, int]:
    """Read a string starting at the quote ``text[i]``; returns (value, end)."""
    out: list[str] = []
    n = len(text)
    j = i + 1
    while True:
        k = j
        while k < n and text[k] not in '"\\\n':
            k += 1
        out.append(text[j:k])
        if k >= n:
            raise JsonError(i, "string is never closed")
        c = text[k]
        if c == '"':
            return "".join(out), k + 1
        if c == "\n":
            raise JsonError(k, "line break inside a string (use \\n)")
        esc = text[k + 1] if k + 1 < n else ""
        if esc in _ESCAPES:
            out.append(_ESCAPES[esc])
            j = k + 2
        elif esc == "u":
            digits = text[k + 2 : k + 6]
            if len(digits) != 4 or not all(d in "0123456789abcdefABCDEF" for d in digits):
                raise JsonError(k, "invalid \\u escape: expected four hex digits")
            code = int(digits, 16)
            j = k + 6
            if 0xD800 <= code < 0xDC00 and text[j : j + 2] == "\\u":
                low_digits = text[j + 2 : j + 6]
                if len(low_digits) == 4 and all(d in "0123456789abcdefABCDEF" for d in low_digits):
                    low = int(low_digits, 16)
                    if 0xDC00 <= low < 0xE000:
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        j += 6
            out.append(chr(code))
        else:
            raise JsonError(k, f"invalid escape '\\{esc}'")


class _Frame:
    __slots__ = ("is_obj", "items", "key", "start")

    def __init__(self, is_obj: bool, start: int) -> None:
        self.is_obj = is_obj
        self.start = start
        self.items: list[Any] = []
        self.key: ScalarNode | None = None


def _parse(text: str) -> tuple[Node | None, list[tuple[ScalarNode, ScalarNode]]]:
    stack: list[_Frame] = []
    dups: list[tuple[ScalarNode, ScalarNode]] = []
    n = len(text)
    i = _skip(text, 0)
    if i >= n:
        return None, dups
    root: Node | None = None
    # States: "value" (a value must come), "value_or_close" (after "[" or ","),
    # "key_or_close" (after "{" or ","), "after" (after a value).
    state = "value"
    while True:
        i = _skip(text, i)
        c = text[i] if i < n else ""
        top = stack[-1] if stack else None
        if state == "after":
            if top is None:
                if i < n:
                    raise JsonError(i, "unexpected text after the top-level value")
                return root, dups
            close = "}" if top.is_obj else "]"
            if c == ",":
                i += 1
                state = "key_or_close" if top.is_obj else "value_or_close"
                continue
            if c == close:
                i += 1
                stack.pop()
                node = _finish(top, i, dups)
                root = _add(stack, node, root)
                continue
            what = "',' or '}'" if top.is_obj else "',' or ']'"
            raise JsonError(i, f"expected {what}, found {_found(c)}")
        if state == "key_or_close":
            assert top is not None
            if c == "}":
                i += 1
                stack.pop()
                root = _add(stack, _finish(top, i, dups), root)
                state = "after"
                continue
            if c != '"':
                raise JsonError(i, f"expected a string key or '}}', found {_found(c)}")
            value, end = _string(text, i)
            top.key = ScalarNode(value, i, end, '"', TAG_STR)
            i = _skip(text, end)
            if i >= n or text[i] != ":":
                raise JsonError(
                    i, f"expected ':' after the key, found {_found(text[i] if i < n else '')}"
                )
            i += 1
            state = "value"
            continue
        if state == "value_or_close" and c == "]":
            assert top is not None
            i += 1
            stack.pop()
            root = _add(stack, _finish(top, i, dups), root)
            state = "after"
            continue
        # A value.
        if c in "{[":
            if len(stack) >= MAX_DEPTH:
                raise JsonError(i, f"nesting deeper than {MAX_DEPTH} levels")
            stack.append(_Frame(c == "{", i))
            i += 1
            state = "key_or_close" if c == "{" else "value_or_close"
            continue
        scalar: ScalarNode
        if c == '"':
            value, end = _string(text, i)
            scalar = ScalarNode(value, i, end, '"', TAG_STR)
        elif c == "-" or c.isdigit():
            m = _NUMBER.match(text, i)
            if m is None:
                raise JsonError(i, "invalid number")
            tag = TAG_FLOAT if m.group(1) or m.group(2) else TAG_INT
            end = m.end()
            scalar = ScalarNode(m.group(0), i, end, None, tag)
        else:
            m = _WORD.match(text, i)
            if m is None or m.group(0) not in _LITERALS:
                raise JsonError(
                    i, f"expected a value, found {_found(c if m is None else m.group(0))}"
                )
            end = m.end()
            scalar = ScalarNode(m.group(0), i, end, None, _LITERALS[m.group(0)])
        i = end
        root = _add(stack, scalar, root)
        state = "after"


def _found(c: str) -> str:
    if not c:
        return "the end of the file"
    if len(c) > 1:
        return repr(c)
    return f"{c!r}"


def _add(stack: list[_Frame], node: Node, root: Node | None) -> Node | None:
    """Attach ``node`` to the open container; returns the (new) root."""
    if not stack:
        return node
    top = stack[-1]
    if top.is_obj:
        assert top.key is not None
        top.items.append((top.key, node))
        top.key = None
    else:
        top.items.append(node)
    return root


def _finish(frame: _Frame, end: int, dups: list[tuple[ScalarNode, ScalarNode]]) -> Node:
    if not frame.is_obj:
        return SeqNode(tuple(frame.items), frame.start, end, TAG_SEQ, None, True)
    seen: dict[str, ScalarNode] = {}
    later: list[ScalarNode] = []
    key: ScalarNode
    for key, _value in frame.items:
        earlier = seen.get(key.value)
        if earlier is not None:
            later.append(key)
            dups.append((earlier, key))
        seen[key.value] = key
    return MapNode(tuple(frame.items), frame.start, end, TAG_MAP, None, True, tuple(later))


def load_jsonc(src: SourceFile) -> YamlDoc:
    """Parse ``src`` as JSON with comments and trailing commas. Never raises."""
    try:
        root, dups = _parse(src.text)
    except JsonError as exc:
        index = max(0, min(exc.index, len(src.text)))
        return YamlDoc(src, None, (ParseProblem(src.span(index, index), exc.message),))
    except Exception as exc:  # pragma: no cover - defensive: never let a file crash a run
        return YamlDoc(src, None, (ParseProblem(src.span(0, 0), f"cannot parse JSON: {exc}"),))
    return YamlDoc(src, root, (), tuple(dups), 1 if root is not None else 0)
