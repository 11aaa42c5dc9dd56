"""The container does not get its credentials through the credential proxy.

## What it does
Checks that a container launch takes its credentials from the credential
proxy and from nowhere else (ADR_0001 Phase 2, the `phase2` profile):

- when the policy names the proxy's socket (`credential-proxy: {socket:
  /run/credential-proxy.sock}` in the config, optionally with the
  `host-socket:` it comes from), the socket - or a directory that holds it -
  must be mounted into the container, in any mount syntax (`-v`/`volumes:`
  short syntax, the long syntax, `--mount type=bind`), and read-only
  (`:ro`, `read_only: true`, `readonly`);
- a credential file or directory of the host mounted into it is reported:
  `~/.config/gh`, `~/.git-credentials`, `~/.docker/config.json`,
  `~/.aws`, `~/.netrc`, `~/.kube` (as `~`, `$HOME`, `/root` or
  `/home/<user>`);
- `GITHUB_TOKEN` or `GH_TOKEN` in its environment, however it gets there:
  `${{ github.token }}` or `${{ secrets.GITHUB_TOKEN }}` in the job
  container's or a step's `env:`, passed through from the runner
  (`-e GITHUB_TOKEN`, Compose `environment: [GH_TOKEN]`) or copied from a
  variable (`-e GH_TOKEN=$GH_TOKEN`) - SC022 reports these names, SC019
  every other secret;
- checkout credentials: an `actions/checkout` step without
  `persist-credentials: false` in the job leaves the job's token in
  `.git/config` of the workspace, and the job container - or a `docker run`
  that mounts the workspace - can read it. The checkout step is the
  related location.

Without a socket in the policy only the second half (credentials that
reach the container another way) is checked. Secrets passed as plain
environment variables stay SC019.

Options (the config's `credential-proxy:` section sets them):
- `socket`: the proxy's socket path inside the container.
- `host-socket`: the path on the host the socket is mounted from.

## Why is this bad?
A credential inside the agent's container is a credential the agent can
leak: a prompt injection only has to ask for `~/.config/gh/hosts.yml` or
`git config --get-all http.https://github.com/.extraheader`. Behind a
Unix-socket proxy the agent can use a credential for the requests the proxy
allows, but never read it.

## Example
```yaml
jobs:
  agent:
    runs-on: ubuntu-latest
    container:
      image: ghcr.io/acme/agent:1.4
      volumes:
        - /home/runner/.config/gh:/home/agent/.config/gh
    steps:
      - uses: actions/checkout@v4
```

## Use instead
```yaml
# .sentra-lint.yaml
credential-proxy:
  socket: /run/credential-proxy.sock
```
```yaml
jobs:
  agent:
    runs-on: ubuntu-latest
    container:
      image: ghcr.io/acme/agent:1.4
      volumes:
        - /run/credential-proxy.sock:/run/credential-proxy.sock:ro
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
```
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.container.spec import ContainerSpec, VolumeMount, is_workspace_source
from sentra_lint.findings import Related, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import violation
from sentra_lint.rules.sc019_env_secrets import GITHUB_TOKENS

META = RuleMeta(
    id="SC022",
    slug="credential-proxy",
    title="Container does not get its credentials through the credential proxy",
    severity=Severity.ERROR,
    security_severity=7.0,
    area="container",
    precision="high",
    family="hardening",
    options={
        "socket": {
            "type": "string",
            "pattern": "^/",
            "description": "The credential proxy's socket inside the container (an absolute path).",
        },
        "host-socket": {
            "type": "string",
            "pattern": "^/",
            "description": "The host path the proxy socket is mounted from (an absolute path).",
        },
    },
)


_HOME = (
    r"(?:~|\$HOME|\$\{HOME\}|\$\{\{\s*env\.HOME\s*\}\}|\$\{(?:localEnv|env):(?:HOME|USERPROFILE)\}"
    r"|/root|/home/[^/]+|/Users/[^/]+)"
)
CREDENTIAL_PATH = lazy_compile(
    _HOME + r"/(?P<what>\.config/gh|\.git-credentials|\.docker/config\.json|\.docker|\.aws|\.netrc|\.kube)"
    r"(?:/.*)?$"
)
"""A host path that is (or holds) a credential file."""

_WHAT = {
    ".config/gh": "the GitHub CLI's token",
    ".git-credentials": "git's stored credentials",
    ".docker/config.json": "Docker registry credentials",
    ".docker": "Docker registry credentials",
    ".aws": "AWS credentials",
    ".netrc": "netrc passwords",
    ".kube": "Kubernetes credentials",
}


def credential_path(source: str | None) -> str | None:
    """What credential a host path holds, or ``None``."""
    if not source:
        return None
    text = source.strip().strip("'\"").rstrip("/")
    text = re.sub(r"/{2,}", "/", text)
    m = CREDENTIAL_PATH.match(text)
    return _WHAT[m.group("what")] if m else None


def _norm(path: str | None) -> str | None:
    if not path:
        return None
    return posixpath.normpath(path.strip().strip("'\""))


def _holds(mount: str | None, path: str) -> bool:
    """The mount point is the path or a directory above it."""
    return mount is not None and (mount == path or path.startswith(mount.rstrip("/") + "/"))


def _proxy_mount(spec: ContainerSpec, socket: str, host: str | None) -> VolumeMount | None:
    """The bind mount that brings the socket in: the socket itself, or a directory above it."""
    for vol in spec.volumes:
        if vol.kind not in ("bind", "unknown") or vol.path is None or not _holds(vol.path, socket):
            continue
        if host is not None and vol.source_known:
            rel = socket[len(vol.path):].lstrip("/")
            expected = host if not rel else (host[: -len(rel) - 1] if host.endswith("/" + rel) else None)
            if expected is None or _norm(vol.source) != _norm(expected):
                continue
        return vol
    return None


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    socket = _norm(str(ctx.option("socket") or "")) or None
    host = _norm(str(ctx.option("host-socket") or "")) or None
    compose = spec.source_kind == "compose"
    if socket is not None:
        vol = _proxy_mount(spec, socket, host)
        if vol is None:
            may_cover = spec.unknown_options or any(v.path is None for v in spec.volumes)
            if not may_cover:
                src = host or socket
                fix = (
                    f"add volumes: - {src}:{socket}:ro" if compose
                    else f"add -v {src}:{socket}:ro" if spec.source_kind != "workflow-container"
                    else f"add {src}:{socket}:ro to its volumes:"
                )
                yield violation(spec, None, f"{spec.label}: the credential proxy's socket {socket} is not mounted; {fix}")
        elif not vol.read_only:
            fix = "add read_only: true" if compose and vol.via == "mount" else (
                "add readonly" if vol.via == "mount" else "add :ro"
            )
            yield violation(
                spec, vol.span,
                f"{spec.label}: the credential proxy's socket is mounted writable; {fix}",
            )
    for vol in spec.volumes:
        if vol.kind not in ("bind", "unknown"):
            continue
        what = credential_path(vol.source)
        if what is None:
            continue
        yield violation(
            spec, vol.span,
            f"{spec.label}: {vol.source} ({what}) is mounted into the container, where the agent can read it; "
            "let the credential proxy hold it",
        )
    for ev in spec.env:
        if ev.name is None or ev.name.upper() not in GITHUB_TOKENS:
            continue
        how = (
            "passed through from the caller's environment" if ev.passthrough
            else f"set from {(ev.value or '').strip()}" if ev.from_secret else "handed in"
        )
        yield violation(
            spec, ev.span,
            f"{spec.label}: {ev.name} is {how}: the agent can read the token and act as the workflow; "
            "give the container the credential proxy's socket instead",
        )
    if spec.persisted_checkout is not None:
        # Reported where it is fixed (the checkout step), with the launch that can read it as related.
        where = next((v for v in spec.volumes if is_workspace_source(v.source)), None)
        mount_span = where.span if where is not None and where.span is not None else spec.anchor_span
        yield Violation(
            spec.persisted_checkout,
            f"actions/checkout leaves the job's token in the workspace's .git/config, and {spec.label} can "
            "read it; set persist-credentials: false",
            related=(Related(spec.path, mount_span, f"{spec.label} sees the workspace"),),
            path=spec.path,
        )
