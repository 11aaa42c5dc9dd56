"""No memory limit.

## What it does
Checks every container launch for a memory limit: `--memory` / `-m`
(`mem_limit:` or `deploy.resources.limits.memory` in Compose). It reports a
launch without one at the `options:` key (or the launch itself), a limit of
`0` or `-1` (Docker reads both as "no limit") where it is written, and a
limit above the configured maximum. Sizes are read as Docker reads them
(`2g`, `2048m`, `2GiB`, a plain byte count).

Options:
- `max`: the largest acceptable limit, as a size (`"4g"`).

## Why is this bad?
Without a limit a runaway or hostile process in the container can take all
of the runner's memory, and the kernel's OOM killer then picks victims on
the host, not only in the container. ADR_0001 gives the agent a hard
`--memory` limit (and `--memory-swap` equal to it).

## Example
```yaml
container:
  image: ghcr.io/acme/agent:1.4
  options: --cap-drop=ALL --cpus=2
```

## Use instead
```yaml
container:
  image: ghcr.io/acme/agent:1.4
  options: --cap-drop=ALL --cpus=2 --memory=2g --memory-swap=2g
```

## Fix
Adds `--memory=<fix-value>` (Compose: `mem_limit`), 2g by default and never
above `max`. Unsafe: a job that needs more memory is killed. A limit that is
0, -1 or above the maximum is not changed.

Options used by the fix:
- `fix-value`: the limit to add (default `"2g"`).

"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from sentra_lint.container.sizes import UNLIMITED, format_bytes
from sentra_lint.container.spec import ContainerSpec
from sentra_lint.findings import Severity, Violation
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
    id="SC006",
    slug="memory-limit",
    title="Container has no memory limit",
    severity=Severity.ERROR,
    security_severity=5.0,
    area="container",
    precision="high",
    options={
        "max": {**SIZE_OPTION, "description": 'Largest acceptable memory limit, e.g. "4g".'},
        "fix-value": {
            **SIZE_OPTION,
            "default": "2g",
            "description": "The memory limit a fix adds (at most max).",
        },
    },
    fixable=True,
    family="hardening",
)

DEFAULT_FIX = "2g"


def fix_value(ctx: RuleContext) -> str:
    """The limit a fix writes: ``fix-value``, else 2g, and never above ``max``."""
    value = ctx.option("fix-value")
    chosen = str(value) if option_size(value) is not None else DEFAULT_FIX
    limit = option_size(ctx.option("max"))
    size = option_size(chosen)
    if limit is not None and size is not None and size > limit:
        chosen = str(ctx.option("max"))
    return chosen.strip()


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    mem = spec.memory
    if mem.certain:
        if mem.value is UNLIMITED:
            yield violation(
                spec,
                mem.span,
                f"{spec.subject}: memory limit {shown(mem)} means no limit; set a size such as 2g",
            )
            return
        limit = option_size(ctx.option("max"))
        if isinstance(mem.value, int) and limit is not None and mem.value > limit:
            yield violation(
                spec,
                mem.span,
                f"{spec.subject}: memory limit {shown(mem)} is above the maximum of "
                f"{format_bytes(limit)}",
            )
        return
    if may_report_missing(spec, mem):
        value = fix_value(ctx)
        fixes = launch_fix(
            spec,
            f"limit memory to {value}",
            [f"--memory={value}"],
            [("mem_limit", yaml_item(value), False)],
            safe=False,
        )
        yield replace(
            missing(
                spec,
                "no memory limit",
                hint(
                    spec,
                    "add --memory and an equal --memory-swap (for example --memory=2g --memory-swap=2g)",
                    "add mem_limit and an equal memswap_limit (for example 2g)",
                ),
                lacks=hint(spec, "--memory", "mem_limit"),
            ),
            fixes=fixes,
        )
