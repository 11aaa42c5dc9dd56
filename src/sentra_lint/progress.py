"""A progress line on a terminal for runs that take a while.

After :data:`DELAY` seconds, a run over many files shows one line on standard
error (``linting 1,234/100,000 files  850 files/s``), redrawn a few times a
second and erased when the run ends, so the report that follows starts on a
clean line. Nothing is written when the stream is not a terminal (CI logs,
pipes, pre-commit's captured output) or when the run is over before the delay.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TypeVar

T = TypeVar("T")

DELAY = 2.0
"""Seconds before the line first appears: a short run shows nothing."""
INTERVAL = 0.2
"""Seconds between redraws."""


def render(done: int, total: int, rate: float, width: int = 80) -> str:
    """The progress line: files done of total and the current rate, cut to ``width`` columns."""
    text = f"linting {done:,}/{total:,} files"
    if total:
        text += f" ({100 * done // total}%)"
    if rate > 0:
        text += f"  {rate:,.0f} files/s"
    return text[: max(0, width - 1)]


def wanted(stream: IO[str]) -> bool:
    """Whether a progress line may be drawn on ``stream``: a terminal, and not a dumb one."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        return False
    return tty and os.environ.get("TERM") != "dumb"


class Progress:
    """Counts files done and redraws the line on ``stream`` (only on a terminal, only after the delay)."""

    def __init__(
        self,
        total: int,
        stream: IO[str],
        *,
        delay: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        width: int | None = None,
    ) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.enabled = wanted(stream)
        self._clock = clock
        self._start = clock()
        self._next = self._start + (DELAY if delay is None else delay)
        self._shown = False
        self._width = width
        # The rate over the last few seconds, not since the start: (time, done) marks.
        self._marks: list[tuple[float, int]] = [(self._start, 0)]

    def advance(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = self._clock()
        if now < self._next:
            return
        self._next = now + INTERVAL
        self._marks.append((now, self.done))
        while len(self._marks) > 2 and now - self._marks[0][0] > 5.0:
            self._marks.pop(0)
        then, before = self._marks[0]
        rate = (self.done - before) / (now - then) if now > then else 0.0
        self._draw(render(self.done, self.total, rate, self._columns()))

    def close(self) -> None:
        """Erase the line (when one was drawn)."""
        if self._shown:
            self._write("\r\x1b[2K")
            self._shown = False

    def track(self, items: Iterable[T]) -> Iterator[T]:
        """Yield ``items``, counting each as one file done; the line is erased at the end."""
        try:
            for item in items:
                yield item
                self.advance()
        finally:
            self.close()

    def _columns(self) -> int:
        if self._width is not None:
            return self._width
        try:
            return os.get_terminal_size(self.stream.fileno()).columns
        except (AttributeError, ValueError, OSError):
            return 80

    def _draw(self, line: str) -> None:
        self._shown = True
        self._write("\r\x1b[2K" + line)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self.enabled = False  # a closed or broken terminal: stop drawing, keep linting
