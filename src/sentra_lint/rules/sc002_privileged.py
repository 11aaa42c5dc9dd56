"""Privileged container, or capabilities added back.

## What it does
Reports `--privileged` (`privileged: true` in Compose and dev containers)
and every capability added with `--cap-add` (`cap_add:`, `"capAdd"`).
`ALL`, `SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE`, `DAC_READ_SEARCH` and
`SYS_MODULE` are errors; other capabilities are warnings, except
`NET_BIND_SERVICE` added back after `--cap-drop=ALL` (only binding ports
below 1024, the shape ADR_0001 itself allows), which is a note. Names are read as
Docker reads them: any case, with or without the `CAP_` prefix.

Options:
- `allowed-capabilities`: capabilities the policy accepts (for example
  `["NET_BIND_SERVICE"]`); they are not reported.

## Why is this bad?
A privileged container has every capability, sees every host device and
runs without the seccomp and AppArmor profiles: it is root on the host in
all but name. `SYS_ADMIN` alone allows mounting file systems and escaping
through cgroups; `SYS_PTRACE` allows reading other processes' memory;
`NET_ADMIN` reconfigures the network; `SYS_MODULE` loads kernel modules;
`DAC_READ_SEARCH` opens any file by handle (the "shocker" escape).

## Example
```yaml
services:
  agent:
    image: ghcr.io/acme/agent:1.4
    cap_add: [SYS_ADMIN]
```

## Use instead
```yaml
services:
  agent:
    image: ghcr.io/acme/agent:1.4
    cap_drop: [ALL]
```
If the workload truly needs a capability, add that one only and list it in
`allowed-capabilities` with the reason in the configuration.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.container.spec import ContainerSpec, normalise_capability
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import hint, option_list, violation

META = RuleMeta(
    id="SC002",
    slug="privileged",
    title="Container is privileged or adds capabilities",
    severity=Severity.ERROR,
    also=(Severity.WARNING, Severity.NOTE,),
    security_severity=9.0,
    area="container",
    precision="very-high",
    options={
        "allowed-capabilities": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Capabilities that may be added (e.g. NET_BIND_SERVICE).",
        }
    },
    family="hazard",
)

LOW_PORTS_ONLY = frozenset({"NET_BIND_SERVICE"})
"""Capabilities whose only power is binding ports below 1024."""
DANGEROUS = frozenset(
    {"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "DAC_READ_SEARCH", "SYS_MODULE"}
)


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    if spec.privileged.certain and spec.privileged.value is True:
        yield violation(
            spec,
            spec.privileged.span,
            f"{spec.label} runs privileged: every capability and host device, no seccomp or "
            f"AppArmor; {hint(spec, 'remove --privileged', 'remove privileged: true')}",
        )
    allowed = {normalise_capability(c) for c in option_list(ctx.option("allowed-capabilities"))}
    for cap in spec.cap_add:
        if not cap.certain or cap.value is None or cap.value in allowed:
            continue
        if cap.value in DANGEROUS:
            what = "every capability" if cap.value == "ALL" else cap.value
            yield violation(
                spec,
                cap.span,
                f"{spec.label} adds {what} back; "
                + hint(
                    spec,
                    f"remove --cap-add={cap.raw or cap.value}",
                    f"remove {cap.raw or cap.value} from cap_add",
                ),
                Severity.ERROR,
            )
        elif cap.value in LOW_PORTS_ONLY and _drops_all(spec):
            # The ADR's own shape: drop everything, give back only low ports.
            yield violation(
                spec,
                cap.span,
                f"{spec.label} adds {cap.value} back after dropping all capabilities: it only "
                "lets the process bind ports below 1024; keep it if the workload listens on one, "
                "or list it in allowed-capabilities",
                Severity.NOTE,
            )
        else:
            yield violation(
                spec,
                cap.span,
                f"{spec.label} adds the capability {cap.value}; remove it, or list it in "
                "allowed-capabilities if the workload needs it",
                Severity.WARNING,
            )


def _drops_all(spec: ContainerSpec) -> bool:
    return any(c.certain and c.value == "ALL" for c in spec.cap_drop)
