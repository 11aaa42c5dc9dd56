"""Anyone may start the agent: its user allowlist admits everyone.

## What it does
Reports the value of an agent action's user allowlist input when it admits
everyone: `allowed_non_write_users: "*"` (claude-code-action),
`allow-users: "*"` (codex-action), or a value taken from the event itself
(`${{ github.event.issue.user.login }}`, `${{ github.actor }}`), which
admits whoever triggered the run. A bot allowlist that admits every bot
(`allowed_bots: "*"`, `allow-bots: true`) is a warning. Which inputs are
allowlists comes from the agent inventory (`docs/agents.md`); the
configuration's `agents:` section adds more.

## Why is this bad?
These actions refuse to run for people without write access to the
repository: that check is what keeps an outsider's issue or comment from
steering an agent that holds the job's token and secrets. `"*"` (or the
event's own author) turns it off for everyone, so every prompt injection
(SA002) is reachable. A bot allowlist that admits every bot skips the same
check for accounts whose actions someone else may be steering.

## Example
```yaml
on: issues
jobs:
  triage:
    runs-on: ubuntu-latest
    steps:
      - uses: anthropics/claude-code-action@v1
        with:
          allowed_non_write_users: "*"
```

## Use instead
List the accounts that may start it, or leave the allowlist out and run the
agent only for people with write access:
```yaml
      - uses: anthropics/claude-code-action@v1
        with:
          allowed_non_write_users: "trusted-contributor"
```
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.agents.posture import agent_runs
from sentra_lint.findings import Related, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.workflow.analysis import expression_paths, lower_parts
from sentra_lint.workflow.model import Workflow

META = RuleMeta(
    id="SA004",
    slug="anyone-starts-agent",
    title="Agent's user allowlist admits everyone",
    severity=Severity.ERROR,
    also=(Severity.WARNING,),
    security_severity=7.0,
    area="workflow",
    precision="very-high",
)

_EVENT_PEOPLE = ("github.actor", "github.triggering_actor")


def _everyone(value: str) -> bool:
    items = [v.strip().strip("'\"") for v in value.replace("\n", ",").split(",")]
    return "*" in items


def _from_event(value: str) -> str | None:
    for path in expression_paths(value):
        parts = lower_parts(path)
        dotted = ".".join(parts)
        if parts[:2] == ("github", "event") or dotted in _EVENT_PEOPLE:
            return path.dotted()
    return None


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    inv = ctx.agents()
    related = tuple(Related(wf.source.path, t.span, f"triggered by {t.name}") for t in wf.triggers)
    for run in agent_runs(wf, inv):
        action = run.action
        if action is None:
            continue
        for name, node in run.input(*action.allow_user_inputs):
            value = node.value.strip()
            if _everyone(value):
                yield Violation(
                    node.span(wf.source),
                    f"`{name}: \"*\"` lets anyone, without write access, start {action.uses}; list the accounts "
                    "that may, or leave it out",
                    related=related,
                )
                continue
            source = _from_event(value)
            if source is not None:
                yield Violation(
                    node.span(wf.source),
                    f"`{name}` is taken from the event itself (`{source}`): whoever triggers the run is admitted "
                    f"to start {action.uses}; list the accounts that may",
                    related=related,
                )
        for name, node in run.input(*action.allow_bot_inputs):
            value = node.value.strip().strip("'\"").lower()
            if value == "true" or _everyone(value):
                yield Violation(
                    node.span(wf.source),
                    f"`{name}: {node.value.strip()}` admits bot accounts to start {action.uses} without its "
                    "write-access check; list the bots that may",
                    severity=Severity.WARNING,
                    related=related,
                )
