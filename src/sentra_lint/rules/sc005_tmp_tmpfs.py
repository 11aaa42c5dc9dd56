"""Read-only root filesystem without a writable /tmp.

## What it does
For a launch with a read-only root filesystem (`--read-only`,
`read_only: true`), checks that `/tmp` is writable: a tmpfs (`--tmpfs /tmp`,
`--mount type=tmpfs,target=/tmp`, Compose `tmpfs: [/tmp]`) or a volume
mounted there that is not read-only. Trailing slashes and `//` are
normalised. When a mount's target is an expression, the rule stays silent.

## Why is this bad?
Almost every program writes temporary files to `/tmp` (Python's `tempfile`,
pip, git, shells' here-documents). On a read-only root they fail with
"Read-only file system" at run time, usually deep inside the job, and the
easy fix people reach for is to drop `--read-only` again. A tmpfs keeps the
root read-only and the temporary files in memory, gone when the container
stops.

## Example
```yaml
container:
  image: ghcr.io/acme/agent:1.4
  options: --read-only --cap-drop=ALL
```

## Use instead
```yaml
container:
  image: ghcr.io/acme/agent:1.4
  options: --read-only --tmpfs /tmp:rw,noexec,nosuid,size=256m --cap-drop=ALL
```

## Fix
Adds `--tmpfs /tmp:rw,noexec,nosuid,size=256m` (Compose: appends to
`tmpfs`, or adds the key). Unsafe: the tmpfs hides whatever the image put in
`/tmp`, and `noexec` stops programs run from there. A read-only `/tmp` mount
is not changed.

"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from sentra_lint.container.spec import ContainerSpec
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import hint, missing, violation
from sentra_lint.rules._fix import LAUNCH_FIX_PLACEMENT, TMP_TMPFS, launch_fix

__doc__ = f"{(__doc__ or '').rstrip()}\n\n{LAUNCH_FIX_PLACEMENT}"

META = RuleMeta(
    id="SC005",
    slug="tmp-tmpfs",
    title="Read-only container has no writable /tmp",
    severity=Severity.WARNING,
    security_severity=2.0,
    area="container",
    precision="high",
    options={
        "required-tmpfs": {
            "type": "array",
            "items": {"type": "string", "pattern": "^/"},
            "description": "Paths that must be writable (a tmpfs or volume) on a read-only root, "
            "besides /tmp; e.g. the agent user's cache and workspace.",
        },
    },
    fixable=True,
    family="hardening",
)


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    if not (spec.read_only.certain and spec.read_only.value is True):
        return
    yield from _tmp(spec)
    for path in ctx.option("required-tmpfs") or ():
        yield from _required(spec, str(path).rstrip("/") or "/")


def _required(spec: ContainerSpec, path: str) -> Iterator[Violation]:
    """A path the policy requires to be writable on the read-only root."""
    if path == "/tmp":
        return
    mount = spec.mount_at(path)
    if mount is not None:
        if mount.read_only:
            yield violation(spec, mount.span, f"{spec.subject}: {path} is mounted read-only; mount it rw")
        return
    if spec.unknown_options or spec.has_unknown_mounts or spec.volumes_from:
        return
    yield missing(
        spec,
        f"the root filesystem is read-only but {path} is not writable",
        hint(spec, f"add --tmpfs {path}:rw,size=512m", f"add tmpfs: [{path}:rw,size=512m]"),
        lacks=f"a writable {path}",
    )


def _tmp(spec: ContainerSpec) -> Iterator[Violation]:
    mount = spec.mount_at("/tmp")
    if mount is not None:
        if mount.read_only:
            yield violation(
                spec,
                mount.span,
                f"{spec.subject}: /tmp is mounted read-only on a read-only root; mount it rw",
            )
        return
    if spec.unknown_options or spec.has_unknown_mounts or spec.volumes_from:
        return
    fixes = launch_fix(
        spec,
        "mount a tmpfs at /tmp",
        [f"--tmpfs {TMP_TMPFS}"],
        [("tmpfs", TMP_TMPFS, True)],
        safe=False,
    )
    yield replace(
        missing(
            spec,
            "the root filesystem is read-only but /tmp is not writable",
            hint(
                spec,
                "add --tmpfs /tmp:rw,noexec,nosuid,size=256m",
                "add tmpfs: [/tmp:rw,noexec,nosuid,size=256m]",
            ),
            lacks="a writable /tmp",
        ),
        fixes=fixes,
    )
