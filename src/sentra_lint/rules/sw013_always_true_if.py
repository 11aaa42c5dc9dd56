"""An `if:` condition that is always true because it mixes `${{ }}` with text.

## What it does
Reports a job or step `if:` whose value holds a `${{ … }}` expression and
anything else: text before or after it (`if: ${{ github.actor == 'x' }} && true`),
two expressions (`if: ${{ a }} && ${{ b }}`), or the trailing newline a
block scalar keeps (`if: |` followed by `${{ … }}`). The span is the whole
value.

## Why is this bad?
GitHub evaluates `if:` as an expression only when the value is one
expression (or has no `${{ }}` at all). Otherwise it substitutes each
`${{ }}` into the text, and a non-empty string is true: the condition never
stops the job, whatever it says. A gate such as
`${{ github.event.comment.author_association == 'MEMBER' }} && …` then lets
everyone through.

## Example
```yaml
jobs:
  deploy:
    if: ${{ github.event.comment.author_association == 'MEMBER' }} && contains(github.event.comment.body, '/deploy')
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
```

## Use instead
```yaml
jobs:
  deploy:
    if: github.event.comment.author_association == 'MEMBER' && contains(github.event.comment.body, '/deploy')
    runs-on: ubuntu-latest
    steps:
      - run: ./deploy.sh
```
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.workflow.model import Workflow
from sentra_lint.workflow.reach import read_condition
from sentra_lint.yamlmodel import Node, as_str

META = RuleMeta(
    id="SW013",
    slug="always-true-if",
    title="Condition that is always true (`${{ }}` mixed with text in if:)",
    severity=Severity.ERROR,
    security_severity=7.0,
    area="workflow",
    precision="very-high",
)


def _check(wf: Workflow, node: Node | None, where: str) -> Violation | None:
    if node is None or not read_condition(wf, node).always_true:
        return None
    value = as_str(node) or ""
    if value.endswith("\n") and value.count("${{") == 1 and value.strip().startswith("${{"):
        why = "the block scalar keeps a trailing newline, so the value is text, not one expression"
    else:
        why = "it mixes ${{ }} with other text, so GitHub pastes the result into a string"
    return Violation(
        node.span(wf.source),
        f"the if: of {where} is always true: {why}, and a non-empty string is true; "
        "write the whole condition as one expression (without ${{ }}, or inside a single one)",
    )


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    for job in wf.jobs:
        v = _check(wf, job.if_, f"job '{job.id}'")
        if v is not None:
            yield v
    for owner_job, step in wf.iter_steps():
        owner = f" in job '{owner_job.id}'" if owner_job is not None else ""
        v = _check(wf, step.if_, f"{step.named}{owner}")
        if v is not None:
            yield v
