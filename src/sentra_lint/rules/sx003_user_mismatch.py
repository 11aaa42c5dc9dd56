"""The launch runs as another user than the image's USER, whose home and mounts it prepared.

## What it does
Links each container launch to the Dockerfile stage that builds its image
(see SX001) and reports a non-root `--user` (Compose `user:`, dev container
`containerUser`) that is not the image's `USER`, when the launch mounts
tmpfs or volumes inside that user's home, or the image's `WORKDIR` or
build-time content is there. Users are compared by name and by UID
(`useradd -u`/`--uid`, a numeric `USER`); when the two cannot be told apart
for certain (`--user $(id -u)`, a name without a known UID against a
number), nothing is reported.

## Why is this bad?
The image prepared its home, its working directory and the packages in
them for its own user. Started as another UID the process cannot write its
home or working directory, tools that install into `~` fail, and `HOME`
may not even point there (Docker sets `HOME=/` for a UID it cannot find in
`/etc/passwd`). The hardening still holds, but the agent breaks in ways
that look unrelated.

## Example
```dockerfile
RUN useradd --uid 1001 --create-home agent
USER agent
WORKDIR /home/agent/workspace
```
```yaml
container:
  image: ghcr.io/acme/agent:1.4
  options: --user 1002 --tmpfs /home/agent/.cache
```

## Use instead
```yaml
container:
  image: ghcr.io/acme/agent:1.4
  options: --user 1001 --tmpfs /home/agent/.cache
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sentra_lint.findings import Related, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta

if TYPE_CHECKING:
    from sentra_lint.crossfile import Repository

META = RuleMeta(
    id="SX003",
    slug="launch-user-mismatch",
    title="The launch runs as another user than the image's USER that owns its home",
    severity=Severity.WARNING,
    security_severity=3.0,
    area="crossfile",
    precision="high",
    family="hardening",
)


def check(repo: Repository, ctx: RuleContext) -> Iterator[Violation]:
    links = list(repo.links())
    if not links:
        return
    # imported here: a run with nothing to link loads this module for META only
    from sentra_lint.crossfile.wording import build_note, image_label, inside, same_user, where
    from sentra_lint.shell.commands import is_root_user

    for link in links:
        model = link.image
        user = model.user
        la = link.launch
        if la.target is None and ctx.profile != "audit":
            continue  # a hardening rule: aimed at target launches
        if not model.reliable or user is None or user.is_root or user.home is None:
            continue
        if not la.user_known or la.user is None or is_root_user(la.user):
            continue
        if same_user(la.user, user, model) is not False:
            continue
        home = user.home
        paths = [m.target for m in la.mounts if m.target is not None and inside(m.target, home)]
        if model.workdir is not None and inside(model.workdir, home):
            paths.append(model.workdir)
        if not paths and any(inside(c.path, home) for c in model.contents):
            paths.append(home)
        if not paths:
            continue
        shown = ", ".join(f"`{p}`" for p in dict.fromkeys(paths))
        uid = f" (UID {user.uid})" if user.uid is not None and user.name else ""
        owner = user.name or user.value
        yield Violation(
            la.user_span or la.anchor,
            f"{la.subject} runs {image_label(link)} as user `{la.user.strip()}`, not as the image's "
            f"`USER {user.value}`{uid} set at `{where(model, user.line)}`: the image prepared "
            f"{shown} for '{owner}' (home {home}), and another user cannot use them as its own; "
            "run as the image's user or change the USER",
            related=(
                Related(model.path, user.span, f"USER {user.value}: the image runs as this user"),
                build_note(link),
            ),
            path=la.path,
        )
