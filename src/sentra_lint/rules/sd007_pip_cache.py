"""pip keeps its download cache in the image.

## What it does
Reports a `pip install` (through `pip`, `pip3`, `pythonX -m pip`), a
`uv pip install`, or a `uv sync` / `uv pip sync` in the stage that produces the image (or a stage of this
file it builds on) that leaves the package cache in the layer. The install
is fine when any of these holds:

- pip gets `--no-cache-dir` (or `--no-cache`, the abbreviation pip accepts;
  uv: `--no-cache`, `-n` or `--no-cache-dir`);
- `PIP_NO_CACHE_DIR` (uv: `UV_NO_CACHE`) is set to a non-empty value by an
  earlier `ENV` or `ARG` of the stage, by a stage it builds on (`ENV` only),
  or on the command itself (`PIP_NO_CACHE_DIR=1 pip install …`, `export`);
  pip disables the cache for every value it accepts, `0` and `false`
  included, so any value counts;
- the `RUN` mounts a cache or tmpfs over the cache directory
  (`RUN --mount=type=cache,target=/root/.cache/pip`, or `/root/.cache`);
- the same `RUN` removes the cache afterwards (`pip cache purge`,
  `rm -rf /root/.cache/pip`, `rm -rf ~/.cache`).

`pip install --upgrade pip` counts like any other install: it caches the
wheel of the new pip. Builder stages are not checked: their cache never
reaches the image.

One finding is reported per instruction: further occurrences in the same
instruction are listed as its related locations.

## Why is this bad?
pip stores every wheel it downloads or builds under `~/.cache/pip`. In a
container image that cache is dead weight (often tens to hundreds of
megabytes) that is never read again, slows every pull, and enlarges what a
scanner has to look at.

## Example
```dockerfile
FROM python:3.12-slim
COPY requirements.txt .
RUN pip install -r requirements.txt
```

## Use instead
```dockerfile
FROM python:3.12-slim
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
```
or, with BuildKit, keep the cache between builds but out of the image:
```dockerfile
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
```

## Fix
Adds `--no-cache-dir` (`--no-cache` for `uv pip install`) right after
`install`. Safe: pip downloads again instead of reading its cache, which a
fresh build layer does not have anyway.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sentra_lint.dockerfile import Dockerfile, Instruction, Stage
from sentra_lint.dockerfile.semantics import RunCommand, image_stages, parse_mount, run_mounts, walk
from sentra_lint.findings import Fix, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._dockerfile import TARGET_OPTION, final_stage, one_per_instruction
from sentra_lint.rules._fix import insert_after
from sentra_lint.shell import Command, ShellScript
from sentra_lint.shell.commands import UvSync, command_env, pip_install, uv_sync
from sentra_lint.shell.packages import covers

META = RuleMeta(
    id="SD007",
    slug="pip-cache",
    title="pip install keeps its download cache in the image",
    severity=Severity.WARNING,
    security_severity=2.0,
    area="dockerfile",
    precision="high",
    options=TARGET_OPTION,
    fixable=True,
)

# Cache directories, relative to a home directory.
_PIP_CACHE = ".cache/pip"
_UV_CACHE = ".cache/uv"


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    final = final_stage(df, ctx)
    if final is None:
        return
    yield from one_per_instruction(_occurrences(df, final), df.source.path)


def _occurrences(df: Dockerfile, final: Stage) -> Iterator[tuple[Instruction, Violation, str]]:
    for event, scope in walk(df, image_stages(df, final)):
        if not isinstance(event, RunCommand):
            continue
        pi = pip_install(event.command)
        sync = uv_sync(event.command) if pi is None else None
        if pi is None and sync is None:
            continue
        if sync is not None or (pi is not None and pi.kind == "uv"):
            names = ("--no-cache", "--no-cache-dir", "-n")
            flag = sync.flag(*names) if sync is not None else pi.flag(*names) if pi else None
            if flag is not None:
                continue
            uv = True
            env_name, cache_rel, cache_env = "UV_NO_CACHE", _UV_CACHE, "UV_CACHE_DIR"
        else:
            assert pi is not None
            # pip takes any unambiguous prefix of a long option: --no-cache is --no-cache-dir
            if pi.flag("--no-cache-dir", "--no-cache") is not None:
                continue
            uv = False
            env_name, cache_rel, cache_env = "PIP_NO_CACHE_DIR", _PIP_CACHE, "PIP_CACHE_DIR"
        inline = command_env(event.script, event.command)
        if inline.get(env_name) or scope.get(env_name):
            continue
        option = pi.option("--cache-dir") if pi is not None else _sync_cache_dir(sync)
        cache_dirs = _cache_dirs(option, scope.get(cache_env))
        if any(
            _is_cache(m, cache_dirs, cache_rel) for m in _cache_mount_targets(event.instruction)
        ):
            continue
        if _removed_later(event.script, event.command, cache_dirs, cache_rel, uv):
            continue
        fix = "--no-cache" if uv else "--no-cache-dir"
        if sync is not None:
            start, end, insert_at = sync.word.start, sync.sync.end, sync.sync.end
            tool = "uv sync" if _is_plain_sync(sync) else "uv pip sync"
        else:
            assert pi is not None
            start, end, insert_at = pi.word.start, pi.word.end, pi.install.end
            tool = (
                "uv pip install"
                if uv
                else f"{pi.program_name}{' -m pip' if pi.kind == 'module' else ''} install"
            )
        yield event.instruction, Violation(
            df.source.span(start, end),
            f"`{tool}` without `{fix}` leaves its download cache in the image: add `{fix}`, "
            f"set `ENV {env_name}=1`, or mount a cache with "
            f"`RUN --mount=type=cache,target=/root/{cache_rel}`",
            fixes=(Fix(f"add {fix}", (insert_after(insert_at, f" {fix}"),), safe=True),),
        ), f"`{tool}` without `{fix}` here too"


def _is_plain_sync(sync: UvSync) -> bool:
    """``uv sync`` rather than ``uv pip sync``."""
    return not any(w.text == "pip" and w.end <= sync.sync.start for w in sync.command.argv[1:])


def _sync_cache_dir(sync: UvSync | None) -> tuple[Any, str | None] | None:
    if sync is None:
        return None
    args = sync.args
    for k, w in enumerate(args):
        if w.text == "--cache-dir" and k + 1 < len(args):
            return w, args[k + 1].text
        if w.text.startswith("--cache-dir="):
            return w, w.text.split("=", 1)[1]
    return None


def _cache_dirs(option: tuple[Any, str | None] | None, env_value: str | None) -> list[str]:
    """Cache directories named by ``--cache-dir`` or ``PIP_CACHE_DIR``/``UV_CACHE_DIR``."""
    dirs: list[str] = []
    if option is not None and option[1]:
        dirs.append(option[1])
    if env_value:
        dirs.append(env_value)
    return dirs


def _is_cache(path: str, dirs: list[str], rel: str) -> bool:
    """Whether removing or mounting over ``path`` covers the cache.

    The default cache is ``<home>/.cache/pip`` (``.cache/uv``) of whoever
    runs the install, so ``/root/.cache``, ``/home/app/.cache/pip``,
    ``~/.cache`` and ``$HOME/.cache/pip`` all count.
    """
    p = path.strip().rstrip("/")
    while p.endswith("/*"):
        p = p[:-2]
    if any(covers(p, d) for d in dirs):
        return True
    return p.endswith(("/.cache", "/" + rel)) or p in ("~/.cache", "~/" + rel)


def _cache_mount_targets(instruction: Any) -> list[str]:
    out: list[str] = []
    for value in run_mounts(instruction):
        fields = parse_mount(value)
        if fields.get("type") in ("cache", "tmpfs"):
            out.append(fields.get("target", ""))
    return out


def _removed_later(
    script: ShellScript, cmd: Command, cache_dirs: list[str], rel: str, uv: bool
) -> bool:
    """``pip cache purge`` / ``uv cache clean`` / ``rm -rf <cache>`` after the install in the same RUN."""
    for other in script.commands:
        if other.start <= cmd.start:
            continue
        texts = other.texts
        name = other.name
        if (
            not uv
            and ("cache" in texts and "purge" in texts)
            and (name.startswith("pip") or name.startswith("python"))
        ):
            return True
        if uv and name == "uv" and "cache" in texts and ("clean" in texts or "prune" in texts):
            return True
        if name == "rm" and any(
            not w.text.startswith("-") and _is_cache(w.text, cache_dirs, rel) for w in other.args
        ):
            return True
    return False
