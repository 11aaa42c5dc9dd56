"""pip runs through an unversioned name in an image that uses a specific Python.

## What it does
Reports a `pip install` run through an unversioned name (`pip`, `pip3`,
`python -m pip`, `python3 -m pip`) in the stage that produces the image (and
the stages of this file it builds on) when those stages install or run a
specific Python version: a package such as `python3.11` or
`python3.11-venv`, or a command such as `python3.11 …` or `pip3.11 …`.

Not reported:
- the unversioned name is made to point at that Python
  (`update-alternatives --install … python3 … python3.11`, or `ln -s` of
  `python3.11` to `python3`/`python`, or of `pip3.11` to `pip`/`pip3`);
- pip runs from a virtual environment (`/opt/venv/bin/pip`, or through
  `PATH` or `activate`): a venv's `pip` belongs to the Python that made it;
- the base image's own Python already is that version: the official
  `python:3.11-*` images, and the Debian and Ubuntu releases whose default
  `python3` is that version (`ubuntu:22.04` ships 3.10, `debian:bookworm`
  3.11, ...).

## Why is this bad?
`pip3` and `python3 -m pip` belong to the distribution's default `python3`,
which is usually a different version from the one the image installs on
purpose. The packages then land in that other interpreter's `site-packages`:
the build passes, and the application fails at run time with
`ModuleNotFoundError`, or runs against a different set of packages than the
one that was tested.

## Example
```dockerfile
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends python3.11 python3-pip
RUN pip3 install --no-cache-dir requests
CMD ["python3.11", "-m", "service"]
```

## Use instead
```dockerfile
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y --no-install-recommends python3.11 python3-pip
RUN python3.11 -m pip install --no-cache-dir requests
CMD ["python3.11", "-m", "service"]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.dockerfile import Dockerfile
from sentra_lint.dockerfile.semantics import (
    RunCommand,
    VenvTracker,
    base_image_python,
    image_stages,
    pip_target,
    walk,
)
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._dockerfile import TARGET_OPTION, final_stage
from sentra_lint.shell import Command, Word
from sentra_lint.shell.commands import PipInstall, pip_install
from sentra_lint.shell.packages import package_command, package_name

META = RuleMeta(
    id="SD009",
    slug="unversioned-pip",
    title="pip runs through an unversioned name while the image uses a specific Python",
    severity=Severity.WARNING,
    security_severity=2.0,
    area="dockerfile",
    precision="high",
    options=TARGET_OPTION,
)

_VERSIONED_PKG = lazy_compile(r"^python(3\.\d+)(-[a-z0-9.+-]+)?$")
_VERSIONED_CMD = lazy_compile(r"^(?:python|pip)(3\.\d+)$")
_UNVERSIONED = frozenset(["pip", "pip3", "python", "python3"])
_LINK_NAMES = frozenset(["python", "python3", "pip", "pip3"])


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    final = final_stage(df, ctx)
    if final is None:
        return
    stages = image_stages(df, final)
    versions: dict[str, tuple[int, int]] = {}  # version -> first place seen (start, end)
    candidates: list[PipInstall] = []
    realiased = False
    venvs = VenvTracker()
    for event, scope in walk(df, stages):
        if not isinstance(event, RunCommand):
            continue
        cmd = event.command
        venvs.observe(event, scope)
        for version, word in _specific_pythons(cmd):
            versions.setdefault(version, (word.start, word.end))
        if _realiases(cmd):
            realiased = True
        pi = pip_install(cmd)
        if pi is None or pi.kind == "uv" or pi.program_name not in _UNVERSIONED:
            continue
        if pip_target(pi, scope, venvs, event).kind != "system":
            continue  # a venv's pip is tied to the Python that made it
        candidates.append(pi)
    if not versions or realiased or not candidates:
        return
    base = base_image_python(df, stages[0])
    wanted = sorted(versions, key=lambda v: versions[v])
    if base is not None and set(wanted) == {base}:
        return
    shown = ", ".join(f"python{v}" for v in wanted)
    for pi in candidates:
        line = df.source.position(versions[wanted[0]][0])[0]
        name = f"{pi.program_name} -m pip" if pi.kind == "module" else pi.program_name
        use = f"python{wanted[0]} -m pip install"
        yield Violation(
            df.source.span(pi.program.start, pi.word.end),
            f"`{name} install` runs the default Python's pip, but the image uses {shown} "
            f"(line {line}): packages land in the wrong interpreter; use `{use}`",
        )


def _specific_pythons(cmd: Command) -> Iterator[tuple[str, Word]]:
    """Versions named by this command: a ``pythonX.Y`` package install or a ``pythonX.Y``/``pipX.Y`` run."""
    m = _VERSIONED_CMD.match(cmd.name)
    if m and cmd.argv[0].literal:
        yield m.group(1), cmd.argv[0]
    pc = package_command(cmd)
    if pc is not None and pc.is_install:
        for w in pc.operands:
            name = package_name(w, pc.family)
            if name is None:
                continue
            pm = _VERSIONED_PKG.match(name)
            if pm:
                yield pm.group(1), w


def _realiases(cmd: Command) -> bool:
    """``update-alternatives --install … python3 …`` or ``ln -s … python3.11 … python3``."""
    name = cmd.name
    if name in ("update-alternatives", "alternatives"):
        return any(w.text in ("--install", "--set", "--config") for w in cmd.args) and any(
            w.text.rsplit("/", 1)[-1] in _LINK_NAMES for w in cmd.args
        )
    if name == "ln":
        ops = [w for w in cmd.args if not w.text.startswith("-")]
        if len(ops) >= 2:
            dest = ops[-1].text.rstrip("/").rsplit("/", 1)[-1]
            return dest in _LINK_NAMES
    return False
