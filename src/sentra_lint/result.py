"""What a run returns: findings, internal errors, and everything a reporter needs.

Reporters read a :class:`RunResult` and nothing else: the metadata of every
rule that ran or reported is in :attr:`RunResult.rules`, and what SARIF needs
from the files themselves (line hashes, newline style, where lines start) is
in :attr:`RunResult.sources` when the run was asked for it
(:func:`sentra_lint.sources.describe`). So a reporter never loads a rule and
never reads a file.
"""

from __future__ import annotations

import bisect
from dataclasses import field
from pathlib import Path
from typing import Any

from sentra_lint._dataclass import dataclass
from sentra_lint.findings import Finding
from sentra_lint.rulebase import Rule


@dataclass(frozen=True, slots=True)
class InternalError:
    """A crash inside sentra-lint (a rule or a parser): never a clean run."""

    path: str
    rule: str | None
    message: str

    @classmethod
    def of(cls, path: str, rule: str | None, exc: BaseException, prefix: str = "") -> InternalError:
        return cls(path, rule, prefix + describe_exception(exc))


def describe_exception(exc: BaseException) -> str:
    """``KeyError: 'x' (module.py:12)``: the exception and where it was raised."""
    import traceback

    tb = traceback.extract_tb(exc.__traceback__)
    where = f" ({Path(tb[-1].filename).name}:{tb[-1].lineno})" if tb else ""
    return f"{type(exc).__name__}: {exc}{where}"


@dataclass(slots=True)
class FileResult:
    """What linting one file gave."""

    findings: list[Finding] = field(default_factory=list)
    errors: list[InternalError] = field(default_factory=list)
    facts: Any = None
    """What the repository rules need from this file (``crossfile.facts.FileFacts``), when they run."""
    launches: list[Any] = field(default_factory=list)
    """The container launches in this file (``container.posture.Launch``), for posture reports."""
    reads: tuple[str, ...] = ()
    """What linting this file read besides it (``cache.recording``), when the run uses the result cache."""


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What a reporter needs from one file's text, read once by the run.

    ``hashes`` are the SARIF ``primaryLocationLineHash`` values of the file as
    it is on disk (``None`` when it cannot be read again: standard input, too
    large, vanished), far enough for every finding. ``starts`` and ``length``
    describe the newline-normalised text that fix offsets point into
    (``None`` when it cannot be decoded); ``newline`` is the file's own line
    break, which fixes write.
    """

    hashes: tuple[str, ...] | None
    newline: str = "\n"
    starts: tuple[int, ...] | None = None
    length: int = 0

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset into the normalised text."""
        assert self.starts is not None
        offset = max(0, min(offset, self.length))
        idx = bisect.bisect_right(self.starts, offset) - 1
        return idx + 1, offset - self.starts[idx] + 1


@dataclass(slots=True)
class RunResult:
    """What a run gave: its findings, errors and the rules that ran."""

    findings: list[Finding]
    errors: list[InternalError]
    files: int
    rules: list[Rule]
    """Every rule that ran or reported, in registry order."""
    notes: list[str] = field(default_factory=list)
    """What ``--verbose`` reports: files read for the repository rules."""
    launches: list[Any] = field(default_factory=list)
    """Every container launch linted (``container.posture.Launch``), in path and line order (``--format markdown``)."""
    sources: dict[str, SourceInfo] = field(default_factory=dict)
    """Per path of a finding, when the run was asked for it (SARIF)."""
    fixed: Any = None
    """What ``--fix`` or ``--diff`` did (``check.FixReport``), when asked."""
    baseline_recorded: int | None = None
    """How many findings ``--write-baseline`` recorded."""
    linted: list[str] = field(default_factory=list)
    """The paths linted, as shown (``--verbose``)."""

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)
