"""The Docker socket or a sensitive host path is mounted.

## What it does
Reports bind mounts (`-v`, `--mount type=bind`, Compose `volumes:` short and
long syntax, dev container `mounts`) of a container engine's socket
(`/var/run/docker.sock`, `/run/docker.sock`, `$XDG_RUNTIME_DIR/docker.sock`,
any `docker.sock`, `podman.sock`, `containerd.sock`, `crio.sock`,
`buildkitd.sock`), of `/`, `/etc`, `/proc`, `/sys`, `/root`, `/home`,
`/var/lib/docker`, `/boot`, `/dev`, `/run` and `/var/run` themselves (they
hold the socket), of the host's root through `/proc/1/root`, of
`/sys/fs/cgroup` read-write, of credential files (`/etc/shadow`,
`/etc/gshadow`, `/etc/sudoers`, `/etc/ssh`, `/etc/kubernetes`, `/etc/docker`,
`/etc/ssl/private`), and of credential directories in a home directory
(`~/.ssh`, `~/.docker`, `~/.aws`, `~/.kube`, `~/.config/gcloud`, `~/.gnupg`,
`~/.azure`, also as `$HOME/...`, `/root/...`, `/home/<user>/...`), and
`--use-api-socket`. Files under `/etc` that hold no secret
(`/etc/localtime`, `/etc/timezone`, `/etc/hosts`) are not reported. Paths are normalised
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

from sentra_lint._lazy_re import lazy_compile
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
    family="hazard",
)

SENSITIVE = frozenset(
    ["/", "/etc", "/proc", "/sys", "/root", "/home", "/var/lib/docker", "/boot", "/dev", "/run", "/var/run"]
)
# Sockets of container engines: talking to one is starting containers on the host.
RUNTIME_SOCKETS = {
    "docker.sock": "the Docker socket",
    "podman.sock": "the Podman socket",
    "containerd.sock": "the containerd socket",
    "crio.sock": "the CRI-O socket",
    "buildkitd.sock": "the BuildKit socket",
}
# Host files and directories that hold credentials or give the host away.
SENSITIVE_FILES = {
    "/etc/shadow": "the host's password hashes",
    "/etc/gshadow": "the host's password hashes",
    "/etc/sudoers": "the host's sudo rules",
    "/etc/sudoers.d": "the host's sudo rules",
    "/etc/ssh": "the host's SSH keys and configuration",
    "/etc/kubernetes": "the host's Kubernetes credentials",
    "/etc/docker": "the Docker daemon's configuration and TLS keys",
    "/etc/ssl/private": "the host's TLS private keys",
}
_HOME = (
    r"^(?:~|\$HOME|\$\{HOME\}|\$\{(?:localEnv|env):(?:HOME|USERPROFILE)\}|/root|/home/[^/]+)"
)
# Credential directories in a home directory, and what they hold.
_HOME_SECRETS = lazy_compile(
    _HOME + r"[/\\](\.ssh|\.docker|\.aws|\.kube|\.config/gcloud|\.gnupg|\.azure)(?:/.*)?$"
)
_HOME_WHAT = {
    ".ssh": "an SSH directory",
    ".docker": "Docker's client credentials",
    ".aws": "AWS credentials",
    ".kube": "Kubernetes credentials",
    ".config/gcloud": "Google Cloud credentials",
    ".gnupg": "GnuPG keys",
    ".azure": "Azure credentials",
}
_PROC_ROOT = lazy_compile(r"^/proc/(?:\d+|self|1)/root(?:/.*)?$")


def _clean(source: str) -> str:
    text = source.strip().strip("'\"")
    while len(text) > 1 and text.endswith("/"):
        text = text[:-1]
    return re.sub(r"/{2,}", "/", text)


def sensitive(source: str | None, normalised: str | None, read_only: bool = False) -> str | None:
    """Why a host path is sensitive, or ``None``."""
    if source is None:
        return None
    raw = _clean(source)
    m = _HOME_SECRETS.match(raw)
    if m:
        return f"{_HOME_WHAT[m.group(1)]} ({raw})"
    base = raw.rsplit("/", 1)[-1]
    if base in RUNTIME_SOCKETS and (normalised is None or normalised.rsplit("/", 1)[-1] == base):
        # also ``$XDG_RUNTIME_DIR/docker.sock``: whatever the directory, it is the socket
        return f"{RUNTIME_SOCKETS[base]} ({normalised or raw})"
    path = normalised
    if path is None:
        return None
    if path in SENSITIVE:
        if path in ("/run", "/var/run"):
            return f"the host's {path} (it holds the Docker socket)"
        return "the host's root filesystem" if path == "/" else f"the host's {path}"
    if path.startswith("/var/lib/docker/"):
        return f"Docker's data directory ({path})"
    for prefix, what in SENSITIVE_FILES.items():
        if path == prefix or path.startswith(prefix + "/"):
            return f"{what} ({path})"
    if _PROC_ROOT.match(path):
        return f"the host's root filesystem through {path}"
    if (path == "/sys/fs/cgroup" or path.startswith("/sys/fs/cgroup/")) and not read_only:
        return f"the host's cgroup tree read-write ({path})"
    return None


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    for vol in spec.volumes:
        if vol.kind not in ("bind", "unknown") and not (vol.source or "").startswith(
            ("/", "~", "$")
        ):
            continue
        why = sensitive(vol.source, vol.host_path, vol.read_only)
        if why is None:
            continue
        ro = (
            " (read-only does not make it safe)"
            if vol.read_only and " socket" in why.split("(")[0]
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
