"""World-writable permissions are set in the image.

## What it does
Reports permissions that let any user write a file or directory, in the
stages that make up the image: `chmod 777`, `chmod -R 0777`, `chmod 666`,
symbolic modes that add write for others (`o+w`, `a+w`, `a+rwx`,
`ugo=rwx`), `mkdir -m 777`, `install -m 777`, `find ... -exec chmod 777 {} +`
and `COPY`/`ADD --chmod=777`.
The finding points at the mode.

A mode with the sticky bit (`chmod 1777 /tmp`) is not reported: that is the
standard mode of shared temporary directories, where everyone may create
files but only the owner may delete or rename them. A mode that is a
`$VARIABLE` is unknown and not reported, and so is a directory made by
`mktemp` and removed again in the same `RUN` (`d=$(mktemp -d) && chmod 777
"$d" && ... && rm -rf "$d"`): it does not reach the image.

## Why is this bad?
In a world-writable file or directory any process in the container can
replace content: a compromised low-privilege process (or a different user
sharing a volume) can overwrite scripts, configuration or binaries that a
more privileged process later runs or trusts. `777` is usually a shortcut
around a permission error that has a precise fix.

## Example
```dockerfile
FROM debian:12-slim
RUN mkdir -p /app/data && chmod 777 /app/data
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN mkdir -p /app/data && chown 1001:1001 /app/data && chmod 750 /app/data
USER 1001
```
Give the directory to the user that writes it (`chown`, or
`COPY --chown=1001:1001`), or use a group the user is a member of
(`chmod 770`, `chmod g+w`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.dockerfile import Dockerfile
from sentra_lint.dockerfile.semantics import image_stages
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._dockerfile import TARGET_OPTION, final_stage
from sentra_lint.shell import Command, Word

META = RuleMeta(
    id="SD013",
    slug="world-writable",
    title="World-writable permissions set in the image",
    severity=Severity.WARNING,
    security_severity=5.0,
    area="dockerfile",
    precision="very-high",
    options=TARGET_OPTION,
)

_SYMBOLIC_CLAUSE = lazy_compile(r"^([ugoa]*)([-+=][rwxXstugo]*)+$")
_OCTAL = lazy_compile(r"^[0-7]{1,5}$")


def world_writable(mode: str) -> bool:
    """Whether a chmod mode (octal or symbolic) gives write to others, without the sticky bit.

    ``777``, ``0666``, ``o+w``, ``a+rwx``, ``ugo=rwx``, ``u+x,o+w`` are world
    writable; ``1777`` (sticky), ``+w`` (the umask keeps others out),
    ``go-w`` and ``g+w`` are not.
    """
    if _OCTAL.match(mode):
        value = int(mode, 8)
        return bool(value & 0o002) and not value & 0o1000
    writable = False
    for clause in mode.split(","):
        m = _SYMBOLIC_CLAUSE.match(clause)
        if m is None:
            return False
        who = m.group(1)
        for op in re.findall(r"[-+=][rwxXstugo]*", clause[len(who) :]):
            perms = op[1:]
            if "t" in perms and op[0] in "+=":
                return False
            if who and not ("o" in who or "a" in who):
                continue
            if not who:
                # no "who": the umask (022 in builds) keeps others' write bit off
                continue
            if op[0] in "+=" and "w" in perms:
                writable = True
            elif (op[0] == "-" and "w" in perms) or (op[0] == "=" and "w" not in perms):
                writable = False
    return writable



_MKTEMP_ASSIGNMENT = lazy_compile(r"""^([A-Za-z_][A-Za-z0-9_]*)=["']?(?:\$\(|`)\s*mktemp\b""")
_VARIABLE_WORD = lazy_compile(r"""^["']?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?(?:/[^"']*)?["']?$""")


def _find_exec_chmod(cmd: Command) -> tuple[Word, ...]:
    """The ``chmod`` arguments of ``find ... -exec chmod MODE {} +`` (empty when there is none)."""
    args = cmd.args
    for i, w in enumerate(args):
        if w.text in ("-exec", "-execdir", "-ok", "-okdir") and i + 1 < len(args):
            if args[i + 1].text.rsplit("/", 1)[-1] != "chmod":
                continue
            out: list[Word] = []
            for a in args[i + 2 :]:
                if a.text in (";", "+", "\\;"):
                    break
                out.append(a)
            return tuple(out)
    return ()


def _removed_temporaries(commands: tuple[Command, ...]) -> set[str]:
    """Variables set from ``$(mktemp ...)`` that a later ``rm`` of the same script removes."""
    made: dict[str, int] = {}
    for cmd in commands:
        for w in (*cmd.assignments, *(cmd.args if cmd.name in ("export", "local") else ())):
            m = _MKTEMP_ASSIGNMENT.match(w.raw)
            if m:
                made[m.group(1)] = w.end
    removed: set[str] = set()
    for cmd in commands:
        if cmd.name != "rm":
            continue
        for w in cmd.args:
            m = _VARIABLE_WORD.match(w.raw)
            if m and m.group(1) in made and made[m.group(1)] < w.start:
                removed.add(m.group(1))
    return removed


def _names_one_of(word: Word, names: set[str]) -> bool:
    m = _VARIABLE_WORD.match(word.raw)
    return m is not None and m.group(1) in names


def _chmod_mode(args: tuple[Word, ...]) -> Word | None:
    """The mode word of ``chmod [options] MODE FILE...``; ``None`` for ``--reference``."""
    for w in args:
        t = w.text
        if t.startswith("--reference"):
            return None
        if t == "--":
            continue
        if t.startswith("-") and not _SYMBOLIC_CLAUSE.match(t.split(",")[0]):
            continue  # -R, -v, -f, --recursive ...
        return w
    return None


def _mode_option(cmd: Command) -> Word | None:
    """The value word of ``-m MODE`` / ``--mode=MODE`` (``mkdir``, ``install``)."""
    args = cmd.args
    for i, w in enumerate(args):
        t = w.text
        if t in ("-m", "--mode"):
            return args[i + 1] if i + 1 < len(args) else None
        if t.startswith("--mode="):
            return Word(t[7:], w.raw, w.end - len(t) + 7, w.end, w.literal)
        if t.startswith("-m") and len(t) > 2 and not t.startswith("--"):
            return Word(t[2:], w.raw, w.end - len(t) + 2, w.end, w.literal)
    return None


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    final = final_stage(df, ctx)
    if final is None:
        return
    for stage in image_stages(df, final):
        for instr in stage.instructions:
            if instr.keyword in ("COPY", "ADD"):
                flag = instr.flag("chmod")
                if flag is not None and flag.value and world_writable(flag.value.strip()):
                    value_start = flag.end - len(flag.value)
                    yield Violation(
                        df.source.span(value_start, flag.end),
                        f"`{instr.keyword} --chmod={flag.value}` makes the copied files writable by "
                        "every user: use `--chown=<uid>` with a mode such as 755 or 644",
                    )
                continue
            if instr.keyword != "RUN":
                continue
            script = instr.script
            if script is None:
                continue
            temporary: set[str] | None = None
            for cmd in script.commands:
                via_find = False
                args: tuple[Word, ...] = cmd.args
                if cmd.name == "find":
                    args = _find_exec_chmod(cmd)
                    via_find = bool(args)
                if cmd.name == "chmod" or via_find:
                    mode = _chmod_mode(args)
                elif cmd.name in ("mkdir", "install"):
                    mode = _mode_option(cmd)
                else:
                    continue
                if mode is None or not mode.literal or not world_writable(mode.text):
                    continue
                if temporary is None:
                    temporary = _removed_temporaries(script.commands)
                targets = [w for w in args if w.start > mode.start and not w.text.startswith("-")]
                if targets and temporary and all(_names_one_of(w, temporary) for w in targets):
                    continue  # a mktemp directory removed again in the same RUN
                name = "find -exec chmod" if via_find else cmd.name
                shown = f"{name} {mode.text}" if name != "mkdir" and name != "install" else f"{name} -m {mode.text}"
                yield Violation(
                    df.source.span(mode.start, mode.end),
                    f"`{shown}` lets every user write here: give the path to the user "
                    "that needs it (`chown`) and use a mode such as 755, 750 or `g+w`",
                )
