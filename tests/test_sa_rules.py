"""SA rules and SW006's scope: inline catches and catches-not beside the fixtures."""

from __future__ import annotations

from sentra_lint.analysis import analyse
from sentra_lint.rulebase import RuleContext
from sentra_lint.rules import load_rule
from sentra_lint.source import Kind, SourceFile


def _run(rule_id: str, text: str, profile: str = "phase1") -> list[str]:
    a = analyse(SourceFile(path="wf.yml", text=text), Kind.WORKFLOW)
    wf = next(t for n, t in a.targets if n == "workflow")
    rule = load_rule(rule_id)
    assert rule is not None
    return [f"{v.span.line}:{v.span.column} {v.severity.value if v.severity else ''} {v.message}"
            for v in rule.check(wf, RuleContext(profile=profile))]


PLAIN = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n"


def test_sw006_reports_every_job_under_audit_only() -> None:
    assert _run("SW006", PLAIN) == []
    assert len(_run("SW006", PLAIN, profile="audit")) == 1


def test_sa002_env_path_is_named() -> None:
    text = (
        "on: pull_request_target\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: |\n          claude -p \"$T\"\n        env:\n          T: ${{ github.event.pull_request.title }}\n"
    )
    [msg] = _run("SA002", text)
    assert "`github.event.pull_request.title` -> `env.T` -> the `claude -p` argument" in msg
    assert msg.startswith("7:22 error")  # no permissions block: the repository's default token


def test_sa002_single_quoted_variable_is_not_expanded() -> None:
    text = (
        "on: issues\njobs:\n  r:\n    runs-on: ubuntu-latest\n    permissions: {}\n    steps:\n"
        "      - run: |\n          claude -p 'say $T'\n        env:\n          T: ${{ github.event.issue.title }}\n"
    )
    assert _run("SA002", text) == []


def test_sa002_pull_request_alone_is_a_warning() -> None:
    text = (
        "on: pull_request\njobs:\n  r:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: write\n"
        "    steps:\n      - uses: anthropics/claude-code-base-action@beta\n        with:\n"
        "          prompt: \"Review ${{ github.event.pull_request.body }}\"\n"
    )
    [msg] = _run("SA002", text)
    assert " warning " in msg


def test_sa002_bot_actor_check_is_not_a_gate() -> None:
    text = (
        "on: issue_comment\njobs:\n  r:\n    if: github.actor == 'dependabot[bot]'\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: claude -p \"${{ github.event.comment.body }}\"\n"
    )
    assert len(_run("SA002", text)) == 1


def test_sa003_gated_switch_is_a_warning() -> None:
    text = (
        "on: issue_comment\njobs:\n  r:\n    if: github.event.comment.author_association == 'OWNER'\n"
        "    runs-on: ubuntu-latest\n    steps:\n      - run: claude -p hi --dangerously-skip-permissions\n"
    )
    [msg] = _run("SA003", text)
    assert " warning " in msg and "OWNER" in msg


def test_sa003_codex_approval_never_needs_a_writable_sandbox() -> None:
    base = "on: push\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - run: codex exec -a never {} hi\n"
    assert _run("SA003", base.format("--sandbox read-only")) == []
    assert len(_run("SA003", base.format("--sandbox workspace-write"))) == 1


def test_sa001_composite_action_and_version_checks_are_quiet() -> None:
    text = "on: push\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - run: claude --version\n"
    assert _run("SA001", text) == []


def test_sa006_only_after_the_agent() -> None:
    text = (
        "on: push\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - run: git push\n"
        "      - run: claude -p hi\n"
    )
    assert _run("SA006", text) == []


def test_sw006_pull_request_alone_is_out_of_scope_on_hosted_runners() -> None:
    pr = PLAIN.replace("on: push", "on: pull_request")
    assert _run("SW006", pr) == []
    assert len(_run("SW006", PLAIN.replace("on: push", "on: pull_request_target"))) == 1
    assert len(_run("SW006", pr.replace("ubuntu-latest", "[self-hosted, linux]"))) == 1


def test_workflow_run_of_pushes_only_is_a_gate() -> None:
    text = (
        "on:\n  workflow_run:\n    workflows: [CI]\n    types: [completed]\njobs:\n  r:\n"
        "    if: github.event.workflow_run.event == 'push'\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: claude -p hi --allowedTools Bash\n"
    )
    [msg] = _run("SA003", text)
    assert " warning " in msg and "push" in msg


def test_disabled_jobs_are_skipped() -> None:
    text = (
        "on: issue_comment\njobs:\n  a:\n    if: ${{ false }}\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: claude -p hi --dangerously-skip-permissions\n"
    )
    for rule in ("SA001", "SA003", "SW006"):
        assert _run(rule, text) == [], rule
