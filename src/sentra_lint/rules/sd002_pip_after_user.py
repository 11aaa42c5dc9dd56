"""Python packages installed after the non-root user exists, or with `--user`.

## What it does
Follows the stage that produces the image (and the stages of this file it
builds on) from top to bottom and reports a Python package install - `pip`,
`pip3`, `pip3.11`, `python3 -m pip`, `uv pip install` - that comes after a
non-root user was created (`useradd`, `adduser`) or switched to (`USER`
with a non-root value), and any install that uses `--user`.

An install is not reported when it provably writes outside every home
directory: into a virtual environment or prefix that is not under `/home`,
`/root` or a created user's home, named by path (`/opt/venv/bin/pip`,
`pip install --target /opt/pkgs`), through `PATH` (`ENV PATH=/opt/venv/bin:$PATH`
after `python -m venv /opt/venv`), through an activated virtual environment
(`. /opt/venv/bin/activate`), or, for `uv pip`, through `VIRTUAL_ENV` or
`--python`. Such installs survive a tmpfs home. A virtual environment inside
a home directory (`/home/app/.venv`) is reported like any other install.
Stages that only build artifacts are not checked.

The error is for installs that land where the running user loses them: pip
run as the non-root user (after `USER`), `--user`, or into an environment
inside a home directory. A system-wide install that runs as root after
`useradd` keeps its packages; it only breaks the ADR's ordering convention
and is reported as a note.

## Why is this bad?
ADR_0001 mounts an empty tmpfs over the agent user's home at run time. When
pip runs as that user it falls back to a user install into `~/.local`, and
`--user` does so explicitly: the packages are in the image but hidden in the
running container, and imports fail in ways that do not reproduce outside
it. The ADR therefore requires every Python package to be installed
system-wide, by root, *before* the user is created; an install after that
point is either already in the user's home or one refactoring away from it.

## Example
```dockerfile
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends python3.11 python3-pip
RUN useradd --uid 1001 --create-home agent
USER agent
RUN python3.11 -m pip install --no-cache-dir anthropic
```

## Use instead
```dockerfile
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends python3.11 python3-pip
RUN python3.11 -m pip install --no-cache-dir anthropic
RUN useradd --uid 1001 --create-home agent
USER agent
```
Or install into a virtual environment outside the home directory
(`python3.11 -m venv /opt/venv` and `/opt/venv/bin/pip install ...`).
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.dockerfile import Dockerfile
from sentra_lint.dockerfile.semantics import (
    EnvSetting,
    RunCommand,
    UserSwitch,
    VenvTracker,
    image_stages,
    pip_target,
    walk,
)
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._dockerfile import TARGET_OPTION, final_stage
from sentra_lint.shell.commands import pip_install, under_home, user_creation

META = RuleMeta(
    id="SD002",
    slug="pip-after-user",
    title="Python packages installed after the non-root user exists, or with --user",
    severity=Severity.ERROR,
    also=(Severity.NOTE,),
    security_severity=6.0,
    area="dockerfile",
    precision="high",
    options=TARGET_OPTION,
)


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    final = final_stage(df, ctx)
    if final is None:
        return
    created: tuple[str, int] | None = None  # (user name, line)
    switched: tuple[str, int] | None = None  # the current non-root USER, if certain
    homes: list[str] = []
    venvs = VenvTracker()
    for event, scope in walk(df, image_stages(df, final)):
        if isinstance(event, UserSwitch):
            known_user = event.value is not None and not event.is_root
            switched = (event.value or "", event.line) if known_user else None
            continue
        if isinstance(event, EnvSetting) or not isinstance(event, RunCommand):
            continue
        cmd = event.command
        venvs.observe(event, scope)
        uc = user_creation(cmd)
        if uc is not None and not uc.is_root:
            if uc.home:
                homes.append(uc.home)
            if created is None:
                created = (uc.name or "the new user", df.source.position(cmd.start)[0])
            continue
        pi = pip_install(cmd)
        if pi is None:
            continue
        user_flag = pi.flag("--user")
        if user_flag is not None:
            yield Violation(
                df.source.span(user_flag.start, user_flag.end),
                "`pip install --user` puts packages in the home directory of whoever runs it "
                "(~/.local), which a tmpfs home hides at run time: drop --user and install "
                "system-wide, as root, before the non-root user is created",
            )
            continue
        if created is None and switched is None:
            continue
        target = pip_target(pi, scope, venvs, event)
        if target.kind == "unknown":
            continue  # where the packages go depends on a value not known here
        if target.kind in ("venv", "prefix") and not under_home(target.path or "~", homes):
            continue  # a virtual environment or prefix that a tmpfs home does not hide
        tool = _describe(pi.program_name, pi.kind)
        if target.kind in ("venv", "prefix"):
            yield Violation(
                df.source.span(pi.word.start, pi.word.end),
                f"{tool} installs into {target.path}, inside a home directory that a tmpfs "
                "hides at run time: put the environment outside the home (for example "
                "/opt/venv), or install system-wide before the user is created",
            )
            continue
        if switched is not None:
            reason = (
                f"{tool} runs as the non-root user '{switched[0]}' (USER on line {switched[1]}), "
                "so pip falls back to a user install into its home directory, which a tmpfs "
                "hides at run time"
            )
        else:
            assert created is not None
            yield Violation(
                df.source.span(pi.word.start, pi.word.end),
                f"{tool} comes after the non-root user '{created[0]}' is created on line "
                f"{created[1]}; it runs as root and installs system-wide, so the packages are "
                "kept, but ADR_0001 orders every Python install before the user exists: move it "
                "above the user creation",
                severity=Severity.NOTE,
            )
            continue
        yield Violation(
            df.source.span(pi.word.start, pi.word.end),
            f"{reason}: install Python packages system-wide before the user is created "
            "(or into a virtual environment outside the home directory)",
        )


def _describe(program: str, kind: str) -> str:
    if kind == "module":
        return f"`{program} -m pip install`"
    if kind == "uv":
        return "`uv pip install`"
    return f"`{program} install`"
