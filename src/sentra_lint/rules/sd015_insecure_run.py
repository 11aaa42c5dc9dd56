"""`RUN` is executed without build isolation.

## What it does
Reports `RUN --security=insecure` and `RUN --network=host` in any stage.
The finding points at the flag.

## Why is this bad?
`--security=insecure` runs the step like `docker run --privileged`: the
build step gets every capability and access to host devices, so a
compromised dependency or build script can take over the build machine.
`--network=host` puts the step in the host's network namespace: it can
reach services bound to the host's `localhost` (cloud metadata endpoints,
Docker or database sockets on loopback, other jobs on a shared CI runner)
that the default build network keeps away. Both also need the builder to
be started with an entitlement (`--allow security.insecure`,
`--allow network.host`), which weakens every build it runs.

## Example
```dockerfile
# syntax=docker/dockerfile:1-labs
FROM golang:1.22
RUN --network=host go mod download
RUN --security=insecure go test ./...
```

## Use instead
```dockerfile
# syntax=docker/dockerfile:1
FROM golang:1.22
RUN --mount=type=cache,target=/go/pkg/mod go mod download
RUN go test ./...
```
Use the default network (and a proxy passed as a build argument when one is
needed), and run tests that need privileges in a separate, isolated job
rather than inside the image build.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.dockerfile import Dockerfile
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta

META = RuleMeta(
    id="SD015",
    slug="insecure-run",
    title="RUN step runs with host networking or without the build sandbox",
    severity=Severity.WARNING,
    security_severity=6.5,
    area="dockerfile",
    precision="very-high",
)


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    for instr in df.instructions_named("RUN"):
        for flag in instr.flags:
            name = flag.name.lower()
            value = (flag.value or "").strip().strip("\"'").lower()
            if name == "--security" and value == "insecure":
                yield Violation(
                    df.source.span(flag.start, flag.end),
                    "`RUN --security=insecure` runs this step with every capability, like a "
                    "privileged container: run it without the flag, or outside the image build",
                )
            elif name == "--network" and value == "host":
                yield Violation(
                    df.source.span(flag.start, flag.end),
                    "`RUN --network=host` gives this step the host's network, including services "
                    "on its localhost: use the default build network",
                )
