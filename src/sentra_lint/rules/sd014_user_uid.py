"""A user is created with UID 0, without a fixed UID, or the image ends on a user name.

## What it does
Checks the users that the stage producing the image (and the stages of this
file it builds on) creates with `useradd` or `adduser`, and its final
`USER`:

- **error**: a user created with UID 0 (`-u 0`, `--uid 0`, `--uid=0`) or with
  `-o`/`--non-unique`, which allows a UID that another account (root) has;
- **note**: a non-root user created without an explicit UID (`-u`/`--uid`;
  a `$UID` build argument counts as explicit);
- **note**: the final `USER` names the user instead of its number
  (`USER app`, `USER app:app`).

`USER root` is SD001's business and is not repeated here; an unresolved
`USER $VAR` is not reported, and Windows images (whose users are names such
as `ContainerUser`) are not checked.

## Why is this bad?
An account with UID 0 *is* root, whatever its name: a check that the image
does not run as `root` passes while the process has every root privilege.
`--non-unique` exists to create exactly such aliases.

Without an explicit UID the number depends on which accounts the base image
already has, so it changes when the base image changes; the file ownership
baked into the image, the tmpfs and volume ownership given at run time
(`--tmpfs /home/agent:uid=1001`) and the `--user 1001` of the launch no
longer match. A `USER` given by name also cannot be verified by the
runtime: Kubernetes' `runAsNonRoot` rejects an image whose user is not
numeric, and `docker run --user` overrides need the number anyway.

## Example
```dockerfile
FROM debian:bookworm-slim
RUN useradd --non-unique --uid 0 ops
RUN useradd --create-home agent
USER agent
```

## Use instead
```dockerfile
FROM debian:bookworm-slim
RUN groupadd --gid 1001 agent \
    && useradd --uid 1001 --gid 1001 --create-home agent
USER 1001:1001
```
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.dockerfile import Dockerfile
from sentra_lint.dockerfile.semantics import (
    RunCommand,
    effective_user,
    has_parse_problems,
    image_stages,
    is_windows_stage,
    walk,
)
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._dockerfile import TARGET_OPTION, final_stage
from sentra_lint.shell.commands import user_creation, user_part

META = RuleMeta(
    id="SD014",
    slug="user-uid",
    title="User created with UID 0, without a fixed UID, or the image ends on a user name",
    severity=Severity.ERROR,
    also=(Severity.NOTE,),
    security_severity=6.5,
    area="dockerfile",
    precision="high",
    options=TARGET_OPTION,
)


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    final = final_stage(df, ctx)
    if final is None or is_windows_stage(df, final):
        return
    for event, _scope in walk(df, image_stages(df, final)):
        if not isinstance(event, RunCommand):
            continue
        uc = user_creation(event.command)
        if uc is None:
            continue
        who = f"'{uc.name}'" if uc.name else "the user"
        if uc.is_root and uc.uid_word is not None:
            end = uc.uid_value.end if uc.uid_value is not None else uc.uid_word.end
            yield Violation(
                df.source.span(uc.uid_word.start, end),
                f"`{uc.tool}` creates {who} with UID 0: that account is root under another "
                "name; give it its own non-zero UID (for example 1001)",
            )
            continue
        if uc.non_unique is not None:
            yield Violation(
                df.source.span(uc.non_unique.start, uc.non_unique.end),
                f"`{uc.tool} {uc.non_unique.text}` lets {who} share a UID with an existing "
                "account (root included): drop it and give the user a UID of its own",
            )
            continue
        if uc.uid is None:
            word = event.command.argv[0]
            yield Violation(
                df.source.span(word.start, word.end),
                f"`{uc.tool}` creates {who} without an explicit UID, so its number depends on "
                "the base image: pass one (`--uid 1001`; busybox `adduser -u 1001`) and use "
                "the same number in `USER` and at launch",
                severity=Severity.NOTE,
            )
    user = effective_user(df, final)
    if has_parse_problems(df, image_stages(df, final)):
        return  # an unreadable line may set a different final USER
    if user is None or user.instruction is None or user.is_root or user.value is None:
        return
    name = user_part(user.value)
    if name and not name.isdigit():
        raw = user.switch.raw if user.switch is not None else user.value
        shown = f"'{name}'" if user_part(raw) == name else f"'{raw}' (= '{name}')"
        yield Violation(
            df.source.span(user.start, user.end),
            f"the final USER is the name {shown}, which the runtime cannot verify as non-root "
            "(Kubernetes runAsNonRoot needs a number): use the numeric UID, for example `USER 1001`",
            severity=Severity.NOTE,
        )
