"""Capabilities are not all dropped.

## What it does
Checks every container launch (a workflow job's `container:` and
`services:`, `docker run`/`docker create` in `run:` steps and the repository
scripts they call, Compose services, dev containers) for `--cap-drop=ALL`
(`cap_drop: [ALL]` in Compose, `"capAdd"`'s counterpart in `runArgs`). The
launch passes when the dropped capabilities include `ALL`, in any case.
Dropping only some capabilities is reported too, and so is
`--cap-drop=CAP_ALL`: Docker reads every other name with or without `CAP_`,
but rejects `CAP_ALL` as an unknown capability, so the container does not
start. When part of the options
is an expression (`${{ inputs.options }}`, `$DOCKER_ARGS`), the rule stays
silent: the expression may drop them.

## Why is this bad?
Docker starts containers with a default set of fourteen capabilities
(`CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `SETUID`, `SETGID`, `NET_RAW`, ...).
Each one widens what a compromised process may do inside the container and
how far it gets after a kernel bug. ADR_0001 starts the agent with
`--cap-drop=ALL` and adds back only what a workload proves it needs.

## Example
```yaml
jobs:
  agent:
    container:
      image: ghcr.io/acme/agent:1.4@sha256:...
      options: --read-only --memory=2g
```

## Use instead
```yaml
jobs:
  agent:
    container:
      image: ghcr.io/acme/agent:1.4@sha256:...
      options: --cap-drop=ALL --read-only --memory=2g
```

## Fix
Adds `--cap-drop=ALL` (Compose: `cap_drop: [ALL]`) when no capability is
dropped. Unsafe: a workload that needs a capability (a database service
that changes file owners, for example) stops working until it is added back
with `--cap-add`. Dropping only some capabilities is not fixed.

"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from sentra_lint.container.spec import ContainerSpec
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import hint, missing, violation
from sentra_lint.rules._fix import LAUNCH_FIX_PLACEMENT, launch_fix

__doc__ = f"{(__doc__ or '').rstrip()}\n\n{LAUNCH_FIX_PLACEMENT}"

META = RuleMeta(
    id="SC001",
    slug="cap-drop-all",
    title="Container capabilities are not all dropped",
    severity=Severity.ERROR,
    security_severity=7.0,
    area="container",
    precision="high",
    fixable=True,
    family="hardening",
)


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    if any(c.known and c.value == "ALL" for c in spec.cap_drop):
        return
    cap_all = [c for c in spec.cap_drop if c.known and c.value == "CAP_ALL"]
    if cap_all:
        # Docker prefixes a name with CAP_ unless it is ALL, and CAP_CAP_ALL is
        # no capability: the daemon refuses to create the container.
        yield violation(
            spec,
            cap_all[0].span,
            f"{spec.label}: Docker rejects CAP_ALL as an unknown capability and the container "
            f"does not start; {hint(spec, 'write --cap-drop=ALL', 'write cap_drop: [ALL]')}",
        )
        return
    if spec.unknown_options or any(not c.known for c in spec.cap_drop):
        return
    if not spec.cap_drop:
        v = missing(
            spec,
            "capabilities are not dropped",
            hint(spec, "add --cap-drop=ALL", "add cap_drop: [ALL]"),
            lacks=hint(spec, "--cap-drop=ALL", "cap_drop: [ALL]"),
        )
        fixes = launch_fix(
            spec,
            "drop all capabilities",
            ["--cap-drop=ALL"],
            [("cap_drop", "ALL", True)],
            safe=False,
        )
        yield replace(v, fixes=fixes)
        return
    names = ", ".join(c.value or "?" for c in spec.cap_drop)
    last = spec.cap_drop[-1]
    yield violation(
        spec,
        last.span,
        f"{spec.subject}: only some capabilities are dropped ({names}); drop ALL and add back "
        "what the workload needs",
    )
