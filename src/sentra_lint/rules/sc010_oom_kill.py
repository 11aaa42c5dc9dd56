"""The OOM killer is disabled.

## What it does
Reports `--oom-kill-disable` (or `--oom-kill-disable=true`;
`oom_kill_disable: true` in Compose) on any container launch, where it is
written. `--oom-kill-disable=false`, the ADR_0001 setting, passes.

## Why is this bad?
With the OOM killer disabled, a container that reaches its memory limit is
not killed: its processes hang waiting for memory that never comes. Without
a memory limit it is worse: the kernel kills processes on the host instead.
The limit is only a limit if the kernel may enforce it.

## Example
```sh
docker run --memory=2g --oom-kill-disable ghcr.io/acme/agent:1.4
```

## Use instead
```sh
docker run --memory=2g --oom-kill-disable=false ghcr.io/acme/agent:1.4
```
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.container.spec import ContainerSpec
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import violation

META = RuleMeta(
    id="SC010",
    slug="oom-kill-disabled",
    title="Container OOM killer is disabled",
    severity=Severity.ERROR,
    security_severity=4.0,
    area="container",
    target="container",
    precision="very-high",
)


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    oom = spec.oom_kill_disable
    if oom.certain and oom.value is True:
        yield violation(
            spec,
            oom.span,
            f"{spec.label}: the OOM killer is disabled, so the memory limit cannot be enforced; "
            "remove it or set --oom-kill-disable=false",
        )
