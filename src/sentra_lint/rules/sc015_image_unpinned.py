"""The image is not pinned by digest.

## What it does
Checks the image of every container launch. An image with no tag or the
`:latest` tag is a warning; a tag without an `@sha256:` digest is a note; a
digest passes. An image that is an expression (`${{ matrix.image }}`,
`$IMAGE`) is not judged, nor is a Compose service that builds its image
locally (`build:`).

## Why is this bad?
A tag is a pointer its publisher (or anyone who takes over the account) can
move: the next run silently gets different code. `:latest` moves on every
release. A digest names exactly one image; update it on purpose (Dependabot
and Renovate both understand `tag@sha256:` pins).

## Example
```yaml
container:
  image: ghcr.io/acme/agent:latest
```

## Use instead
```yaml
container:
  image: ghcr.io/acme/agent:1.4.2@sha256:0f3c...e91a
```
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.container.spec import ContainerSpec
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import violation

META = RuleMeta(
    id="SC015",
    slug="image-unpinned",
    title="Container image not pinned by digest",
    severity=Severity.WARNING,
    also=(Severity.NOTE,),
    security_severity=5.0,
    area="container",
    precision="very-high",
    family="hazard",
)


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    image = spec.image
    ref = image.value
    if not image.certain or ref is None or ref.unknown or ref.digest is not None:
        return
    if ref.tag is None or ref.tag == "latest":
        what = "uses :latest" if ref.tag == "latest" else "has no tag (Docker pulls :latest)"
        yield violation(
            spec,
            image.span,
            f"{spec.label}: image {ref.raw.strip()} {what}; pin a version and its @sha256: digest",
            Severity.WARNING,
        )
    else:
        yield violation(
            spec,
            image.span,
            f"{spec.label}: image {ref.raw.strip()} is pinned by tag only; add its @sha256: digest",
            Severity.NOTE,
        )
