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

Gates narrow who can start the job, and a job behind one is not reported:
an `if:` that admits only members (`author_association` OWNER, MEMBER or
COLLABORATOR), only the repository's own branches
(`head.repo.fork == false`, `head.repo.full_name == github.repository`),
a label only people with triage access set, or fixed non-bot logins; an
`environment:` (which can require approval); or a step of the job, or of a
job it needs, that checks the user's permission. A `fork == false` check
does not hold under events without a pull request (`issue_comment`).
`if: false` jobs are skipped. The message says which trigger lets
outsiders in and that no gate keeps them out.

In a reusable workflow (`on: workflow_call`), the triggers are its
callers': when a workflow of the run calls it (`jobs.<id>.uses:
./.github/workflows/x.yml` or `$/...`), it inherits the caller's outsider
triggers, narrowed by the gates of every calling job on the way; the
finding stays in the called file, and names the caller, whose `uses:` is a
related location. A caller that is not among the files linted is not
followed.

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
from sentra_lint.rules._reach import caller_related
from sentra_lint.source import Span
from sentra_lint.workflow.analysis import expression_paths, lower_parts, matrix_literals
from sentra_lint.workflow.model import Job, Workflow
from sentra_lint.workflow.reach import OUTSIDER_TRIGGERS, job_reach, reachable_triggers

META = RuleMeta(
    id="SW010",
    slug="self-hosted-runner",
    title="Self-hosted runner reachable from forks or outside users",
    severity=Severity.WARNING,
    security_severity=7.0,
    area="workflow",
    precision="high",
)


def _self_hosted(wf: Workflow, job: Job) -> Span | None:
    group = job.runner_group
    if group is not None:
        return group.span(wf.source)
    for label in job.runs_on_labels():
        if label.value.strip().lower() == "self-hosted":
            return label.span(wf.source)
        if "${{" in label.value:
            for path in expression_paths(label.value):
                parts = lower_parts(path)
                if len(parts) >= 2 and parts[0] == "matrix":
                    for value in matrix_literals(job, parts[1:]):
                        if value.value.strip().lower() == "self-hosted":
                            return label.span(wf.source)
    return None


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    if wf.is_action:
        return
    if not reachable_triggers(wf, OUTSIDER_TRIGGERS):
        return  # its own triggers and, for a reusable workflow, its callers'
    for job in wf.jobs:
        span = _self_hosted(wf, job)
        if span is None:
            continue
        reach = job_reach(wf, job)
        if not reach.outsiders:
            continue
        yield Violation(
            span,
            f"job '{job.id}' runs on a self-hosted runner, and {reach.describe()}; "
            "use a GitHub-hosted or ephemeral, isolated runner",
            related=caller_related(reach.open_through),
        )
