"""Parallel runs give the same report as serial ones.

``--jobs N`` spreads files over a process pool (when there are enough files
to be worth it); the report must not depend on how the work was split or in
which order the workers finished. This checks correctness only: it never
looks at how long a run took.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import CORPUS, needs_corpus

KINDS = ("dockerfiles", "workflows", "compose")


def corpus_paths() -> list[str]:
    """Every corpus file, relative to the corpus so the command line stays short."""
    return sorted(f"{kind}/{p.name}" for kind in KINDS if (CORPUS / kind).is_dir() for p in (CORPUS / kind).iterdir() if p.is_file())


def lint(paths: list[str], jobs: int, fmt: str = "json") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "sentra_lint", "check", "--format", fmt, "--fail-on", "never", "--jobs", str(jobs), *paths],
        cwd=CORPUS,
        capture_output=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def paths() -> list[str]:
    needs_corpus()
    found = corpus_paths()
    if not found:
        pytest.skip(f"no corpus files under {CORPUS}")
    return found


def test_jobs_1_and_2_give_byte_identical_json_on_the_corpus(paths: list[str]) -> None:
    serial = lint(paths, jobs=1)
    parallel = lint(paths, jobs=2)
    assert serial.stdout, serial.stderr.decode("utf-8", "replace")[-2000:]
    assert serial.returncode == parallel.returncode
    assert serial.stderr == parallel.stderr
    if serial.stdout != parallel.stdout:
        a = serial.stdout.decode("utf-8", "replace").splitlines()
        b = parallel.stdout.decode("utf-8", "replace").splitlines()
        first = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        pytest.fail(
            f"--jobs 1 and --jobs 2 differ from line {first + 1}:\n"
            f"  jobs 1: {a[first] if first < len(a) else '<end>'}\n"
            f"  jobs 2: {b[first] if first < len(b) else '<end>'}"
        )

