"""The shell model rules see: words, redirects, simple commands, scripts.

All offsets are character offsets into the file the script came from (the
``base`` given to :func:`sentra_lint.shell.parse_shell` is already added).
"""

from __future__ import annotations

from dataclasses import field
from typing import NamedTuple

from sentra_lint._dataclass import dataclass

CONTEXTS = ("top", "command_substitution", "process_substitution", "shell_c", "subshell")


@dataclass(frozen=True, slots=True)
class Word:
    """One shell word.

    ``text`` is the value with quotes removed and backslash escapes resolved
    where that is certain; expansions (``$VAR``, ``${..}``, ``$(..)``,
    backticks, ``${{ }}``) are kept as written and make ``literal`` false.
    """

    text: str
    raw: str
    start: int
    end: int
    literal: bool = True


class HeredocText(NamedTuple):
    """A here-document read by the caller (see :func:`sentra_lint.shell.parse_shell`)."""

    marker_start: int
    delimiter: str
    body: str
    body_start: int
    strip_tabs: bool = False


@dataclass(frozen=True, slots=True)
class Redirect:
    """A redirection: ``op`` is ``<``, ``>``, ``>>``, ``2>``, ``&>``, ``<<``, ``<<-``, ``<<<`` ...

    ``fd`` is the descriptor written before the operator (``2`` in ``2>&1``).
    For a here-document ``target`` is the delimiter word, ``start``/``end``
    cover the ``<<EOF`` marker only, ``body`` is the text between the
    redirect line and the closing delimiter and ``body_start`` its offset.
    """

    op: str
    target: Word | None
    start: int
    end: int
    fd: str | None = None
    body: str | None = None
    body_start: int | None = None

    @property
    def is_heredoc(self) -> bool:
        return self.op in ("<<", "<<-")


@dataclass(frozen=True, slots=True)
class Command:
    """One simple command.

    ``argv`` is the effective command line after unwrapping ``sudo``, ``env``,
    ``nohup``, ``exec``, ``time``, ``command``, ``nice`` and ``xargs`` (the
    unwrapped names are in ``wrappers``); ``raw_argv`` is what was written.
    ``pipeline`` is shared by every command of one ``a | b | c`` pipeline
    (a command outside a pipeline has a pipeline of its own, length 1).
    ``parent`` is the index of the command whose argument or redirect holds
    the substitution this command runs in (``None`` at top level).
    """

    index: int
    argv: tuple[Word, ...]
    raw_argv: tuple[Word, ...]
    wrappers: tuple[str, ...]
    assignments: tuple[Word, ...]
    redirects: tuple[Redirect, ...]
    start: int
    end: int
    pipeline: int
    pipe_index: int
    pipe_length: int
    context: str = "top"
    parent: int | None = None

    @property
    def name(self) -> str:
        """Basename of ``argv[0]`` (``/usr/bin/pip3`` -> ``pip3``), or ``''``."""
        if not self.argv:
            return ""
        return self.argv[0].text.rsplit("/", 1)[-1]

    @property
    def args(self) -> tuple[Word, ...]:
        """``argv`` without the command name."""
        return self.argv[1:]

    @property
    def texts(self) -> tuple[str, ...]:
        """The text of every word of ``argv``."""
        return tuple(w.text for w in self.argv)

    def has_arg(self, *texts: str) -> bool:
        """Whether any argument (not the name) is exactly one of ``texts``."""
        return any(w.text in texts for w in self.argv[1:])


@dataclass(frozen=True, slots=True)
class ShellScript:
    """Every simple command of a script, in source order.

    ``ok`` is true when the parser saw no syntax error; ``parser`` says which
    parser produced the commands (``tree-sitter`` or ``fallback``).
    """

    source: str
    commands: tuple[Command, ...]
    ok: bool
    base: int = 0
    parser: str = "tree-sitter"
    _pipelines: dict[int, tuple[Command, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """Pipeline id -> its commands in order; built on first use, so lookups are O(1)."""

    def _pipeline(self, pipeline: int) -> tuple[Command, ...]:
        if not self._pipelines and self.commands:
            grouped: dict[int, list[Command]] = {}
            for c in self.commands:
                grouped.setdefault(c.pipeline, []).append(c)
            self._pipelines.update((k, tuple(v)) for k, v in grouped.items())
        return self._pipelines.get(pipeline, ())

    def next_in_pipe(self, cmd: Command) -> Command | None:
        """The command that reads ``cmd``'s output through ``|``, if any."""
        if cmd.pipe_index + 1 >= cmd.pipe_length:
            return None
        members = self._pipeline(cmd.pipeline)
        k = cmd.pipe_index + 1
        if k < len(members) and members[k].pipe_index == k:
            return members[k]
        return next((other for other in members if other.pipe_index == k), None)

    def pipe_members(self, cmd: Command) -> tuple[Command, ...]:
        """Every command of ``cmd``'s pipeline (``cmd`` included), in order."""
        return self._pipeline(cmd.pipeline)

    def children(self, cmd_index: int) -> tuple[Command, ...]:
        """Commands run in substitutions inside the arguments or redirects of a command."""
        return tuple(c for c in self.commands if c.parent == cmd_index)

    def descendants(self, cmd_index: int) -> tuple[Command, ...]:
        """Children, their children, and so on."""
        wanted = {cmd_index}
        out: list[Command] = []
        for c in self.commands:
            if c.parent is not None and c.parent in wanted:
                wanted.add(c.index)
                out.append(c)
        return tuple(out)

    def named(self, *names: str) -> tuple[Command, ...]:
        """Commands whose effective name is one of ``names``."""
        return tuple(c for c in self.commands if c.name in names)
