"""An SSH server is installed or port 22 is exposed.

## What it does
Reports, in the stages that make up the image, the installation of an SSH
server (`openssh-server`, `dropbear`, Debian's `ssh` meta-package, Alpine's
`openssh`, which pulls in the server) with `apt-get`/`apt`, `apk`, `yum`,
`dnf` or `microdnf`, and `EXPOSE` of port 22 (`22`, `22/tcp`, or a range
such as `20-30`). `22/udp` is not SSH and is not reported.

## Why is this bad?
A container should run one process, and an SSH daemon is a second, remotely
reachable one: it needs host keys (often baked into the image and so
shared by every container), user accounts with passwords or authorized
keys, and patching. It bypasses the access control and audit trail of the
container runtime. To get a shell, use `docker exec`, `kubectl exec` or
`kubectl debug`; to copy files, `docker cp`.

## Example
```dockerfile
FROM ubuntu:24.04
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssh-server \
 && rm -rf /var/lib/apt/lists/*
EXPOSE 22
```

## Use instead
```dockerfile
FROM ubuntu:24.04
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssh-client \
 && rm -rf /var/lib/apt/lists/*
```
The SSH *client* (`openssh-client`) is fine: the rule is about accepting
connections.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.dockerfile import Dockerfile
from sentra_lint.dockerfile.semantics import image_stages, run_scripts, scopes_before
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._dockerfile import TARGET_OPTION, final_stage
from sentra_lint.shell.packages import installs, package_name, rpm_name_matches

META = RuleMeta(
    id="SD017",
    slug="ssh-server",
    title="SSH server installed or port 22 exposed",
    severity=Severity.WARNING,
    security_severity=5.5,
    area="dockerfile",
    precision="very-high",
    options=TARGET_OPTION,
)

# Packages that install an SSH daemon, per package-manager family.
SSH_SERVERS = {
    "apt": frozenset(["openssh-server", "dropbear", "dropbear-bin", "ssh", "tinysshd"]),
    "apk": frozenset(["openssh", "openssh-server", "dropbear", "tinyssh"]),
    "rpm": frozenset(["openssh-server", "dropbear"]),
}

_PORT = lazy_compile(r"^(\d+)(?:-(\d+))?(?:/(tcp|udp|sctp))?$", re.IGNORECASE)


def exposes_ssh(spec: str) -> bool:
    """Whether an ``EXPOSE`` item (``22``, ``22/tcp``, ``20-30``) covers TCP port 22."""
    m = _PORT.match(spec.strip())
    if m is None:
        return False
    if m.group(3) and m.group(3).lower() != "tcp":
        return False
    if len(m.group(1)) > 5 or len(m.group(2) or "") > 5:
        return False  # past port 65535: Docker rejects it
    low = int(m.group(1))
    high = int(m.group(2)) if m.group(2) else low
    return low <= 22 <= high


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    final = final_stage(df, ctx)
    if final is None:
        return
    stages = image_stages(df, final)
    for _instr, script in run_scripts(df, stages):
        for pc in installs(script):
            servers = SSH_SERVERS[pc.family]
            for word in pc.operands:
                name = package_name(word, pc.family)
                if name is None:
                    continue
                hit = (
                    any(rpm_name_matches(name, s) for s in servers) if pc.family == "rpm" else name in servers
                )
                if not hit:
                    continue
                yield Violation(
                    df.source.span(word.start, word.end),
                    f"`{name}` installs an SSH server in the image: use `docker exec` or "
                    "`kubectl exec` for a shell, and install only the client (`openssh-client`) "
                    "if the image needs to connect out",
                )
    exposes = [i for s in stages for i in s.instructions if i.keyword == "EXPOSE"]
    scopes = scopes_before(df, [i for i in exposes if any(not w.literal for w in i.words)])
    for instr in exposes:
        scope = scopes.get(instr.start)
        for w in instr.words:
            text = w.text if w.literal else (scope.resolve(w.raw) if scope else None)
            if text is None or not exposes_ssh(text):
                continue
            yield Violation(
                df.source.span(w.start, w.end),
                f"`EXPOSE {text}` publishes the SSH port: remove it and the SSH server; use "
                "`docker exec` or `kubectl exec` for a shell",
            )
