"""Base image is not pinned to a digest.

## What it does
Checks the image reference of every `FROM` that names an image (not
`scratch` and not an earlier stage of the same file). No tag or `:latest`
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

from sentra_lint.dockerfile import Dockerfile
from sentra_lint.dockerfile.semantics import pullable
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta

META = RuleMeta(
    id="SD008",
    slug="base-image-unpinned",
    title="Base image is not pinned to a digest",
    severity=Severity.WARNING,
    security_severity=5.0,
    area="dockerfile",
    precision="very-high",
)


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    for stage in df.stages:
        ref = stage.base
        if stage.base_stage is not None or ref.digest or not pullable(ref):
            continue
        shown = ref.raw
        via = f" (`{stage.base_raw}` with its ARG defaults)" if stage.base_raw and stage.base_raw != ref.raw else ""
        span = stage.base_span
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
