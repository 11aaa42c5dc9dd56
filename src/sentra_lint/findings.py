"""Violations (what a rule reports) and findings (what the engine stamps)."""

from __future__ import annotations

from dataclasses import field

from sentra_lint._compat import StrEnum
from sentra_lint._dataclass import dataclass
from sentra_lint.source import Span


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "note": 1}[self.value]


@dataclass(frozen=True, slots=True)
class Related:
    """A second place a finding involves (another file, or another line)."""

    path: str
    span: Span
    message: str


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text between two character offsets of the file."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True, slots=True)
class Fix:
    """Edits that repair a finding, and whether they are safe to apply unasked."""

    description: str
    edits: tuple[Edit, ...]
    safe: bool = True


@dataclass(frozen=True, slots=True)
class Violation:
    """What a rule yields: a span in the file it was given, and a message.

    ``severity`` overrides the rule's default for rules with two levels.
    ``path`` is set only by cross-file rules whose primary location is not
    the file being checked.
    """

    span: Span
    message: str
    severity: Severity | None = None
    related: tuple[Related, ...] = ()
    fixes: tuple[Fix, ...] = ()
    path: str | None = None
    group: str | None = None
    """The launch a missing control belongs to (its label and why it is a target):
    the text report lists a launch's missing controls together."""
    lacks: str | None = None
    """The missing control in a word or two (``--cap-drop=ALL``), with :attr:`group`."""


@dataclass(slots=True)
class Finding:
    """A violation stamped by the engine with its rule, file and severity."""

    rule: str
    name: str
    severity: Severity
    path: str
    span: Span
    message: str
    related: tuple[Related, ...] = ()
    fixes: tuple[Fix, ...] = ()
    suppressed: bool = False
    suppression_kind: str | None = None  # "inSource" or "external"
    justification: str | None = None
    fingerprint: str = ""
    source_line: str = field(default="", repr=False)
    group: str | None = None
    lacks: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.span.line, self.span.column, self.rule, self.message)
