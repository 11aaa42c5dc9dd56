"""The image runs as root.

## What it does
Checks the stage that produces the image (the last stage, or the `--target`
stage) for the user its containers start as. It reports the stage when it
never sets `USER`, pointing at the base image of its `FROM` line, and it
reports the last `USER` when that is `root`, `0` or `0:<group>`.

A `USER` in another stage does not count: each `FROM` starts again from its
base image. A stage that builds on an earlier stage of the same file
(`FROM base`) inherits that stage's `USER`. A non-root user that the base image itself sets is
not visible in the Dockerfile: a small table of well-known images whose
default user is not root is consulted (distroless and other `:nonroot` /
`*-nonroot` tags, .NET `*chiseled*` and `mcr.microsoft.com/dotnet/*`
distroless images, Chainguard `cgr.dev/chainguard/*` except `wolfi-base` and
`-dev` tags, Bitnami `bitnami/*` except `minideb` and `git`,
`nginxinc/nginx-unprivileged`, Keycloak, Jenkins, the Jupyter stacks and
Red Hat's S2I `python-*`/`nodejs-*` images); any other base (`node`, which
creates a `node` user but starts as root) is still reported: say `USER`
explicitly. The `non-root-images` option adds your own images
(`image[:tag]`, wildcards allowed):
```yaml
rules:
  SD001:
    options:
      non-root-images: ["registry.example.com/base/*:*-nonroot"]
```
`ONBUILD USER root` is reported too: every image built `FROM` this one
switches to root. A final stage built on `scratch` with no `CMD` or `ENTRYPOINT` only carries
files for `docker build --output` or `COPY --from`: it is not an image that
runs, and is not reported. An image that starts as root and drops privileges
in its entrypoint (`gosu`, `su-exec`, `setpriv`) is still reported, and the
message says so: the entrypoint, `docker exec` and anything that skips the
drop run as root. `USER $VAR` is
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

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.dockerfile import Dockerfile, Stage
from sentra_lint.dockerfile.base_images import non_root_base, normalised_reference
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
from sentra_lint.shell.commands import is_root_user

NON_ROOT_OPTION: dict[str, dict[str, object]] = {
    "non-root-images": {
        "type": "array",
        "items": {"type": "string", "minLength": 1},
        "description": "Base images (`image[:tag]`, wildcards allowed) whose default user is "
        "not root, added to the built-in table.",
    }
}

_DROPS_PRIVILEGES = lazy_compile(r"(?<![\w.-])(gosu|su-exec|setpriv)(?![\w-])")


META = RuleMeta(
    id="SD001",
    slug="root-user",
    title="Image runs as root",
    severity=Severity.ERROR,
    security_severity=7.5,
    area="dockerfile",
    precision="high",
    options={**TARGET_OPTION, **NON_ROOT_OPTION},
)


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    stage = final_stage(df, ctx)
    if stage is None or is_windows_stage(df, stage):
        return
    chain = image_stages(df, stage)
    if has_parse_problems(df, chain):
        return  # an unreadable line (a template) may set the user: not certain
    yield from _onbuild_root(df, chain)
    user = effective_user(df, stage)
    if user is None:
        return  # not certain (an unresolved $VAR)
    dropper = _privilege_dropper(chain)
    if user.switch is None:
        root = chain[0]
        if root.base.is_scratch and not any(
            i.keyword in ("CMD", "ENTRYPOINT") for st in chain for i in st.instructions
        ):
            return  # a scratch stage that only carries files for export never runs
        if _non_root_base(root, ctx) is not None:
            return  # the base image's own USER is not root
        if dropper is not None:
            yield Violation(
                stage.base_span,
                f"{stage_label(df, stage)} never sets USER, so the image starts as root; it "
                f"uses `{dropper}` to drop privileges in its entrypoint, but the entrypoint "
                "itself, `docker exec` and any process started without it run as root: create "
                "the user in the image and end the stage with `USER <uid>` (for example `USER 1001`)",
            )
            return
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
        how = (
            f", and drops privileges with `{dropper}` only inside its entrypoint"
            if dropper is not None
            else ""
        )
        yield Violation(
            df.source.span(user.start, user.end),
            f"the last USER of {stage_label(df, stage)} is {shown}, so the image runs as root{how}: "
            "switch back to a non-root user (for example `USER 1001`) after the steps that need root",
        )


def _onbuild_root(df: Dockerfile, chain: tuple[Stage, ...]) -> Iterator[Violation]:
    """``ONBUILD USER root``: every image built from this one switches to root."""
    for st in chain:
        for instr in st.instructions:
            trigger = instr.trigger
            if trigger is None or trigger.keyword != "USER" or not trigger.words:
                continue
            word = trigger.words[0]
            if word.literal and is_root_user(word.text):
                yield Violation(
                    df.source.span(word.start, word.end),
                    f"`ONBUILD USER {word.text}` makes every image built FROM this one switch to "
                    "root: drop it, and let those images set their own non-root USER",
                )


def _non_root_base(root: Stage, ctx: RuleContext) -> str | None:
    """Why the base image of ``root`` (the first stage of the image) runs as non-root, if known."""
    extra = ctx.option("non-root-images") or ()
    patterns = [str(p) for p in extra] if isinstance(extra, list) else []
    base = root.base
    if base.unknown:
        reference = root.base_raw if ":" in root.base_raw.rsplit("/", 1)[-1] else root.base_raw + ":latest"
    else:
        reference = normalised_reference(base.repository, base.registry, base.tag)
    return non_root_base(reference, patterns)


def _privilege_dropper(chain: tuple[Stage, ...]) -> str | None:
    """``gosu``, ``su-exec`` or ``setpriv`` when the image installs or runs one of them."""
    for st in chain:
        for instr in st.instructions:
            if instr.keyword not in ("RUN", "COPY", "ADD", "ENTRYPOINT", "CMD"):
                continue
            m = _DROPS_PRIVILEGES.search(instr.args)
            if m is not None:
                return m.group(1)
    return None
