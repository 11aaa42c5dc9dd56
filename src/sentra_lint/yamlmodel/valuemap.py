"""Where each character of a YAML scalar's value is written in the file.

Kept apart from the nodes so that the scalar mapper (``scalarmap``) and the
nodes that call it on demand both import it without importing each other.
"""

from __future__ import annotations

import bisect
from dataclasses import field

from sentra_lint._dataclass import dataclass
from sentra_lint.source import SourceFile, Span


@dataclass(frozen=True, slots=True)
class ValueMap:
    """Where each character of a scalar's value is written in the file.

    ``offset(i)`` is the offset of the source text that produced ``value[i]``
    and ``end_offset(i)`` the offset just after it: one character for most,
    the whole escape for ``\\n`` or ``\\u00e9``, both quotes for ``''``. A
    line break folded into a space (or a kept newline) maps to the line
    break. ``exact`` is false when the value could not be re-derived from the
    text (then every character maps to the scalar's start).

    Stored as runs ``(value index, file offset, length, width)``: a run of
    ``length > 1`` maps characters one to one (width 1); a single character
    may come from ``width`` source characters. ``starts`` and ``ends`` give
    the per-character view as tuples.
    """

    runs: tuple[tuple[int, int, int, int], ...]
    length: int
    exact: bool
    node_start: int
    node_end: int
    _index: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", tuple(r[0] for r in self.runs))

    def __len__(self) -> int:
        return self.length

    def _run(self, i: int) -> tuple[int, int, int, int]:
        return self.runs[bisect.bisect_right(self._index, i) - 1]

    def offset(self, i: int) -> int:
        """Offset of ``value[i]``; ``i == len(value)`` gives the end of the last character."""
        if not self.length:
            return self.node_start
        if i >= self.length:
            return self.end_offset(self.length - 1)
        i = max(i, 0)
        vi, fi, _n, _w = self._run(i)
        return fi + (i - vi)

    def end_offset(self, i: int) -> int:
        """Offset just after the source of ``value[i]``."""
        if not self.length:
            return self.node_start
        i = max(0, min(i, self.length - 1))
        vi, fi, n, w = self._run(i)
        return fi + (i - vi) + (1 if n > 1 else w)

    @property
    def starts(self) -> tuple[int, ...]:
        out: list[int] = []
        for _vi, fi, n, _w in self.runs:
            out.extend(range(fi, fi + n))
        return tuple(out)

    @property
    def ends(self) -> tuple[int, ...]:
        out: list[int] = []
        for _vi, fi, n, w in self.runs:
            if n > 1:
                out.extend(range(fi + 1, fi + n + 1))
            else:
                out.append(fi + w)
        return tuple(out)

    def range(self, i: int, j: int) -> tuple[int, int]:
        """Offsets ``(start, end)`` covering ``value[i:j]``."""
        n = self.length
        if n == 0:
            return self.node_start, self.node_start
        i = max(0, min(i, n - 1))
        j = max(i + 1, min(j, n))
        return self.offset(i), self.end_offset(j - 1)

    def span(self, src: SourceFile, i: int, j: int) -> Span:
        start, end = self.range(i, j)
        return src.span(start, end)
