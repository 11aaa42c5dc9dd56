"""Host devices are passed in.

## What it does
Reports every host device given to a container: `--device`
(`devices:` in Compose, `--device` in a dev container's `runArgs`), where it
is written. A device given by an expression is reported too: some device is
certainly passed in.

## Why is this bad?
A device node is a direct line to a kernel driver: block devices expose the
host's disks, `/dev/kvm` and `/dev/fuse` add attack surface that the
container's seccomp profile does not cover, and `/dev/mem` is the host's
memory. A CI agent has no need for host hardware.

## Example
```sh
docker run --device /dev/fuse ghcr.io/acme/agent:1.4
```

## Use instead
```sh
docker run ghcr.io/acme/agent:1.4
```
If a device is genuinely required, suppress the finding on that line with
the reason.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.container.spec import ContainerSpec
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import violation

META = RuleMeta(
    id="SC016",
    slug="host-devices",
    title="Host devices passed to the container",
    severity=Severity.WARNING,
    security_severity=6.0,
    area="container",
    precision="very-high",
)


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    for dev in spec.devices:
        name = dev.host if dev.known and dev.host else dev.raw.strip()
        yield violation(spec, dev.span, f"{spec.label} is given the host device {name}; remove it")
