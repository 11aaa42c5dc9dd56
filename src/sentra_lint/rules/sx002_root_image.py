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
process actually starts, and names SD001's line as a related location
rather than explaining the same cause again. A container that runs as root owns every file
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
    family="hardening",
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
        if la.target is None and ctx.profile != "audit":
            continue  # a hardening rule: aimed at target launches
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
        at = where(model, user.line)
        if user.value is None:
            note = "SD001 reports this: the final stage sets no USER, so the image runs as root"
        else:
            note = f"SD001 reports this: USER {user.value}, so the image runs as root"
        # The image's root user is SD001's finding on the Dockerfile: this one is about the
        # launch, and points there instead of explaining the same cause again.
        yield Violation(
            span,
            f"{la.subject} starts {image_label(link)} as root: {launch_part}, and the image's "
            f"user is root (SD001 at `{at}`); start the container with a non-root --user such "
            "as 1001:1001, or fix the Dockerfile's USER",
            related=(Related(model.path, user.span, note), build_note(link)),
            path=la.path,
        )
