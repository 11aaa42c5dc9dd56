"""Swap is not bounded.

## What it does
Checks that a container's swap is bounded: `--memory-swap` equal to
`--memory` (`memswap_limit` equal to `mem_limit` in Compose) is the ADR_0001
setting and means "no swap". It reports a launch where `--memory-swap` is
missing, `-1` (unlimited swap), `0` (Docker's default again) or larger than
the memory limit. When the memory limit itself is an expression or missing,
only the missing or unlimited cases are reported.

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
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.container.sizes import UNLIMITED
from sentra_lint.container.spec import ContainerSpec
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import hint, may_report_missing, missing, shown, violation

META = RuleMeta(
    id="SC007",
    slug="swap-limit",
    title="Container swap is not bounded",
    severity=Severity.WARNING,
    security_severity=3.0,
    area="container",
    target="container",
    precision="high",
)


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    swap, mem = spec.memory_swap, spec.memory
    fix = hint(
        spec,
        "set --memory-swap equal to --memory",
        "set memswap_limit equal to mem_limit",
    )
    if swap.certain:
        if swap.value is UNLIMITED:
            yield violation(spec, swap.span, f"{spec.label}: swap is unlimited (-1); {fix}")
        elif swap.value == 0:
            yield violation(
                spec,
                swap.span,
                f"{spec.label}: a swap limit of 0 leaves Docker's default (as much swap as "
                f"memory); {fix}",
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
                f"{spec.label}: memory-swap {shown(swap)} is larger than the memory limit "
                f"{shown(mem)}, so the container may swap; {fix}",
            )
        return
    if may_report_missing(spec, swap):
        if mem.missing:
            what = "swap is not bounded (no memory or swap limit)"
            fix = hint(
                spec,
                "add --memory and --memory-swap with the same size",
                "add mem_limit and memswap_limit with the same size",
            )
        else:
            what = "swap is not bounded (Docker allows as much swap as memory)"
        yield missing(spec, what, fix)
