"""The Dockerfile model: instructions, stages, comments and parse problems.

Offsets are character offsets into ``Dockerfile.source.text``; spans are
1-based (see :class:`sentra_lint.source.Span`).
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from sentra_lint._dataclass import dataclass
from sentra_lint.images import ImageRef
from sentra_lint.shell.model import ShellScript, Word
from sentra_lint.source import SourceFile, Span

DEFAULT_SHELL = ("/bin/sh", "-c")
WINDOWS_SHELL = ("cmd", "/S", "/C")
"""The default ``SHELL`` of a stage whose base image is Windows (nanoserver, servercore)."""


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """Something in the file Docker would reject or that we could not read."""

    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Comment:
    """A whole-line comment (parser directives included). ``text`` starts at ``#``."""

    text: str
    span: Span
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Flag:
    """An instruction flag such as ``--mount=type=cache,target=/root/.cache``.

    ``name`` keeps its dashes (``--mount``); ``value`` is ``None`` for a bare
    flag (``--link``) and is the text after the first ``=`` otherwise.
    """

    name: str
    value: str | None
    span: Span
    start: int
    end: int

    @property
    def options(self) -> dict[str, str]:
        """``key=value`` pairs of a comma-separated value (``--mount``); a bare key maps to ``''``."""
        out: dict[str, str] = {}
        for part in (self.value or "").split(","):
            key, _, val = part.partition("=")
            if key.strip():
                out[key.strip().lower()] = val.strip()
        return out


@dataclass(frozen=True, slots=True)
class Heredoc:
    """A BuildKit here-document (``RUN <<EOF`` ... ``EOF``).

    ``body`` is the text as written in the file between the marker line and
    the closing delimiter (newline before the delimiter included), starting
    at ``body_start``; with ``strip_tabs`` (``<<-``) Docker removes leading
    tabs, see :attr:`text`. ``quoted`` means the delimiter was quoted and the
    body is not expanded. ``start``/``end`` cover the ``<<EOF`` marker;
    ``terminated`` is false when the file ended before the delimiter.
    """

    delimiter: str
    body: str
    body_start: int
    strip_tabs: bool
    quoted: bool
    start: int
    end: int
    terminated: bool = True

    @property
    def text(self) -> str:
        """The body as Docker passes it on (leading tabs removed for ``<<-``)."""
        if not self.strip_tabs:
            return self.body
        return "".join(line.lstrip("\t") for line in self.body.splitlines(keepends=True))


@dataclass(frozen=True, slots=True)
class Instruction:
    """One instruction, continuation lines and heredoc bodies included.

    ``start``/``end`` cover the whole instruction; ``args_start``/``args_end``
    the argument text after the flags (heredoc bodies excluded). ``args`` is
    that text with line continuations and dropped comment lines blanked out,
    so ``args[k]`` is the character at ``args_start + k``. ``words`` splits
    the arguments like a shell would (quotes removed, offsets kept).
    ``trigger`` is the instruction an ``ONBUILD`` registers.
    ``stage`` is the index of the stage the instruction is in (``-1`` before
    the first ``FROM``). ``shell`` is the ``SHELL`` in effect.
    """

    keyword: str
    keyword_span: Span
    span: Span
    start: int
    end: int
    args_start: int
    args_end: int
    args: str
    flags: tuple[Flag, ...]
    exec_form: tuple[str, ...] | None
    heredocs: tuple[Heredoc, ...]
    stage: int
    line: int
    shell: tuple[str, ...] = DEFAULT_SHELL
    escape: str = "\\"
    raw_keyword: str = ""
    trigger: Instruction | None = None
    """For ``ONBUILD``: the instruction it registers (``RUN`` of ``ONBUILD RUN ...``),
    parsed with offsets into the ``ONBUILD`` line; it runs in images built from this one."""
    _source: SourceFile | None = field(default=None, repr=False, compare=False)
    _blank: tuple[tuple[int, int], ...] = field(default=(), repr=False, compare=False)
    _joins: tuple[int, ...] = field(default=(), repr=False, compare=False)
    _exec_spans: tuple[tuple[int, int], ...] = field(default=(), repr=False, compare=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    _words: tuple[Word, ...] | None = field(default=None, repr=False, compare=False)

    @property
    def words(self) -> tuple[Word, ...]:
        """The arguments split like a shell would, split on first use.

        Most ``RUN`` instructions never need them (rules read the shell
        analysis), so the parser leaves them to this property unless it
        needed them itself (heredocs).
        """
        if self._words is not None:
            return self._words
        words: tuple[Word, ...] | None = self._cache.get("words")
        if words is None:
            from sentra_lint.shell.quoting import split_words

            words = tuple(split_words(self.args, self.args_start, escape=self.escape))
            self._cache["words"] = words
        return words

    @property
    def script(self) -> ShellScript | None:
        """The shell analysis of a ``RUN``, parsed on first use and cached on the instruction.

        ``None`` for other instructions and when the ``SHELL`` in effect is
        not a POSIX shell (PowerShell, cmd): then read :attr:`words`.
        """
        from sentra_lint.dockerfile.script import run_script

        return run_script(self)

    def flag(self, name: str) -> Flag | None:
        """The last flag called ``name`` (with or without the leading ``--``)."""
        found = self.flags_named(name)
        return found[-1] if found else None

    def flags_named(self, name: str) -> tuple[Flag, ...]:
        """Every flag called ``name`` (``--mount`` may repeat), in order."""
        want = name if name.startswith("--") else "--" + name
        want = want.lower()
        return tuple(f for f in self.flags if f.name.lower() == want)

    @property
    def is_shell_form(self) -> bool:
        return self.exec_form is None

    @property
    def exec_spans(self) -> tuple[tuple[int, int], ...]:
        """``(start, end)`` of each JSON string of ``exec_form``, quotes included."""
        return self._exec_spans


@dataclass(frozen=True, slots=True)
class Stage:
    """One build stage: a ``FROM`` and the instructions up to the next ``FROM``.

    ``instructions`` starts with the ``FROM`` itself. ``base`` is the image
    after substituting global ``ARG`` defaults when the value is certain
    (``base.unknown`` otherwise); ``base_stage`` is the index of an earlier
    stage when ``FROM`` names one. ``base_raw`` is the image as written.
    """

    index: int
    name: str | None
    from_instruction: Instruction
    base: ImageRef
    base_span: Span
    base_stage: int | None
    instructions: tuple[Instruction, ...]
    platform: str | None = None
    base_raw: str = ""

    @property
    def label(self) -> str:
        """``'builder'`` for a named stage, ``'#2'`` otherwise."""
        return self.name if self.name is not None else f"#{self.index}"


@dataclass(frozen=True, slots=True)
class Dockerfile:
    """A parsed Dockerfile: its instructions, stages and comments."""

    source: SourceFile
    instructions: tuple[Instruction, ...]
    stages: tuple[Stage, ...]
    comments: tuple[Comment, ...]
    escape: str = "\\"
    syntax: str | None = None
    problems: tuple[ParseProblem, ...] = ()
    directives: tuple[tuple[str, str], ...] = ()
    """Parser directives as ``(lowercase name, value)``."""
    global_args: tuple[tuple[str, str | None], ...] = ()
    """``ARG`` declared before the first ``FROM``: ``(name, default or None)``."""
    template: Span | None = None
    """Where template markup (``{{ }}``, ``{% %}``, ``<% %>``) first shows: the
    file is a template, not a Dockerfile, and is skipped (SE002)."""
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Facts derived from the whole file once (per-stage tables the rules look up)."""

    @property
    def final_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def stage_by_name(self, name: str) -> Stage | None:
        """The stage called ``name`` (case-insensitive), or by index (``"0"``)."""
        low = name.lower()
        for stage in self.stages:
            if stage.name == low:
                return stage
        index = low.lstrip("0") or "0"  # no int() of an absurd digit string
        if low.isascii() and low.isdigit() and len(index) < 10 and int(index) < len(self.stages):
            return self.stages[int(index)]
        return None

    def instructions_named(self, *keywords: str) -> tuple[Instruction, ...]:
        wanted = {k.upper() for k in keywords}
        return tuple(i for i in self.instructions if i.keyword in wanted)

    @property
    def check_directive(self) -> str | None:
        for name, value in self.directives:
            if name == "check":
                return value
        return None
