"""Base image is not pinned to a digest.

## What it does
Checks the image reference of every `FROM` that names an image (not
`scratch` and not an earlier stage of the same file).
A reference whose tag is certain whatever its variables hold is reported
too: a variable never declared with a global `ARG` is empty
(`FROM image$UNSET` is `image`), and a variable in the registry or path
leaves the last component as written (`FROM ${REGISTRY}/ubuntu` has no tag,
`FROM $REPO/app:latest` is `latest`). No tag or `:latest`
is a warning; a tag without a digest (`python:3.12-slim`) is a note. A
reference built from `ARG` defaults (`FROM python:${PY_VERSION}-slim`) is
checked with the defaults substituted; a reference that depends on a
build argument without a default is unknown and not reported, and so are
template text (`FROM {{ base_image }}`), placeholders a script replaces
before the build (`FROM BASEIMAGE`) and locally built `localhost/` images.

## Why is this bad?
Tags move. `latest` changes with every release, and even a version tag
such as `3.12-slim` is rebuilt and re-pushed for patch releases and OS
updates. The same Dockerfile then builds different images on different
days: a build cannot be reproduced, a regression cannot be bisected, and
a compromised or mistaken push to the tag flows straight into your image.
A digest (`@sha256:…`) names exactly one image, forever.

## Example
```dockerfile
FROM python
FROM node:20-bookworm-slim
```

## Use instead
```dockerfile
FROM python:3.12-slim@sha256:<digest>
FROM node:20-bookworm-slim@sha256:<digest>
```
Get the digest with `docker buildx imagetools inspect python:3.12-slim`.
Keep the tag next to the digest for readers, and let a bot (Renovate,
Dependabot) update both.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.dockerfile import Dockerfile, Stage
from sentra_lint.dockerfile.semantics import pullable, resolve_with
from sentra_lint.findings import Severity, Violation
from sentra_lint.images import ImageRef, parse_image_ref
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.source import Span

META = RuleMeta(
    id="SD008",
    slug="base-image-unpinned",
    title="Base image is not pinned to a digest",
    severity=Severity.WARNING,
    also=(Severity.NOTE,),
    security_severity=5.0,
    area="dockerfile",
    precision="very-high",
)


_VARIABLE = lazy_compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)|\$([A-Za-z_][A-Za-z0-9_]*)")


_PLATFORM_ARGS = frozenset(
    [
        "TARGETPLATFORM",
        "TARGETOS",
        "TARGETARCH",
        "TARGETVARIANT",
        "BUILDPLATFORM",
        "BUILDOS",
        "BUILDARCH",
        "BUILDVARIANT",
    ]
)
"""ARGs BuildKit defines for every build without a declaration."""


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    declared = dict(df.global_args)
    for stage in df.stages:
        ref = stage.base
        if stage.base_stage is not None:
            continue
        if ref.unknown:
            yield from _unknown_reference(df, stage, declared)
            continue
        if ref.digest or not pullable(ref):
            continue
        shown = ref.raw
        via = f" (`{stage.base_raw}` with its ARG defaults)" if stage.base_raw and stage.base_raw != ref.raw else ""
        yield from _report(stage.base_span, ref, shown, via)


def _report(span: Span, ref: ImageRef, shown: str, via: str) -> Iterator[Violation]:
    if ref.tag is None or ref.tag == "latest":
        what = "has no tag" if ref.tag is None else "uses the moving `latest` tag"
        yield Violation(
            span,
            f"base image `{shown}`{via} {what}: every build may get a different image; pin a "
            "version tag and its digest (`image:tag@sha256:...`)",
        )
    else:
        yield Violation(
            span,
            f"base image `{shown}`{via} is pinned to a tag, not a digest: tags are re-pushed; "
            "add the digest (`image:tag@sha256:...`) and let a bot keep it current",
            severity=Severity.NOTE,
        )


def _unknown_reference(
    df: Dockerfile, stage: Stage, declared: dict[str, str | None]
) -> Iterator[Violation]:
    """A reference with a variable whose value is open, when the tag is certain anyway.

    A variable never declared by a global ``ARG`` is empty (``FROM image$UNSET``
    is ``image``); a variable in the registry or path leaves the last
    component as written (``FROM ${REGISTRY}/ubuntu`` has no tag whatever
    ``REGISTRY`` is, ``FROM $REPO/app:latest`` is ``latest``).
    """
    raw = stage.base_raw
    if not raw or any(t in raw for t in ("$(", "`", "{{", "{%")):
        return
    names = set(_VARIABLE.findall(raw))
    names = {a or b for a, b in names}
    if names & _PLATFORM_ARGS:
        return  # set by BuildKit for each platform: not empty, not known here
    undeclared = {n for n in names if n not in declared}
    if undeclared and undeclared == names - {n for n in names if declared.get(n) is not None}:
        env: dict[str, str | None] = {n: "" for n in undeclared}
        env.update(declared)
        value = resolve_with(raw, env, df.escape)
        if value is not None:
            ref = parse_image_ref(value)
            if not ref.unknown and pullable(ref):
                if not ref.digest:
                    unset = ", ".join(f"`{n}`" for n in sorted(undeclared))
                    via = f" (`{raw}`: {unset} is never declared with ARG, so it is empty)"
                    yield from _report(stage.base_span, ref, value, via)
                return
    if "/" not in raw:
        return
    last = raw.rsplit("/", 1)[1]
    if "$" in last or "@" in last or not last:
        return
    tag = last.split(":", 1)[1] if ":" in last else None
    if tag is not None and tag != "latest":
        return
    what = "has no tag" if tag is None else "uses the moving `latest` tag"
    yield Violation(
        stage.base_span,
        f"base image `{raw}` {what} whatever its variables hold: every build may get a "
        "different image; pin a version tag and its digest (`image:tag@sha256:...`)",
    )
