"""The image runs as root.

## What it does
Checks the stage that produces the image (the last stage, or the `--target`
stage) for the user its containers start as. It reports the stage when it
never sets `USER`, pointing at the base image of its `FROM` line, and it
reports the last `USER` when that is `root`, `0` or `0:<group>`.

A `USER` in another stage does not count: each `FROM` starts again from its
base image. A stage that builds on an earlier stage of the same file
(`FROM base`) inherits that stage's `USER`. A non-root user that the base
image itself sets (such as `node` in some images) is not visible in the
Dockerfile and is still reported: say it explicitly. `USER $VAR` is
resolved from `ARG`/`ENV` defaults; when its value is not known the rule
stays silent, and so it does when a line of those stages could not be
parsed (a template such as `{{ }}` may set the user there). Windows images (whose users are names such as
`ContainerUser`) are not checked.

## Why is this bad?
A process that runs as root inside the container is root on the container's
files and is one kernel or runtime bug away from root on the host. ADR_0001
requires the agent image to run as a dedicated non-root user (UID 1001 in the
reference image); `docker run --user` can override it, but an image that is
safe by default does not rely on every launch getting that right.

## Example
```dockerfile
FROM python:3.12-slim AS build
RUN useradd --uid 1001 app
USER app

FROM python:3.12-slim
COPY --from=build /app /app
CMD ["python", "/app/main.py"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
COPY --from=build /app /app
RUN useradd --uid 1001 --create-home app
USER 1001
CMD ["python", "/app/main.py"]
```
Create the user in the final stage and end it with a numeric `USER`. If a
step needs root, switch with `USER root` for that step and back afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.dockerfile import Dockerfile
from sentra_lint.dockerfile.semantics import (
    effective_user,
    has_parse_problems,
    image_stages,
    is_windows_stage,
    stage_label,
)
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._dockerfile import TARGET_OPTION, final_stage

META = RuleMeta(
    id="SD001",
    slug="root-user",
    title="Image runs as root",
    severity=Severity.ERROR,
    security_severity=7.5,
    area="dockerfile",
    precision="high",
    options=TARGET_OPTION,
)


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    stage = final_stage(df, ctx)
    if stage is None or is_windows_stage(df, stage):
        return
    if has_parse_problems(df, image_stages(df, stage)):
        return  # an unreadable line (a template) may set the user: not certain
    user = effective_user(df, stage)
    if user is None:
        return  # not certain (an unresolved $VAR)
    if user.switch is None:
        yield Violation(
            stage.base_span,
            f"{stage_label(df, stage)} never sets USER, so the image runs as root: "
            "create a non-root user and end the stage with `USER <uid>` (for example `USER 1001`)",
        )
        return
    if user.is_root:
        assert user.switch is not None
        shown = f"'{user.value}'"
        if user.switch.raw != user.value:
            shown = f"'{user.switch.raw}' (= '{user.value}')"
        yield Violation(
            df.source.span(user.start, user.end),
            f"the last USER of {stage_label(df, stage)} is {shown}, so the image runs as root: "
            "switch back to a non-root user (for example `USER 1001`) after the steps that need root",
        )
