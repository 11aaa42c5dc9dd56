"""Source text, positions and spans.

Every parser in sentra-lint works on character offsets into the text of one
file; :class:`SourceFile` turns offsets into 1-based :class:`Span` values.
Line endings are normalised to ``\\n`` when a file is read (CRLF and lone CR
both count as one line break), so line numbers match what editors show.
"""

from __future__ import annotations

import bisect
from dataclasses import field

from sentra_lint._compat import StrEnum
from sentra_lint._dataclass import dataclass


class Kind(StrEnum):
    """What a file is, decided by discovery (or ``--kind``)."""

    DOCKERFILE = "dockerfile"
    WORKFLOW = "workflow"
    ACTION = "action"
    COMPOSE = "compose"
    DEVCONTAINER = "devcontainer"
    MCP = "mcp"
    """An MCP server configuration (``.mcp.json``, ``mcp.json``)."""
    SCRIPT = "script"


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A region of a file: 1-based lines and columns, end column exclusive.

    Columns count Unicode code points. ``end_column`` is the column just
    after the last character, as in SARIF.
    """

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int = 1) -> Span:
        return cls(line, column, line, column + 1)


@dataclass(slots=True)
class SourceFile:
    """One file's decoded, newline-normalised text and its line table."""

    path: str
    """The path as it is shown to users (relative, forward slashes)."""
    text: str
    kind: Kind | None = None
    _starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        find = self.text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._starts = starts

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        idx = bisect.bisect_right(self._starts, offset) - 1
        return idx + 1, offset - self._starts[idx] + 1

    def offset(self, line: int, column: int) -> int:
        """Character offset of a 1-based (line, column)."""
        line = max(1, min(line, len(self._starts)))
        return min(self._starts[line - 1] + column - 1, len(self.text))

    def span(self, start: int, end: int) -> Span:
        """The span of ``text[start:end]``; an empty range becomes one column wide."""
        if end < start:
            start, end = end, start
        line, col = self.position(start)
        end_line, end_col = self.position(end)
        if (end_line, end_col) == (line, col):
            end_col = col + 1
        return Span(line, col, end_line, end_col)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its newline."""
        if line < 1 or line > len(self._starts):
            return ""
        start = self._starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start:] if end == -1 else self.text[start:end]

    def line_start(self, line: int) -> int:
        return self._starts[max(1, min(line, len(self._starts))) - 1]


def normalise_newlines(text: str) -> str:
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")
