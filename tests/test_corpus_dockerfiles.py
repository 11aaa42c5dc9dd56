"""Every Dockerfile of the shared corpus is linted end to end with every SD rule.

No internal error, every file accounted for (linted, or reported as SE001 /
SE002), and the same report from two runs. The corpus names files
``owner__repo__path__Dockerfile``, which discovery would not recognise, so
the files are passed explicitly as Dockerfiles. Run with ``-s`` to see the
finding count of each rule.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from sentra_lint.engine import run
from sentra_lint.result import RunResult
from sentra_lint.selection import parse_id_list
from sentra_lint.settings import Settings
from sentra_lint.source import Kind
from tests.conftest import CORPUS

DOCKERFILES = CORPUS / "dockerfiles"


def _lint(paths: list[str]) -> RunResult:
    settings = Settings(
        profile="all",
        select=parse_id_list("SD,SE"),
        kind=Kind.DOCKERFILE,
        jobs=2,
    )
    return run(paths, settings)


def _key(result: RunResult) -> list[tuple[object, ...]]:
    return [
        (f.rule, f.path, f.span, f.severity.value, f.message, f.fingerprint, f.suppressed)
        for f in result.findings
    ]


@pytest.fixture(scope="module")
def corpus_paths() -> list[str]:
    if not DOCKERFILES.is_dir():
        pytest.skip(f"corpus not found at {DOCKERFILES}")
    paths = sorted(str(p) for p in DOCKERFILES.iterdir() if p.is_file())
    if not paths:
        pytest.skip("corpus has no Dockerfiles")
    return paths


def test_corpus_lints_cleanly_and_deterministically(corpus_paths: list[str]) -> None:
    first = _lint(corpus_paths)
    assert first.errors == [], "\n".join(
        f"{e.path}: {e.rule}: {e.message}" for e in first.errors[:20]
    )
    assert first.files == len(corpus_paths)

    names = {Path(p).name for p in corpus_paths}
    by_file: dict[str, set[str]] = {}
    for f in first.findings:
        name = Path(f.path).name
        assert name in names, f"finding for a file that was not given: {f.path}"
        by_file.setdefault(name, set()).add(f.rule)
    skipped = {n for n, rules in by_file.items() if "SE002" in rules}
    for name in skipped:
        # a skipped file is not read, so nothing else can be reported for it
        assert by_file[name] == {"SE002"}, (name, by_file[name])
    # the corpus holds only readable text: nearly every file must really be
    # linted (templates, reported as a note, are skipped on purpose)
    unreadable = {
        Path(f.path).name for f in first.findings if f.rule == "SE002" and f.severity != "note"
    }
    assert len(unreadable) <= len(corpus_paths) // 100

    second = _lint(corpus_paths)
    assert second.errors == []
    assert _key(first) == _key(second)

    counts = Counter(f.rule for f in first.findings)
    files = Counter(rule for rules in by_file.values() for rule in rules)
    print()
    for rule in sorted(counts):
        print(f"{rule}: {counts[rule]} findings in {files[rule]} files")
