"""Job with secrets, started by outsiders, runs directly on the runner.

## What it does
Reports a job (at its id) in a workflow triggered by an event that people
outside the repository can cause (`issues`, `issue_comment`,
`pull_request_target`, `discussion`, `discussion_comment`,
`pull_request_review`, `pull_request_review_comment`, `workflow_run`,
`fork`, `watch`) when the job has secrets in scope and no `container:`.
Secrets are in scope when a `${{ secrets.* }}` expression appears in the
workflow's `env:` or anywhere in the job (its `env:`, steps' `env:`,
`with:` and `run:`, a called workflow's `secrets:`), or when the job
passes `secrets: inherit`. The `GITHUB_TOKEN` (`github.token`,
`secrets.GITHUB_TOKEN`) does not count: it is present in every job, and
its scope is what SW003 checks. A job that calls a reusable workflow and
passes it secrets is reported too: it cannot set `container:`, so the
called workflow's jobs must.

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
These triggers run on text and code outsiders control. A single injected
command (SW002, SW009) or malicious dependency then runs on the runner
itself, next to every secret of the job and everything on the machine.
Running the job in a hardened container (ADR_0001: non-root, all
capabilities dropped, read-only root) limits what it can reach and keeps
secrets out of its environment.

## Example
```yaml
on: issue_comment
jobs:
  agent:
    runs-on: ubuntu-latest
    steps:
      - run: ./agent.sh
        env:
          API_KEY: ${{ secrets.API_KEY }}
```

## Use instead
```yaml
on: issue_comment
jobs:
  agent:
    runs-on: ubuntu-latest
    container:
      image: ghcr.io/acme/agent@sha256:<digest>
      options: --cap-drop=ALL --security-opt=no-new-privileges --read-only --user 1001
    steps:
      - run: ./agent.sh
        env:
          API_KEY: ${{ secrets.API_KEY }}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._reach import caller_related
from sentra_lint.workflow.analysis import node_secret_refs
from sentra_lint.workflow.model import Job, Workflow
from sentra_lint.workflow.reach import PRIVILEGED_TRIGGERS, job_reach, reachable_triggers

META = RuleMeta(
    id="SW011",
    slug="untrusted-no-container",
    title="Job with secrets under an untrusted trigger runs outside a container",
    severity=Severity.ERROR,
    security_severity=7.5,
    area="workflow",
    precision="high",
)


def _job_secrets(job: Job) -> list[str]:
    if job.secrets_inherit:
        return ["secrets: inherit"]
    names: list[str] = []
    for part in ("env", "steps", "with", "secrets", "services", "outputs"):
        names.extend(n for n, _ in node_secret_refs(job.node.get(part)))
    return names


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    if wf.is_action:
        return
    if not reachable_triggers(wf, PRIVILEGED_TRIGGERS):
        return  # its own triggers and, for a reusable workflow, its callers'
    workflow_secrets = [n for n, _ in node_secret_refs(wf.env)]
    for job in wf.jobs:
        if job.container is not None:
            continue
        inherited = [] if job.is_reusable_call else workflow_secrets
        names = list(dict.fromkeys(inherited + _job_secrets(job)))
        if not names:
            continue
        reach = job_reach(wf, job, PRIVILEGED_TRIGGERS)
        if not reach.outsiders:
            continue
        listed = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
        if job.is_reusable_call:
            what = f"passes secrets ({listed}) to a reusable workflow"
        else:
            what = f"has secrets in scope ({listed}) and runs directly on the runner"
        yield Violation(
            job.id_span,
            f"job '{job.id}' {what}, and {reach.describe()}; run it in a "
            "hardened `container:`, or keep secrets out of it",
            related=caller_related(reach.open_through),
        )
