"""`sudo` is installed or used in the image build.

## What it does
Reports, in any stage, a `RUN` that installs the `sudo` package
(`apt-get install sudo`, `apk add sudo`, `dnf install sudo` and their
relatives, version pins included) and a `RUN` that runs a command through
`sudo` (`sudo apt-get update`, `curl … | sudo bash`). Other stages count
because a builder that needs `sudo` usually mirrors a final stage that
does, and because `sudo` in a build step hides which user a step runs as.

One finding is reported per instruction: further occurrences in the same
instruction are listed as its related locations.

## Why is this bad?
Every `RUN` already runs as the stage's `USER`; `sudo` adds nothing there
except a setuid-root binary and, almost always, a sudoers rule that lets
the non-root user become root without a password. Whatever compromises the
agent process at run time can then undo the non-root user, the dropped
capabilities (through a new root process) and every file permission.
ADR_0001 requires that the agent user cannot regain root.

## Example
```dockerfile
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends sudo
RUN useradd --uid 1001 app && echo "app ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/app
USER app
RUN sudo apt-get install -y git
```

## Use instead
```dockerfile
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends git
RUN useradd --uid 1001 app
USER app
```
Run the steps that need root before `USER`, or switch with `USER root` for
them and back to the non-root user afterwards. For a process that must drop
privileges at start-up, use `gosu`/`su-exec` in the entrypoint.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.dockerfile import Dockerfile, Instruction
from sentra_lint.dockerfile.semantics import run_scripts
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._dockerfile import one_per_instruction
from sentra_lint.shell import Command
from sentra_lint.shell.commands import basename, is_root_user
from sentra_lint.shell.packages import package_command, package_name, rpm_name_matches

META = RuleMeta(
    id="SD010",
    slug="sudo",
    title="sudo is installed or used in the image build",
    severity=Severity.WARNING,
    security_severity=5.0,
    area="dockerfile",
    precision="high",
)


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    yield from one_per_instruction(_occurrences(df), df.source.path)


def _occurrences(df: Dockerfile) -> Iterator[tuple[Instruction, Violation, str]]:
    for instruction, script in run_scripts(df):
        for cmd in script.commands:
            pc = package_command(cmd)
            if pc is not None and pc.is_install:
                for w in pc.operands:
                    name = package_name(w, pc.family)
                    if name is None:
                        continue
                    if name == "sudo" or (pc.family == "rpm" and rpm_name_matches(name, "sudo")):
                        yield instruction, Violation(
                            df.source.span(w.start, w.end),
                            f"`{pc.tool.text} {pc.verb.text}` installs sudo, which lets a "
                            "non-root user become root again: run root steps before `USER` "
                            "(or under `USER root`) and do not ship sudo",
                        ), "sudo installed here too"
            sudo = next((w for w in cmd.raw_argv if w.literal and basename(w.text) == "sudo"), None)
            if sudo is None:
                continue
            if "sudo" not in cmd.wrappers and cmd.name != "sudo":
                continue
            target = cmd.name if cmd.name != "sudo" else "a command"
            as_user = _target_user(cmd)
            if as_user is not None and not is_root_user(as_user):
                yield instruction, Violation(
                    df.source.span(sudo.start, sudo.end),
                    f"`sudo -u {as_user}` runs {_quote(target)} as another user in a build step: "
                    f"switch with `USER {as_user}` for those steps (or use gosu/su-exec in an "
                    "entrypoint) instead of installing sudo",
                ), f"`sudo -u {as_user}` here too"
                continue
            yield instruction, Violation(
                df.source.span(sudo.start, sudo.end),
                f"`sudo` runs {_quote(target)} in a build step: RUN already runs as the stage's "
                "USER; put the step before `USER` or under `USER root` instead",
            ), f"`sudo` runs {_quote(target)} here too"


def _target_user(cmd: Command) -> str | None:
    """The user of ``sudo -u USER`` / ``--user=USER`` in the raw command line, if literal."""
    raw = cmd.raw_argv
    for i, w in enumerate(raw):
        if basename(w.text) == "sudo":
            continue
        t = w.text
        if t in ("-u", "--user") and i + 1 < len(raw):
            return raw[i + 1].text if raw[i + 1].literal else None
        if t.startswith("--user="):
            return t.split("=", 1)[1] if w.literal else None
        if t.startswith("-u") and len(t) > 2 and not t.startswith("--"):
            return t[2:] if w.literal else None
        if not t.startswith("-"):
            break
    return None


def _quote(name: str) -> str:
    return name if name == "a command" else f"`{name}`"
