"""A wall-clock budget for linting one file.

A file that makes a parser or a rule take too long (a pathological input, a
quadratic corner of a rule) must cost its own SE002 finding, never a hung
run. :func:`time_budget` arms ``SIGALRM`` with :func:`signal.setitimer` in
the process that lints the file (the CLI process, or a pool worker) and
raises :class:`BudgetExceeded` into whatever Python code is running when the
time is up. ``BudgetExceeded`` derives from ``BaseException`` so that the
``except Exception`` blocks that guard rules and parsers do not swallow it.

Where ``SIGALRM`` is not available (Windows) or the caller is not the main
thread, the budget is not enforced.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

DEFAULT_TIMEOUT = 10.0


class BudgetExceeded(BaseException):
    """The time budget ran out; ``seconds`` is the budget that was set."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"took longer than {seconds:g} s")
        self.seconds = seconds


def enforceable() -> bool:
    """Whether :func:`time_budget` can interrupt the current thread."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise :class:`BudgetExceeded` if the block runs longer than ``seconds``.

    ``None`` or a value ``<= 0`` disables the budget. Budgets do not nest: an
    inner budget replaces the outer one for its duration and restores the
    previous handler (not the remaining time) when it ends.
    """
    if seconds is None or seconds <= 0 or not enforceable():
        yield
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise BudgetExceeded(seconds)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
