"""A job container target runs as root, or as a user that cannot be proved non-root.

## What it does
Checks each workflow job `container:` that is a target (it runs an AI agent,
or the config's `targets:` selects it) for the user its steps run as. The
job passes when its `options:` set a non-root `--user` (`--user 1001`,
`-u 1001:1001`), or when the repository's Dockerfile that builds the image
(linked as for the SX rules) ends with a non-root `USER`. It is reported
when `--user` names root, and when no `--user` is set and the image's user
cannot be proved non-root: an image from a registry whose Dockerfile is not
in the repository (`node:22`, `python:3.12` and most stock images run as
root). When the linked Dockerfile itself proves the image runs as root,
SX002 reports the launch, with the Dockerfile's line. A `--user` or
options that are expressions are not judged.

## Why is this bad?
The GitHub Actions runner bind-mounts the host's Docker socket
(`/var/run/docker.sock`) into every job container, and the workspace and
runner directories with it. A process that is root in the job container
can use that socket to start a privileged container on the runner: root
in the job is root on the runner, with every secret and token the runner
holds. ADR_0001 runs the agent as UID 1001, so that even a compromised
agent cannot reach the socket.

## Example
```yaml
jobs:
  review:
    runs-on: ubuntu-latest
    container:
      image: node:22
      options: --cap-drop=ALL --read-only
    steps:
      - run: npx -y @anthropic-ai/claude-code -p "review the change"
```

## Use instead
```yaml
jobs:
  review:
    runs-on: ubuntu-latest
    container:
      image: node:22
      options: --user 1001:1001 --cap-drop=ALL --read-only
    steps:
      - run: npx -y @anthropic-ai/claude-code -p "review the change"
```
or build the image in the repository with a non-root `USER 1001` in its
final stage.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sentra_lint.findings import Related, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta

if TYPE_CHECKING:
    from sentra_lint.crossfile import Repository

META = RuleMeta(
    id="SC021",
    slug="job-container-root",
    title="A job container target runs as root or as a user not proved non-root",
    severity=Severity.ERROR,
    security_severity=8.0,
    area="container",
    precision="high",
    family="hardening",
)

_WHY = (
    "the runner mounts its Docker socket into every job container, so root in the job is root on "
    "the runner; add --user 1001:1001 to options: or build the image with a non-root USER"
)


def check(repo: Repository, ctx: RuleContext) -> Iterator[Violation]:
    from sentra_lint.shell.commands import is_root_user

    audit = ctx.profile == "audit"
    for la in repo.launches:
        if not la.home_remapped or (la.target is None and not audit):
            continue
        if la.user_present:
            if not la.user_known or la.user is None or not is_root_user(la.user):
                continue
            yield Violation(
                la.user_span or la.anchor,
                f"{la.subject} runs as `{la.user.strip()}`: {_WHY}",
                path=la.path,
            )
            continue
        if la.unknown_options:
            continue
        link = repo.resolve(la)
        if link is not None and link.image.reliable and link.image.user is not None:
            continue  # the Dockerfile decides: non-root passes, root is SX002's finding
        related: tuple[Related, ...] = ()
        image = f"`{la.image.split('@', 1)[0]}`" if la.image else "its image"
        if la.image_span is not None:
            related = (Related(la.path, la.image_span, "no Dockerfile in the repository proves this image's user"),)
        yield Violation(
            la.anchor,
            f"{la.subject} sets no --user and {image} cannot be proved to run as a non-root user: {_WHY}",
            related=related,
            path=la.path,
        )
