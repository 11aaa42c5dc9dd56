"""An image is pulled from a registry that is not trusted.

## What it does
When the policy sets `trusted-registries` (a list of registries or
`registry/path/` prefixes, for example `["ghcr.io/acme/", "docker.io/library/"]`),
reports every image the build pulls from somewhere else, in any stage:
- the image of a `FROM` (not `scratch`, not an earlier stage);
- the image of `COPY --from=<image>` (not a stage name or index);
- the image of `RUN --mount=from=<image>`.

Docker Hub names are normalised first: `python:3.12` is
`docker.io/library/python`. References that depend on a build argument
without a default are unknown and not reported. Without a
`trusted-registries` list the rule does nothing.

## Why is this bad?
Every one of these images runs code in the build or ends up in the image.
An organisation that mirrors and scans its base images in its own registry
loses that protection when a Dockerfile pulls straight from a public
registry or an unknown namespace: typo-squatted names, abandoned images
and compromised publishers all flow in unchecked.

## Example
```dockerfile
FROM bitnami/python:3.12 AS build
COPY --from=gcr.io/distroless/static-debian12 /etc/passwd /etc/passwd
```

## Use instead
```dockerfile
FROM ghcr.io/acme/python:3.12 AS build
COPY --from=ghcr.io/acme/distroless-static:debian12 /etc/passwd /etc/passwd
```
Mirror the image into a trusted registry (and scan it there), or add its
registry to `trusted-registries` if it is one you trust.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.dockerfile import Dockerfile, Flag
from sentra_lint.dockerfile.semantics import parse_mount, pullable, scopes_before
from sentra_lint.findings import Severity, Violation
from sentra_lint.images import ImageRef, parse_image_ref, registry_trusted
from sentra_lint.rulebase import RuleContext, RuleMeta

META = RuleMeta(
    id="SD020",
    slug="untrusted-registry",
    title="Image pulled from a registry outside the trusted list",
    severity=Severity.ERROR,
    security_severity=7.0,
    area="dockerfile",
    precision="very-high",
    options={
        "trusted-registries": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Registries or registry/path/ prefixes images may come from.",
        }
    },
)


def _trusted_list(ctx: RuleContext) -> list[str]:
    value = ctx.option("trusted-registries")
    if not isinstance(value, list | tuple):
        return []
    return [v for v in value if isinstance(v, str) and v.strip()]


def _message(what: str, ref: ImageRef) -> str:
    return (
        f"{what} `{ref.raw}` comes from {ref.name.rsplit('/', 1)[0]}/, which is not in "
        "trusted-registries: mirror it into a trusted registry, or add its registry to the list"
    )


def _value_offsets(df: Dockerfile, flag: Flag, value: str) -> tuple[int, int]:
    """Offsets of ``value`` inside the flag's text (the whole flag if it cannot be found)."""
    text = df.source.text[flag.start : flag.end]
    k = text.find(value)
    if k < 0:
        return flag.start, flag.end
    return flag.start + k, flag.start + k + len(value)


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    trusted = _trusted_list(ctx)
    if not trusted:
        return
    names = {s.name for s in df.stages if s.name}
    for stage in df.stages:
        ref = stage.base
        if stage.base_stage is not None or not pullable(ref):
            continue
        if not registry_trusted(ref, trusted):
            yield Violation(stage.base_span, _message("base image", ref))
    # COPY --from=<image> and RUN --mount=from=<image>
    candidates: list[tuple[Flag, str, str, int]] = []
    for instr in df.instructions:
        if instr.keyword in ("COPY", "ADD"):
            flag = instr.flag("from")
            if flag is not None and flag.value:
                candidates.append((flag, flag.value.strip().strip("\"'"), "COPY --from image", instr.start))
        elif instr.keyword == "RUN":
            for flag in instr.flags_named("mount"):
                src = parse_mount(flag.value or "").get("from")
                if src:
                    candidates.append((flag, src, "RUN --mount image", instr.start))
    if not candidates:
        return
    by_start = {i.start: i for i in df.instructions}
    scopes = scopes_before(df, [by_start[c[3]] for c in candidates if "$" in c[1]])
    for flag, value, what, start in candidates:
        resolved = value
        if "$" in value:
            scope = scopes.get(start)
            resolved = (scope.resolve(value) if scope else None) or ""
        if not resolved or resolved.lower() in names or resolved.isdigit():
            continue  # unknown, or a stage of this file (by name or index)
        ref = parse_image_ref(resolved)
        if not pullable(ref) or registry_trusted(ref, trusted):
            continue
        s, e = _value_offsets(df, flag, value)
        yield Violation(df.source.span(s, e), _message(what, ref))
