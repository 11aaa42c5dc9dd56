"""Agent that can act runs directly on the runner, not in a hardened container.

## What it does
Reports an agent step (a known agent action, or an agent program such as
`claude`, `codex`, `gemini`, `aider` in a `run:` script) that can act - run
shell commands, edit files, use MCP servers, call `gh`/`git` with a token -
when it runs directly on the runner instead of inside a container launch
that the hardening rules check: the job's `container:` or a `docker run`
of the agent's image. The finding is on the `uses:` value or on the command
word; the message lists what the agent can reach on the runner: the job
token's write permissions, the secrets in the step's and the job's
environment and a checkout that persisted its credentials, each also given
as a related location.

Inference-only calls (`actions/ai-inference` without MCP, a `curl` to a
model endpoint, `llm` without tools) are not reported: they cannot act.
Their prompts and outputs still fall under SA002 and SA005.

## Why is this bad?
The premise of ADR_0001: an agent takes instructions from text it reads, so
whatever it can touch, a prompt injection can touch. On the runner it shares
the machine with the job token, every secret of the job, the runner's
`sudo` and the network. In a container started with all capabilities
dropped, no-new-privileges, a read-only root filesystem, a non-root user and
resource limits, and with only the credentials it needs, the damage an
injected instruction can do is bounded and the hardening rules can check it.

## Example
```yaml
on:
  issues:
    types: [opened]
permissions:
  contents: write
jobs:
  triage:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: anthropics/claude-code-action@v1
        with:
          anthropic_api_key: ${{ secrets.ANTHROPIC_API_KEY }}
```

## Use instead
```yaml
on:
  issues:
    types: [opened]
permissions:
  contents: read
jobs:
  triage:
    runs-on: ubuntu-latest
    container:
      image: ghcr.io/acme/agent@sha256:<digest>
      options: >-
        --user 1001 --cap-drop=ALL --security-opt=no-new-privileges --read-only
        --tmpfs /tmp --memory=4g --memory-swap=4g --cpus=2 --pids-limit=256
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - run: claude -p "Label this issue" --allowedTools "Read"
        env:
          ANTHROPIC_API_KEY: ${{ secrets.ANTHROPIC_API_KEY }}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.agents.posture import agent_runs, job_powers
from sentra_lint.findings import Related, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.workflow.model import Workflow

META = RuleMeta(
    id="SA001",
    slug="agent-on-runner",
    title="Agent that can act runs directly on the runner",
    severity=Severity.ERROR,
    security_severity=7.5,
    area="workflow",
    precision="high",
)


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    inv = ctx.agents()
    seen: set[int] = set()
    for run in agent_runs(wf, inv):
        if run.inference_only or run.contained or run.span is None:
            continue
        if run.job is not None and run.job.container is not None:
            continue
        if wf.is_action:
            continue  # a composite action runs wherever its caller's job runs
        if id(run.step) in seen:
            continue
        seen.add(id(run.step))
        powers = job_powers(wf, run.job, run.step)
        reach = powers.describe()
        related = [Related(wf.source.path, span, f"`{name}`") for name, span in powers.writes]
        related += [Related(wf.source.path, span, f"secret `{name}` in scope") for name, span in powers.secrets[:5]]
        if powers.checkout is not None:
            related.append(Related(wf.source.path, powers.checkout, "checkout keeps its credentials in .git/config"))
        what = ("; it can reach " + ", ".join(reach)) if reach else ""
        yield Violation(
            run.span,
            f"`{run.name}` runs an agent that can act directly on the runner{what}; run it in a hardened "
            "container (the job's `container:` or `docker run` of the agent's image) with only the "
            "credentials it needs",
            related=tuple(related),
        )
