"""A security profile is disabled.

## What it does
Reports `--security-opt` entries (`security_opt:` in Compose,
`"securityOpt"` and `runArgs` in dev containers) that switch a kernel
protection off: `seccomp=unconfined`, `apparmor=unconfined`,
`label=disable` (SELinux) and `systempaths=unconfined`. Both the `=` and the
older `:` forms are read.

## Why is this bad?
Docker's default seccomp profile blocks about forty system calls
(`keyctl`, `add_key`, `unshare`, `mount`, `bpf`...) that container escapes
rely on; the AppArmor and SELinux profiles confine file and mount access;
masked `/proc` and `/sys` paths hide kernel interfaces. Turning them off
trades away defences that cost the workload nothing.

## Example
```yaml
container:
  image: ghcr.io/acme/agent:1.4
  options: --security-opt seccomp=unconfined
```

## Use instead
```yaml
container:
  image: ghcr.io/acme/agent:1.4
  options: --security-opt=no-new-privileges
```
If one system call is missing, ship a custom seccomp profile that allows
only it (`--security-opt seccomp=./seccomp.json`).
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.container.spec import ContainerSpec
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import violation

META = RuleMeta(
    id="SC014",
    slug="security-profile-disabled",
    title="Container security profile disabled",
    severity=Severity.ERROR,
    security_severity=7.0,
    area="container",
    precision="very-high",
    family="hazard",
)

_DISABLED = {
    ("seccomp", "unconfined"): "the seccomp system call filter",
    ("apparmor", "unconfined"): "the AppArmor profile",
    ("label", "disable"): "SELinux labelling",
    ("systempaths", "unconfined"): "the masking of /proc and /sys paths",
}


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    for opt in spec.security_opts:
        if not opt.known or opt.value is None:
            continue
        what = _DISABLED.get((opt.key, opt.value.strip().lower()))
        if what is not None:
            yield violation(
                spec,
                opt.span,
                f"{spec.label} switches off {what} ({opt.raw.strip()}); remove it",
            )
