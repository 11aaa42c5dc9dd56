"""The image runs as root and the launch does not override it with a non-root user.

## What it does
Links each container launch to the Dockerfile stage that builds its image
(see SX001 for how links are proved) and reports the launch when that
stage's final user is root - no `USER`, or `USER root`/`0` - and the launch
sets no non-root user (`--user`, Compose `user:`, `containerUser`). A
launch whose options hold an expression, or whose user is not a literal,
is not reported; neither is an image whose `USER` is a variable.

## Why is this bad?
SD001 reports the Dockerfile; this rule reports the place where the root
process actually starts. A container that runs as root owns every file
inside it, can change what the read-only root filesystem does not protect,
and is one kernel or runtime bug away from root on the host. ADR_0001 runs
the agent as UID 1001.

## Example
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir anthropic
```
```yaml
container:
  image: ghcr.io/acme/agent:1.4
  options: --read-only --cap-drop=ALL
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir anthropic
RUN useradd --uid 1001 --create-home agent
USER 1001
```
or start the container with `--user 1001:1001`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sentra_lint.findings import Related, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta

if TYPE_CHECKING:
    from sentra_lint.crossfile import Repository

META = RuleMeta(
    id="SX002",
    slug="root-image-launched-as-root",
    title="The image runs as root and the launch does not set a non-root user",
    severity=Severity.ERROR,
    security_severity=6.0,
    area="crossfile",
    precision="high",
)


def check(repo: Repository, ctx: RuleContext) -> Iterator[Violation]:
    links = list(repo.links())
    if not links:
        return
    # imported here: a run with nothing to link loads this module for META only
    from sentra_lint.crossfile.wording import build_note, image_label, where
    from sentra_lint.shell.commands import is_root_user

    for link in links:
        model = link.image
        user = model.user
        la = link.launch
        if not model.reliable or user is None or not user.is_root:
            continue
        if la.user_present:
            if not la.user_known or la.user is None or not is_root_user(la.user):
                continue
            span = la.user_span or la.anchor
            launch_part = f"the launch sets user `{la.user.strip()}`"
        else:
            if la.unknown_options:
                continue
            span = la.anchor
            launch_part = "the launch sets no non-root user"
        if user.value is None:
            image_part = f"has no USER in its final stage (`{where(model, user.line)}`)"
            note = "the final stage sets no USER, so the image runs as root"
        else:
            image_part = f"sets `USER {user.value}` (`{where(model, user.line)}`)"
            note = f"USER {user.value}: the image runs as root"
        yield Violation(
            span,
            f"{la.label} runs {image_label(link)}, whose Dockerfile {image_part}, and "
            f"{launch_part}: the container runs as root; add a non-root USER (such as UID 1001) "
            "to the Dockerfile or start the container with a non-root --user",
            related=(Related(model.path, user.span, note), build_note(link)),
            path=la.path,
        )
