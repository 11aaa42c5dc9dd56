"""Job without `timeout-minutes`.

## What it does
Reports a job that does not set `timeout-minutes`, at the job id, when a
runaway job costs more than minutes: a job with an agent step (an agent
that loops keeps calling the model and acting), a job on a self-hosted
runner (the machine and its credentials stay busy), and a job outside users
can start (`issues`, `issue_comment`, `pull_request_target`, ..., unless its
`if:` admits only members). A job only `pull_request` starts is left out on
GitHub-hosted runners: a fork's run there has no secrets and a read-only
token, and the minutes are not the repository's to lose. Under the `audit` profile every job is
reported. Jobs that call a reusable workflow (`jobs.<id>.uses`) are
skipped: GitHub does not accept `timeout-minutes` there (the called
workflow's jobs set their own). The `default-minutes` option is the value a
fix would insert (not used to decide whether to report).

## Why is this bad?
The runner's default is 360 minutes. A hung test, a stuck network call or
an agent that loops keeps the runner (and on a self-hosted runner, the
machine and its credentials) busy for six hours, costs minutes on hosted
runners and delays every queued job.

## Example
```yaml
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
```

## Use instead
```yaml
jobs:
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - run: make test
```

## Fix
Adds `timeout-minutes: <default-minutes>` (30 unless the policy says
otherwise) to the job, after its `runs-on:` (or as its last key), at the
job's indentation. Unsafe: a job that normally runs longer is cancelled.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.findings import Fix, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._fix import add_keys
from sentra_lint.workflow.model import Job, Workflow

META = RuleMeta(
    id="SW006",
    slug="job-timeout",
    title="Job has no timeout-minutes (the default is 6 hours)",
    severity=Severity.WARNING,
    security_severity=3.0,
    area="workflow",
    precision="very-high",
    fixable=True,
    options={
        "default-minutes": {
            "type": "integer",
            "minimum": 1,
            "default": 30,
            "description": "The timeout a fix inserts.",
        }
    },
)


def _why(wf: Workflow, job: Job, ctx: RuleContext) -> str | None:
    """Why this job's timeout matters, or ``None`` when it is out of scope."""
    from sentra_lint.agents.detect import job_agent_steps
    from sentra_lint.agents.posture import outsider_reach
    from sentra_lint.workflow.reach import read_condition

    if read_condition(wf, job.if_).disabled:
        return None  # `if: false`: the job never runs
    found = job_agent_steps(wf, job)
    if found:
        return f"it runs an agent ({found[0].describe()})"
    if any(label.value.strip().lower() == "self-hosted" for label in job.runs_on_labels()):
        return "it runs on a self-hosted runner"
    reach = outsider_reach(wf, job)
    if reach.outsiders and not reach.limited:
        return f"outside users can start it ({reach.names()})"
    if ctx.profile == "audit":
        return "the audit profile checks every job"
    return None


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    minutes = ctx.option("default-minutes", 30)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1:
        minutes = 30
    for job in wf.jobs:
        if job.is_reusable_call:
            continue
        if job.has_timeout:
            continue
        why = _why(wf, job, ctx)
        if why is None:
            continue
        fixes: tuple[Fix, ...] = ()
        if job.timeout_minutes is None:
            edits = add_keys(wf.source, job.node, [f"timeout-minutes: {minutes}"], after="runs-on")
            if edits:
                fixes = (Fix(f"set timeout-minutes: {minutes}", tuple(edits), safe=False),)
        yield Violation(
            job.id_span,
            f"job '{job.id}' has no timeout-minutes and {why}: a hung or looping step holds the runner "
            f"for 6 hours; set timeout-minutes (for example {minutes})",
            fixes=fixes,
        )
