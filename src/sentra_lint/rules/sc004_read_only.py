"""The root filesystem is writable.

## What it does
Checks every container launch for `--read-only` (`read_only: true` in
Compose). It reports a launch without it at the `options:` key (or the
launch itself when there are no options), and `--read-only=false` where it
is written.

## Why is this bad?
A writable root filesystem lets a compromised process replace binaries and
libraries, plant a persistent hook in the image's directories, or fill the
container's writable layer. ADR_0001 starts the agent read-only and gives it
writable tmpfs mounts only where it needs them (`/tmp`, its cache, its
workspace).

## Example
```sh
docker run --rm --cap-drop=ALL ghcr.io/acme/agent:1.4
```

## Use instead
```sh
docker run --rm --cap-drop=ALL --read-only --tmpfs /tmp:rw,size=256m ghcr.io/acme/agent:1.4
```

## Fix
Adds `--read-only` and, when nothing is mounted at `/tmp`,
`--tmpfs /tmp:rw,noexec,nosuid,size=256m` (Compose: `read_only: true` and a
`tmpfs` entry). Unsafe: a job that writes outside `/tmp` and its mounts
fails until a tmpfs is added where it writes. An explicit `--read-only=false`
is not changed.

"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from sentra_lint.container.spec import ContainerSpec
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import hint, may_report_missing, missing, violation
from sentra_lint.rules._fix import LAUNCH_FIX_PLACEMENT, TMP_TMPFS, launch_fix

__doc__ = f"{(__doc__ or '').rstrip()}\n\n{LAUNCH_FIX_PLACEMENT}"

META = RuleMeta(
    id="SC004",
    slug="read-only-root",
    title="Container root filesystem is writable",
    severity=Severity.ERROR,
    security_severity=5.5,
    area="container",
    precision="high",
    fixable=True,
    family="hardening",
)


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    ro = spec.read_only
    if ro.certain and ro.value is False:
        yield violation(
            spec,
            ro.span,
            f"{spec.subject}: the root filesystem is explicitly writable; use --read-only",
        )
    elif may_report_missing(spec, ro):
        flags = ["--read-only"]
        keys = [("read_only", "true", False)]
        if spec.mount_at("/tmp") is None and not spec.has_unknown_mounts:
            flags.append(f"--tmpfs {TMP_TMPFS}")
            keys.append(("tmpfs", TMP_TMPFS, True))
        fixes = launch_fix(
            spec,
            "make the root filesystem read-only, with a tmpfs at /tmp",
            flags,
            keys,
            safe=False,
        )
        yield replace(
            missing(
                spec,
                "the root filesystem is writable",
                hint(
                    spec,
                    "add --read-only with tmpfs mounts where the workload writes",
                    "add read_only: true with tmpfs mounts where the workload writes",
                ),
                lacks=hint(spec, "--read-only", "read_only: true"),
            ),
            fixes=fixes,
        )
