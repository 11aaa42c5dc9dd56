"""The shared corpus of workflows and Compose files lints with the SC rules
without an internal error, and twice in a row to the same output."""

from __future__ import annotations

import json

import pytest

from tests.conftest import CORPUS, needs_corpus, run_cli


@pytest.mark.parametrize(("folder", "kind"), [("workflows", "workflow"), ("compose", "compose")])
def test_corpus_launches_lint_cleanly_and_deterministically(folder: str, kind: str) -> None:
    needs_corpus()
    files = sorted(p.name for p in (CORPUS / folder).iterdir() if p.is_file())
    assert files

    def lint() -> str:
        res = run_cli(
            "check",
            *files,
            "--kind",
            kind,
            "--select",
            "SC",
            "--profile",
            "all",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--jobs",
            "1",
            cwd=CORPUS / folder,
        )
        assert res.code == 0, res.err
        return res.out

    first = lint()
    data = json.loads(first)
    assert data["errors"] == []
    assert data["summary"]["files"] == len(files)
    assert data["findings"], "the corpus has container launches"
    assert lint() == first
