"""APT package lists are left in the image layer.

## What it does
Reports a `RUN` in the stages that make up the image that downloads the APT
package lists (`apt-get update`, `apt update`) but does not remove them in
the same `RUN` (`rm -rf /var/lib/apt/lists/*`, or `apt-get dist-clean` on
APT 2.7 and later). The finding points at the `update` word. A `RUN` that
only installs is reported when no earlier `RUN` of the stage ran
`apt-get update` (the lists then come from the base image).

Not reported: a `RUN` with a cache or tmpfs mount on the lists directory
(`--mount=type=cache,target=/var/lib/apt/lists`, or on `/var/lib/apt`), one
that removes the lists with `find /var/lib/apt/lists -delete`, and one that
calls a clean-up script of the project (`/scripts/cleanup.sh`), whose
content cannot be seen from the Dockerfile.

## Why is this bad?
The lists are tens of megabytes of index files that are only needed while
installing. Every instruction creates a layer, so removing them in a
*later* `RUN` does not shrink the image: it only hides them. Stale lists
left in the image also make a later `apt-get install` in a derived image
install outdated package versions, or fail.

## Example
```dockerfile
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
```
Or keep the lists out of the layer with BuildKit cache mounts:
```dockerfile
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \
    apt-get update && apt-get install -y --no-install-recommends curl
```
`apt-get clean` alone is not enough: it empties `/var/cache/apt`, not the
lists.

## Fix
Appends `&& rm -rf /var/lib/apt/lists/*` to the same RUN (on a new
continuation line when the RUN already spans lines). Safe when no later RUN
of the stage uses apt; unsafe otherwise, since a later `apt-get install`
without its own `apt-get update` would then find no lists. A RUN in exec
form, with a heredoc, or ending in an operator or comment is not fixed.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.dockerfile import Dockerfile
from sentra_lint.dockerfile.semantics import image_stages, mounts_cover, run_mounts, run_scripts
from sentra_lint.findings import Fix, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._dockerfile import TARGET_OPTION, final_stage
from sentra_lint.rules._fix import append_to_run
from sentra_lint.shell.packages import APT_LISTS, package_commands, removes_apt_lists

META = RuleMeta(
    id="SD006",
    slug="apt-lists-not-removed",
    title="APT package lists are not removed in the RUN that downloads them",
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
    updated_stages: set[int] = set()
    for instr, script in run_scripts(df, image_stages(df, final)):
        apt = [
            pc for pc in package_commands(script, "apt") if pc.verb.text in ("update", "install")
        ]
        if not apt:
            continue
        update = next((pc for pc in apt if pc.verb.text == "update"), None)
        already_updated = instr.stage in updated_stages
        if update is not None:
            updated_stages.add(instr.stage)
        if update is None and already_updated:
            continue  # the lists came from an earlier RUN, reported there
        if mounts_cover(run_mounts(instr), APT_LISTS) or removes_apt_lists(script):
            continue
        pc = update or apt[0]
        tool = pc.tool.text.rsplit("/", 1)[-1]
        if update is not None:
            msg = (
                f"`{tool} update` downloads the package lists but this RUN does not remove them: "
                "end it with `&& rm -rf /var/lib/apt/lists/*` (a later RUN cannot shrink this layer)"
            )
        else:
            msg = (
                f"`{tool} install` runs without removing the package lists in the same RUN: "
                "end it with `&& rm -rf /var/lib/apt/lists/*`"
            )
        edit = append_to_run(df.source, instr, "rm -rf /var/lib/apt/lists/*")
        fixes: tuple[Fix, ...] = ()
        if edit is not None:
            later = [
                i
                for i in df.stages[instr.stage].instructions
                if i.keyword == "RUN" and i.start > instr.start and "apt" in i.args
            ]
            fixes = (Fix("remove the apt lists in the same RUN", (edit,), safe=not later),)
        yield Violation(df.source.span(pc.verb.start, pc.verb.end), msg, fixes=fixes)
