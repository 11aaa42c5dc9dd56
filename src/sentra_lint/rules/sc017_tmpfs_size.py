"""A tmpfs mount has no size bound.

## What it does
Reports tmpfs mounts without a size: `--tmpfs /tmp` with no `size=`,
`--mount type=tmpfs` with no `tmpfs-size=`, Compose `tmpfs:` entries with no
`size=` (and long-syntax `type: tmpfs` volumes without `tmpfs.size`).
Opt-in (the `all` profile).

## Why is this bad?
A tmpfs lives in memory. Without a size Docker lets it grow to half of the
host's memory, and what a container writes there is charged to its memory
cgroup: one large temporary file can push the container into its OOM limit
or, with no limit, starve the runner. A `size=` turns that into an ordinary
"No space left on device".

## Example
```yaml
container:
  image: ghcr.io/acme/agent:1.4
  options: --read-only --tmpfs /tmp
```

## Use instead
```yaml
container:
  image: ghcr.io/acme/agent:1.4
  options: --read-only --tmpfs /tmp:rw,noexec,nosuid,size=256m
```
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.container.spec import ContainerSpec
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import violation

META = RuleMeta(
    id="SC017",
    slug="tmpfs-size",
    title="tmpfs mount without a size bound",
    severity=Severity.NOTE,
    security_severity=2.0,
    area="container",
    precision="very-high",
    family="hardening",
)


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    for mount in spec.tmpfs:
        if not mount.known or mount.size_raw is not None:
            continue
        if mount.via != "mount":
            key = "size="
        elif spec.source_kind == "compose":
            key = "tmpfs.size"
        else:
            key = "tmpfs-size="
        where = mount.target or "?"
        yield violation(
            spec,
            mount.span,
            f"{spec.subject}: the tmpfs at {where} has no size bound; add {key} (for example 256m)",
        )
