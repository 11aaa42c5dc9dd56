"""A host namespace is shared.

## What it does
Reports a launch that joins one of the host's namespaces: `--network host`
(`--net=host`, `network_mode: host`), `--pid host`, `--ipc host`,
`--uts host`, `--userns host` (`userns_mode: host`) or `--cgroupns host`
(`cgroup: host`). Joining another container's namespace
(`container:<name>`) is not reported.

## Why is this bad?
A container in the host's network namespace reaches every service bound to
the runner's loopback (the Docker API on TCP, cloud metadata proxies, other
jobs' databases) and can bind any port. The host PID namespace shows and
lets it signal every process; the host IPC namespace exposes shared memory;
the host user namespace undoes user-namespace remapping. Each one removes a
wall ADR_0001 relies on.

## Example
```yaml
services:
  agent:
    image: ghcr.io/acme/agent:1.4
    network_mode: host
```

## Use instead
```yaml
services:
  agent:
    image: ghcr.io/acme/agent:1.4
    networks: [agent]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.container.spec import ContainerSpec
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import violation

META = RuleMeta(
    id="SC012",
    slug="host-namespace",
    title="Container shares a host namespace",
    severity=Severity.ERROR,
    security_severity=7.5,
    area="container",
    precision="very-high",
    family="hazard",
)

_WHAT = {
    "network": "the host's network",
    "pid": "the host's process namespace",
    "ipc": "the host's IPC namespace",
    "uts": "the host's UTS namespace (hostname)",
    "userns": "the host's user namespace",
    "cgroupns": "the host's cgroup namespace",
}
_COMPOSE_KEY = {
    "network": "network_mode",
    "pid": "pid",
    "ipc": "ipc",
    "uts": "uts",
    "userns": "userns_mode",
    "cgroupns": "cgroup",
}


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    for name, field in spec.namespaces.items():
        if field.certain and field.value is not None and field.value.strip().lower() == "host":
            fix = (
                f"remove the {_COMPOSE_KEY[name]}: host setting"
                if spec.source_kind == "compose"
                else f"remove --{name}=host"
            )
            yield violation(spec, field.span, f"{spec.label} shares {_WHAT[name]}; {fix}")
