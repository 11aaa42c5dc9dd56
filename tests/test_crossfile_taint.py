"""Attacker text passed through ``with:`` into the repository's own actions (SW002 across files).

Each ``tests/fixtures/crossfile-taint/<case>/`` is a small repository: a
``*-attack`` case must report SW002 at the caller's ``with:`` value with the
expansion in the called file as a related location; its ``*-clean`` twin
(a numeric id, a maintainer-only job, a trigger outsiders cannot fire) must
stay silent. The text output is compared with
``tests/snapshots/crossfile-taint/<case>.txt`` (``UPDATE_SNAPSHOTS=1`` rewrites it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SNAPSHOTS, run_cli

CASES = FIXTURES / "crossfile-taint"
NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())


def lint(case: Path, *args: str) -> str:
    res = run_cli(
        "check", *(args or (".",)), "--select", "SW002", "--no-config",
        "--fail-on", "never", "--color", "never", cwd=case,
    )
    assert res.code == 0, res.out + res.err
    return res.out


@pytest.mark.parametrize("name", NAMES)
def test_case_and_snapshot(name: str) -> None:
    out = lint(CASES / name)
    hits = [ln for ln in out.splitlines() if ": SW002 [" in ln]
    if name.endswith("-attack"):
        assert hits, out
        assert all(ln.startswith(".github/workflows/") for ln in hits), out
        assert all(" -> with: " in ln and " -> inputs." in ln for ln in hits), out
        assert out.count("    note: .github/") >= len(hits), out
    else:
        assert not hits, out
    snap = SNAPSHOTS / "crossfile-taint" / f"{name}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") or not snap.exists():
        snap.parent.mkdir(parents=True, exist_ok=True)
        snap.write_text(out, encoding="utf-8")
    assert out == snap.read_text(encoding="utf-8")


def test_the_message_names_every_hop() -> None:
    out = lint(CASES / "composite-attack")
    assert (
        "github.event.issue.title -> with: title -> inputs.title in "
        "./.github/actions/greet/action.yml:17 is expanded into a run: script"
    ) in out
    assert "github.event.comment.body -> env.BODY -> with: title -> inputs.title in $/" in out
    # the numeric id passed to the same action is not reported
    assert "with: number" not in out


def test_a_workflow_named_alone_reads_the_action_it_calls() -> None:
    out = lint(CASES / "composite-attack", ".github/workflows/triage.yml")
    assert ".github/workflows/triage.yml:15:18: SW002 [error]" in out
    assert "note: .github/actions/greet/action.yml:17:22:" in out


def test_reusable_workflow_inputs_are_followed() -> None:
    out = lint(CASES / "reusable-attack")
    assert (
        ".github/workflows/pr.yml:9:14: SW002 [error] github.event.pull_request.title -> "
        "with: title -> inputs.title -> env.TITLE in ./.github/workflows/label.yml:20 "
    ) in out
    assert "note: .github/workflows/label.yml:20:31: inputs.title is expanded" in out
    # a `type: number` input cannot carry text
    assert "with: number" not in out


@pytest.mark.parametrize(
    ("case", "callee", "low"),
    [
        ("composite-attack", ".github/actions/greet/action.yml", 2),
        ("reusable-attack", ".github/workflows/label.yml", 1),
    ],
)
def test_the_called_file_alone_keeps_its_own_behaviour(
    tmp_path: Path, case: str, callee: str, low: int
) -> None:
    assert ": SW002 [" not in lint(CASES / case, callee)
    config = tmp_path / "low.yaml"
    config.write_text("rules:\n  SW002: {options: {min-confidence: low}}\n")
    res = run_cli(
        "check", callee, "--select", "SW002", "--config", str(config),
        "--fail-on", "never", "--color", "never", cwd=CASES / case,
    )
    assert res.out.count(": SW002 [") == low, res.out
    assert "inputs.title" in res.out and " -> with: " not in res.out


def test_json_carries_the_action_as_related_location() -> None:
    res = run_cli(
        "check", ".", "--select", "SW002", "--no-config", "--format", "json",
        "--fail-on", "never", cwd=CASES / "composite-attack",
    )
    data = json.loads(res.out)
    findings = data["findings"] if isinstance(data, dict) else data
    related = [r["path"] for f in findings for r in f.get("related", [])]
    assert related and set(related) == {".github/actions/greet/action.yml"}


def test_inline_suppression_on_the_with_value(tmp_path: Path) -> None:
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(CASES / "composite-attack", repo)
    wf = repo / ".github" / "workflows" / "triage.yml"
    text = wf.read_text()
    wf.write_text(text.replace(
        "title: ${{ github.event.issue.title }}",
        "title: ${{ github.event.issue.title }}  # sentra-lint: ignore[SW002] reviewed",
    ))
    out = lint(repo)
    assert "triage.yml:15" not in out.split("Found")[0].replace("comment.yml", "")
    assert "comment.yml:12:18: SW002" in out


CHAIN = FIXTURES / "attacks" / "chain-composite-composite" / "attack"


def test_a_chain_is_followed_from_a_workflow_named_alone() -> None:
    out = lint(CHAIN, ".github/workflows/triage.yml")
    assert ".github/workflows/triage.yml:13:18: SW002 [error]" in out
    assert "inputs.title in ./.github/actions/outer/action.yml:12 -> with: message" in out
    assert "note: .github/actions/outer/action.yml:12:18: inputs.title is passed on" in out
    assert "note: .github/actions/inner/action.yml:12:15: inputs.message is expanded" in out


def test_actions_that_call_each_other_end(tmp_path: Path) -> None:
    flows = tmp_path / ".github" / "workflows"
    flows.mkdir(parents=True)
    (flows / "t.yml").write_text(
        "on: issues\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: ./.github/actions/a\n        with:\n          x: ${{ github.event.issue.title }}\n",
        encoding="utf-8",
    )
    for name, other in (("a", "b"), ("b", "a")):
        folder = tmp_path / ".github" / "actions" / name
        folder.mkdir(parents=True)
        (folder / "action.yml").write_text(
            f"name: {name}\ninputs:\n  x: {{}}\nruns:\n  using: composite\n  steps:\n"
            f"    - uses: ./.github/actions/{other}\n      with:\n        x: ${{{{ inputs.x }}}}\n"
            + ("    - shell: bash\n      run: echo '${{ inputs.x }}'\n" if name == "b" else ""),
            encoding="utf-8",
        )
    out = lint(tmp_path)
    assert out.count(": SW002 [error]") == 1, out
    assert "inputs.x in ./.github/actions/a/action.yml:9 -> with: x -> inputs.x in ./.github/actions/b/action.yml:11" in out
