"""Reachability through callers: a reusable workflow inherits its callers' outsider triggers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sentra_lint.crossfile import callers
from sentra_lint.discover import discover
from tests.conftest import SNAPSHOTS, run_cli

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


# A reusable workflow that checks out the ref its caller passes, then runs it.
REF_RUN = """on:
  workflow_call:
    inputs:
      ref:
        type: string
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout{version}
        with:
          ref: ${{{{ inputs.ref }}}}{allow}
      - run: npm install
"""
PINNED = "@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2"


def callee(version: str = PINNED, allow: str = "") -> str:
    return REF_RUN.format(version=version, allow=allow)


def caller(trigger: str, ref: str, extra: str = "") -> str:
    return (
        f"on: {trigger}\njobs:\n  build:\n{extra}    uses: ./.github/workflows/build.yml\n"
        f"    with:\n      ref: {ref}\n"
    )


def snapshot(name: str, text: str) -> None:
    snap = SNAPSHOTS / "callers" / f"{name}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") or not snap.exists():
        snap.parent.mkdir(parents=True, exist_ok=True)
        snap.write_text(text)
    assert text == snap.read_text()


def test_a_gated_caller_that_passes_the_head_gives_the_gated_warning(tmp_path: Path) -> None:
    gate = "    if: github.event.pull_request.author_association == 'MEMBER'\n"
    root = repo(tmp_path, {
        "pr.yml": caller("pull_request_target", "${{ github.event.pull_request.head.sha }}", gate),
        "build.yml": callee(),
    })
    out = check(root)
    assert ".github/workflows/build.yml:12:16: SW004 [warning]" in out
    assert "checks out 'inputs.ref', which its caller sets to the pull request's head" in out
    assert "gated by an author_association check (members only)" in out
    assert "note: .github/workflows/pr.yml:7:12: job 'build' passes 'github.event.pull_request.head.sha' to input 'ref'" in out
    snapshot("ref-gated", out)


def test_a_refusing_checkout_version_is_a_note_unless_the_refusal_is_switched_off(tmp_path: Path) -> None:
    root = repo(tmp_path, {
        "pr.yml": caller("pull_request_target", "${{ github.event.pull_request.head.ref }}"),
        "build.yml": callee("@v4"),
    })
    out = check(root)
    assert ".github/workflows/build.yml:12:16: SW004 [note]" in out
    assert "actions/checkout v4 refuses a fork's code here" in out
    assert "note: .github/workflows/pr.yml:6:12: job 'build' passes 'github.event.pull_request.head.ref' to input 'ref'" in out
    snapshot("ref-refusing-version", out)
    (root / ".github/workflows/build.yml").write_text(
        callee("@v4", "\n          allow-unsafe-pr-checkout: true"), encoding="utf-8"
    )
    out = check(root)
    assert ".github/workflows/build.yml:12:16: SW004 [error]" in out
    assert "allow-unsafe-pr-checkout: true turns off checkout's refusal" in out
    snapshot("ref-unsafe-allowed", out)


@pytest.mark.parametrize(
    ("trigger", "ref"),
    [
        ("issue_comment", "refs/pull/${{ github.event.issue.number }}/head"),
        ("workflow_run", "${{ github.event.workflow_run.head_sha }}"),
        ("pull_request_target", "${{ github.head_ref }}"),
    ],
)
def test_every_form_of_the_head_a_caller_passes(tmp_path: Path, trigger: str, ref: str) -> None:
    root = repo(tmp_path, {"pr.yml": caller(trigger, ref), "build.yml": callee()})
    out = check(root)
    assert ".github/workflows/build.yml:12:16: SW004 [error]" in out, out
    assert f"through the caller .github/workflows/pr.yml job 'build' ({trigger})" in out


def test_a_job_output_that_carries_the_head(tmp_path: Path) -> None:
    pr = (
        "on: issue_comment\njobs:\n  pr:\n    runs-on: ubuntu-latest\n"
        "    outputs:\n      sha: ${{ steps.head.outputs.sha }}\n    steps:\n"
        "      - id: head\n        run: echo \"sha=$(gh pr view ${{ github.event.issue.number }}"
        " --json headRefOid -q .headRefOid)\" >> \"$GITHUB_OUTPUT\"\n"
        "  build:\n    needs: pr\n    uses: ./.github/workflows/build.yml\n"
        "    with:\n      ref: ${{ needs.pr.outputs.sha }}\n"
    )
    root = repo(tmp_path, {"pr.yml": pr, "build.yml": callee()})
    out = check(root)
    assert ".github/workflows/build.yml:12:16: SW004 [error]" in out, out
    assert "job 'build' passes 'needs.pr.outputs.sha' to input 'ref'" in out
    snapshot("ref-job-output", out)


def test_a_head_passed_on_through_a_chain_and_read_through_env(tmp_path: Path) -> None:
    mid = (
        "on:\n  workflow_call:\n    inputs:\n      sha:\n        type: string\njobs:\n  inner:\n"
        "    uses: ./.github/workflows/build.yml\n    with:\n      ref: ${{ inputs.sha }}\n"
    )
    build = (
        "on:\n  workflow_call:\n    inputs:\n      ref:\n        type: string\njobs:\n"
        "  build:\n    runs-on: ubuntu-latest\n    env:\n      REF: ${{ inputs.ref }}\n    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: |\n          git fetch origin \"$REF\"\n          git checkout FETCH_HEAD\n"
        "          make test\n"
    )
    pr = (
        "on: pull_request_target\njobs:\n  outer:\n    uses: ./.github/workflows/mid.yml\n"
        "    with:\n      sha: ${{ github.event.pull_request.head.sha }}\n"
    )
    root = repo(tmp_path, {"pr.yml": pr, "mid.yml": mid, "build.yml": build})
    out = check(root)
    assert ".github/workflows/build.yml:14:28: SW004 [error]" in out, out
    assert "runs 'git fetch' of 'inputs.ref' (through env REF)" in out
    assert (
        "through the caller .github/workflows/mid.yml job 'inner', called by "
        ".github/workflows/pr.yml job 'outer' (pull_request_target)"
    ) in out
    assert "note: .github/workflows/mid.yml:10:12: job 'inner' passes 'github.event.pull_request.head.sha' to input 'ref'" in out
    snapshot("ref-chain-env", out)


def test_only_the_callers_that_pass_the_head_count(tmp_path: Path) -> None:
    root = repo(tmp_path, {
        "pr.yml": caller("pull_request_target", "${{ github.event.pull_request.head.sha }}"),
        "base.yml": caller("pull_request_target", "${{ github.event.pull_request.base.sha }}"),
        "build.yml": callee().replace("on:\n", "on:\n  pull_request_target:\n", 1),
    })
    out = check(root)
    build = [line for line in out.splitlines() if line.startswith(".github/workflows/build.yml:")]
    assert len(build) == 1 and "build.yml:13:16: SW004 [error]" in build[0], out
    assert "through the caller .github/workflows/pr.yml job 'build' (pull_request_target)" in build[0]
    assert "base.yml" not in build[0]
    assert "note: .github/workflows/base.yml" not in out
    # a caller passing the base, and the workflow's own trigger: inputs.ref is not the head
    (root / ".github/workflows/pr.yml").unlink()
    assert "build.yml:13" not in check(root)
