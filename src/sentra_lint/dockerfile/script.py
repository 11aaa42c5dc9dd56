"""The shell analysis of a ``RUN`` instruction, in file offsets.

* shell form: the argument text is parsed in place; continuation escapes
  and dropped comment lines are blanked with same-length whitespace so
  every offset still points into the file;
* exec form ``["sh", "-c", "..."]``: the script string is parsed (offsets
  map into the JSON string; escapes make them approximate);
* heredoc: ``RUN <<EOF`` alone runs the body as the script; otherwise the
  command line and its heredocs are parsed together.

A ``SHELL`` that is not a POSIX shell (PowerShell, cmd) gets no analysis:
``run_script`` returns ``None`` and rules use ``Instruction.words``.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.shell.model import HeredocText, ShellScript, Word

if TYPE_CHECKING:
    from sentra_lint.dockerfile.model import Instruction

_POSIX_SHELLS = frozenset(["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"])
_SHEBANG = lazy_compile(r"#![ \t]*(\S+)(?:[ \t]+(\S+))?")


def is_posix_shell(shell: tuple[str, ...]) -> bool:
    """Whether ``SHELL`` names a POSIX-style shell (``/bin/bash``, ``sh``...)."""
    if not shell:
        return True
    name = shell[0].replace("\\", "/").rsplit("/", 1)[-1].lower()
    name = name.removesuffix(".exe")
    return name in _POSIX_SHELLS


def run_script(instr: Instruction) -> ShellScript | None:
    """Shell analysis of a ``RUN`` (cached per instruction); ``None`` if it is not shell."""
    cache = instr._cache
    if "script" in cache:
        result: ShellScript | None = cache["script"]
        return result
    try:
        result = _build(instr)
    except Exception:  # never let a parser bug take the file down: split the words
        from sentra_lint.shell.parser import parse_fallback

        result = parse_fallback(instr.args, instr.args_start)
    cache["script"] = result
    return result


def _shell_view(instr: Instruction, start: int, end: int) -> str:
    """File text ``[start, end)`` with what Docker drops blanked out, same length."""
    src = instr._source
    if src is None:
        return instr.args
    chars = list(src.text[start:end])
    for a, b in instr._blank:
        for k in range(max(a, start), min(b, end)):
            chars[k - start] = " "
    return "".join(chars)


def _build(instr: Instruction) -> ShellScript | None:
    from sentra_lint.shell.parser import parse_argv, parse_shell

    if instr.keyword != "RUN" or not is_posix_shell(instr.shell):
        return None
    if instr.exec_form is not None:
        spans = instr._exec_spans
        if len(spans) != len(instr.exec_form):
            spans = tuple((instr.args_start, instr.args_end) for _ in instr.exec_form)
        src_text = instr._source.text if instr._source is not None else ""
        words: list[Word] = []
        maps: list[list[int] | None] = []
        for text, (s, e) in zip(instr.exec_form, spans, strict=True):
            raw = src_text[s:e] if src_text else json.dumps(text)
            words.append(Word(text, raw, s, e, True))
            maps.append(_json_string_map(raw, s, len(text)))
        return parse_argv(words, instr.args, maps)
    if instr.heredocs:
        command_line = instr.args.strip()
        if len(instr.heredocs) == 1 and re.fullmatch(r"\d*<<-?\S+", command_line):
            doc = instr.heredocs[0]
            if not _shebang_is_shell(doc.body):
                return None
            return parse_shell(doc.body, doc.body_start)
        # parse the command line alone, each ``<<EOF`` marker turned into a
        # same-length ``<  EOF`` redirect, and hand the bodies over
        chars = list(_shell_view(instr, instr.args_start, instr.args_end))
        given: list[HeredocText] = []
        for doc in instr.heredocs:
            k = doc.start - instr.args_start
            if 0 <= k < len(chars):
                raw = "".join(chars[k : doc.end - instr.args_start])
                lead = raw.index("<<")
                width = 3 if raw[lead + 2 : lead + 3] == "-" else 2
                chars[k + lead] = "<"
                for j in range(k + lead + 1, k + lead + width):
                    chars[j] = " "
                given.append(
                    HeredocText(
                        doc.start + lead, doc.delimiter, doc.body, doc.body_start, doc.strip_tabs
                    )
                )
        return parse_shell("".join(chars), instr.args_start, given)
    text = _shell_view(instr, instr.args_start, instr.args_end)
    return parse_shell(text, instr.args_start)


def _shebang_is_shell(body: str) -> bool:
    m = _SHEBANG.match(body)
    if not m:
        return True
    prog = m.group(1).rsplit("/", 1)[-1]
    if prog == "env" and m.group(2):
        prog = m.group(2).rsplit("/", 1)[-1]
    return prog in _POSIX_SHELLS


def _json_string_map(raw: str, start: int, length: int) -> list[int] | None:
    """File offset of each character of the decoded JSON string ``raw`` (quotes included)."""
    out: list[int] = []
    i = 1
    n = len(raw) - 1
    while i < n:
        out.append(start + i)
        if raw[i] == "\\":
            i += 6 if raw[i + 1 : i + 2] == "u" else 2
        else:
            i += 1
    if len(out) != length:
        return None
    return out
