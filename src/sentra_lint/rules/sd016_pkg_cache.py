"""Package-manager cache is left in the image layer.

## What it does
Reports, in the stages that make up the image:
- `apk add` without `--no-cache` (or `--no-network`, which fetches
  nothing), unless the same `RUN` removes `/var/cache/apk/*` or has a cache
  or tmpfs mount on `/var/cache/apk`;
- `yum`, `dnf`, `microdnf` and `tdnf` `install` (and `groupinstall`,
  `group install`) without a clean-up after it in the same `RUN`: `yum clean all` (or `dnf`/`microdnf`/`tdnf clean all`),
  `rm -rf /var/cache/yum` (or `/var/cache/dnf`), or a cache or tmpfs mount
  on the cache directory.

A `RUN` that calls a clean-up script of the project (`/scripts/cleanup.sh`)
counts as cleaning up: its content is not visible from the Dockerfile.
Only a clean-up *after* the install counts: `yum install a && yum clean all
&& yum install b` leaves the cache of `b`. A
command with a `$VARIABLE` argument (which may carry `--no-cache`) is not
reported. The finding points at the `add`/`install` word.

## Why is this bad?
Without these flags the package index and downloaded packages stay in the
layer: tens of megabytes per layer that nothing in the running container
needs. A clean-up in a *later* `RUN` does not help, since the earlier layer
still holds the files. Bigger images pull slower and cost more to store
and scan.

## Example
```dockerfile
FROM alpine:3.20
RUN apk update && apk add curl ca-certificates

FROM registry.access.redhat.com/ubi9/ubi:9.4
RUN dnf install -y python3.12
```

## Use instead
```dockerfile
FROM alpine:3.20
RUN apk add --no-cache curl ca-certificates

FROM registry.access.redhat.com/ubi9/ubi:9.4
RUN dnf install -y python3.12 && dnf clean all
```
`apk add --no-cache` also makes `apk update` unnecessary.

## Fix
Adds `--no-cache` right after `apk add`; for `yum`/`dnf`, appends
`&& <tool> clean all` to the same RUN (on a new continuation line when the
RUN already spans lines). Safe: only caches are left out of the layer. A RUN
in exec form, with a heredoc, or ending in an operator or comment is not
fixed.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.dockerfile import Dockerfile
from sentra_lint.dockerfile.semantics import image_stages, mounts_cover, run_mounts, run_scripts
from sentra_lint.findings import Edit, Fix, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._dockerfile import TARGET_OPTION, final_stage
from sentra_lint.rules._fix import append_to_run, insert_after
from sentra_lint.shell.packages import (
    APK_CACHE,
    RPM_CACHES,
    cleans_rpm_cache,
    installs,
    removes,
    runs_cleanup_script,
)

META = RuleMeta(
    id="SD016",
    slug="package-cache-not-removed",
    title="apk or yum/dnf package cache is left in the image layer",
    severity=Severity.NOTE,
    security_severity=1.0,
    area="dockerfile",
    precision="high",
    options=TARGET_OPTION,
    fixable=True,
)


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    final = final_stage(df, ctx)
    if final is None:
        return
    for instr, script in run_scripts(df, image_stages(df, final)):
        mounts = run_mounts(instr)
        for pc in installs(script, "apk", "rpm"):
            if any(not w.literal for w in pc.command.argv[1:]):
                continue  # a $VARIABLE may carry --no-cache
            tool = pc.tool.text.rsplit("/", 1)[-1]
            after = pc.command.start  # a clean before the install does not empty its cache
            if pc.family == "apk":
                if pc.has_option("--no-cache", "--no-network"):
                    continue  # --no-network fetches no index to keep
                if (
                    mounts_cover(mounts, APK_CACHE)
                    or removes(script, APK_CACHE, after)
                    or runs_cleanup_script(script, after)
                ):
                    continue
                msg = (
                    "`apk add` without `--no-cache` keeps the package index in /var/cache/apk: "
                    "use `apk add --no-cache` (no `apk update` needed)"
                )
                edit: Edit | None = insert_after(pc.verb.end, " --no-cache")
                what = "add --no-cache"
            else:
                if cleans_rpm_cache(script, after) or any(
                    mounts_cover(mounts, c) for c in RPM_CACHES
                ):
                    continue
                later = "" if not cleans_rpm_cache(script) else ", and the clean before it does not count"
                msg = (
                    f"`{tool} {pc.action}` leaves its metadata and package cache in the layer{later}: "
                    f"end this RUN with `&& {tool} clean all`"
                )
                edit = append_to_run(df.source, instr, f"{tool} clean all")
                what = f"end the RUN with {tool} clean all"
            fixes = (Fix(what, (edit,), safe=True),) if edit is not None else ()
            yield Violation(df.source.span(pc.verb.start, pc.verb.end), msg, fixes=fixes)
