"""Shared test helpers: run the CLI in-process, find the shared corpus and schemas."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
# The OASIS SARIF 2.1.0 schema ships with the tests, so they never skip in a fresh clone.
SARIF_SCHEMA = REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json"
FIXTURES = REPO / "tests" / "fixtures"
SNAPSHOTS = REPO / "tests" / "snapshots"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@contextmanager
def chdir(path: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = None) -> CliResult:
    """Run sentra-lint in-process (fast) and capture its output and exit code."""
    from typer.testing import CliRunner

    from sentra_lint.cli import app

    runner = CliRunner()
    with chdir(cwd or Path.cwd()):
        res = runner.invoke(app, list(args), input=stdin, catch_exceptions=False)
    return CliResult(res.exit_code, res.stdout, res.stderr if res.stderr_bytes is not None else "")


def run_subprocess(*args: str, cwd: Path | None = None, stdin: str | None = None) -> CliResult:
    """Run sentra-lint as a separate process (exit codes, stdin, real streams)."""
    proc = subprocess.run(
        [sys.executable, "-m", "sentra_lint", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def needs_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")


@pytest.fixture
def repo_root() -> Path:
    return REPO
