"""The Docker socket or a sensitive host path is mounted.

## What it does
Reports bind mounts (`-v`, `--mount type=bind`, Compose `volumes:` short and
long syntax, dev container `mounts`) of the Docker socket
(`/var/run/docker.sock`, `/run/docker.sock`, any `docker.sock`), of `/`,
`/etc`, `/proc`, `/sys`, `/root`, `/home`, `/var/lib/docker`, `/boot`,
`/dev`, and of an SSH directory (`~/.ssh`, `$HOME/.ssh`, `/root/.ssh`,
`/home/<user>/.ssh`), and `--use-api-socket`. Paths are normalised
(`/var/run/docker.sock/`, `//etc`). Read-only mounts are reported too:
reading the socket's API is full control, and reading `/etc` or `~/.ssh`
leaks secrets.

The socket a GitHub runner mounts into job containers on its own is not
visible in the workflow and is not reported.

## Why is this bad?
Whoever can talk to the Docker socket can start a privileged container with
the host's root filesystem mounted: it is root on the runner. Host
directories such as `/etc`, `/root` or `~/.ssh` hold credentials and
configuration a compromised process should never see or change.

## Example
```sh
docker run -v /var/run/docker.sock:/var/run/docker.sock ghcr.io/acme/agent:1.4
```

## Use instead
```sh
docker run -v "$PWD/workspace:/workspace" ghcr.io/acme/agent:1.4
```
If the workload must build images, use a rootless BuildKit or a remote
builder rather than the host's Docker daemon.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sentra_lint.container.spec import ContainerSpec
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import violation

META = RuleMeta(
    id="SC013",
    slug="sensitive-mount",
    title="Docker socket or sensitive host path mounted",
    severity=Severity.ERROR,
    security_severity=9.0,
    area="container",
    precision="high",
)

SENSITIVE = frozenset(
    ["/", "/etc", "/proc", "/sys", "/root", "/home", "/var/lib/docker", "/boot", "/dev"]
)
_HOME_SSH = re.compile(
    r"^(?:~|\$HOME|\$\{HOME\}|\$\{(?:localEnv|env):(?:HOME|USERPROFILE)\}|/root|/home/[^/]+)"
    r"[/\\]\.ssh(?:/.*)?$"
)


def _clean(source: str) -> str:
    text = source.strip().strip("'\"")
    while len(text) > 1 and text.endswith("/"):
        text = text[:-1]
    return re.sub(r"/{2,}", "/", text)


def sensitive(source: str | None, normalised: str | None) -> str | None:
    """Why a host path is sensitive, or ``None``."""
    if source is None:
        return None
    raw = _clean(source)
    if _HOME_SSH.match(raw):
        return f"an SSH directory ({raw})"
    path = normalised
    if path is None:
        return None
    if path.rsplit("/", 1)[-1] == "docker.sock":
        return f"the Docker socket ({path})"
    if path in SENSITIVE:
        return "the host's root filesystem" if path == "/" else f"the host's {path}"
    if path.startswith("/var/lib/docker/"):
        return f"Docker's data directory ({path})"
    return None


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    for vol in spec.volumes:
        if vol.kind not in ("bind", "unknown") and not (vol.source or "").startswith(
            ("/", "~", "$")
        ):
            continue
        why = sensitive(vol.source, vol.host_path)
        if why is None:
            continue
        ro = (
            " (read-only does not make it safe)"
            if vol.read_only and why.startswith("the Docker socket")
            else ""
        )
        yield violation(
            spec,
            vol.span,
            f"{spec.label} mounts {why}{ro}; mount only the directories the workload needs",
        )
    sock = spec.use_api_socket
    if sock.certain and sock.value is True:
        yield violation(
            spec,
            sock.span,
            f"{spec.label}: --use-api-socket mounts the Docker socket; remove it",
        )
