"""Which expression values can carry attacker-controlled text."""

from __future__ import annotations

import pytest

from sentra_lint.workflow.expressions import ExprError, parse_expression
from sentra_lint.workflow.taint import (
    EVENT_FIELDS,
    SAFE,
    Confidence,
    InputDecl,
    Taint,
    TaintContext,
    TaintKind,
    TaintSource,
    taint_of,
    taint_of_template,
    template_taints,
)

HIGH, MEDIUM, LOW = Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW
ANY_TRIGGER = TaintContext()

# (expression, expected confidence or None for safe)
CASES: list[tuple[str, Confidence | None]] = [
    # --- attacker-controlled free text -------------------------------------
    ("github.event.issue.title", HIGH),
    ("github.event.issue.body", HIGH),
    ("github.event.comment.body", HIGH),
    ("github.event.review.body", HIGH),
    ("github.event.pull_request.title", HIGH),
    ("github.event.pull_request.body", HIGH),
    ("github.event.pull_request.head.ref", HIGH),
    ("github.event.pull_request.head.label", HIGH),
    ("github.event.pull_request.head.repo.description", HIGH),
    ("github.event.pull_request.head.repo.default_branch", HIGH),
    ("github.head_ref", HIGH),
    ("github.event.head_commit.message", HIGH),
    ("github.event.head_commit.author.name", HIGH),
    ("github.event.head_commit.author.email", HIGH),
    ("github.event.head_commit.committer.name", HIGH),
    ("github.event.commits[0].message", HIGH),
    ("github.event.commits[0].author.email", HIGH),
    ("github.event.discussion.title", HIGH),
    ("github.event.discussion.body", HIGH),
    ("github.event.pages[0].page_name", HIGH),
    ("github.event.workflow_run.head_branch", HIGH),
    ("github.event.workflow_run.head_commit.message", HIGH),
    ("github.event.workflow_run.display_title", HIGH),
    ("github.event.changes.title.from", HIGH),
    ("github.event.comment.path", HIGH),
    ("github.event.merge_group.head_commit.message", HIGH),
    # case-insensitive, any access syntax
    ("GitHub.Event.Issue.Title", HIGH),
    ("github['event']['issue']['title']", HIGH),
    ("(github.event).issue.title", HIGH),
    # --- propagated through functions and operators ------------------------
    ("toJSON(github.event.issue.title)", HIGH),
    ("format('{0}', github.event.comment.body)", HIGH),
    ("format(github.event.issue.title)", HIGH),
    ("join(github.event.commits.*.message, ', ')", HIGH),
    ("join(github.event.pull_request.labels.*.name)", LOW),
    ("join('a', github.event.issue.title)", HIGH),
    ("toJSON(github.event)", HIGH),
    ("toJSON(github)", HIGH),
    ("toJSON(github.event.issue)", HIGH),
    ("fromJSON(github.event.issue.body)", HIGH),
    ("fromJSON(github.event.issue.body).cmd", HIGH),
    ("fromJSON(github.event.issue.body)[0].x", HIGH),
    ("github.event.issue.title || 'untitled'", HIGH),
    ("'x' || github.event.issue.title", HIGH),
    ("github.event_name == 'issues' && github.event.issue.title || ''", HIGH),
    ("case(github.event_name == 'issues', github.event.issue.title, 'none')", HIGH),
    ("case(github.event.issue.title == 'x', 'a', 'b')", None),
    ("github.event.pull_request[matrix.field]", HIGH),
    # --- lower-confidence sources ------------------------------------------
    ("github.event.pull_request.head.repo.full_name", LOW),
    ("github.event.pull_request.head.repo.name", LOW),
    ("github.event.workflow_run.head_repository.full_name", LOW),
    ("github.event.client_payload.branch", MEDIUM),
    ("github.event.client_payload.a.b[0]", MEDIUM),
    ("github.event.label.name", LOW),
    ("github.event.release.body", LOW),
    ("github.event.release.tag_name", LOW),
    ("github.event.milestone.title", LOW),
    ("github.event.some_new_field", LOW),
    ("github.event.review_comment.body", LOW),
    # --- safe: zizmor's known false-positive shapes ------------------------
    ("github.event.pull_request.head.sha", None),
    ("github.event.pull_request.base.sha", None),
    ("github.event.pull_request.base.ref", None),
    ("github.event.pull_request.merge_commit_sha", None),
    ("needs.build.result", None),
    ("needs.*.result", None),
    ("contains(needs.*.result, 'failure')", None),
    ("steps.x.outcome", None),
    ("steps.x.conclusion", None),
    ("github.event.issue.number", None),
    ("github.event.pull_request.number", None),
    ("github.event.number", None),
    ("github.event.comment.id", None),
    ("github.event.issue.user.login", None),
    ("github.event.pull_request.head.repo.owner.login", None),
    ("github.event.pull_request.merged", None),
    ("github.event.pull_request.draft", None),
    ("github.event.workflow_run.conclusion", None),
    ("github.event.workflow_run.head_sha", None),
    ("github.event.head_commit.id", None),
    ("github.event.head_commit.timestamp", None),
    ("github.event.pull_request.html_url", None),
    ("github.event.repository.full_name", None),
    ("github.event.sender.login", None),
    ("github.event.action", None),
    ("github.event.ref", None),
    ("github.sha", None),
    ("github.repository", None),
    ("github.repository_owner", None),
    ("github.actor", None),
    ("github.triggering_actor", None),
    ("github.event_name", None),
    ("github.ref", None),
    ("github.ref_name", None),
    ("github.base_ref", None),
    ("github.run_id", None),
    ("github.workspace", None),
    ("github.token", None),
    ("job.status", None),
    ("runner.os", None),
    ("runner.temp", None),
    ("secrets.GITHUB_TOKEN", None),
    ("vars.IMAGE", None),
    ("matrix.os", None),
    ("strategy.job-index", None),
    ("env.HOME", None),
    ("steps.meta.outputs.tags", None),
    ("needs.build.outputs.digest", None),
    ("unknown_context.x", None),
    # booleans, comparisons, tests
    ("contains(github.event.issue.body, 'x')", None),
    ("startsWith(github.event.pull_request.head.ref, 'dependabot/')", None),
    ("endsWith(github.event.issue.title, '?')", None),
    ("github.event.issue.title == 'x'", None),
    ("github.event.issue.title != github.event.issue.body", None),
    ("github.event.issue.title < 'm'", None),
    ("!github.event.issue.title", None),
    ("hashFiles(github.event.issue.title)", None),
    ("success() && github.event.issue.title == 'x'", None),
    ("always()", None),
    ("failure() || cancelled()", None),
    # ternaries whose results are literals
    ("github.event_name == 'push' && '--flag' || ''", None),
    ("github.event.issue.title && '--flag' || ''", None),
    ("github.event.issue.title && 'x'", None),
    ("contains(github.event.issue.labels.*.name, 'ok') && 'yes' || 'no'", None),
    ("format('{0}-{1}', github.run_id, github.sha)", None),
    ("toJSON(github.event.issue.number)", None),
    ('fromJSON(\'["a", "b"]\')', None),
    ("fromJSON(needs.setup.outputs.matrix)", None),
    # objects and arrays render as 'Object' / 'Array'
    ("github.event.commits.*.message", None),
    ("github.event.issue", None),
    ("github.event", None),
    ("github", None),
    ("github.event.pull_request.*", None),
    ("format('{0}', github.event.commits.*.message)", None),
    ("github.event.client_payload", None),
    # reading past the end of a string field yields null
    ("github.event.issue.title.length", None),
    ("github.event.issue.title[0]", None),
    # literals
    ("'${{ github.event.issue.title }}'", None),
    ("null", None),
    ("42", None),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_taint_cases(text: str, expected: Confidence | None) -> None:
    taint = taint_of(text, ANY_TRIGGER)
    assert not taint.malformed, taint.error
    assert taint.confidence == expected, taint.sources
    assert taint.tainted == (expected is not None)


def test_source_path_kind_and_reason() -> None:
    (source,) = taint_of("format('{0}', github.event.issue.title)").sources
    assert source.path == "github.event.issue.title"
    assert source.kind is TaintKind.ARBITRARY
    assert source.confidence is HIGH
    assert "issue" in source.reason
    assert source.via == ()


def test_paths_for_messages() -> None:
    taint = taint_of("format('{0} {1}', github.event.issue.title, github.head_ref)")
    assert taint.paths == ("github.event.issue.title", "github.head_ref")


def test_written_path_is_kept() -> None:
    taint = taint_of("join(github.event.commits.*.message)")
    assert taint.paths == ("github.event.commits.*.message",)
    assert taint_of("github.event.commits[3].message").paths == ("github.event.commits[3].message",)


def test_restricted_kind_for_fork_repo_name() -> None:
    (source,) = taint_of("github.event.pull_request.head.repo.full_name").sources
    assert source.kind is TaintKind.RESTRICTED


def test_unknown_event_field_kind() -> None:
    (source,) = taint_of("github.event.brand_new.text").sources
    assert source.kind is TaintKind.UNKNOWN and source.confidence is LOW


def test_serialised_object_names_the_object() -> None:
    taint = taint_of("toJSON(github.event.pull_request)")
    assert taint.paths == ("github.event.pull_request",)
    assert taint.confidence is HIGH


def test_sources_deduplicated() -> None:
    taint = taint_of("format('{0}{0}', github.event.issue.title) || github.event.issue.title")
    assert len(taint.sources) == 1


def test_at_least() -> None:
    taint = taint_of("format('{0}{1}', github.event.label.name, github.event.issue.body)")
    assert taint.confidence is HIGH
    assert taint.at_least(HIGH).paths == ("github.event.issue.body",)
    assert not taint_of("github.event.label.name").at_least(MEDIUM).tainted


# --------------------------------------------------------------------------
# Triggers
# --------------------------------------------------------------------------

TRIGGER_CASES: list[tuple[str, list[str], Confidence | None]] = [
    ("github.event.issue.title", ["push"], None),
    ("github.event.issue.title", ["issues"], HIGH),
    ("github.event.issue.title", ["issue_comment"], HIGH),
    ("github.event.issue.title", ["push", "issues"], HIGH),
    ("github.event.issue.title", ["pull_request_target"], None),
    ("github.event.pull_request.title", ["pull_request_target"], HIGH),
    ("github.event.pull_request.title", ["issue_comment"], None),
    ("github.event.comment.body", ["pull_request_review_comment"], HIGH),
    ("github.event.comment.body", ["discussion_comment"], HIGH),
    ("github.head_ref", ["push"], None),
    ("github.head_ref", ["pull_request"], HIGH),
    ("github.head_ref", ["pull_request_target"], HIGH),
    ("github.event.head_commit.message", ["push"], HIGH),
    ("github.event.head_commit.message", ["pull_request"], None),
    ("github.event.workflow_run.head_branch", ["workflow_run"], HIGH),
    ("github.event.workflow_run.head_branch", ["push"], None),
    ("github.event.pages[0].page_name", ["gollum"], HIGH),
    ("github.event.client_payload.x", ["repository_dispatch"], MEDIUM),
    ("github.event.client_payload.x", ["push"], None),
    # a reusable workflow sees its caller's event
    ("github.event.issue.title", ["workflow_call"], HIGH),
    ("github.event.issue.title", ["push", "workflow_call"], HIGH),
    # trigger names are case-insensitive
    ("github.event.issue.title", ["Issues"], HIGH),
    # a field absent from the payload is not 'unknown'
    ("toJSON(github.event)", ["push"], HIGH),
    ("toJSON(github.event.issue)", ["push"], None),
]


@pytest.mark.parametrize(("text", "triggers", "expected"), TRIGGER_CASES)
def test_triggers(text: str, triggers: list[str], expected: Confidence | None) -> None:
    ctx = TaintContext.for_workflow(triggers)
    assert taint_of(text, ctx).confidence == expected


# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------

DECLS = [
    InputDecl("title", "string", "workflow_dispatch"),
    InputDecl("untyped", "", "workflow_dispatch"),
    InputDecl("dry_run", "boolean", "workflow_dispatch"),
    InputDecl("count", "number", "workflow_dispatch"),
    InputDecl("level", "choice", "workflow_dispatch"),
    InputDecl("env", "environment", "workflow_dispatch"),
    InputDecl("ref", "string", "workflow_call"),
    InputDecl("flag", "boolean", "workflow_call"),
]

INPUT_CASES: list[tuple[str, Confidence | None, TaintKind | None]] = [
    ("inputs.title", MEDIUM, TaintKind.PRIVILEGED),
    ("inputs.TITLE", MEDIUM, TaintKind.PRIVILEGED),
    ("github.event.inputs.title", MEDIUM, TaintKind.PRIVILEGED),
    ("inputs.untyped", MEDIUM, TaintKind.PRIVILEGED),
    ("inputs.dry_run", None, None),
    ("inputs.count", None, None),
    ("inputs.level", None, None),
    ("inputs.env", None, None),
    ("github.event.inputs.level", None, None),
    ("inputs.ref", LOW, TaintKind.CALLER),
    ("github.event.inputs.ref", None, None),
    ("inputs.flag", None, None),
    ("inputs.undeclared", None, None),
    ("github.event.inputs.undeclared", None, None),
    ("format('--ref={0}', inputs.ref)", LOW, TaintKind.CALLER),
    ("inputs.dry_run && '--dry-run' || ''", None, None),
    ("toJSON(inputs)", MEDIUM, TaintKind.PRIVILEGED),
]


@pytest.mark.parametrize(("text", "expected", "kind"), INPUT_CASES)
def test_inputs(text: str, expected: Confidence | None, kind: TaintKind | None) -> None:
    ctx = TaintContext.for_workflow(["workflow_dispatch", "workflow_call"], DECLS)
    taint = taint_of(text, ctx)
    assert taint.confidence == expected
    if kind is not None:
        assert taint.sources[0].kind is kind


def test_inputs_unknown_declarations_are_low() -> None:
    taint = taint_of("inputs.anything", TaintContext())
    assert taint.confidence is LOW
    assert taint.sources[0].kind is TaintKind.CALLER


def test_composite_action_inputs() -> None:
    ctx = TaintContext.for_workflow((), [InputDecl("script", "string", "action")])
    assert taint_of("inputs.script", ctx).confidence is LOW


def test_dispatch_input_needs_dispatch_trigger_for_event_inputs() -> None:
    ctx = TaintContext.for_workflow(["push"], DECLS)
    assert not taint_of("github.event.inputs.title", ctx).tainted


# --------------------------------------------------------------------------
# Propagation through env and outputs
# --------------------------------------------------------------------------


def test_env_carries_taint() -> None:
    ctx = TaintContext.for_workflow(["issues"]).with_env(
        {
            "TITLE": "Issue: ${{ github.event.issue.title }}",
            "NUM": "${{ github.event.issue.number }}",
        }
    )
    taint = taint_of("env.TITLE", ctx)
    assert taint.confidence is HIGH
    (source,) = taint.sources
    assert source.path == "github.event.issue.title"
    assert source.via == ("env.TITLE",)
    assert taint.paths == ("env.TITLE (from github.event.issue.title)",)
    assert not taint_of("env.NUM", ctx).tainted
    # env names compare case-insensitively, as expressions do
    assert taint_of("env.title", ctx).tainted


def test_env_shadowing_clears_taint() -> None:
    outer = TaintContext().with_env({"T": "${{ github.event.issue.title }}"})
    inner = outer.with_env({"T": "fixed"})
    assert taint_of("env.T", outer).tainted
    assert not taint_of("env.T", inner).tainted


def test_env_block_cannot_read_itself() -> None:
    ctx = TaintContext().with_env({"A": "${{ github.event.issue.title }}", "B": "${{ env.A }}"})
    assert taint_of("env.A", ctx).tainted
    assert not taint_of("env.B", ctx).tainted


def test_env_object_only_through_tojson() -> None:
    ctx = TaintContext().with_env({"T": "${{ github.event.issue.title }}"})
    assert not taint_of("env", ctx).tainted
    assert taint_of("toJSON(env)", ctx).tainted


def test_step_and_job_outputs_chain() -> None:
    job = TaintContext.for_workflow(["pull_request_target"]).with_env(
        {"BRANCH": "${{ github.event.pull_request.head.ref }}"}
    )
    job = job.with_step_outputs("meta", {"branch": "${{ env.BRANCH }}", "sha": "${{ github.sha }}"})
    assert taint_of("steps.meta.outputs.branch", job).tainted
    assert not taint_of("steps.meta.outputs.sha", job).tainted
    assert not taint_of("steps.meta.outcome", job).tainted
    outputs = job.evaluate_outputs(
        {"branch": "${{ steps.meta.outputs.branch }}", "ok": "${{ steps.meta.outcome }}"}
    )
    assert outputs["branch"].tainted and not outputs["ok"].tainted
    downstream = TaintContext.for_workflow(["pull_request_target"]).with_job_outputs(
        "build", outputs
    )
    taint = taint_of("needs.build.outputs.branch", downstream)
    (source,) = taint.sources
    assert source.path == "github.event.pull_request.head.ref"
    assert source.via == ("needs.build.outputs.branch", "steps.meta.outputs.branch", "env.BRANCH")
    assert not taint_of("needs.build.outputs.ok", downstream).tainted
    assert not taint_of("needs.build.result", downstream).tainted
    assert taint_of("join(needs.*.outputs.branch)", downstream).tainted
    assert not taint_of("needs.*.outputs.branch", downstream).tainted


def test_step_outputs_from_precomputed_taint_and_wildcard() -> None:
    issue = taint_of("github.event.issue.body")
    ctx = TaintContext().with_step_outputs("parse", {"*": issue})
    assert taint_of("steps.parse.outputs.anything", ctx).tainted
    assert not taint_of("steps.other.outputs.anything", ctx).tainted


def test_reusable_workflow_outputs_context() -> None:
    taint = taint_of("github.event.comment.body")
    ctx = TaintContext().with_job_outputs("j", {"o": taint}, context="jobs")
    assert taint_of("jobs.j.outputs.o", ctx).tainted


def test_matrix_tainted_only_when_recorded() -> None:
    assert not taint_of("matrix.pkg").tainted
    ctx = TaintContext().with_carried("matrix.pkg", taint_of("github.event.issue.title"))
    assert taint_of("matrix.pkg", ctx).tainted


def test_context_is_immutable() -> None:
    base = TaintContext()
    base.with_env({"T": "${{ github.event.issue.title }}"})
    assert not taint_of("env.T", base).tainted


# --------------------------------------------------------------------------
# Malformed expressions and templates
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "github.event.issue.title ==", "a b", "'unterminated", "foo(github.event.issue.title)"],
)
def test_malformed_is_reported_not_guessed(text: str) -> None:
    taint = taint_of(text)
    assert taint.malformed
    assert isinstance(taint.error, ExprError)
    assert not taint.tainted


def test_taint_of_accepts_parsed_and_error() -> None:
    parsed = parse_expression("github.event.issue.title")
    assert not isinstance(parsed, ExprError)
    assert taint_of(parsed).tainted
    error = ExprError("boom", 3)
    assert taint_of(error) == Taint(malformed=True, error=error)


def test_deeply_nested_is_malformed_not_a_crash() -> None:
    assert taint_of("(" * 10_000 + "github.event.issue.title" + ")" * 10_000).malformed


def test_template_taints_spans_and_errors() -> None:
    text = "echo ${{ github.event.issue.title }} ${{ github.sha }} ${{ a b }} ${{ unclosed"
    results = template_taints(text, base=10)
    assert [t.tainted for _, t in results] == [True, False, False, False]
    assert [t.malformed for _, t in results] == [False, False, True, True]
    span, _ = results[0]
    assert text[span.start - 10 : span.end - 10] == "${{ github.event.issue.title }}"
    _, bad = results[2]
    assert bad.error is not None
    assert text[bad.error.offset - 10] == "b"
    unclosed_span, unclosed = results[3]
    assert unclosed.error is not None
    assert unclosed.error.offset == unclosed_span.start
    assert "not closed" in unclosed.error.message


def test_taint_of_template_combines() -> None:
    taint = taint_of_template("${{ github.event.issue.title }} and ${{ github.head_ref }}")
    assert taint.paths == ("github.event.issue.title", "github.head_ref")
    assert taint_of_template("plain text, no expressions") == SAFE
    assert taint_of_template("${{ x").malformed


def test_quoted_close_in_template() -> None:
    taint = taint_of_template("${{ format('}}{0}', github.event.issue.title) }}")
    assert taint.tainted and not taint.malformed


# --------------------------------------------------------------------------
# Table hygiene
# --------------------------------------------------------------------------


def test_event_field_patterns_are_lower_case_and_well_formed() -> None:
    for rule in EVENT_FIELDS:
        assert all(p == p.lower() and p for p in rule.pattern), rule
        assert "**" not in rule.pattern[:-1], rule
        if rule.kind is not None:
            assert rule.reason


def test_describe_without_via() -> None:
    source = TaintSource("github.head_ref", HIGH, TaintKind.ARBITRARY, "r")
    assert source.describe() == "github.head_ref"


def test_parse_cost_is_linear_enough() -> None:
    text = " || ".join(f"github.event.issue.title == 'x{i}'" for i in range(400))
    assert not taint_of(text).tainted
