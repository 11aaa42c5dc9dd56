"""The container is not run under gVisor.

## What it does
Checks every container launch for `--runtime=runsc` (`runtime: runsc` in
Compose). It reports a launch without a runtime at the `options:` key (or the
launch itself), and another runtime (`runc`, `nvidia`...) where it is
written. ADR_0001 Phase 3 control (the `phase3` profile).

The runner matters: GitHub-hosted runners (`runs-on: ubuntu-*`,
`windows-*`, `macos-*`, including the larger-runner labels such as
`ubuntu-latest-4-cores`, `ubuntu-24.04-arm` or `macos-14-xlarge`) do not have
runsc, so `--runtime=runsc` there is a warning that the job cannot start,
with the runner's label as the related location. A job whose labels include
`self-hosted` (or only name a runner group, or come from an expression) is
judged on the runtime alone. A `docker run` in a step is judged by its job's
runner; a Compose file by the runtime alone.

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

import re
from collections.abc import Iterator

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.container.spec import ContainerSpec, Field
from sentra_lint.findings import Related, Severity, Violation
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


HOSTED_LABEL = lazy_compile(r"^(ubuntu|windows|macos)-", re.IGNORECASE)
"""GitHub-hosted runner images, standard and larger (``ubuntu-latest``, ``ubuntu-22.04-8-cores``, ``macos-14-xlarge``)."""


def hosted_runner(spec: ContainerSpec) -> Field[str] | None:
    """The GitHub-hosted label the launch's job runs on; ``None`` when self-hosted or not known."""
    if not spec.runner:
        return None
    if any(not f.known for f in spec.runner):
        return None
    values = [str(f.value).strip() for f in spec.runner]
    if any(v.lower() == "self-hosted" for v in values):
        return None
    for f, v in zip(spec.runner, values, strict=True):
        if HOSTED_LABEL.match(v):
            return f
    return None


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    wanted = str(ctx.option("runtime") or "runsc").strip()
    rt = spec.runtime
    hosted = hosted_runner(spec)
    if rt.certain and rt.value is not None:
        if rt.value.strip() != wanted:
            yield violation(
                spec,
                rt.span,
                f"{spec.subject} runs under {rt.value.strip()}, not gVisor; use --runtime={wanted}"
                if spec.source_kind != "compose"
                else f"{spec.subject} runs under {rt.value.strip()}, not gVisor; use runtime: {wanted}",
            )
        elif hosted is not None and hosted.span is not None:
            yield Violation(
                rt.span or spec.anchor_span,
                f"{spec.label} asks for {wanted} on the GitHub-hosted runner '{hosted.value}', which does not "
                f"have it: the job fails to start; run it on a self-hosted runner with gVisor installed",
                severity=Severity.WARNING,
                related=(Related(spec.path, hosted.span, f"runs-on: {hosted.value}"),),
                path=spec.path,
            )
        return
    if may_report_missing(spec, rt):
        where = (
            f" (GitHub-hosted '{hosted.value}' has no gVisor: this job needs a self-hosted runner with runsc)"
            if hosted is not None else ""
        )
        yield missing(
            spec,
            "not run under gVisor" + where,
            hint(spec, f"add --runtime={wanted}", f"add runtime: {wanted}"),
            lacks=hint(spec, f"--runtime={wanted}", f"runtime: {wanted}"),
        )
