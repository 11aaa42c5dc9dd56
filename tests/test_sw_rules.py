"""Edge cases of the SW rules, checked directly on the workflow model.

Bad input never crashes a rule: every form of ``on:``, values of the wrong
type, malformed expressions. Catches / catches-not pairs for the cases the
fixtures do not show.
"""

from __future__ import annotations

from importlib import import_module

import pytest

from sentra_lint.findings import Violation
from sentra_lint.rulebase import RuleContext
from sentra_lint.source import SourceFile
from sentra_lint.workflow.model import build_workflow
from sentra_lint.yamlmodel import load_yaml

RULES = {
    "SW001": "sw001_unpinned_uses",
    "SW002": "sw002_template_injection",
    "SW003": "sw003_permissions",
    "SW004": "sw004_dangerous_trigger",
    "SW005": "sw005_persist_credentials",
    "SW006": "sw006_timeout",
    "SW007": "sw007_secrets_inherit",
    "SW008": "sw008_unsecure_commands",
    "SW009": "sw009_github_env",
    "SW010": "sw010_self_hosted",
    "SW011": "sw011_untrusted_no_container",
}


def lint(rule: str, text: str, *, action: bool = False, **options: object) -> list[Violation]:
    src = SourceFile("t.yml", text)
    doc = load_yaml(src)
    if doc.root is None:
        return []
    wf = build_workflow(src, doc, is_action=action)
    module = import_module(f"sentra_lint.rules.{RULES[rule]}")
    return list(module.check(wf, RuleContext(options=options)))


ODD_INPUTS = [
    "on: push\njobs: 3\n",
    "on: [push, 3, {a: b}]\njobs:\n  a: [1, 2]\n",
    "on: {issues: 3, pull_request_target: [x]}\njobs:\n  a:\n    runs-on: {group: 3}\n    steps: 4\n",
    "on:\n  issue_comment:\n    types: created\njobs:\n  a:\n    runs-on: [self-hosted, 3]\n"
    "    env: 5\n    steps:\n      - run: 3\n      - uses: 4\n      - run: [a]\n      - uses: actions/checkout@v4\n"
    "        with: 3\n      - run: echo ${{ github.event.comment.body\n",
    "on: ${{ github.event }}\njobs:\n  a:\n    runs-on: ${{ }}\n    timeout-minutes: [1]\n"
    "    secrets: {a: 1}\n    strategy: {matrix: 3}\n    steps:\n      - run: echo ${{ unknown.ctx.x }} ${{ a b }}\n",
    "name: x\n",
    "- just\n- a list\n",
    "on:\n  workflow_dispatch:\n    inputs: 3\n  workflow_call:\n    inputs:\n      a: 3\n"
    'jobs:\n  a:\n    needs: [a, b]\n    outputs: 3\n    steps:\n      - id: s\n        run: echo "x=${{ inputs.a }}" >> $GITHUB_OUTPUT\n',
]


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("text", ODD_INPUTS)
def test_odd_input_never_crashes(rule: str, text: str) -> None:
    lint(rule, text)
    lint(rule, text, action=True)


def test_malformed_expression_in_run_is_reported_as_malformed() -> None:
    found = lint(
        "SW002",
        "on: issues\njobs:\n  a:\n    steps:\n      - run: echo ${{ github.event.issue.title\n",
    )
    assert len(found) == 1 and "malformed" in found[0].message


def test_safe_env_pattern_is_not_injection() -> None:
    text = (
        "on: issues\njobs:\n  a:\n    steps:\n      - env:\n          T: ${{ github.event.issue.title }}\n"
        '        run: echo "$T"\n'
    )
    assert lint("SW002", text) == []


def test_injection_span_points_into_block_scalar() -> None:
    text = (
        "on: issues\njobs:\n  a:\n    steps:\n      - run: |\n          echo one\n"
        "          echo ${{ github.event.issue.body }}\n"
    )
    (v,) = lint("SW002", text)
    assert (v.span.line, v.span.column, v.span.end_column) == (7, 16, 46)


def test_composite_action_run_is_a_sink() -> None:
    text = (
        "name: a\nruns:\n  using: composite\n  steps:\n    - shell: bash\n"
        "      run: echo ${{ github.event.pull_request.title }}\n"
    )
    assert len(lint("SW002", text, action=True)) == 1


def test_medium_confidence_option() -> None:
    text = (
        "on:\n  workflow_dispatch:\n    inputs:\n      name: {type: string}\n"
        "jobs:\n  a:\n    steps:\n      - run: echo ${{ inputs.name }}\n"
    )
    assert lint("SW002", text) == []
    assert len(lint("SW002", text, **{"min-confidence": "medium"})) == 1


def test_first_party_owners_option() -> None:
    text = "on: push\njobs:\n  a:\n    steps:\n      - uses: my-org/act@v1\n"
    (v,) = lint("SW001", text)
    assert v.severity is None
    (v,) = lint("SW001", text, **{"first-party-owners": ["my-org"]})
    assert v.severity is not None and v.severity.value == "warning"


def test_github_token_alone_is_not_a_secret_in_scope() -> None:
    text = (
        "on: issues\njobs:\n  a:\n    steps:\n      - env:\n          T: ${{ github.token }}\n"
        "        run: gh issue list\n"
    )
    assert lint("SW011", text) == []


def test_timeout_not_for_reusable_calls() -> None:
    text = "on: push\njobs:\n  a:\n    uses: ./.github/workflows/x.yml\n"
    assert lint("SW006", text) == []


def test_sw009_command_arguments_are_not_written_data() -> None:
    text = (
        "on: issue_comment\njobs:\n  a:\n    steps:\n      - env:\n          B: ${{ github.event.comment.body }}\n"
        '        run: gh api "$B" --jq .n >> "$GITHUB_OUTPUT"\n'
    )
    assert lint("SW009", text) == []
