"""no-new-privileges is not set.

## What it does
Checks every container launch for `--security-opt=no-new-privileges`
(`no-new-privileges:true`, `no-new-privileges=true`; `security_opt:` in
Compose, `"securityOpt"` or `runArgs` in dev containers). It reports a launch
without it, at the `options:` key (or the launch itself when there are no
options), and an explicit `no-new-privileges=false` where it is written.

## Why is this bad?
Without the flag a process in the container can gain privileges through
set-user-ID and set-group-ID binaries (`su`, `sudo`, `ping` in older images)
or file capabilities. With it the kernel refuses every such gain, whatever
the image contains. ADR_0001 requires it for the agent container.

## Example
```yaml
container:
  image: ghcr.io/acme/agent:1.4
  options: --cap-drop=ALL --read-only
```

## Use instead
```yaml
container:
  image: ghcr.io/acme/agent:1.4
  options: --cap-drop=ALL --security-opt=no-new-privileges --read-only
```

## Fix
Adds `--security-opt=no-new-privileges` (Compose: appends
`no-new-privileges:true` to `security_opt`, or adds the key). Unsafe
(`--fix=unsafe`): setuid binaries and file capabilities stop granting
privileges, so an image that uses `sudo` or another setuid helper at
start-up breaks. An explicit `no-new-privileges=false` is not changed.

"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from sentra_lint.container.spec import ContainerSpec
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import hint, may_report_missing, missing, violation
from sentra_lint.rules._fix import LAUNCH_FIX_PLACEMENT, launch_fix

__doc__ = f"{(__doc__ or '').rstrip()}\n\n{LAUNCH_FIX_PLACEMENT}"

META = RuleMeta(
    id="SC003",
    slug="no-new-privileges",
    title="Container may gain new privileges",
    severity=Severity.ERROR,
    security_severity=6.5,
    area="container",
    precision="high",
    fixable=True,
    family="hardening",
)


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    nnp = spec.no_new_privileges
    if nnp.certain and nnp.value is False:
        yield violation(
            spec,
            nnp.span,
            f"{spec.subject}: no-new-privileges is switched off; use "
            "--security-opt=no-new-privileges",
        )
    elif may_report_missing(spec, nnp):
        fixes = launch_fix(
            spec,
            "set no-new-privileges",
            ["--security-opt=no-new-privileges"],
            [("security_opt", "no-new-privileges:true", True)],
            safe=False,
        )
        yield replace(
            missing(
                spec,
                "processes may gain privileges through setuid binaries",
                hint(
                    spec,
                    "add --security-opt=no-new-privileges",
                    "add security_opt: [no-new-privileges:true]",
                ),
                lacks=hint(spec, "--security-opt=no-new-privileges", "no-new-privileges"),
            ),
            fixes=fixes,
        )
