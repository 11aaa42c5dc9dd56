"""Quote removal with a position map, and a small quote-aware word splitter.

Both work on plain strings and never raise. The splitter is what the
fallback parser and the Dockerfile model use for non-shell arguments.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.shell.model import Word

_ANSI_SIMPLE = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "e": "\x1b",
    "E": "\x1b",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}
_DQ_ESCAPABLE = frozenset('$`"\\\n')
_PLAIN_RUN = lazy_compile(r"[^\s'\"\\`$<>;&|()]+")
_DQ_RUN = lazy_compile(r'[^"\\`$]+')
_SPECIAL = lazy_compile(r"['\"\\`$]")
_DYNAMIC = lazy_compile(r"\$[A-Za-z_{(0-9@*#?$!-]|`")


def looks_dynamic(raw: str) -> bool:
    """Whether ``raw`` holds an expansion, a substitution or ``${{ }}``."""
    return bool(_DYNAMIC.search(raw))


def unquote(
    raw: str, verbatim: Sequence[tuple[int, int]] = (), escape: str = "\\"
) -> tuple[str, list[int]]:
    """Remove shell quoting from one word.

    Returns the text and, for every character of it, its index in ``raw``.
    Regions in ``verbatim`` (index ranges of ``raw``, sorted) are copied as
    written: they are expansions whose value is unknown.
    """
    if escape not in raw and "'" not in raw and '"' not in raw:
        return raw, list(range(len(raw)))  # nothing to remove: the common word
    out: list[str] = []
    pos: list[int] = []
    n = len(raw)
    i = 0
    vi = 0
    quote = ""  # "", "'", '"'
    while i < n:
        while vi < len(verbatim) and verbatim[vi][1] <= i:
            vi += 1
        if vi < len(verbatim) and verbatim[vi][0] <= i < verbatim[vi][1]:
            end = verbatim[vi][1]
            out.append(raw[i:end])
            pos.extend(range(i, end))
            i = end
            continue
        c = raw[i]
        if quote == "'":
            if c == "'":
                quote = ""
            else:
                out.append(c)
                pos.append(i)
            i += 1
        elif quote == '"':
            if c == '"':
                quote = ""
                i += 1
            elif c == escape and i + 1 < n and (raw[i + 1] in _DQ_ESCAPABLE or escape != "\\"):
                if raw[i + 1] != "\n":
                    out.append(raw[i + 1])
                    pos.append(i + 1)
                i += 2
            else:
                out.append(c)
                pos.append(i)
                i += 1
        elif c == escape and i + 1 < n:
            if raw[i + 1] != "\n":
                out.append(raw[i + 1])
                pos.append(i + 1)
            i += 2
        elif c in "'\"":
            quote = c
            i += 1
        elif c == "$" and i + 1 < n and raw[i + 1] == "'":
            i = _ansi_c(raw, i + 2, out, pos)
        elif c == "$" and i + 1 < n and raw[i + 1] == '"':
            quote = '"'
            i += 2
        else:
            out.append(c)
            pos.append(i)
            i += 1
    return "".join(out), pos


def _ansi_c(raw: str, i: int, out: list[str], pos: list[int]) -> int:
    """Decode a ``$'...'`` body starting at ``i``; return the index after the closing quote."""
    n = len(raw)
    while i < n:
        c = raw[i]
        if c == "'":
            return i + 1
        if c == "\\" and i + 1 < n:
            d = raw[i + 1]
            if d in _ANSI_SIMPLE:
                out.append(_ANSI_SIMPLE[d])
                pos.append(i)
                i += 2
                continue
            m = re.match(r"x([0-9A-Fa-f]{1,2})|([0-7]{1,3})", raw[i + 1 : i + 4])
            if m:
                value = int(m.group(1), 16) if m.group(1) else int(m.group(2), 8)
                out.append(chr(value))
                pos.append(i)
                i += 1 + m.end()
                continue
        out.append(c)
        pos.append(i)
        i += 1
    return i


def matching_close(text: str, i: int, open_: str, close: str) -> int:
    """Index of the ``close`` matching an opening bracket just before ``text[i]``, or ``-1``.

    The one bracket scanner of the shell model, the Docker flag grammar and
    the rules: nested ``open_``/``close`` pairs count, brackets inside
    single or double quotes do not, a backslash escapes the next character
    (inside double quotes too).
    """
    depth = 1
    n = len(text)
    quote = ""
    while i < n:
        c = text[i]
        if quote:
            if c == quote:
                quote = ""
            elif c == "\\" and quote == '"':
                i += 1
        elif c == "\\":
            i += 1
        elif c in "'\"":
            quote = c
        elif c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _skip_balanced(text: str, i: int, open_: str, close: str) -> int:
    """``text[i]`` follows an opening bracket; return the index after its match."""
    end = matching_close(text, i, open_, close)
    return end + 1 if end >= 0 else len(text)


def split_words(
    text: str,
    base: int = 0,
    escape: str = "\\",
    operators: bool = False,
) -> list[Word]:
    """Split ``text`` into shell-style words with offsets (``base`` added).

    Quotes group words, ``escape`` escapes one character, ``$(..)``, ``${..}``
    and backticks stay inside their word. With ``operators`` the control
    operators ``&& || ; | & ( )`` and newlines come back as words of their
    own (with ``literal`` false and ``raw`` equal to the operator) so a
    caller can split commands; otherwise newlines are whitespace.
    """
    words: list[Word] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "\n" and operators:
            words.append(Word("\n", "\n", base + i, base + i + 1, False))
            i += 1
            continue
        if c.isspace():
            i += 1
            continue
        if operators:
            op = _operator_at(text, i)
            if op:
                words.append(Word(op, op, base + i, base + i + len(op), False))
                i += len(op)
                continue
            if c == "#" and (i == 0 or text[i - 1].isspace() or text[i - 1] in ";&|("):
                while i < n and text[i] != "\n":
                    i += 1
                continue
        start = i
        verbatim: list[tuple[int, int]] = []
        quote = ""
        while i < n:
            if quote == "'":
                close = text.find("'", i)
                i = n if close == -1 else close + 1
                quote = ""
                continue
            m = (_DQ_RUN if quote else _PLAIN_RUN).match(text, i)
            if m:
                i = m.end()
                if i >= n:
                    break
            c = text[i]
            if c == escape and i + 1 < n and quote != "'":
                i += 2
                continue
            if quote == '"' and c == '"':
                quote = ""
                i += 1
                continue
            if c in "$<>" and i + 1 < n and text[i + 1] in ("({" if c == "$" else "("):
                opener = text[i + 1]
                end = _skip_balanced(text, i + 2, opener, ")" if opener == "(" else "}")
                verbatim.append((i - start, end - start))
                i = end
                continue
            if c == "`":
                end = text.find("`", i + 1)
                end = n if end == -1 else end + 1
                verbatim.append((i - start, end - start))
                i = end
                continue
            if quote == '"':
                i += 1
                continue
            if c in "'\"":
                quote = c
                i += 1
                continue
            if c.isspace() or (operators and _operator_at(text, i)):
                break
            i += 1
        raw = text[start:i]
        if _SPECIAL.search(raw) is None and escape not in raw:
            value = raw
        else:
            value, _ = unquote(raw, verbatim, escape)
        literal = not verbatim and not looks_dynamic(raw)
        words.append(Word(value, raw, base + start, base + i, literal))
    return words


def _operator_at(text: str, i: int) -> str:
    two = text[i : i + 2]
    if two in ("&&", "||", "|&", ";;"):
        return two
    c = text[i]
    if c in ";|&()":
        # ``>&`` / ``<&`` / ``&>`` belong to redirections, not control operators.
        if c == "&" and (
            (i > 0 and text[i - 1] in "<>") or (i + 1 < len(text) and text[i + 1] == ">")
        ):
            return ""
        if c in "()" and i > 0 and text[i - 1] in "<>$=":
            return ""
        return c
    return ""
