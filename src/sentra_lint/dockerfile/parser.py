"""Our own Dockerfile lexer: directives, continuations, heredocs, flags, stages.

Docker's rules, as BuildKit applies them:

* parser directives (``# syntax=``, ``# escape=``, ``# check=``) only at the
  very top, before any comment, blank line or instruction;
* a line ending in the escape character (trailing blanks allowed) continues
  the instruction; comment lines and blank lines inside a continued
  instruction are dropped;
* ``RUN``/``COPY``/``ADD`` may carry here-documents: ``<<EOF``, ``<<-EOF``
  (leading tabs stripped), ``<<"EOF"``/``<<'EOF'`` (no expansion), several
  on one line; their bodies start on the line after the instruction.

Every problem becomes a :class:`ParseProblem`; parsing goes on with the next
line, so one bad instruction never hides the rest of the file.
"""

from __future__ import annotations

import dataclasses
import json
import re

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.dockerfile.model import (
    DEFAULT_SHELL,
    WINDOWS_SHELL,
    Comment,
    Dockerfile,
    Flag,
    Heredoc,
    Instruction,
    ParseProblem,
    Stage,
)
from sentra_lint.images import parse_image_ref
from sentra_lint.shell.model import Word
from sentra_lint.shell.quoting import split_words, unquote
from sentra_lint.source import SourceFile

KNOWN_INSTRUCTIONS = frozenset(
    [
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    ]
)
HEREDOC_INSTRUCTIONS = frozenset(["RUN", "COPY", "ADD"])
FLAG_INSTRUCTIONS = frozenset(["RUN", "COPY", "ADD", "FROM", "HEALTHCHECK"])
_KNOWN_FLAGS: dict[str, frozenset[str]] = {
    "RUN": frozenset(["--mount", "--network", "--security", "--device"]),
    "COPY": frozenset(["--from", "--chown", "--chmod", "--link", "--parents", "--exclude"]),
    "ADD": frozenset(
        ["--chown", "--chmod", "--link", "--checksum", "--keep-git-dir", "--exclude", "--unpack"]
    ),
    "FROM": frozenset(["--platform"]),
}
"""Flags BuildKit's Dockerfile frontend accepts (labs ones included), per instruction."""
EXEC_INSTRUCTIONS = frozenset(["RUN", "CMD", "ENTRYPOINT", "SHELL", "HEALTHCHECK"])

_DIRECTIVE = lazy_compile(r"^#[ \t]*([A-Za-z][A-Za-z0-9]*)[ \t]*=[ \t]*(.*?)[ \t]*$")
_KNOWN_DIRECTIVES = frozenset(["syntax", "escape", "check"])
_HEREDOC_WORD = lazy_compile(r"^(\d*)<<(-?)([^<]+)$")
_TEMPLATE_LINE = lazy_compile(r"^[ \t]*(\{\{|\{%|\{#|<%)")
# Windows base images run RUN with cmd by default, not /bin/sh
_WINDOWS_IMAGE = lazy_compile(
    r"nanoserver|servercore|^(?:mcr\.microsoft\.com/)?windows(?:[/:@]|$)|^microsoft/\S*windows"
)
_TEMPLATE_TOKEN = lazy_compile(r"\{\{|\{%")
_VAR = lazy_compile(
    r"\$(?:\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-+])(?P<word>[^}]*))?\}"
    r"|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)
# After the last "}" only $NAME can match: trying ${NAME:-word there would scan to
# the end of the text from every "${" (quadratic on `${B:-` without a closing brace).
_PLAIN_VAR = lazy_compile(r"\$(?P<plain>[A-Za-z_][A-Za-z0-9_]*)")


_MAX_TRIGGERS = 200
_NOT_NEWLINE = lazy_compile(r"[^\n]")


def parse_dockerfile(src: SourceFile) -> Dockerfile:
    """Parse ``src`` into a :class:`Dockerfile`. Never raises on bad input."""
    return _Parser(src).run()


class _Parser:
    def __init__(self, src: SourceFile) -> None:
        self.src = src
        self.text = src.text
        self.lines: list[tuple[int, int]] = []  # (start, end) without the newline
        start = 0
        text = self.text
        while True:
            nl = text.find("\n", start)
            if nl == -1:
                self.lines.append((start, len(text)))
                break
            self.lines.append((start, nl))
            start = nl + 1
        self.escape = "\\"
        self.syntax: str | None = None
        self.directives: list[tuple[str, str]] = []
        self.comments: list[Comment] = []
        self.problems: list[ParseProblem] = []
        self.template_at: int | None = None
        self.triggers = 0

    # -- helpers -----------------------------------------------------------
    def problem(self, start: int, end: int, message: str) -> None:
        self.problems.append(ParseProblem(self.src.span(start, end), message))

    def line_text(self, i: int) -> str:
        s, e = self.lines[i]
        return self.text[s:e]

    def add_comment(self, i: int) -> None:
        s, e = self.lines[i]
        lt = self.text[s:e]
        cs = s + (len(lt) - len(lt.lstrip()))
        ce = s + len(lt.rstrip())
        self.comments.append(Comment(self.text[cs:ce], self.src.span(cs, ce), cs, ce))

    def note_template(self, offset: int) -> None:
        if self.template_at is None or offset < self.template_at:
            self.template_at = offset

    # -- main loop ---------------------------------------------------------
    def run(self) -> Dockerfile:
        i = self.directives_end()
        n = len(self.lines)
        instructions: list[Instruction] = []
        shell: tuple[str, ...] = DEFAULT_SHELL
        stage_shells: dict[str, tuple[str, ...]] = {}
        stage = -1
        while i < n:
            s, e = self.lines[i]
            lt = self.text[s:e]
            stripped = lt.strip()
            if not stripped or stripped == self.escape:
                # a lone escape continues an empty line into the next one
                i += 1
                continue
            if stripped.startswith("#"):
                self.add_comment(i)
                i += 1
                continue
            m = _TEMPLATE_LINE.match(lt)
            if m:
                self.note_template(s + m.start(1))
            instr, i = self.instruction(i, stage, shell)
            if instr.keyword == "FROM":
                stage = instr.stage
                shell = self.stage_shell(instr, stage_shells)
            elif instr.keyword == "SHELL" and instr.exec_form:
                shell = instr.exec_form
            instructions.append(instr)
        return self.finish(instructions)

    def stage_shell(
        self, frm: Instruction, stage_shells: dict[str, tuple[str, ...]]
    ) -> tuple[str, ...]:
        """The shell a stage starts with: an earlier stage's, or by the base image's OS."""
        words = frm.words
        image = words[0].text.lower() if words else ""
        if image in stage_shells:
            shell = stage_shells[image]
        elif _WINDOWS_IMAGE.search(image):
            shell = WINDOWS_SHELL
        else:
            shell = DEFAULT_SHELL
        if len(words) >= 3 and words[1].text.lower() == "as":
            stage_shells[words[2].text.lower()] = shell
        return shell

    def directives_end(self) -> int:
        """Read parser directives; return the index of the first other line."""
        seen: set[str] = set()
        for i in range(len(self.lines)):
            lt = self.line_text(i)
            m = _DIRECTIVE.match(lt)
            if not m:
                return i
            name = m.group(1).lower()
            if name not in _KNOWN_DIRECTIVES or name in seen:
                return i
            seen.add(name)
            value = m.group(2)
            self.add_comment(i)
            self.directives.append((name, value))
            s, _ = self.lines[i]
            if name == "escape":
                if value in ("\\", "`"):
                    self.escape = value
                else:
                    vs = s + lt.index(value, lt.index("=")) if value else s
                    self.problem(
                        vs,
                        vs + max(1, len(value)),
                        f"invalid escape directive {value!r}: use a backslash or a backtick",
                    )
            elif name == "syntax":
                self.syntax = value
        return len(self.lines)

    def continues(self, s: int, e: int) -> int | None:
        """Offset of the continuation escape if line ``[s, e)`` ends with one."""
        lt = self.text[s:e].rstrip(" \t")
        esc = self.escape
        # BuildKit: an escape that is itself escaped ("C:\\dir\\") does not continue
        if lt.endswith(esc) and not lt.endswith(esc + esc):
            return s + len(lt) - 1
        return None

    def instruction(self, i: int, stage: int, shell: tuple[str, ...]) -> tuple[Instruction, int]:
        text = self.text
        esc = self.escape
        n = len(self.lines)
        s, e = self.lines[i]
        lt = text[s:e]
        start = s + (len(lt) - len(lt.lstrip()))
        km = re.match(r"\S+", text[start:e])
        kw_end = start + (km.end() if km else 0)
        raw_kw = text[start:kw_end]
        if raw_kw.endswith(esc) and len(raw_kw) > 1 and not text[kw_end:e].strip():
            kw_end -= 1
            raw_kw = raw_kw[:-1]
        keyword = raw_kw.upper()
        if keyword == "FROM":
            stage += 1
            shell = DEFAULT_SHELL
        # gather the continued lines
        blank: list[tuple[int, int]] = []  # ranges Docker drops (blanked in every view)
        joins: list[int] = []  # plain "\\\n" continuations (kept for the shell parser)
        end = s + len(lt.rstrip())
        cur_s, cur_e = s, e
        last = i
        while True:
            cont = self.continues(cur_s, cur_e)
            if cont is None:
                break
            if esc == "\\" and cont == cur_e - 1:
                joins.append(cont)
            else:
                blank.append((cont, cur_e + 1 if cur_e < len(text) else cur_e))
            j = last + 1
            nxt: int | None = None
            while j < n:
                ls, le = self.lines[j]
                ltj = text[ls:le]
                sj = ltj.strip()
                if not sj or sj.startswith("#"):
                    if sj:
                        self.add_comment(j)
                    blank.append((ls, le + 1 if le < len(text) else le))
                    j += 1
                    continue
                nxt = j
                break
            if nxt is None:
                end = max(end, cont + 1)
                last = j - 1
                break
            last = nxt
            cur_s, cur_e = self.lines[nxt]
            end = cur_s + len(text[cur_s:cur_e].rstrip())
            tm = _TEMPLATE_LINE.match(text[cur_s:cur_e])
            if tm:
                self.note_template(cur_s + tm.start(1))
        logical_end = end
        # the flat view: continuations, dropped lines and newlines as spaces
        base = kw_end
        flat = text[kw_end:logical_end]
        if blank or joins:
            flat_chars = list(flat)
            for a, b in [*blank, *((j, j + 1) for j in joins)]:
                for k in range(max(a, base), min(b, logical_end)):
                    flat_chars[k - base] = " "
            flat = "".join(flat_chars)
        flat = flat.replace("\n", " ")
        # flags
        lead = len(flat) - len(flat.lstrip())
        args_start = kw_end + lead
        flags: list[Flag] = []
        if keyword in FLAG_INSTRUCTIONS:
            pos = lead
            while True:
                m = re.match(r"--([A-Za-z][A-Za-z0-9-]*)(?:=(\S*))?", flat[pos:])
                if not m or (pos + m.end() < len(flat) and not flat[pos + m.end()].isspace()):
                    break
                fs = base + pos
                fe = fs + m.end()
                value = m.group(2)
                if value is not None and any(q in value for q in "'\""):
                    value = unquote(value, escape=esc)[0]
                flags.append(Flag("--" + m.group(1), value, self.src.span(fs, fe), fs, fe))
                pos += m.end()
                pos += len(flat[pos:]) - len(flat[pos:].lstrip())
            args_start = base + pos
        args = flat[args_start - base :].rstrip()
        args_end = args_start + len(args)
        # the words are split here only when the heredocs need them, else on first use
        words: tuple[Word, ...] | None = None
        # heredocs
        heredocs: list[Heredoc] = []
        next_line = last + 1
        if keyword in HEREDOC_INSTRUCTIONS and "<<" in args:
            words = tuple(split_words(args, args_start, escape=esc))
            heredocs, next_line, tail = self.heredocs(words, next_line)
            if heredocs:
                # the instruction ends with the last closing delimiter
                end = max(end, tail)
        # exec form
        exec_form: tuple[str, ...] | None = None
        exec_spans: tuple[tuple[int, int], ...] = ()
        if keyword in EXEC_INSTRUCTIONS or keyword in ("VOLUME", "COPY", "ADD"):
            exec_args = args
            exec_base = args_start
            if keyword == "HEALTHCHECK":
                hm = re.match(r"CMD\s+", args, re.I)
                if hm:
                    exec_args = args[hm.end() :]
                    exec_base = args_start + hm.end()
            exec_form, exec_spans = self.exec_form(exec_args, exec_base, keyword)
        if keyword == "SHELL" and exec_form is None and args:
            self.problem(
                args_start, args_end, 'SHELL needs a JSON array, such as ["/bin/bash", "-c"]'
            )
        trigger: Instruction | None = None
        if keyword == "ONBUILD" and args:
            trigger = self.onbuild_trigger(i, args_start, end, stage, shell)
        kspan = self.src.span(start, kw_end)
        instr = Instruction(
            keyword=keyword,
            keyword_span=kspan,
            span=self.src.span(start, end),
            start=start,
            end=end,
            args_start=args_start,
            args_end=args_end,
            args=args,
            flags=tuple(flags),
            exec_form=exec_form,
            heredocs=tuple(heredocs),
            stage=stage,
            line=self.src.position(start)[0],
            shell=shell,
            escape=esc,
            raw_keyword=raw_kw,
            trigger=trigger,
            _source=self.src,
            _blank=tuple(blank),
            _joins=tuple(joins),
            _exec_spans=exec_spans,
            _words=words,
        )
        self.check(instr, stage)
        return instr, next_line

    def onbuild_trigger(
        self, line: int, args_start: int, end: int, stage: int, shell: tuple[str, ...]
    ) -> Instruction | None:
        """The instruction ``ONBUILD`` registers, parsed in place (file offsets kept).

        The text before the trigger is blanked (newlines kept), so the trigger
        reads as an instruction of its own at the same offsets. Only the first
        ``_MAX_TRIGGERS`` of a file are parsed: each costs a copy of the text
        before it.
        """
        self.triggers += 1
        if self.triggers > _MAX_TRIGGERS:
            return None
        text = self.text
        prefix = _NOT_NEWLINE.sub(" ", text[:args_start])
        sub = _Parser(SourceFile(self.src.path, prefix + text[args_start:end], self.src.kind))
        sub.escape = self.escape
        trigger, _ = sub.instruction(line, stage, shell)
        kw = trigger.keyword
        if kw in ("ONBUILD", "FROM", "MAINTAINER"):
            self.problem(
                trigger.start,
                trigger.start + len(trigger.raw_keyword),
                f"{kw} is not allowed as an ONBUILD trigger",
            )
            return None
        for p in sub.problems:
            self.problems.append(p)
        return dataclasses.replace(trigger, _source=self.src)

    def heredocs(self, words: tuple[Word, ...], line: int) -> tuple[list[Heredoc], int, int]:
        """Read the bodies of the heredocs named in ``words`` from line ``line`` on.

        Returns the heredocs, the index of the line after the last closing
        delimiter and the offset where that delimiter ends.
        """
        specs: list[tuple[Word, str, bool, bool]] = []
        for w in words:
            m = _HEREDOC_WORD.match(w.raw)
            if not m:
                continue
            raw_delim = m.group(3)
            delim, _ = unquote(raw_delim)
            if not delim or any(c.isspace() for c in delim):
                continue
            specs.append((w, delim, m.group(2) == "-", "'" in raw_delim or '"' in raw_delim))
        out: list[Heredoc] = []
        n = len(self.lines)
        text = self.text
        tail = 0
        for w, delim, strip_tabs, quoted in specs:
            body_start = self.lines[line][0] if line < n else len(text)
            j = line
            found = False
            while j < n:
                ls, le = self.lines[j]
                lt = text[ls:le]
                cand = lt.lstrip("\t") if strip_tabs else lt
                if cand == delim or cand.rstrip(" \t") == delim:
                    found = True
                    break
                j += 1
            if found:
                body_end = self.lines[j][0]
                tail = self.lines[j][0] + len(self.line_text(j).rstrip())
                line = j + 1
            else:
                body_end = len(text)
                tail = len(text.rstrip())
                line = n
                self.problem(
                    w.start,
                    w.end,
                    f"heredoc {w.raw} is never closed: no line with just {delim!r} follows",
                )
            out.append(
                Heredoc(
                    delimiter=delim,
                    body=text[body_start:body_end],
                    body_start=body_start,
                    strip_tabs=strip_tabs,
                    quoted=quoted,
                    start=w.start,
                    end=w.end,
                    terminated=found,
                )
            )
        return out, line, tail

    def exec_form(
        self, args: str, base: int, keyword: str
    ) -> tuple[tuple[str, ...] | None, tuple[tuple[int, int], ...]]:
        stripped = args.strip()
        if not stripped.startswith("["):
            return None, ()
        try:
            value = json.loads(stripped)
        except ValueError:
            value = None
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            lead = len(args) - len(args.lstrip())
            return tuple(value), tuple(_json_string_spans(args, base, lead))
        # Not a JSON array (``CMD ["echo", "x"`` without the closing bracket
        # included): BuildKit runs it in shell form, and so do we.
        return None, ()

    def check(self, instr: Instruction, stage: int) -> None:
        kw = instr.keyword
        if "{" in instr.raw_keyword or "}" in instr.raw_keyword:
            self.note_template(instr.start + instr.raw_keyword.find("{"))
        if kw not in KNOWN_INSTRUCTIONS:
            self.problem(
                instr.start,
                instr.start + len(instr.raw_keyword),
                f"unknown instruction {instr.raw_keyword!r}",
            )
            return
        if stage < 0 and kw not in ("ARG", "FROM"):
            self.problem(
                instr.start,
                instr.start + len(instr.raw_keyword),
                f"{kw} before the first FROM: only ARG and parser directives may come first",
            )
        if not instr.args and not instr.heredocs and kw != "FROM":
            self.problem(instr.start, instr.end, f"{kw} needs arguments")
        if kw == "FROM":
            if not instr.words:
                self.problem(instr.start, instr.end, "FROM needs an image")
            elif _TEMPLATE_TOKEN.search(instr.words[0].raw):
                m = _TEMPLATE_TOKEN.search(instr.args)
                self.note_template(instr.args_start + (m.start() if m else 0))
            else:
                self.check_from_words(instr)
        self.check_flags(instr)
        if not instr.args and not instr.heredocs:
            return
        if kw == "ENV":
            self.check_env(instr)
        elif kw in ("COPY", "ADD") and not instr.heredocs:
            count = len(instr.exec_form) if instr.exec_form is not None else len(instr.words)
            if count < 2:
                self.problem(
                    instr.args_start,
                    instr.args_end,
                    f"{kw} needs a source and a destination (`{kw} <src>... <dest>`)",
                )

    def check_from_words(self, instr: Instruction) -> None:
        """``FROM image [AS name]``: BuildKit rejects any other number of words."""
        words = instr.words
        if len(words) == 1 or (len(words) == 3 and words[1].text.lower() == "as"):
            return
        extra = words[3] if len(words) > 3 else words[1]
        self.problem(
            extra.start,
            words[-1].end,
            "FROM takes an image and optionally `AS <name>`: "
            f"{' '.join(w.raw for w in words[1:])!r} is not that",
        )

    def check_flags(self, instr: Instruction) -> None:
        """Flags BuildKit does not know for this instruction are errors there."""
        known = _KNOWN_FLAGS.get(instr.keyword)
        if known is None:
            return
        for flag in instr.flags:
            if flag.name.lower() not in known:
                self.problem(
                    flag.start,
                    flag.end,
                    f"unknown flag {flag.name} for {instr.keyword} "
                    f"(known: {', '.join(sorted(known))})",
                )

    def check_env(self, instr: Instruction) -> None:
        """``ENV NAME value`` or ``ENV NAME=value ...``; a name alone has no value."""
        words = instr.words
        if not words:
            return
        if "=" not in words[0].text:
            if len(words) == 1:
                w = words[0]
                self.problem(
                    w.start,
                    w.end,
                    f"ENV {w.raw} has no value: write `ENV {w.raw}=<value>`",
                )
            return
        for w in words[1:]:
            if "=" not in w.text and "=" not in w.raw:
                self.problem(
                    w.start,
                    w.end,
                    f"ENV {w.raw!r} is not of the form NAME=value",
                )

    # -- stages ------------------------------------------------------------
    def finish(self, instructions: list[Instruction]) -> Dockerfile:
        global_args: dict[str, str | None] = {}
        order: list[str] = []
        for instr in instructions:
            if instr.keyword == "FROM":
                break
            if instr.keyword == "ARG":
                for name, value in _arg_pairs(instr.words, global_args):
                    if name not in global_args:
                        order.append(name)
                    global_args[name] = value
        stages: list[Stage] = []
        current: list[Instruction] = []
        for instr in instructions:
            if instr.keyword == "FROM":
                if current:
                    stages.append(self.stage(len(stages), current, stages, global_args))
                current = [instr]
            elif current:
                current.append(instr)
        if current:
            stages.append(self.stage(len(stages), current, stages, global_args))
        if not stages and instructions and self.template_at is None:
            first = instructions[0]
            self.problem(first.start, first.start + len(first.raw_keyword), "no FROM instruction")
        problems = self.problems
        if self.template_at is not None:
            problems = [
                ParseProblem(
                    self.src.span(self.template_at, self.template_at + 2),
                    "this looks like a template ({{ }}, {% %} or <% %>), not a Dockerfile: "
                    "render it first and lint the result",
                )
            ] + [p for p in problems if p.message.startswith("invalid escape")]
        problems.sort(key=lambda p: (p.span.line, p.span.column))
        return Dockerfile(
            source=self.src,
            instructions=tuple(instructions),
            stages=tuple(stages),
            comments=tuple(sorted(self.comments, key=lambda c: c.start)),
            escape=self.escape,
            syntax=self.syntax,
            problems=tuple(problems),
            directives=tuple(self.directives),
            global_args=tuple((k, global_args[k]) for k in order),
            template=(
                None if self.template_at is None else self.src.span(self.template_at, self.template_at + 2)
            ),
        )

    def stage(
        self,
        index: int,
        instrs: list[Instruction],
        earlier: list[Stage],
        global_args: dict[str, str | None],
    ) -> Stage:
        frm = instrs[0]
        words = frm.words
        name: str | None = None
        if len(words) >= 3 and words[1].text.lower() == "as":
            name = words[2].text.lower()
        if words:
            img = words[0]
            raw = img.text if img.literal else img.raw
            value = substitute(img.raw, global_args, self.escape) if not img.literal else img.text
            base = parse_image_ref(value if value is not None else img.raw)
            base_span = self.src.span(img.start, img.end)
        else:
            raw = ""
            value = None
            base = parse_image_ref("")
            base_span = frm.keyword_span
        base_stage: int | None = None
        if value is not None:
            low = value.lower()
            for st in earlier:
                if st.name is not None and st.name == low:
                    base_stage = st.index
            if base_stage is not None:
                base = parse_image_ref(value)
        platform_flag = frm.flag("platform")
        platform = platform_flag.value if platform_flag is not None else None
        return Stage(
            index=index,
            name=name,
            from_instruction=frm,
            base=base,
            base_span=base_span,
            base_stage=base_stage,
            instructions=tuple(instrs),
            platform=platform,
            base_raw=raw,
        )


def _arg_pairs(
    words: tuple[Word, ...], known: dict[str, str | None]
) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for w in words:
        name, eq, _ = w.text.partition("=")
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
            continue
        if not eq:
            out.append((name, None))
            continue
        raw_value = w.raw.split("=", 1)[1] if "=" in w.raw else ""
        if w.literal:
            out.append((name, w.text.split("=", 1)[1]))
        else:
            out.append((name, substitute(raw_value, known)))
    return out


def substitute(raw: str, env: dict[str, str | None], escape: str = "\\") -> str | None:
    """Expand ``$VAR``/``${VAR}``/``${VAR:-x}``/``${VAR:+x}`` in ``raw``; ``None`` if uncertain.

    A variable that is not in ``env``, or has no default, is uncertain (a
    ``--build-arg`` may set it).
    """
    text, _ = unquote(raw, escape=escape) if "$" not in raw else (raw, [])
    if "$" not in text:
        return text
    if "${{" in text or "$(" in text or "`" in text:
        return None
    failed = False

    def repl(m: re.Match[str]) -> str:
        nonlocal failed
        groups = m.groupdict()
        name = groups.get("name") or groups["plain"]
        if name not in env or env[name] is None:
            failed = True
            return ""
        value = env[name] or ""
        op = groups.get("op")
        if op is None:
            return value
        word = m.group("word") or ""
        if op in (":-", "-"):
            return value if (value or op == "-") else word
        return word if (value or op == "+") else ""

    cut = text.rfind("}") + 1
    out = _VAR.sub(repl, text[:cut]) + _PLAIN_VAR.sub(repl, text[cut:])
    if failed or "$" in out:
        return None
    value, _ = unquote(out, escape=escape)
    return value


def _json_string_spans(args: str, base: int, pos: int) -> list[tuple[int, int]]:
    """Offsets (``base`` added) of each string of a JSON array in ``args``."""
    out: list[tuple[int, int]] = []
    n = len(args)
    i = pos
    while i < n:
        if args[i] == '"':
            j = i + 1
            while j < n and args[j] != '"':
                j += 2 if args[j] == "\\" else 1
            out.append((base + i, base + min(j + 1, n)))
            i = j + 1
        else:
            i += 1
    return out
