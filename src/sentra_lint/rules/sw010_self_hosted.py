"""Self-hosted runner in a workflow that forks and outsiders can trigger.

## What it does
Reports jobs whose `runs-on` selects a self-hosted runner (the
`self-hosted` label in the string, list or `labels:` form, or a runner
`group:`) in a workflow triggered by an event someone outside the
repository can cause: `pull_request`, `pull_request_target`,
`pull_request_review`, `pull_request_review_comment`, `issues`,
`issue_comment`, `discussion`, `discussion_comment`, `workflow_run`,
`fork` or `watch`. The span is the `self-hosted` label (or the `group`
key). A `runs-on` given by an expression is resolved through the job's
`matrix` when its values are literal (nested ones too:
`${{ matrix.backend.host }}`); otherwise it is unknown and not
reported.

## Why is this bad?
A fork's pull request runs its own code on the runner; other triggers run
code that reads attacker text. On a self-hosted machine that code can
persist between jobs (non-ephemeral runners), read other jobs' secrets and
caches, and reach the internal network the runner sits in. GitHub advises
against self-hosted runners for public repositories.

## Example
```yaml
on: pull_request
jobs:
  test:
    runs-on: [self-hosted, linux]
```

## Use instead
```yaml
on: pull_request
jobs:
  test:
    runs-on: ubuntu-latest
```
If a self-hosted runner is required, use ephemeral, isolated runners (one
job per VM) and require approval for workflows from outside contributors.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._workflow import FORK_REACHABLE_TRIGGERS, expression_paths, lower_parts
from sentra_lint.source import Span
from sentra_lint.workflow.model import Job, Workflow
from sentra_lint.yamlmodel import MapNode, Node, ScalarNode, SeqNode

META = RuleMeta(
    id="SW010",
    slug="self-hosted-runner",
    title="Self-hosted runner reachable from forks or outside users",
    severity=Severity.WARNING,
    security_severity=7.0,
    area="workflow",
    precision="high",
)


def _matrix_labels(job: Job, keys: tuple[str, ...]) -> list[ScalarNode]:
    """Literal values the matrix gives ``matrix.<keys…>``: items of the matrix
    list and of ``include`` entries, followed through nested mappings."""
    strategy = job.strategy
    matrix = strategy.get("matrix") if isinstance(strategy, MapNode) else None
    if not isinstance(matrix, MapNode) or not keys:
        return []
    values: list[Node] = []
    for name, _k, value in matrix.str_items():
        if name.lower() == keys[0] and isinstance(value, SeqNode):
            values.extend(value.items)
    include = matrix.get("include")
    if isinstance(include, SeqNode):
        for item in include.items:
            if isinstance(item, MapNode):
                values.extend(v for n, _k, v in item.str_items() if n.lower() == keys[0])
    for key in keys[1:]:
        nested: list[Node] = []
        for value in values:
            if isinstance(value, MapNode):
                nested.extend(v for n, _k, v in value.str_items() if n.lower() == key)
        values = nested
    out: list[ScalarNode] = []
    for value in values:
        items = value.items if isinstance(value, SeqNode) else (value,)
        for item in items:
            if isinstance(item, ScalarNode) and not item.is_null and "${{" not in item.value:
                out.append(item)
    return out


def _self_hosted(wf: Workflow, job: Job) -> Span | None:
    runs_on = job.runs_on
    if isinstance(runs_on, MapNode):
        entry = runs_on.entry("group")
        if entry is not None and not (isinstance(entry[1], ScalarNode) and entry[1].is_null):
            return entry[0].span(wf.source)
    for label in job.runs_on_labels():
        if label.value.strip().lower() == "self-hosted":
            return label.span(wf.source)
        if "${{" in label.value:
            for path in expression_paths(label.value):
                parts = lower_parts(path)
                if len(parts) >= 2 and parts[0] == "matrix":
                    for value in _matrix_labels(job, parts[1:]):
                        if value.value.strip().lower() == "self-hosted":
                            return label.span(wf.source)
    return None


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    if wf.is_action:
        return
    reachable = [t.name for t in wf.triggers if t.name in FORK_REACHABLE_TRIGGERS]
    if not reachable:
        return
    shown = ", ".join(dict.fromkeys(reachable))
    for job in wf.jobs:
        span = _self_hosted(wf, job)
        if span is None:
            continue
        yield Violation(
            span,
            f"job '{job.id}' runs on a self-hosted runner, and the workflow runs on {shown}, "
            "which people outside the repository can trigger; use a GitHub-hosted or "
            "ephemeral, isolated runner",
        )
