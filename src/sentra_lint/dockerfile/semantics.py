"""Dockerfile semantics: stages, ``ARG``/``ENV`` scope, the user timeline, venvs, platform.

Derived facts the Dockerfile rules and the repository pass share:
:func:`image_stages` (the final stage and the in-file stages it builds on),
:func:`run_scripts` (every shell ``RUN`` with its parsed script),
:func:`walk` (a source-ordered timeline of user creation, ``USER``
switches, ``ENV``/``ARG`` values and commands), :func:`effective_user`,
where a pip install writes (:func:`pip_target`), Windows stages and the
base image's Python, and value resolution for ``$VAR`` with the certainty
rules of the project: a value that is not known for certain is ``None``,
and rules then report nothing. Shell command recognisers are in
:mod:`sentra_lint.shell.commands` and :mod:`sentra_lint.shell.packages`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.shell.commands import (
    PipInstall,
    basename,
    dirname,
    is_root_user,
    venv_creation,
)
from sentra_lint.shell.model import Command, ShellScript
from sentra_lint.shell.packages import covers

if TYPE_CHECKING:
    from sentra_lint.dockerfile.model import Dockerfile, Instruction, Stage
    from sentra_lint.images import ImageRef

# ---------------------------------------------------------------------------
# Stages
# ---------------------------------------------------------------------------


def all_stages(df: Dockerfile) -> tuple[Stage, ...]:
    """Every stage, in file order (for the rules that check any stage)."""
    return df.stages


def image_stages(df: Dockerfile, final: Stage) -> tuple[Stage, ...]:
    """``final`` and the stages of this file it builds on (``FROM <stage>``), base first.

    Their instructions all end up in the image that ``final`` produces;
    stages only copied from (``COPY --from``) are not included.
    """
    chain = [final]
    seen = {final.index}
    current = final
    while current.base_stage is not None and current.base_stage not in seen:
        if not 0 <= current.base_stage < len(df.stages):
            break
        current = df.stages[current.base_stage]
        seen.add(current.index)
        chain.append(current)
    return tuple(reversed(chain))


def has_parse_problems(df: Dockerfile, stages: Sequence[Stage]) -> bool:
    """Whether a parse problem (SE001) lies inside ``stages``, or anywhere when one is unbounded.

    Rules whose finding is about something *missing* (no ``USER``) use this:
    a line that could not be read (a ``{{ }}`` template line) may hold it.
    """
    if not df.problems or not stages:
        return False
    with_problems = _stages_with_problems(df)
    return any(s.index in with_problems for s in stages)


def _stages_with_problems(df: Dockerfile) -> frozenset[int]:
    """Indexes of the stages holding a parse problem (from its ``FROM`` to the next); once per file."""
    found: frozenset[int] | None = df._cache.get("stages_with_problems")
    if found is None:
        firsts = [st.from_instruction.line for st in df.stages]
        found = frozenset(
            df.stages[k].index
            for k in (bisect_right(firsts, p.span.line) - 1 for p in df.problems)
            if k >= 0
        )
        df._cache["stages_with_problems"] = found
    return found


def stage_label(df: Dockerfile, stage: Stage) -> str:
    """``the final stage (FROM python:3.12-slim, line 8)`` / ``stage 'build' (...)``."""
    line = stage.from_instruction.line
    image = stage.base_raw or stage.base.raw
    where = f"FROM {image}, line {line}" if image else f"line {line}"
    if df.stages and stage is df.stages[-1]:
        return f"the final stage ({where})"
    return f"stage '{stage.label}' ({where})"


def run_scripts(
    df: Dockerfile, stages: Iterable[Stage] | None = None
) -> Iterator[tuple[Instruction, ShellScript]]:
    """``(RUN instruction, its shell analysis)`` for every shell ``RUN`` of ``stages`` (default: all).

    The ``RUN`` of an ``ONBUILD RUN`` is included: it runs in every image
    built from this one, and its findings point into the ``ONBUILD`` line.
    """
    for stage in df.stages if stages is None else stages:
        for instr in stage.instructions:
            if instr.keyword == "ONBUILD" and instr.trigger is not None:
                instr = instr.trigger
            if instr.keyword != "RUN":
                continue
            script = instr.script
            if script is not None:
                yield instr, script


def run_mounts(instr: Instruction) -> list[str]:
    """The values of every ``--mount`` flag of a ``RUN`` (``type=cache,target=/root/.cache``)."""
    return [f.value for f in instr.flags_named("mount") if f.value]


# ---------------------------------------------------------------------------
# The timeline of a stage: users, environment, commands
# ---------------------------------------------------------------------------

_BASE_PATH = "\x00base-path"
"""Stands for the base image's ``PATH`` (unknown, but made of system directories)."""


@dataclass(slots=True)
class Scope:
    """``ARG`` and ``ENV`` values at one point of a stage, and the ``WORKDIR``.

    ``None`` as a value means "set, but not known for certain" (an ``ARG``
    without default, a value built from an unknown variable). Variables the
    Dockerfile never sets are not in the scope at all (the base image may
    set them: also unknown).
    """

    env: dict[str, str | None]
    args: dict[str, str | None]
    workdir: str | None = None

    def copy_env(self) -> Scope:
        """What a stage built on this one starts with: ``ENV`` and ``WORKDIR``, not ``ARG``."""
        return Scope(dict(self.env), {}, self.workdir)

    @property
    def values(self) -> dict[str, str | None]:
        """Variables for substitution: ``ENV`` wins over ``ARG`` of the same name."""
        merged = dict(self.args)
        merged.update(self.env)
        return merged

    def get(self, name: str) -> str | None:
        """The certain value of ``name``; ``None`` when unset or unknown."""
        value = self.values.get(name)
        if value is None or _BASE_PATH in value:
            return None
        return value

    def is_set(self, name: str) -> bool:
        return name in self.env or name in self.args

    def resolve(self, raw: str) -> str | None:
        """Substitute ``$VAR``/``${VAR}``/``${VAR:-x}`` in ``raw``; ``None`` if any value is uncertain."""
        from sentra_lint.dockerfile import substitute

        if "$" not in raw:
            return raw
        values = {k: v for k, v in self.values.items() if v is None or _BASE_PATH not in v}
        return substitute(raw, values)

    def path_entries(self) -> list[str] | None:
        """``PATH`` as a list; the base image's part is one ``_BASE_PATH`` entry; ``None`` if unknown."""
        value = self.values.get("PATH", _BASE_PATH)
        if value is None:
            return None
        return value.split(":")


@dataclass(frozen=True, slots=True)
class UserSwitch:
    """A ``USER`` instruction. ``value`` is the resolved text (``None`` if not certain)."""

    stage: Stage
    instruction: Instruction
    raw: str
    value: str | None
    start: int
    end: int

    @property
    def line(self) -> int:
        return self.instruction.line

    @property
    def is_root(self) -> bool:
        return self.value is not None and is_root_user(self.value)


@dataclass(frozen=True, slots=True)
class EnvSetting:
    """One variable set by ``ENV`` or ``ARG``; ``start``/``end`` cover ``NAME=value``."""

    stage: Stage
    instruction: Instruction
    keyword: str
    name: str
    value: str | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class RunCommand:
    """One shell command of a ``RUN`` (``script`` is the whole RUN's analysis)."""

    stage: Stage
    instruction: Instruction
    script: ShellScript
    command: Command


Event = UserSwitch | EnvSetting | RunCommand


def walk(df: Dockerfile, stages: Iterable[Stage]) -> Iterator[tuple[Event, Scope]]:
    """Events of ``stages`` in file order, each with the scope in effect *before* it.

    The scope object is live: it is updated after the event is yielded, so
    read what you need from it before asking for the next event. A stage
    built on an earlier stage of the file starts with that stage's ``ENV``.
    """
    wanted = {s.index for s in stages}
    if not wanted:
        return
    # Only the wanted stages and those they build on shape the scopes: the walk
    # costs the size of that chain, not of the file, however many stages it has.
    needed = set()
    for index in wanted:
        while 0 <= index < len(df.stages) and index not in needed:
            needed.add(index)
            base = df.stages[index].base_stage
            if base is None or base >= index:
                break
            index = base
    ends: dict[int, Scope] = {}
    for stage in (df.stages[i] for i in sorted(needed)):
        if stage.base_stage is not None and stage.base_stage in ends:
            scope = ends[stage.base_stage].copy_env()
        else:
            scope = Scope({}, {})
        emit = stage.index in wanted
        for instr in stage.instructions:
            kw = instr.keyword
            if kw == "RUN":
                if not emit:
                    continue
                script = instr.script
                if script is None:
                    continue
                for cmd in script.commands:
                    yield RunCommand(stage, instr, script, cmd), scope
            elif kw in ("ENV", "ARG"):
                for setting in _settings(df, stage, instr, scope):
                    if emit:
                        yield setting, scope
                    target = scope.env if kw == "ENV" else scope.args
                    if kw == "ARG" and setting.name in scope.env:
                        continue  # an ENV of the same name wins
                    target[setting.name] = setting.value
            elif kw == "USER":
                sw = _user_switch(stage, instr, scope)
                if sw is not None and emit:
                    yield sw, scope
            elif kw == "WORKDIR":
                scope.workdir = _workdir(instr, scope)
        ends[stage.index] = scope


def _settings(df: Dockerfile, stage: Stage, instr: Instruction, scope: Scope) -> list[EnvSetting]:
    words = instr.words
    out: list[EnvSetting] = []
    kw = instr.keyword
    if kw == "ENV" and words and "=" not in words[0].text:
        # legacy ``ENV NAME value with spaces``
        name = words[0].text
        rest = words[1:]
        raw = " ".join(w.raw for w in rest)
        value = scope.resolve(raw) if rest else ""
        if name == "PATH" and value is None:
            value = _resolve_path(raw, scope)
        end = rest[-1].end if rest else words[0].end
        out.append(EnvSetting(stage, instr, kw, name, value, words[0].start, end))
        return out
    globals_ = dict(df.global_args)
    for w in words:
        name, eq, _ = w.text.partition("=")
        if not _NAME.match(name):
            continue
        if not eq:
            if kw != "ARG":
                continue
            value = globals_.get(name) if name in globals_ else None
            out.append(EnvSetting(stage, instr, kw, name, value, w.start, w.end))
            continue
        raw_value = w.raw.split("=", 1)[1] if "=" in w.raw else ""
        if w.literal:
            value = w.text.split("=", 1)[1]
        else:
            value = scope.resolve(raw_value)
            if value is None and name == "PATH":
                value = _resolve_path(raw_value, scope)
        out.append(EnvSetting(stage, instr, kw, name, value, w.start, w.end))
    return out


_NAME = lazy_compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PATH_REF = lazy_compile(r"\$\{PATH\}|\$PATH\b")


def _resolve_path(raw: str, scope: Scope) -> str | None:
    """``PATH`` built on the previous ``PATH``: keep the unknown base part as one marker entry."""
    previous = scope.values.get("PATH", _BASE_PATH)
    if previous is None:
        return None
    text = raw.strip().strip("\"'")
    replaced = _PATH_REF.sub(lambda _m: "\x01", text)
    resolved = scope.resolve(replaced.replace("\x01", ""))
    if resolved is None and "$" in replaced:
        return None
    return replaced.replace("\x01", previous)


def _user_switch(stage: Stage, instr: Instruction, scope: Scope) -> UserSwitch | None:
    if not instr.words:
        return None
    w = instr.words[0]
    value = w.text if w.literal else scope.resolve(w.raw)
    return UserSwitch(stage, instr, w.raw, value, w.start, w.end)


def _workdir(instr: Instruction, scope: Scope) -> str | None:
    if not instr.words:
        return scope.workdir
    w = instr.words[0]
    value = w.text if w.literal else scope.resolve(w.raw)
    if value is None:
        return None
    if value.startswith("/"):
        return value
    if scope.workdir is None:
        return None
    return scope.workdir.rstrip("/") + "/" + value


@dataclass(frozen=True, slots=True)
class EffectiveUser:
    """Who the image runs as: the last ``USER`` of the image's stages, or none."""

    stage: Stage
    switch: UserSwitch | None

    @property
    def instruction(self) -> Instruction | None:
        return self.switch.instruction if self.switch else None

    @property
    def value(self) -> str | None:
        return self.switch.value if self.switch else None

    @property
    def is_root(self) -> bool:
        return self.switch is None or self.switch.is_root

    @property
    def start(self) -> int:
        return self.switch.start if self.switch else self.stage.from_instruction.start

    @property
    def end(self) -> int:
        return self.switch.end if self.switch else self.stage.from_instruction.end


def effective_user(df: Dockerfile, final: Stage) -> EffectiveUser | None:
    """The last ``USER`` of ``final`` and the stages it builds on; ``None`` if its value is not certain.

    ``switch`` is ``None`` when none of them sets ``USER`` (the image runs as
    root unless its base image says otherwise).
    """
    last: UserSwitch | None = None
    for event, _scope in walk(df, image_stages(df, final)):
        if isinstance(event, UserSwitch):
            last = event
    if last is not None and last.value is None:
        return None
    return EffectiveUser(final, last)


# ---------------------------------------------------------------------------
# Where a pip install puts packages
# ---------------------------------------------------------------------------

SYSTEM_BIN_DIRS = frozenset(
    ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
)
_ENV_DIR = lazy_compile(
    r"(^|[._-])(venv|virtualenv|virtualenvs|env|conda|miniconda\d*|anaconda\d*|miniforge\d*|"
    r"mambaforge|micromamba|mamba|pyenv)([._-]|$)",
    re.IGNORECASE,
)


class VenvTracker:
    """Virtual environments created in the image, and ``activate`` calls in a ``RUN``.

    Feed it every :class:`RunCommand` in order with :meth:`observe`.
    """

    def __init__(self) -> None:
        self.dirs: set[str] = set()
        self._activated: dict[int, list[tuple[int, str | None]]] = {}

    def observe(self, event: RunCommand, scope: Scope) -> None:
        cmd = event.command
        made = venv_creation(cmd)
        if made is not None:
            path = _absolute(made, scope)
            if path is not None:
                self.dirs.add(path.rstrip("/"))
            return
        if cmd.name in (".", "source") and cmd.args:
            target = cmd.args[0].text
            if target.endswith("/bin/activate"):
                raw = cmd.args[0].raw if not cmd.args[0].literal else target
                path = _absolute(raw[: -len("/bin/activate")], scope)
                self._activated.setdefault(event.instruction.start, []).append((cmd.start, path))

    def activated(self, event_instruction: Instruction, before: int) -> tuple[bool, str | None]:
        """Whether an ``activate`` ran earlier in the same RUN, and which directory (``None``: unknown)."""
        found = [p for at, p in self._activated.get(event_instruction.start, []) if at < before]
        if not found:
            return False, None
        return True, found[-1]


def _absolute(raw: str, scope: Scope) -> str | None:
    value = scope.resolve(raw) if "$" in raw else raw
    if value is None:
        return None
    if value.startswith("/"):
        return value
    if value.startswith("~"):
        return value
    if scope.workdir is None or not scope.workdir.startswith("/"):
        return None
    return scope.workdir.rstrip("/") + "/" + value.removeprefix("./")


@dataclass(frozen=True, slots=True)
class PipTarget:
    """Where a pip install writes.

    ``kind``: ``user`` (``--user``), ``system`` (the interpreter's own
    site-packages), ``venv`` (a virtual environment or other Python
    environment at ``path``), ``prefix`` (``--target``/``--prefix``/``--root``
    at ``path``) or ``unknown``.
    """

    kind: str
    path: str | None = None


def pip_target(
    pi: PipInstall, scope: Scope, venvs: VenvTracker, event: RunCommand | None = None
) -> PipTarget:
    """Where ``pi`` installs, as far as the Dockerfile makes it certain."""
    if pi.flag("--user") is not None:
        return PipTarget("user")
    for names in (("--target", "-t"), ("--prefix",), ("--root",)):
        opt = pi.option(*names)
        if opt is not None:
            value = opt[1]
            path = _absolute(value, scope) if value else None
            return PipTarget("prefix", path) if path else PipTarget("unknown")
    instruction = event.instruction if event is not None else None
    if pi.kind == "uv":
        if pi.flag("--system") is not None or (scope.get("UV_SYSTEM_PYTHON") or "").lower() in (
            "1",
            "true",
        ):
            return PipTarget("system")
        py = pi.option("--python", "-p")
        if py is not None and py[1]:
            return _interpreter_target(py[1], scope)
        if instruction is not None:
            active, path = venvs.activated(instruction, pi.command.start)
            if active:
                return PipTarget("venv", path) if path else PipTarget("unknown")
        venv = scope.get("VIRTUAL_ENV")
        if venv:
            return PipTarget("venv", venv)
        return PipTarget("unknown")
    program = pi.program.text if pi.program.literal else pi.program.raw
    if "/" in program:
        return _interpreter_target(program, scope)
    if instruction is not None:
        active, path = venvs.activated(instruction, pi.command.start)
        if active:
            return PipTarget("venv", path) if path else PipTarget("unknown")
    entries = scope.path_entries()
    if entries is None:
        return PipTarget("unknown")
    venv_env = scope.get("VIRTUAL_ENV")
    for entry in entries:
        entry = entry.strip().rstrip("/")
        if entry == _BASE_PATH or entry in SYSTEM_BIN_DIRS:
            return PipTarget("system")
        if not entry.endswith("/bin"):
            continue
        parent = entry[: -len("/bin")]
        if parent in venvs.dirs or parent == venv_env or _ENV_DIR.search(basename(parent)):
            return PipTarget("venv", parent)
    return PipTarget("system")


def _interpreter_target(program: str, scope: Scope) -> PipTarget:
    """The environment of a pip or python named by path (``/opt/venv/bin/pip``)."""
    path = _absolute(program, scope)
    if path is None:
        return PipTarget("unknown")
    directory = dirname(path)
    if directory in SYSTEM_BIN_DIRS:
        return PipTarget("system")
    if directory.endswith("/bin"):
        return PipTarget("venv", directory[: -len("/bin")])
    return PipTarget("unknown")


_WINDOWS_IMAGE = lazy_compile(
    r"(^|[/:_.-])(windows|nanoserver|servercore|windowsservercore)([/:_.-]|$)|ltsc20\d\d",
    re.IGNORECASE,
)
_WINDOWS_SHELL = frozenset(["powershell", "pwsh", "cmd", "powershell.exe", "pwsh.exe", "cmd.exe"])


def is_windows_stage(df: Dockerfile, stage: Stage) -> bool:
    """Whether ``stage`` builds a Windows image (a Windows base image, or a cmd/PowerShell ``SHELL``).

    Users of Windows containers are names (``ContainerUser``), not UIDs, so
    the user rules do not apply there.
    """
    windows: frozenset[int] | None = df._cache.get("windows_stages")
    if windows is None:
        found: set[int] = set()
        for st in df.stages:  # once per file: a stage is Windows if it or a stage it builds on is
            if (
                (st.base_stage is not None and st.base_stage in found)
                or _WINDOWS_IMAGE.search(st.base_raw or st.base.raw)
                or any(
                    instr.shell
                    and basename(instr.shell[0].replace("\\", "/")).lower() in _WINDOWS_SHELL
                    for instr in st.instructions
                )
            ):
                found.add(st.index)
        windows = df._cache["windows_stages"] = frozenset(found)
    return stage.index in windows


# ---------------------------------------------------------------------------
# The base image's Python
# ---------------------------------------------------------------------------

_DISTRO_PYTHON = {
    ("ubuntu", "18.04"): "3.6",
    ("ubuntu", "bionic"): "3.6",
    ("ubuntu", "20.04"): "3.8",
    ("ubuntu", "focal"): "3.8",
    ("ubuntu", "22.04"): "3.10",
    ("ubuntu", "jammy"): "3.10",
    ("ubuntu", "24.04"): "3.12",
    ("ubuntu", "noble"): "3.12",
    ("debian", "10"): "3.7",
    ("debian", "buster"): "3.7",
    ("debian", "11"): "3.9",
    ("debian", "bullseye"): "3.9",
    ("debian", "12"): "3.11",
    ("debian", "bookworm"): "3.11",
    ("debian", "13"): "3.13",
    ("debian", "trixie"): "3.13",
}


def base_image_python(df: Dockerfile, stage: Stage) -> str | None:
    """The ``python3`` version the base image of ``stage`` (through earlier stages) certainly has.

    Known for the official ``python`` images (``python:3.11-slim``) and for
    the Debian and Ubuntu releases' default ``python3``; ``None`` otherwise.
    """
    current = stage
    seen = set()
    while (
        current.base_stage is not None
        and current.base_stage not in seen
        and 0 <= current.base_stage < len(df.stages)
    ):
        seen.add(current.base_stage)
        current = df.stages[current.base_stage]
    ref = current.base
    if ref.unknown or ref.tag is None:
        return None
    repo = ref.repository.rsplit("/", 1)[-1]
    tag = ref.tag.lower()
    if repo == "python":
        m = re.match(r"^(3\.\d+)(?:[.-]|$)", tag)
        return m.group(1) if m else None
    if repo in ("ubuntu", "debian"):
        release = re.split(r"[-.](?=slim|backports)|-", tag, maxsplit=1)[0]
        if repo == "debian":
            release = release.split(".", 1)[0]
        return _DISTRO_PYTHON.get((repo, release))
    return None


def parse_mount(value: str) -> dict[str, str]:
    """The ``key=value`` fields of a ``--mount`` value (``type=cache,target=/x``).

    Keys are lower-cased; ``dst`` and ``destination`` become ``target``; a
    field without ``=`` is kept with an empty value (``readonly``).
    """
    fields: dict[str, str] = {}
    for part in value.split(","):
        key, sep, val = part.partition("=")
        key = key.strip().lower()
        if not key:
            continue
        if key in ("dst", "destination"):
            key = "target"
        fields[key] = val.strip().strip("\"'") if sep else ""
    fields.setdefault("type", "bind")
    return fields


def mounts_cover(mounts: Iterable[str], target: str, types: Iterable[str] = ("cache", "tmpfs")) -> bool:
    """Whether one of the ``--mount`` values puts a cache or tmpfs mount over ``target``."""
    wanted = set(types)
    for value in mounts:
        fields = parse_mount(value)
        if fields.get("type") in wanted and covers(fields.get("target", ""), target):
            return True
    return False


# ---------------------------------------------------------------------------
# Instruction arguments the file rules share (COPY/ADD sources, values in scope)
# ---------------------------------------------------------------------------


def instruction_sources(instr: Instruction) -> list[tuple[str, int, int]]:
    """``(text, start, end)`` of every source of a ``COPY``/``ADD`` (not the destination).

    Works for the shell form and the JSON form (``COPY ["a b", "/dst/"]``);
    heredoc sources (``COPY <<EOF /x``) are left out. Offsets cover the
    source as written, without JSON quotes.
    """
    if instr.exec_form is not None:
        spans = instr._exec_spans
        items = list(instr.exec_form)
        if len(spans) != len(items):
            return [(t, instr.args_start, instr.args_end) for t in items[:-1]]
        out: list[tuple[str, int, int]] = []
        for text, (s, e) in zip(items[:-1], spans[:-1], strict=True):
            out.append((text, s + 1, max(s + 1, e - 1)))
        return out
    words = [w for w in instr.words if not w.text.startswith("<<")]
    return [(w.text if w.literal else w.raw, w.start, w.end) for w in words[:-1]]


def scopes_before(df: Dockerfile, instrs: Iterable[Instruction]) -> dict[int, Scope | None]:
    """The ``ARG``/``ENV`` scope in effect before each instruction, keyed by its start offset.

    ``None`` when the stage sets no variable the walk could see (then only
    literal text is certain). Global ``ARG`` values are not in a stage's
    scope unless the stage declares them again, as in Docker.
    """
    pending: dict[int, list[Instruction]] = {}
    for instr in sorted(instrs, key=lambda i: i.start):
        if 0 <= instr.stage < len(df.stages):
            pending.setdefault(instr.stage, []).append(instr)
    out: dict[int, Scope | None] = {}
    if not pending:
        return out
    last: dict[int, Scope] = {}

    def snapshot(scope: Scope) -> Scope:
        return Scope(dict(scope.env), dict(scope.args), scope.workdir)

    stages = [df.stages[i] for i in pending]
    for event, scope in walk(df, stages):
        idx = event.stage.index
        last[idx] = scope
        queue = pending.get(idx, [])
        while queue and queue[0].start < event.instruction.start:
            out[queue.pop(0).start] = snapshot(scope)
    for idx, queue in pending.items():
        for instr in queue:
            final = last.get(idx)
            out[instr.start] = snapshot(final) if final is not None else None
    return out


_REPO_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REPOSITORY = lazy_compile(rf"^{_REPO_COMPONENT}(?:/{_REPO_COMPONENT})*$")


def pullable(ref: ImageRef) -> bool:
    """Whether ``ref`` names an image a build pulls from a registry.

    False for unknown references, ``scratch``, names Docker would reject
    (template text such as ``{{ base_image }}``, placeholders such as
    ``BASEIMAGE`` that a script replaces before the build: repositories are
    lower-case) and images built locally (``localhost/...``).
    """
    if ref.unknown or ref.is_scratch:
        return False
    if ref.registry is not None and ref.registry.split(":", 1)[0] == "localhost":
        return False
    return _REPOSITORY.match(ref.repository) is not None


def resolve_with(raw: str, values: dict[str, str | None], escape: str = "\\") -> str | None:
    """``raw`` with ``$VAR``/``${VAR}`` forms replaced from ``values``; ``None`` if any value is uncertain."""
    from sentra_lint.dockerfile import substitute

    return substitute(raw, values, escape)
