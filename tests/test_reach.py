"""sentra_lint.workflow.reach: who can start a job, and the gates that narrow it."""

from __future__ import annotations

import pytest

from sentra_lint.source import SourceFile
from sentra_lint.workflow.model import Workflow, build_workflow
from sentra_lint.workflow.reach import PRIVILEGED_TRIGGERS, job_reach, read_condition, step_reach
from sentra_lint.yamlmodel import load_yaml


def wf(on: str, cond: str | None, extra: str = "") -> Workflow:
    text = f"on: {on}\njobs:\n  a:\n    runs-on: x\n"
    if cond is not None:
        text += f"    if: {cond}\n"
    text += extra + "    steps:\n      - run: echo\n"
    src = SourceFile("w.yml", text)
    return build_workflow(src, load_yaml(src))


@pytest.mark.parametrize(
    ("cond", "kind"),
    [
        ("github.event.comment.author_association == 'MEMBER'", "author-association"),
        (
            "contains(fromJSON('[\"OWNER\", \"COLLABORATOR\"]'), github.event.comment.author_association)",
            "author-association",
        ),
        ("contains('OWNER,MEMBER', github.event.comment.author_association)", "author-association"),
        ("github.event.pull_request.head.repo.fork == false", "not-fork"),
        ('"!github.event.pull_request.head.repo.fork"', "not-fork"),
        ("github.event.pull_request.head.repo.full_name == github.repository", "same-repository"),
        ("github.event.label.name == 'safe to test'", "label"),
        ("contains(github.event.pull_request.labels.*.name, 'ok')", "label"),
        ("github.actor == 'octocat'", "actor"),
        ("\"'octocat' == github.event.comment.user.login\"", "actor"),
        ("${{ github.event.comment.author_association == 'OWNER' && github.event.issue.pull_request }}", "author-association"),
    ],
)
def test_gates(cond: str, kind: str) -> None:
    w = wf("pull_request_target", cond)
    reach = job_reach(w, w.jobs[0])
    assert [g.kind for g in reach.gates] == [kind]
    assert reach.gated and not reach.outsiders
    assert "gated by" in reach.describe()


@pytest.mark.parametrize(
    "cond",
    [
        "github.event.comment.author_association != 'NONE'",
        "contains(fromJSON('[\"OWNER\", \"CONTRIBUTOR\"]'), github.event.comment.author_association)",
        "github.actor == 'dependabot[bot]'",
        "github.event.comment.author_association == 'MEMBER' || github.event.action == 'opened'",
        "!(github.event.comment.author_association == 'MEMBER')",
        "startsWith(github.event.comment.body, '/test')",
    ],
)
def test_not_gates(cond: str) -> None:
    w = wf("issue_comment", cond)
    reach = job_reach(w, w.jobs[0])
    assert reach.outsiders, reach
    assert reach.describe() == "outsiders can start it (issue_comment) and no gate keeps them out"


def test_fork_check_does_not_hold_without_a_pull_request() -> None:
    w = wf("[pull_request, issue_comment]", "github.event.pull_request.head.repo.fork == false")
    reach = job_reach(w, w.jobs[0])
    assert reach.open_triggers == ("issue_comment",)
    assert "does not hold there" in reach.describe()


def test_disabled_environment_and_permission_check() -> None:
    w = wf("issues", "false")
    assert job_reach(w, w.jobs[0]).disabled
    w = wf("issues", "${{ false }}")
    assert job_reach(w, w.jobs[0]).disabled
    w = wf("issues", None, "    environment: approval\n")
    assert [g.kind for g in job_reach(w, w.jobs[0]).gates] == ["environment"]
    text = (
        "on: issue_comment\njobs:\n  gate:\n    runs-on: x\n    steps:\n"
        "      - run: gh api repos/o/r/collaborators/$U/permission --jq .permission\n"
        "  work:\n    needs: gate\n    runs-on: x\n    steps:\n      - run: make\n"
    )
    src = SourceFile("w.yml", text)
    w = build_workflow(src, load_yaml(src))
    reach = job_reach(w, w.jobs[1], PRIVILEGED_TRIGGERS)
    assert [g.kind for g in reach.gates] == ["permission-check"]


def test_step_reach_adds_the_step_gate() -> None:
    text = (
        "on: issue_comment\njobs:\n  a:\n    runs-on: x\n    steps:\n"
        "      - if: github.event.comment.author_association == 'OWNER'\n        run: make\n"
    )
    src = SourceFile("w.yml", text)
    w = build_workflow(src, load_yaml(src))
    assert step_reach(w, w.jobs[0], w.jobs[0].steps[0]).gated


@pytest.mark.parametrize(
    ("cond", "always"),
    [
        ("${{ a }} && b", True),
        ("${{ a }} ${{ b }}", True),
        ("|\n      ${{ a }}\n", True),
        ("${{ a && b }}", False),
        ("a && b", False),
    ],
)
def test_always_true(cond: str, always: bool) -> None:
    w = wf("push", cond)
    assert read_condition(w, w.jobs[0].if_).always_true is always


def test_bot_checks() -> None:
    w = wf("pull_request_target", "github.actor == 'dependabot[bot]' || github.actor != 'renovate[bot]'")
    checks = read_condition(w, w.jobs[0].if_).bot_checks
    assert [c.text for c in checks] == ["github.actor == 'dependabot[bot]'"]
    w = wf("pull_request_target", "contains(fromJSON('[\"dependabot[bot]\"]'), github.triggering_actor)")
    assert len(read_condition(w, w.jobs[0].if_).bot_checks) == 1
