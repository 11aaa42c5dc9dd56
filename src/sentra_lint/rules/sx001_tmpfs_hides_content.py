"""A tmpfs or bind mount hides what the image put there at build time.

## What it does
Links each container launch to the Dockerfile that builds its image (a
`docker/build-push-action` or `docker build -t` step that tags that image
name, a Compose `build:`, a dev container's `build.dockerfile`, or the
config's `images:` mapping) and reports a tmpfs (or bind mount) over a path
the image wrote at build time: `~/.local` after `pip install --user` (or a
`pip install` run as the non-root user), the home directories installers
use when run as the user (`~/.local`, `~/.claude`, `~/.cargo`, `~/.nvm`...),
`node_modules` of an `npm install`, files copied into the `WORKDIR` or the
home, and directories made with `mkdir`.

The deepest mount over a path decides: a named or anonymous volume starts
as a copy of the image's files and hides nothing; a bind mount over copied
files is taken as a deliberate development setup and not reported. A launch
whose image cannot be linked for certain is not checked.

## Why is this bad?
ADR_0001 runs the agent with a read-only root filesystem and an empty tmpfs
where it must write. A tmpfs mounted over a directory the image filled at
build time replaces that directory with an empty one: the packages are in
the image, the build passes, and in the running container they are silently
gone (`ModuleNotFoundError`, `command not found`).

## Example
```dockerfile
FROM python:3.12-slim
RUN useradd --uid 1001 --create-home agent
USER agent
RUN pip install --user --no-cache-dir anthropic
```
```yaml
container:
  image: ghcr.io/acme/agent:1.4
  options: --read-only --tmpfs /home/agent:rw,size=256m
```

## Use instead
Install system-wide before the user exists, and mount tmpfs only over the
paths the agent writes at run time:
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir anthropic
RUN useradd --uid 1001 --create-home agent
USER agent
```
```yaml
container:
  image: ghcr.io/acme/agent:1.4
  options: --read-only --tmpfs /home/agent/.cache:rw,size=256m
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sentra_lint.findings import Related, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta

if TYPE_CHECKING:
    from sentra_lint.crossfile import Link, Repository
    from sentra_lint.crossfile.facts import Mount
    from sentra_lint.crossfile.image import Content

META = RuleMeta(
    id="SX001",
    slug="tmpfs-hides-image-content",
    title="A tmpfs or bind mount hides content the image put there at build time",
    severity=Severity.ERROR,
    security_severity=5.0,
    area="crossfile",
    precision="high",
    family="hazard",
)

_MAX_RELATED = 3


def check(repo: Repository, ctx: RuleContext) -> Iterator[Violation]:
    links = list(repo.links())
    if not links:
        return
    # imported here: a run with nothing to link loads this module for META only
    from sentra_lint.crossfile.wording import build_note, hiding_mount, where

    for link in links:
        model = link.image
        if not model.reliable or not model.contents:
            continue
        hidden: dict[int, tuple[Mount, list[Content]]] = {}
        user_site: list[Content] = []
        for content in model.contents:
            mount = hiding_mount(link.launch.mounts, content)
            if mount is None:
                if content.user_site and link.launch.home_remapped:
                    user_site.append(content)
                continue
            if mount.span is None:
                continue
            hidden.setdefault(id(mount), (mount, []))[1].append(content)
        if user_site:
            yield _runner_home(link, user_site)
        for mount, contents in hidden.values():
            assert mount.span is not None
            first = contents[0]
            kind = "a tmpfs" if mount.kind == "tmpfs" else "a bind mount"
            more = len(contents) - 1
            extra = f" (and {more} more path(s) the image writes there)" if more else ""
            message = (
                f"`{mount.target}` is {kind} here, which hides `{first.shown}` where "
                f"`{where(model, first.line)}` {first.what}{extra}: that content is in the image "
                "but gone in the running container; install it outside the mounted path (system-wide, "
                "before the user is created) or mount a narrower path"
            )
            related = [
                Related(model.path, c.span, f"{c.shown}: {c.what}") for c in contents[:_MAX_RELATED]
            ]
            related.append(build_note(link))
            yield Violation(mount.span, message, related=tuple(related), path=link.launch.path)


def _runner_home(link: Link, contents: list[Content]) -> Violation:
    """Python finds user installs through ``$HOME``, which a job container moves to /github/home."""
    from sentra_lint.crossfile.wording import build_note, where

    la = link.launch
    first = contents[0]
    more = len(contents) - 1
    extra = f" (and {more} more)" if more else ""
    return Violation(
        la.key or la.anchor,
        f"a job container runs with `HOME=/github/home` (the runner mounts a volume there), which "
        f"hides `{first.shown}` where `{where(link.image, first.line)}` {first.what}{extra}: Python "
        "looks for user installs under $HOME, so the packages are in the image but not importable "
        "in the job; install them system-wide before the user is created",
        related=(
            *(
                Related(link.image.path, c.span, f"{c.shown}: {c.what}")
                for c in contents[:_MAX_RELATED]
            ),
            build_note(link),
        ),
        path=la.path,
    )
