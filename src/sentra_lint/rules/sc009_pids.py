"""No process limit.

## What it does
Checks every container launch for `--pids-limit` (`pids_limit:` or
`deploy.resources.limits.pids` in Compose). It reports a launch without one
at the `options:` key (or the launch itself), a limit of `0` or `-1` (Docker
reads both as unlimited) where it is written, and a limit above the
configured maximum.

Options:
- `max`: the largest acceptable number of processes.

## Why is this bad?
Without a process limit a fork bomb, or a tool that spawns workers without
bound, exhausts the runner's process table and takes down every other job
on it. ADR_0001 gives the agent a small `--pids-limit` (100 in the reference
workflow).

## Example
```sh
docker run --cap-drop=ALL --memory=2g ghcr.io/acme/agent:1.4
```

## Use instead
```sh
docker run --cap-drop=ALL --memory=2g --pids-limit=100 ghcr.io/acme/agent:1.4
```

## Fix
Adds `--pids-limit=<fix-value>` (Compose: `pids_limit`), 100 by default and
never above `max`. Unsafe: a job that runs many processes or threads may hit
the limit.

Options used by the fix:
- `fix-value`: the process limit to add (default 100).

"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from sentra_lint.container.sizes import UNLIMITED
from sentra_lint.container.spec import ContainerSpec
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import (
    hint,
    may_report_missing,
    missing,
    option_int,
    shown,
    violation,
)
from sentra_lint.rules._fix import LAUNCH_FIX_PLACEMENT, launch_fix

__doc__ = f"{(__doc__ or '').rstrip()}\n\n{LAUNCH_FIX_PLACEMENT}"

META = RuleMeta(
    id="SC009",
    slug="pids-limit",
    title="Container has no process limit",
    severity=Severity.ERROR,
    security_severity=4.0,
    area="container",
    precision="high",
    options={
        "max": {
            "type": "integer",
            "minimum": 1,
            "description": "Largest acceptable number of processes.",
        },
        "fix-value": {
            "type": "integer",
            "minimum": 1,
            "default": 100,
            "description": "The process limit a fix adds (at most max).",
        },
    },
    fixable=True,
    family="hardening",
)

DEFAULT_FIX = 100


def fix_value(ctx: RuleContext) -> int:
    """The process limit a fix writes: ``fix-value``, else 100, and never above ``max``."""
    value = option_int(ctx.option("fix-value"))
    chosen = value if value is not None and value > 0 else DEFAULT_FIX
    limit = option_int(ctx.option("max"))
    if limit is not None and limit > 0 and chosen > limit:
        chosen = limit
    return chosen


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    pids = spec.pids_limit
    fix = hint(
        spec, "add --pids-limit (for example --pids-limit=100)", "add pids_limit (for example 100)"
    )
    if pids.certain:
        if pids.value is UNLIMITED:
            yield violation(
                spec, pids.span, f"{spec.subject}: pids limit {shown(pids)} means unlimited; {fix}"
            )
            return
        limit = option_int(ctx.option("max"))
        if isinstance(pids.value, int) and limit is not None and pids.value > limit:
            yield violation(
                spec,
                pids.span,
                f"{spec.subject}: pids limit {pids.value} is above the maximum of {limit}",
            )
        return
    if may_report_missing(spec, pids):
        value = fix_value(ctx)
        fixes = launch_fix(
            spec,
            f"limit processes to {value}",
            [f"--pids-limit={value}"],
            [("pids_limit", str(value), False)],
            safe=False,
        )
        yield replace(missing(spec, "no process limit", fix, lacks=hint(spec, "--pids-limit", "pids_limit")), fixes=fixes)
