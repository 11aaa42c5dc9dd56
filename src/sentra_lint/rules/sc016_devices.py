"""Host devices are passed in.

## What it does
Reports every host device given to a container: `--device`
(`devices:` in Compose, `--device` in a dev container's `runArgs`), a device
cgroup rule (`--device-cgroup-rule`, `device_cgroup_rules:`), which lets the
container create device nodes and use them, and GPUs (`--gpus`, Compose
`gpus:` or a `deploy.resources.reservations.devices` entry with the `gpu`
capability), where it is written. GPUs are a note unless the launch runs an
AI agent: a GPU test job needs its GPU, an agent does not. A device given by an expression is reported too: some device is
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
    also=(Severity.NOTE,),
    security_severity=6.0,
    area="container",
    precision="very-high",
    family="hazard",
)


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    for dev in spec.devices:
        name = dev.host if dev.known and dev.host else dev.raw.strip()
        yield violation(spec, dev.span, f"{spec.label} is given the host device {name}; remove it")
    dropped = {c.value for c in spec.cap_drop if c.certain}
    added = {c.value for c in spec.cap_add if c.certain}
    mknod = not ({"ALL", "MKNOD"} & dropped) or bool({"ALL", "MKNOD"} & added)
    for rule in spec.device_cgroup_rules:
        written = (rule.raw or "").strip().strip("'\"")
        what = {"b": "the host's disks", "a": "any host device, disks included"}.get(
            written[:1], "host devices"
        )
        why = (
            f"with the MKNOD capability (Docker's default) it can make device nodes for {what}"
            if mknod
            else f"device nodes for {what} it can reach become usable"
        )
        yield violation(
            spec,
            rule.span,
            f"{spec.label} is allowed host devices by a device rule ({written}): {why}; remove it",
        )
    gpus = spec.gpus
    if gpus.present:
        # A GPU test job needs its GPU; an agent does not: a note unless the
        # launch runs an agent.
        written = (gpus.raw or "").strip() or "gpu"
        yield violation(
            spec,
            gpus.span,
            f"{spec.label} is given the host's GPUs ({written}): the GPU driver is kernel code "
            "the container can reach; remove it unless the workload needs a GPU",
            Severity.WARNING if getattr(spec, "role", "other") == "agent" else Severity.NOTE,
        )
