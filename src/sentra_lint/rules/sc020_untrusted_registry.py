"""The image comes from a registry outside the trusted list.

## What it does
When the policy sets `trusted-registries` (in the configuration or with
`--trusted-registries ghcr.io/acme/,registry.internal`), checks the image of
every container launch against it. An entry is a registry (`ghcr.io`) or a
registry and path prefix (`ghcr.io/acme/`); Docker Hub names are normalised
(`python` is `docker.io/library/python`). Images that are expressions, and
Compose services that build their image locally, are not judged. Without the
list the rule reports nothing.

## Why is this bad?
An image from an arbitrary registry is code from an arbitrary publisher,
running next to the job's secrets and workspace. A list of trusted
registries (your own, a vetted mirror) makes every exception visible in
review.

## Example
```yaml
container:
  image: docker.io/someone/agent-tools:2.1
```

## Use instead
```yaml
container:
  image: ghcr.io/acme/agent-tools:2.1@sha256:...
```
Mirror the image into a trusted registry, or add the registry to
`trusted-registries` after reviewing its publisher.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.container.spec import ContainerSpec
from sentra_lint.findings import Severity, Violation
from sentra_lint.images import registry_trusted
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import option_list, violation

META = RuleMeta(
    id="SC020",
    slug="launch-untrusted-registry",
    title="Container image from an untrusted registry",
    severity=Severity.ERROR,
    security_severity=6.0,
    area="container",
    precision="very-high",
    options={
        "trusted-registries": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Registries or registry/path/ prefixes images may come from.",
        }
    },
    family="hazard",
)


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    trusted = option_list(ctx.option("trusted-registries"))
    if not trusted:
        return
    image = spec.image
    ref = image.value
    if not image.certain or ref is None or ref.unknown:
        return
    if not registry_trusted(ref, trusted):
        yield violation(
            spec,
            image.span,
            f"{spec.label}: image {ref.raw.strip()} comes from {ref.name}, outside the trusted "
            f"registries ({', '.join(trusted)})",
        )
