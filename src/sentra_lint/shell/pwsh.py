"""Writes to the runner's environment files in a PowerShell ``run:`` script.

A small recogniser, not a PowerShell parser: it splits the script into
statements (lines, ``;``, a backtick continues a line) and pipelines
(``|``), keeping quotes and brackets together, and finds the forms GitHub's
documentation and real workflows use to append to ``$env:GITHUB_ENV``,
``$env:GITHUB_OUTPUT`` and ``$env:GITHUB_PATH``:

* ``"NAME=$v" >> $env:GITHUB_ENV`` (also ``echo``/``Write-Output … >>``);
* ``Add-Content``/``Set-Content`` (``ac``/``sc``) with ``-Path``/``-LiteralPath``
  or positionally, the value from ``-Value`` or the second positional
  argument, ``-Encoding`` and switches skipped;
* ``Out-File -FilePath … -Append`` (or positionally);
* any of those at the end of a pipeline (``"k=$v" | Out-File …``,
  ``Write-Output "…" | Add-Content …``): the data is what the earlier
  printers print (a string, a variable, ``echo``/``Write-Output``);
* ``[IO.File]::AppendAllText($env:GITHUB_ENV, "…")`` (and ``WriteAllText``,
  ``AppendAllLines``, ``WriteAllLines``, ``[System.IO.File]``).

It also records assignments (``$v = …``) so the caller can follow a value
into a variable. Offsets are into the script text. Nothing here knows about
taint.
"""

from __future__ import annotations

import re

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile

__all__ = ["PwshAssign", "PwshData", "PwshWrite", "env_file_writes", "references"]

_ENV_FILE = lazy_compile(
    r"""^["']?(?:\$env:|\$\{env:)(GITHUB_(?:ENV|OUTPUT|PATH))\}?["']?$""", re.IGNORECASE
)
_FILE_METHOD = lazy_compile(
    r"\[(?:System\.)?IO\.File\]::(?:Append|Write)All(?:Text|Lines)\s*\(", re.IGNORECASE
)
_ASSIGN = lazy_compile(r"^\$([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)\s*")
_PRINTERS = frozenset({"echo", "write-output", "write"})
_WRITERS = frozenset({"add-content", "ac", "set-content", "sc", "out-file"})
_PATH_PARAMS = ("-path", "-filepath", "-literalpath", "-pspath", "-lp")
_VALUE_PARAMS = ("-value", "-inputobject")
# Parameters of the writers that take a value (the rest are switches).
_VALUED = ("-encoding", "-width", "-stream", "-filter", "-include", "-exclude", "-credential")


@dataclass(frozen=True, slots=True)
class PwshData:
    """A piece of text a write puts into the file (a word or an argument)."""

    start: int
    end: int
    quoted: str
    """``'`` for a single-quoted string (no expansion), ``"`` or ``""`` otherwise."""


@dataclass(frozen=True, slots=True)
class PwshWrite:
    """A PowerShell statement that writes to a GitHub environment file."""

    file: str
    """``GITHUB_ENV``, ``GITHUB_OUTPUT`` or ``GITHUB_PATH``."""
    start: int
    end: int
    """The statement that writes."""
    data: tuple[PwshData, ...]


@dataclass(frozen=True, slots=True)
class PwshAssign:
    """A PowerShell variable assignment."""

    name: str
    """The variable, lower case (PowerShell names are case-insensitive)."""
    start: int
    end: int
    """The value assigned."""
    at: int
    """Where the statement starts (writes before it do not see the value)."""


@dataclass(frozen=True, slots=True)
class _Word:
    """A word of a PowerShell statement."""

    text: str
    start: int
    end: int


def _split(text: str, base: int, seps: str) -> list[tuple[int, int]]:
    """Ranges of ``text`` between separators (any of ``seps``) outside quotes
    and brackets; a backtick escapes the next character, ``||`` is not a pipe,
    ``${…}`` (and ``${{ … }}``) is a name, and a ``)`` among ``seps`` closes
    the last range. With ``{`` and ``}`` among ``seps``, a script block's
    braces separate statements (the body of an ``if`` or a loop)."""
    out: list[tuple[int, int]] = []
    depth = 0
    quote = ""
    i = start = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "`":
            i += 2
            continue
        if quote:
            if ch == quote:
                if i + 1 < n and text[i + 1] == quote:  # '' or "" inside a string
                    i += 2
                    continue
                quote = ""
        elif ch == "$" and text.startswith("{", i + 1):
            close = text.find("}}", i) + 2 if text.startswith("${{", i) else text.find("}", i) + 1
            i = close if close > i else n
            continue
        elif ch in "'\"":
            quote = ch
        elif depth == 0 and ch in seps:
            if ch == ")":
                out.append((base + start, base + i))
                return out
            if ch == "|" and i + 1 < n and text[i + 1] == "|":
                i += 2
                continue
            out.append((base + start, base + i))
            start = i + 1
        elif ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth = max(0, depth - 1)
        elif ch == "#" and (i == 0 or text[i - 1] in " \t\n;{"):
            end = text.find("\n", i)
            out.append((base + start, base + i))
            if end < 0:
                return out
            i = start = end
            continue
        i += 1
    out.append((base + start, base + n))
    return out


def _words(script: str, lo: int, hi: int) -> list[_Word]:
    out: list[_Word] = []
    for a, b in _split(script[lo:hi], lo, " \t\n"):
        text = script[a:b]
        if text.strip():
            out.append(_Word(text, a, b))
    return out


def _quoted(word: _Word) -> str:
    return word.text[0] if word.text[:1] in ("'", '"') else ""


def _env_file(word: _Word | None) -> str | None:
    if word is None:
        return None
    m = _ENV_FILE.match(word.text.strip())
    return m.group(1).upper() if m else None


def _data(words: list[_Word]) -> list[PwshData]:
    return [PwshData(w.start, w.end, _quoted(w)) for w in words]


def _printed(words: list[_Word]) -> list[PwshData]:
    """What a pipeline stage prints of its own text: a string or variable on
    its own, or the arguments of ``echo``/``Write-Output``; what another
    command prints is not its command line."""
    if not words:
        return []
    head = words[0].text.lower()
    if head in _PRINTERS:
        return _data([w for w in words[1:] if not w.text.startswith("-")])
    if words[0].text[:1] in ("'", '"', "$", "@", "("):
        return _data(words)
    return []


def _writer(words: list[_Word]) -> tuple[str | None, list[PwshData] | None]:
    """``Add-Content``/``Set-Content``/``Out-File``: the file it writes and the
    value it was given (``None``: from the pipeline)."""
    name = words[0].text.lower()
    path: _Word | None = None
    value: list[PwshData] | None = None
    positional: list[_Word] = []
    i = 1
    while i < len(words):
        w = words[i]
        low = w.text.lower()
        if low.startswith("-") and not low[1:2].isdigit():
            param, colon, inline = low.partition(":")
            if param in _PATH_PARAMS:
                path = _Word(w.text[len(param) + 1 :], w.start + len(param) + 1, w.end) if colon else (
                    words[i + 1] if i + 1 < len(words) else None
                )
                i += 1 if colon else 2
                continue
            if param in _VALUE_PARAMS:
                if colon:
                    value = [PwshData(w.start + len(param) + 1, w.end, inline[:1] if inline[:1] in "'\"" else "")]
                    i += 1
                else:
                    value = _data(words[i + 1 : i + 2])
                    i += 2
                continue
            i += 1 if colon or param not in _VALUED else 2
            continue
        positional.append(w)
        i += 1
    if path is None and positional:
        path = positional.pop(0)
    if value is None and positional and name != "out-file":
        value = _data(positional[:1])
    return _env_file(path), value


def _file_method(script: str, lo: int, hi: int) -> PwshWrite | None:
    m = _FILE_METHOD.search(script, lo, hi)
    if m is None:
        return None
    inner_start = m.end()
    close = _split(script[inner_start:hi], inner_start, ")")[0][1]
    args = _split(script[inner_start:close], inner_start, ",")
    if not args:
        return None
    first = _words(script, *args[0])
    target = _env_file(first[0] if len(first) == 1 else None)
    if target is None:
        return None
    data = [d for a, b in args[1:] for d in _data(_words(script, a, b))]
    return PwshWrite(target, lo, hi, tuple(data))


def _statements(script: str) -> list[tuple[int, int]]:
    return [(a, b) for a, b in _split(script, 0, "\n;{}") if script[a:b].strip()]


def env_file_writes(script: str) -> tuple[list[PwshWrite], list[PwshAssign]]:
    """The environment-file writes of a PowerShell script, and its assignments, in order."""
    writes: list[PwshWrite] = []
    assigns: list[PwshAssign] = []
    if "GITHUB_" not in script.upper() and "=" not in script:
        return writes, assigns
    for lo, hi in _statements(script):
        text = script[lo:hi]
        lead = len(text) - len(text.lstrip())
        m = _ASSIGN.match(text[lead:])
        if m is not None:
            assigns.append(PwshAssign(m.group(1).lower(), lo + lead + m.end(), hi, lo))
            continue
        if "github_" not in text.lower():
            continue
        method = _file_method(script, lo, hi)
        if method is not None:
            writes.append(method)
            continue
        earlier: list[PwshData] = []
        for a, b in _split(text, lo, "|"):
            words = _words(script, a, b)
            if not words:
                continue
            target: str | None = None
            redirect = next((k for k, w in enumerate(words) if w.text.startswith(">")), None)
            if redirect is not None:
                word = words[redirect]
                rest = word.text.lstrip(">")
                target = _env_file(_Word(rest, word.start, word.end)) if rest else _env_file(
                    words[redirect + 1] if redirect + 1 < len(words) else None
                )
                data = earlier + _printed(words[:redirect])
            elif words[0].text.lower() in _WRITERS:
                target, value = _writer(words)
                data = value if value is not None else earlier
            else:
                # A printer adds its text; a filter (`Select-Object`, `ForEach-Object`)
                # passes what it was given on.
                earlier = earlier + _printed(words)
                continue
            if target is not None:
                writes.append(PwshWrite(target, lo, hi, tuple(data)))
            break
    return writes, assigns


# `$name`, `${name}`, `$env:NAME`, `${env:NAME}` (scope-qualified names read as such).
_REF = lazy_compile(
    r"\$(?:\{(?:(env):)?([A-Za-z_][A-Za-z0-9_]*)\}|(?:(env):)?([A-Za-z_][A-Za-z0-9_]*))", re.IGNORECASE
)


def references(text: str) -> list[tuple[int, int, bool, str]]:
    """``(start, end, is_env, name)`` of the variable references in ``text``
    (``$`` escaped by a backtick is literal)."""
    out: list[tuple[int, int, bool, str]] = []
    for m in _REF.finditer(text):
        if m.start() > 0 and text[m.start() - 1] == "`":
            continue
        env = bool(m.group(1) or m.group(3))
        name = m.group(2) or m.group(4)
        out.append((m.start(), m.end(), env, name))
    return out
