"""No CPU limit.

## What it does
Checks every container launch for a CPU limit: `--cpus` (`cpus:` or
`deploy.resources.limits.cpus` in Compose), or `--cpu-quota` together with
`--cpu-period` (`cpu_quota` with `cpu_period`), or `--cpuset-cpus`
(`cpuset`), which pins the container to the CPUs it names. It reports a launch without
one at the `options:` key (or the launch itself), `--cpus=0` (no limit)
where it is written, and a limit above the configured maximum.

Options:
- `max`: the largest acceptable number of CPUs.

## Why is this bad?
A container without a CPU limit can take every core of the runner: a
runaway build or a hostile process starves the runner's own agent and the
other containers of the job. ADR_0001 gives the agent a fixed `--cpus`.

## Example
```yaml
services:
  agent:
    image: ghcr.io/acme/agent:1.4
    mem_limit: 2g
```

## Use instead
```yaml
services:
  agent:
    image: ghcr.io/acme/agent:1.4
    mem_limit: 2g
    cpus: 2
```

## Fix
Adds `--cpus=<fix-value>` (Compose: `cpus`), 2 by default and never above
`max`. Unsafe: a job gets slower, and Docker refuses a limit above the number
of CPUs the runner has.

Options used by the fix:
- `fix-value`: the number of CPUs to add (default 2).

"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from sentra_lint.container.spec import ContainerSpec
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import (
    hint,
    may_report_missing,
    missing,
    option_number,
    shown,
    violation,
)
from sentra_lint.rules._fix import LAUNCH_FIX_PLACEMENT, launch_fix

__doc__ = f"{(__doc__ or '').rstrip()}\n\n{LAUNCH_FIX_PLACEMENT}"

META = RuleMeta(
    id="SC008",
    slug="cpu-limit",
    title="Container has no CPU limit",
    severity=Severity.WARNING,
    security_severity=3.0,
    area="container",
    precision="high",
    options={
        "max": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "Largest acceptable number of CPUs.",
        },
        "fix-value": {
            "type": "number",
            "exclusiveMinimum": 0,
            "default": 2,
            "description": "The CPU limit a fix adds (at most max).",
        },
    },
    fixable=True,
    family="hardening",
)

DEFAULT_FIX = 2.0


def fix_value(ctx: RuleContext) -> str:
    """The CPU limit a fix writes: ``fix-value``, else 2, and never above ``max``."""
    value = option_number(ctx.option("fix-value"))
    chosen = value if value is not None and value > 0 else DEFAULT_FIX
    limit = option_number(ctx.option("max"))
    if limit is not None and limit > 0 and chosen > limit:
        chosen = limit
    return f"{chosen:g}"


def cpuset_size(text: str) -> int | None:
    """How many CPUs a cpuset list names (``0-3,6`` is 5), or ``None`` if malformed."""
    count = 0
    for part in text.strip().split(","):
        lo, dash, hi = part.strip().partition("-")
        if not lo.isdigit() or (dash and not hi.isdigit()) or len(lo) > 6 or len(hi) > 6:
            return None
        count += (int(hi) - int(lo) + 1) if dash else 1
        if dash and int(hi) < int(lo):
            return None
    return count


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    cpus, quota, period = spec.cpus, spec.cpu_quota, spec.cpu_period
    limit = option_number(ctx.option("max"))
    fix = hint(spec, "add --cpus (for example --cpus=2)", "add cpus (for example cpus: 2)")
    if cpus.certain and cpus.value is not None and cpus.value > 0:
        if limit is not None and cpus.value > limit:
            yield violation(
                spec,
                cpus.span,
                f"{spec.subject}: {shown(cpus)} CPUs is above the maximum of {limit:g}",
            )
        return
    if (
        quota.certain
        and period.certain
        and quota.value is not None
        and period.value is not None
        and quota.value > 0
        and period.value > 0
    ):
        share = quota.value / period.value
        if limit is not None and share > limit:
            yield violation(
                spec,
                quota.span,
                f"{spec.subject}: a CPU quota of {share:g} CPUs is above the maximum of {limit:g}",
            )
        return
    cpuset = spec.cpuset_cpus
    if cpuset.present:
        if not cpuset.certain or cpuset.value is None:
            return  # an expression: some CPUs, perhaps all
        count = cpuset_size(cpuset.value)
        if count is not None and count > 0:
            if limit is not None and count > limit:
                yield violation(
                    spec,
                    cpuset.span,
                    f"{spec.label}: {count} pinned CPUs ({cpuset.value}) is above the maximum of {limit:g}",
                )
            return
    if not cpus.known or not quota.known or not period.known:
        return
    if cpus.certain and cpus.value == 0:
        yield violation(spec, cpus.span, f"{spec.subject}: --cpus=0 means no CPU limit; {fix}")
        return
    if quota.present or period.present:
        if spec.unknown_options:
            return
        written = quota if quota.present else period
        yield violation(
            spec,
            written.span,
            f"{spec.subject}: a CPU quota needs both a positive quota and period to limit CPU; {fix}",
        )
        return
    if may_report_missing(spec, cpus, quota, period):
        value = fix_value(ctx)
        fixes = launch_fix(
            spec,
            f"limit CPUs to {value}",
            [f"--cpus={value}"],
            [("cpus", value, False)],
            safe=False,
        )
        yield replace(missing(spec, "no CPU limit", fix, lacks=hint(spec, "--cpus", "cpus")), fixes=fixes)
