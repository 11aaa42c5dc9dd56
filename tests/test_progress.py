"""The progress line: drawn on a terminal after the delay, erased at the end, never on a non-terminal."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from sentra_lint.progress import Progress, render


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_render_counts_percent_and_rate() -> None:
    assert render(1234, 100000, 850.4) == "linting 1,234/100,000 files (1%)  850 files/s"


def test_render_without_rate_and_cut_to_the_width() -> None:
    assert render(0, 10, 0.0) == "linting 0/10 files (0%)"
    line = render(5, 10, 12.0, width=12)
    assert line == "linting 5/1"
    assert len(line) == 11  # one column spare: the cursor never wraps


def test_nothing_on_a_non_terminal() -> None:
    stream = io.StringIO()
    clock = Clock()
    progress = Progress(100, stream, clock=clock, width=80)
    for _ in progress.track(range(100)):
        clock.now += 1.0  # a slow run: far past the delay
    assert stream.getvalue() == ""


def test_nothing_before_the_delay() -> None:
    stream = FakeTerminal()
    clock = Clock()
    progress = Progress(10, stream, clock=clock, width=80)
    for _ in progress.track(range(10)):
        clock.now += 0.1  # done in one second
    assert stream.getvalue() == ""


def test_drawn_after_the_delay_and_erased_at_the_end() -> None:
    stream = FakeTerminal()
    clock = Clock()
    progress = Progress(50, stream, clock=clock, width=80)
    for _ in progress.track(range(50)):
        clock.now += 0.125  # 6.25 s in all; exact in binary floating point
    out = stream.getvalue()
    assert "\rlinting " in out.replace("\x1b[2K", "")
    assert "files/s" in out
    # The last thing written erases the line, so the report starts on a clean one.
    assert out.endswith("\r\x1b[2K")
    draws = [part for part in out.split("\r\x1b[2K") if part]
    # First at 2 s (16 files), then every other file (0.25 s apart): not once per file.
    assert draws[0] == "linting 16/50 files (32%)  8 files/s"
    assert 15 <= len(draws) <= 20
    assert draws[-1].startswith("linting 50/50 files (100%)")


def test_the_line_is_erased_when_the_run_fails() -> None:
    stream = FakeTerminal()
    clock = Clock()
    progress = Progress(5, stream, clock=clock, width=80)
    try:
        for n in progress.track(range(5)):
            clock.now += 3.0
            if n == 2:
                raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert stream.getvalue().endswith("\r\x1b[2K")


def _tree(tmp_path: Path, n: int) -> Path:
    for i in range(n):
        (tmp_path / f"Dockerfile.{i}").write_text("FROM alpine:3.20\nUSER 1000\n", encoding="utf-8")
    return tmp_path


def test_a_run_draws_on_a_terminal_and_erases_the_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sentra_lint import progress
    from sentra_lint.engine import run
    from sentra_lint.settings import Settings

    monkeypatch.setattr(progress, "DELAY", 0.0)
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    result = run([str(_tree(tmp_path, 3))], Settings(jobs=1, progress=True))
    assert result.files == 3
    out = terminal.getvalue()
    assert "linting 1/3 files" in out
    assert out.endswith("\r\x1b[2K")


def test_the_cli_writes_no_progress_to_a_non_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sentra_lint import progress
    from sentra_lint.cli import main

    # No delay: only the terminal check can keep this run quiet.
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setenv("TERM", "xterm")
    folder = _tree(tmp_path, 30)
    monkeypatch.setattr(sys, "argv", ["sentra-lint", "check", "--jobs", "1", "--format", "json", "--fail-on", "never", str(folder)])
    try:
        main()
    except SystemExit as exc:
        assert not exc.code
    captured = capsys.readouterr()
    assert '"files": 30' in captured.out
    assert captured.err == ""
