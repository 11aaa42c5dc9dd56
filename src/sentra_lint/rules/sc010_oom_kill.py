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

## Fix
Rewrites `--oom-kill-disable` (or `=true`) as `--oom-kill-disable=false`, and
Compose's `oom_kill_disable: true` as `false`, where it is written. Safe: the
memory limit is enforced again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from sentra_lint.container.spec import ContainerSpec
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import hint, violation
from sentra_lint.rules._fix import replace_fix

_CLI_FLAG = re.compile(r"--oom-kill-disable(=(?i:true|1|t))?")
_YAML_TRUE = re.compile(r"(?i:true|yes|on|y)|\"(?i:true|yes|on)\"|'(?i:true|yes|on)'")

META = RuleMeta(
    id="SC010",
    slug="oom-kill-disabled",
    title="Container OOM killer is disabled",
    severity=Severity.ERROR,
    security_severity=4.0,
    area="container",
    precision="very-high",
    fixable=True,
    family="hazard",
)


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    oom = spec.oom_kill_disable
    if oom.certain and oom.value is True:
        if spec.source_kind == "compose":
            fixes = replace_fix(
                spec, oom.span, _YAML_TRUE, "false", "enable the OOM killer", safe=True
            )
        else:
            fixes = replace_fix(
                spec,
                oom.span,
                _CLI_FLAG,
                "--oom-kill-disable=false",
                "enable the OOM killer",
                safe=True,
            )
        yield replace(
            violation(
                spec,
                oom.span,
                f"{spec.label}: the OOM killer is disabled, so the memory limit cannot be enforced; "
                + hint(
                    spec,
                    "remove it or set --oom-kill-disable=false",
                    "remove oom_kill_disable or set it to false",
                ),
            ),
            fixes=fixes,
        )
