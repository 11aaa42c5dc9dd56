"""Swap is not bounded.

## What it does
Checks that a container's swap is bounded: `--memory-swap` equal to
`--memory` (`memswap_limit` equal to `mem_limit` in Compose) is the ADR_0001
setting and means "no swap". It reports a launch where `--memory-swap` is
missing, `-1` (unlimited swap), `0` (Docker's default again) or larger than
the memory limit. When the memory limit itself is an expression, only the
missing or unlimited cases are reported. A launch without any memory limit
is SC006's finding (which asks for both limits), not reported again here.

## Why is this bad?
With a memory limit but no swap setting, Docker lets the container use as
much swap again as its memory limit; with `-1`, all the swap of the host. A
process that should have hit its limit and been killed instead thrashes the
runner's disk, slowing every other job, and the limit no longer says how
much the container can hold.

## Example
```sh
docker run --memory=2g --cap-drop=ALL ghcr.io/acme/agent:1.4
```

## Use instead
```sh
docker run --memory=2g --memory-swap=2g --cap-drop=ALL ghcr.io/acme/agent:1.4
```

## Fix
Adds `--memory-swap` equal to the memory limit as written (Compose:
`memswap_limit`). Safe: the container only loses swap. When the memory limit
is missing too, SC006's fix adds it and the next pass of `--fix` adds the
swap limit. Values that are written but wrong are not changed.

"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from sentra_lint.container.sizes import UNLIMITED, format_bytes
from sentra_lint.container.spec import ContainerSpec
from sentra_lint.findings import Fix, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import (
    SIZE_OPTION,
    hint,
    may_report_missing,
    missing,
    option_size,
    shown,
    violation,
)
from sentra_lint.rules._fix import LAUNCH_FIX_PLACEMENT, launch_fix, yaml_item

__doc__ = f"{(__doc__ or '').rstrip()}\n\n{LAUNCH_FIX_PLACEMENT}"

META = RuleMeta(
    id="SC007",
    slug="swap-limit",
    title="Container swap is not bounded",
    severity=Severity.WARNING,
    security_severity=3.0,
    area="container",
    precision="high",
    options={
        "max": {
            **SIZE_OPTION,
            "description": 'Largest acceptable memory+swap limit, e.g. "4g" (a larger one is a finding).',
        },
    },
    fixable=True,
    family="hardening",
)


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    swap, mem = spec.memory_swap, spec.memory
    limit = option_size(ctx.option("max"))
    fix = hint(
        spec,
        "set --memory-swap equal to --memory",
        "set memswap_limit equal to mem_limit",
    )
    if swap.certain:
        if swap.value is UNLIMITED:
            yield violation(spec, swap.span, f"{spec.subject}: swap is unlimited (-1); {fix}")
        elif swap.value == 0:
            yield violation(
                spec,
                swap.span,
                f"{spec.subject}: a swap limit of 0 leaves Docker's default (as much swap as "
                f"memory); {fix}",
            )
        elif isinstance(swap.value, int) and limit is not None and swap.value > limit:
            yield violation(
                spec,
                swap.span,
                f"{spec.subject}: memory-swap {shown(swap)} is above the maximum of "
                f"{format_bytes(limit)}",
            )
        elif (
            mem.certain
            and isinstance(mem.value, int)
            and isinstance(swap.value, int)
            and swap.value > mem.value
        ):
            yield violation(
                spec,
                swap.span,
                f"{spec.subject}: memory-swap {shown(swap)} is larger than the memory limit "
                f"{shown(mem)}, so the container may swap; {fix}",
            )
        return
    if may_report_missing(spec, swap):
        if mem.missing:
            return  # no memory limit at all: SC006 reports it, and asks for both limits
        what = "swap is not bounded (Docker allows as much swap as memory)"
        fixes: tuple[Fix, ...] = ()
        if mem.certain and isinstance(mem.value, int) and mem.raw and mem.raw.strip():
            # Without a memory limit there is no size to match yet: SC006's fix adds
            # one, and the next pass of --fix matches it.
            size = mem.raw.strip()
            fixes = launch_fix(
                spec,
                f"set the swap limit equal to the memory limit ({size})",
                [f"--memory-swap={size}"],
                [("memswap_limit", yaml_item(size), False)],
                safe=True,
            )
        yield replace(missing(spec, what, fix, lacks=hint(spec, "--memory-swap", "memswap_limit")), fixes=fixes)
