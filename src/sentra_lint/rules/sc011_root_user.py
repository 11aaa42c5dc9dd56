"""The container explicitly runs as root.

## What it does
Reports a launch that sets its user to root: `--user root`, `-u 0`,
`-u 0:0`, `-u root:wheel` (`user: root` / `user: "0"` in Compose,
`"containerUser": "root"` in dev containers). A launch that sets no user
runs as the image's `USER`; that is the Dockerfile rules' business (SD001)
and is not reported here.

## Why is this bad?
Overriding a non-root image with `--user root` throws away the image's
hardening: the process owns every file of the container and is one kernel
or runtime bug away from root on the host. ADR_0001 runs the agent as UID
1001.

## Example
```yaml
container:
  image: ghcr.io/acme/agent:1.4
  options: --user root
```

## Use instead
```yaml
container:
  image: ghcr.io/acme/agent:1.4
  options: --user 1001:1001
```
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.container.spec import ContainerSpec, user_is_root
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import violation

META = RuleMeta(
    id="SC011",
    slug="launch-as-root",
    title="Container explicitly runs as root",
    severity=Severity.ERROR,
    security_severity=6.0,
    area="container",
    precision="very-high",
    family="hazard",
)


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    user = spec.user
    if user.certain and user.value is not None and user_is_root(user.value):
        value = user.value.strip()
        what = "runs as root" if value == "root" else f"runs as root (user {value})"
        yield violation(spec, user.span, f"{spec.label} {what}; run as a non-root UID such as 1001")
