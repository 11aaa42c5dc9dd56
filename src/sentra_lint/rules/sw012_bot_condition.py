"""A spoofable bot condition decides whether a privileged job runs.

## What it does
Reports a job or step `if:` that lets a run through because
`github.actor` (or `github.triggering_actor`) is a bot login
(`dependabot[bot]`, `renovate[bot]`, any `…[bot]`), in a workflow that
people outside the repository can trigger with the base repository's
token and secrets (`pull_request_target`, `workflow_run`, `issue_comment`,
…; not `pull_request`, whose fork runs get neither), unless another gate
(members only, not a fork) keeps them out. The span is the comparison. It is an error when the job can write (a `write` permission)
or reads secrets, a warning otherwise. `!=` comparisons, which keep a bot
out, are not reported.

## Why is this bad?
`github.actor` is whoever caused the latest event, not who wrote the code.
An attacker can get a bot to act on their pull request (ask Dependabot to
rebase it, push to a branch a bot then updates) so that `github.actor` is
the bot while the code and the text are the attacker's. The check meant to
admit only the bot admits them.

## Example
```yaml
on: pull_request_target
jobs:
  automerge:
    if: github.actor == 'dependabot[bot]'
    runs-on: ubuntu-latest
    permissions:
      contents: write
    steps:
      - run: gh pr merge --auto --squash "$PR"
        env:
          PR: ${{ github.event.pull_request.html_url }}
          GH_TOKEN: ${{ github.token }}
```

## Use instead
```yaml
on: pull_request_target
jobs:
  automerge:
    if: github.event.pull_request.user.login == 'dependabot[bot]'
    runs-on: ubuntu-latest
    permissions:
      contents: write
    steps:
      - run: gh pr merge --auto --squash "$PR"
        env:
          PR: ${{ github.event.pull_request.html_url }}
          GH_TOKEN: ${{ github.token }}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._reach import caller_related
from sentra_lint.workflow.analysis import node_secret_refs
from sentra_lint.workflow.model import Job, Workflow
from sentra_lint.workflow.reach import PRIVILEGED_TRIGGERS, job_reach, read_condition
from sentra_lint.yamlmodel import Node

META = RuleMeta(
    id="SW012",
    slug="spoofable-bot-condition",
    title="Spoofable bot condition (github.actor == '…[bot]') gates a privileged job",
    severity=Severity.ERROR,
    security_severity=7.5,
    area="workflow",
    precision="high",
)


def _privilege(wf: Workflow, job: Job) -> str | None:
    """Why the job is privileged: a write permission or a secret; ``None`` if neither."""
    for perms in (job.permissions, wf.permissions if job.permissions is None else None):
        if perms is None:
            continue
        if perms.is_write_all:
            return "its token can write everything"
        writes = [name for name, level, _k, _v in perms.scopes() if (level or "").strip() == "write"]
        if writes:
            return f"its token can write ({', '.join(writes[:3])})"
    names = [n for n, _ in node_secret_refs(job.node)] + [n for n, _ in node_secret_refs(wf.env)]
    if names:
        return f"it reads secrets ({', '.join(dict.fromkeys(names[:3]))})"
    return None


def _report(wf: Workflow, job: Job, node: Node | None) -> Iterator[Violation]:
    cond = read_condition(wf, node)
    if not cond.bot_checks:
        return
    # A fork's `pull_request` run has a read-only token and no secrets: the
    # bot check can only be abused where the run is privileged.
    reach = job_reach(wf, job, PRIVILEGED_TRIGGERS)
    if not reach.outsiders:
        return
    why = _privilege(wf, job)
    shown = ", ".join(reach.open_triggers)
    for atom in cond.bot_checks:
        if why is not None:
            stake = f"job '{job.id}' is privileged ({why})"
            severity = None
        else:
            stake = f"job '{job.id}' has no write permission or secret, so less is at stake"
            severity = Severity.WARNING
        yield Violation(
            atom.span,
            f"'{atom.text}' trusts whoever caused the event, and under {shown} an attacker "
            f"can make that a bot (by getting it to act on their pull request); {stake}; "
            "compare the event's own fields instead (github.event.pull_request.user.login)",
            severity=severity,
            related=caller_related(reach.open_through),
        )


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    if wf.is_action:
        return
    for job in wf.jobs:
        yield from _report(wf, job, job.if_)
        for step in job.steps:
            yield from _report(wf, job, step.if_)
