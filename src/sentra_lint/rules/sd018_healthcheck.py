"""The image has no `HEALTHCHECK`.

## What it does
Reports a Dockerfile whose final stage (together with the in-file stages it
is built `FROM`) has no `HEALTHCHECK` instruction. The finding points at the
`FROM` of the final stage. This rule is opt-in (profile `all`).

`HEALTHCHECK NONE` counts as a health check decision and is not reported:
it says on purpose that the image has no meaningful probe (a batch job, or
a base image that should not pass a probe on to its children). A health
check inherited from an external base image cannot be seen from the
Dockerfile and is not taken into account.

## Why is this bad?
Without a health check Docker only knows whether the main process is
running, not whether it works: a deadlocked server, or an agent stuck on a
lost connection, is reported as healthy and never restarted or taken out of
a load balancer. `docker ps`, Compose `depends_on: condition:
service_healthy` and Swarm all rely on it.

## Example
```dockerfile
FROM python:3.12-slim
COPY app/ /app/
CMD ["python", "-m", "agent"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
COPY app/ /app/
HEALTHCHECK --interval=30s --timeout=3s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"]
CMD ["python", "-m", "agent"]
```
Use a probe that exists in the image (`curl` is often absent in slim
images) and checks real readiness, not just that a port is open.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.dockerfile import Dockerfile
from sentra_lint.dockerfile.semantics import image_stages
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._dockerfile import TARGET_OPTION, final_stage

META = RuleMeta(
    id="SD018",
    slug="no-healthcheck",
    title="Image defines no HEALTHCHECK",
    severity=Severity.NOTE,
    security_severity=1.0,
    area="dockerfile",
    precision="medium",
    options=TARGET_OPTION,
)


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    final = final_stage(df, ctx)
    if final is None:
        return
    for stage in image_stages(df, final):
        if any(i.keyword == "HEALTHCHECK" for i in stage.instructions):
            return
    frm = final.from_instruction
    yield Violation(
        frm.keyword_span,
        "the image defines no HEALTHCHECK, so Docker cannot tell a hung container from a working "
        "one: add `HEALTHCHECK CMD <probe>` (or `HEALTHCHECK NONE` to record that there is none)",
    )
