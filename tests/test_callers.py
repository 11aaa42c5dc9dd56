"""Reachability through callers: a reusable workflow inherits its callers' outsider triggers."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentra_lint.crossfile import callers
from sentra_lint.discover import discover
from tests.conftest import run_cli

HEAD_RUN = """on: workflow_call
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v3
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: make test
"""


def repo(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / ".github" / "workflows" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def check(root: Path, *paths: str, select: str = "SW004") -> str:
    res = run_cli(
        "check", *(paths or (".",)), "--select", select, "--no-config", "--fail-on", "never",
        "--color", "never", cwd=root,
    )
    assert res.code == 0, res.out + res.err
    return res.out


def test_a_chain_of_callers_is_followed_and_named(tmp_path: Path) -> None:
    root = repo(tmp_path, {
        "pr.yml": "on: pull_request_target\njobs:\n  outer:\n    uses: ./.github/workflows/mid.yml\n",
        "mid.yml": "on: workflow_call\njobs:\n  inner:\n    uses: ./.github/workflows/test.yml\n",
        "test.yml": HEAD_RUN,
    })
    out = check(root)
    assert ".github/workflows/test.yml:8:16: SW004 [error]" in out
    assert (
        "through the caller .github/workflows/mid.yml job 'inner', called by "
        ".github/workflows/pr.yml job 'outer' (pull_request_target)"
    ) in out
    assert "note: .github/workflows/mid.yml:4:11: job 'inner' calls this workflow (pull_request_target)" in out
    assert "note: .github/workflows/pr.yml:4:11: job 'outer' calls .github/workflows/mid.yml" in out


def test_gates_of_every_caller_on_the_way_hold(tmp_path: Path) -> None:
    root = repo(tmp_path, {
        "pr.yml": (
            "on: pull_request_target\njobs:\n  outer:\n"
            "    if: github.event.pull_request.head.repo.full_name == github.repository\n"
            "    uses: ./.github/workflows/mid.yml\n"
        ),
        "mid.yml": "on: workflow_call\njobs:\n  inner:\n    uses: ./.github/workflows/test.yml\n",
        "test.yml": HEAD_RUN,
    })
    out = check(root)
    assert ".github/workflows/test.yml:8:16: SW004 [warning]" in out
    assert "gated by a check that the head is this repository" in out


def test_a_cycle_of_calls_ends(tmp_path: Path) -> None:
    root = repo(tmp_path, {
        "a.yml": (
            "on: [pull_request_target, workflow_call]\njobs:\n  a:\n    uses: ./.github/workflows/b.yml\n"
        ),
        "b.yml": "on: workflow_call\njobs:\n  b:\n    uses: ./.github/workflows/a.yml\n  t:\n    uses: ./.github/workflows/test.yml\n",
        "test.yml": HEAD_RUN,
    })
    found = callers.inherited_reach(discover([str(root)]), 10**6, lambda c: c.path.name)
    test = found[str((root / ".github/workflows/test.yml").resolve())]
    assert [tuple(h.job for h in b.hops) for b in test] == [("t", "a")]
    assert ".github/workflows/test.yml:8:16: SW004 [error]" in check(root)


def test_a_disabled_caller_and_a_trusted_trigger_give_nothing(tmp_path: Path) -> None:
    root = repo(tmp_path, {
        "pr.yml": "on: pull_request_target\njobs:\n  off:\n    if: false\n    uses: ./.github/workflows/test.yml\n",
        "push.yml": "on: push\njobs:\n  build:\n    uses: ./.github/workflows/test.yml\n",
        "test.yml": HEAD_RUN,
    })
    assert "test.yml" not in check(root)


def test_a_caller_not_linted_is_not_followed(tmp_path: Path) -> None:
    root = repo(tmp_path, {
        "pr.yml": "on: pull_request_target\njobs:\n  build:\n    uses: ./.github/workflows/test.yml\n",
        "test.yml": HEAD_RUN,
    })
    assert "SW004" not in check(root, ".github/workflows/test.yml")


def test_a_workflow_without_a_local_call_is_never_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo(tmp_path, {
        "ci.yml": "on: push\njobs:\n  build:\n    uses: org/repo/.github/workflows/x.yml@v1\n",
        "pr.yml": "on: pull_request_target\njobs:\n  build:\n    uses: \"$/.github/workflows/test.yml\"\n",
        "test.yml": HEAD_RUN,
    })
    parsed: list[str] = []
    real = callers._calls_of

    def spy(cand: object, display: str, here: set[str]) -> object:
        parsed.append(display)
        return real(cand, display, here)  # type: ignore[arg-type]

    monkeypatch.setattr(callers, "_calls_of", spy)
    found = callers.inherited_reach(discover([str(root)]), 10**6, lambda c: c.path.name)
    assert parsed == ["pr.yml"]
    assert list(found) == [str((root / ".github/workflows/test.yml").resolve())]


def test_sw010_and_sw011_inside_a_called_workflow(tmp_path: Path) -> None:
    root = repo(tmp_path, {
        "chatops.yml": "on: issue_comment\njobs:\n  run:\n    uses: ./.github/workflows/job.yml\n    secrets: inherit\n",
        "job.yml": (
            "on: workflow_call\njobs:\n  job:\n    runs-on: [self-hosted, linux]\n"
            "    steps:\n      - run: make\n        env:\n          TOKEN: ${{ secrets.TOKEN }}\n"
        ),
    })
    out = check(root, select="SW010,SW011")
    assert ".github/workflows/job.yml:4:15: SW010 [warning]" in out
    assert ".github/workflows/job.yml:3:3: SW011 [error]" in out
    assert "through the caller .github/workflows/chatops.yml job 'run' (issue_comment)" in out
