"""The container is not run under gVisor.

## What it does
Checks every container launch for `--runtime=runsc` (`runtime: runsc` in
Compose). It reports a launch without a runtime at the `options:` key (or the
launch itself), and another runtime (`runc`, `nvidia`...) where it is
written. ADR_0001 Phase 3 control (the `phase3` profile).

Options:
- `runtime`: the runtime name the policy requires (default `runsc`; some
  hosts register gVisor under another name such as `runsc-kvm`).

## Why is this bad?
With the default runtime the container's processes make system calls
straight into the host kernel: one kernel bug is a host compromise. gVisor
answers them in a user-space kernel instead, so an escape needs a bug in
gVisor *and* in its narrow interface to the host.

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
  options: --runtime=runsc --cap-drop=ALL --read-only
```
The runner's Docker daemon must have runsc installed and registered.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.container.spec import ContainerSpec
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import hint, may_report_missing, missing, violation

META = RuleMeta(
    id="SC018",
    slug="gvisor-runtime",
    title="Container not run under gVisor",
    severity=Severity.ERROR,
    security_severity=5.0,
    area="container",
    precision="high",
    options={
        "runtime": {
            "type": "string",
            "minLength": 1,
            "description": 'The required container runtime (default "runsc").',
        }
    },
    family="hardening",
)


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    wanted = str(ctx.option("runtime") or "runsc").strip()
    rt = spec.runtime
    if rt.certain and rt.value is not None:
        if rt.value.strip() != wanted:
            yield violation(
                spec,
                rt.span,
                f"{spec.subject} runs under {rt.value.strip()}, not gVisor; use --runtime={wanted}"
                if spec.source_kind != "compose"
                else f"{spec.subject} runs under {rt.value.strip()}, not gVisor; use runtime: {wanted}",
            )
        return
    if may_report_missing(spec, rt):
        yield missing(
            spec,
            "not run under gVisor",
            hint(spec, f"add --runtime={wanted}", f"add runtime: {wanted}"),
            lacks=hint(spec, f"--runtime={wanted}", f"runtime: {wanted}"),
        )
