"""ContainerSpec: one model for every container launch the linter can see.

A workflow job's ``container:``, its ``services:``, a ``docker run`` in a
``run:`` step or a script, a Compose service and a dev container's
``runArgs`` are all normalised into a :class:`ContainerSpec`; the SC rules
are written once against it.

Every setting is a :class:`Field`: its ``value``, the ``span`` where it was
set, and whether it is ``known``. A setting that comes from an expression
(``${{ inputs.memory }}``) or a shell variable is present but not known, and
rules never guess its value. A setting that was not written at all has no
span and is :attr:`Field.missing`; a rule reports a missing control at
:attr:`ContainerSpec.anchor_span`, and only when
:attr:`ContainerSpec.unknown_options` is false (otherwise an expression may
well set it).

Lists (capabilities, mounts, devices, environment) are tuples of small
frozen records, each with its own span.

Adapters build a spec with :class:`SpecBuilder`, which also reads the value
grammars shared by the Docker CLI and Compose (``-v`` short syntax,
``--mount`` CSV, ``--tmpfs``, ``--security-opt``, ``--device``, ``-e``).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import field, fields
from typing import Generic, Literal, TypeVar

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.agents.facts import Evidence, Role
from sentra_lint.container.flags import parse_go_bool
from sentra_lint.container.sizes import Limit, parse_bytes, parse_uid
from sentra_lint.images import ImageRef
from sentra_lint.source import SourceFile, Span

__all__ = [
    "SECRET_NAME",
    "ContainerSpec",
    "Device",
    "EnvVar",
    "Field",
    "FixSite",
    "Namespaces",
    "SecurityOpt",
    "SourceKind",
    "SpecBuilder",
    "SpecProblem",
    "TmpfsMount",
    "VolumeMount",
    "has_expansion",
    "is_secret_like_name",
    "is_workspace_source",
    "normalise_capability",
    "split_outside_expansions",
    "user_is_root",
    "value_from_secret",
]

T = TypeVar("T")

SourceKind = Literal[
    "workflow-container", "workflow-service", "docker-run", "compose", "devcontainer", "mcp"
]

_EXPANSION = lazy_compile(r"\$\{\{|\$\{?[A-Za-z_]|\$\(|`")
_SECRET_REF = lazy_compile(r"\b(?:secrets\s*[.\[]|github\s*\.\s*token\b)", re.IGNORECASE)
SECRET_NAME = re.compile(
    r"TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL", re.IGNORECASE
)
"""What makes an environment variable's name look like it holds a secret."""


# Sources of a bind mount that are the job's workspace (where actions/checkout writes .git).
_WORKSPACE_SOURCES = frozenset(
    {".", "./", "$PWD", "${PWD}", "$(pwd)", "`pwd`", "$GITHUB_WORKSPACE", "${GITHUB_WORKSPACE}"}
)
_WORKSPACE_EXPR = lazy_compile(r"^\$\{\{\s*github\.workspace\s*\}\}/?$")


def is_workspace_source(source: str | None) -> bool:
    """Whether a bind mount's source is the job's workspace (``.``, ``$PWD``, ``${{ github.workspace }}``)."""
    text = (source or "").strip().strip("'\"")
    return text in _WORKSPACE_SOURCES or _WORKSPACE_EXPR.match(text) is not None


@dataclass(frozen=True, slots=True)
class Field(Generic[T]):
    """One setting of a launch.

    ============================  =======  ======  =======
    case                          value    span    known
    ============================  =======  ======  =======
    not written                   None     None    True
    written, literal              the      where   True
    written, literal but invalid  None     where   True
    from an expression/variable   None     where   False
    ============================  =======  ======  =======
    """

    value: T | None = None
    span: Span | None = None
    known: bool = True
    raw: str | None = None
    """The value as written (after unquoting), when there was one."""

    @property
    def present(self) -> bool:
        """The setting was written (whatever its value, known or not)."""
        return self.span is not None or self.value is not None or not self.known

    @property
    def missing(self) -> bool:
        """The setting was not written at all."""
        return not self.present

    @property
    def certain(self) -> bool:
        """Written with a literal, valid value: rules may judge :attr:`value`."""
        return self.known and self.value is not None


@dataclass(frozen=True, slots=True)
class TmpfsMount:
    """A tmpfs mount (``--tmpfs``, ``--mount type=tmpfs``, compose ``tmpfs:``)."""

    target: str | None
    """Path in the container; ``None`` when not known."""
    span: Span | None = None
    size: int | None = None
    """Bytes from ``size=`` / ``tmpfs-size=``; ``None`` when not bounded or not a byte count."""
    size_raw: str | None = None
    """The size as written (``64m``, ``50%``); ``None`` when no size was given."""
    mode: str | None = None
    options: tuple[str, ...] = ()
    read_only: bool = False
    known: bool = True
    via: str = "tmpfs"
    """``tmpfs`` (``--tmpfs`` / compose ``tmpfs:``) or ``mount`` (``--mount`` / long syntax)."""

    @property
    def path(self) -> str | None:
        """:attr:`target` normalised (``/tmp/`` -> ``/tmp``)."""
        return _norm(self.target)


@dataclass(frozen=True, slots=True)
class VolumeMount:
    """A bind mount, named or anonymous volume (``-v``, ``--mount``, ``volumes:``)."""

    kind: str
    """``bind``, ``volume``, ``image``, ``npipe``..., or ``unknown`` when the source is an expression."""
    source: str | None
    """Host path (binds) or volume name; ``None`` for an anonymous volume."""
    target: str | None
    span: Span | None = None
    mode: str | None = None
    """The mode part of the short syntax as written (``ro,z``)."""
    read_only: bool = False
    known: bool = True
    """Both source and target are literal."""
    source_known: bool = True
    via: str = "volume"
    """``volume`` (short syntax) or ``mount`` (``--mount`` / long syntax)."""

    @property
    def host_path(self) -> str | None:
        """The bind's host path, normalised (``//var/run/docker.sock/`` -> ``/var/run/docker.sock``).

        ``~`` and relative prefixes are kept; ``None`` for volumes and unknown sources.
        """
        if self.kind != "bind" or not self.source_known:
            return None
        return _norm(self.source)

    @property
    def path(self) -> str | None:
        """:attr:`target` normalised."""
        return _norm(self.target)


@dataclass(frozen=True, slots=True)
class SecurityOpt:
    """One ``--security-opt`` / ``security_opt`` entry."""

    key: str
    """Lower case: ``seccomp``, ``apparmor``, ``label``, ``no-new-privileges``, ``systempaths``..."""
    value: str | None
    """``None`` for a bare ``no-new-privileges``."""
    raw: str
    span: Span | None = None
    known: bool = True
    old_syntax: bool = False
    """Written ``key:value`` (the form Docker still accepts but deprecates)."""


@dataclass(frozen=True, slots=True)
class Device:
    """A host device passed in (``--device``, ``devices:``)."""

    host: str | None
    container: str | None
    permissions: str | None
    raw: str
    span: Span | None = None
    known: bool = True


@dataclass(frozen=True, slots=True)
class EnvVar:
    """One environment variable handed to the container."""

    name: str | None
    """``None`` when the name itself is an expression."""
    value: str | None
    """As written; ``None`` for ``-e NAME`` (passed through from the caller's environment)."""
    span: Span | None = None
    known: bool = True
    """The value is literal."""
    from_secret: bool = False
    """The value references ``${{ secrets.* }}`` or ``${{ github.token }}``."""
    secret_like_name: bool = False
    """The name looks like a credential (``*TOKEN*``, ``*SECRET*``, ``*PASSWORD*``, ``*API_KEY*``...)."""
    via: str | None = None
    """For ``-e NAME`` whose value was found where the command runs: where
    (``"the step's env"``); ``value`` is then that value."""

    @property
    def passthrough(self) -> bool:
        return self.value is None


@dataclass(frozen=True, slots=True)
class Namespaces:
    """Namespace modes (``host``, ``private``, ``container:<id>``...), as written."""

    network: Field[str] = field(default_factory=Field)
    pid: Field[str] = field(default_factory=Field)
    ipc: Field[str] = field(default_factory=Field)
    uts: Field[str] = field(default_factory=Field)
    userns: Field[str] = field(default_factory=Field)
    cgroupns: Field[str] = field(default_factory=Field)

    def items(self) -> tuple[tuple[str, Field[str]], ...]:
        """``(("network", field), ("pid", field), ...)`` in a fixed order."""
        return tuple((f.name, getattr(self, f.name)) for f in fields(self))


@dataclass(frozen=True, slots=True)
class SpecProblem:
    """Something in a launch that Docker would reject or the linter could not read."""

    span: Span | None
    message: str


@dataclass(frozen=True, slots=True, eq=False)
class FixSite:
    """Where a fix may write the settings a launch lacks (set by the adapter).

    ``source`` is the file the launch is written in. ``node`` is the YAML
    node settings go into: a workflow's ``options:`` scalar, a container or
    Compose service mapping; ``None`` for a ``docker run`` command line,
    whose flags go after :attr:`ContainerSpec.command_span`. ``style`` is
    the YAML style of the scalar that holds the command line (``|`` for a
    literal block, where continuation lines may be added).
    """

    source: SourceFile
    node: object | None = None
    style: str | None = None


@dataclass(frozen=True, slots=True)
class ContainerSpec:
    """The normalised posture of one container launch."""

    source_kind: SourceKind
    label: str
    """Human name for messages: ``job build's container``, ``service redis``, ``compose service web``."""
    path: str
    anchor_span: Span
    """Where to report a control that is missing: the ``options:`` key, the
    ``container:`` / service key, the ``docker`` word, the compose service name."""
    options_span: Span | None = None
    """The options scalar (workflow ``options:``, devcontainer ``runArgs``), when present."""

    image: Field[ImageRef] = field(default_factory=Field)
    user: Field[str] = field(default_factory=Field)
    cap_drop: tuple[Field[str], ...] = ()
    """Normalised names: upper case, no ``CAP_`` prefix (``ALL``, ``NET_RAW``)."""
    cap_add: tuple[Field[str], ...] = ()
    privileged: Field[bool] = field(default_factory=Field)
    no_new_privileges: Field[bool] = field(default_factory=Field)
    read_only: Field[bool] = field(default_factory=Field)
    tmpfs: tuple[TmpfsMount, ...] = ()
    volumes: tuple[VolumeMount, ...] = ()
    volumes_from: tuple[Field[str], ...] = ()
    memory: Field[Limit] = field(default_factory=Field)
    """Bytes, or ``UNLIMITED`` (``0`` / ``-1``)."""
    memory_swap: Field[Limit] = field(default_factory=Field)
    """Memory plus swap in bytes, or ``UNLIMITED`` (``-1``). ``0`` means Docker's default (not bounded)."""
    memory_reservation: Field[int] = field(default_factory=Field)
    cpus: Field[float] = field(default_factory=Field)
    """``0.0`` means no limit."""
    cpu_quota: Field[int] = field(default_factory=Field)
    cpu_period: Field[int] = field(default_factory=Field)
    pids_limit: Field[Limit] = field(default_factory=Field)
    """A count, or ``UNLIMITED`` (``0`` or less)."""
    oom_kill_disable: Field[bool] = field(default_factory=Field)
    namespaces: Namespaces = field(default_factory=Namespaces)
    security_opts: tuple[SecurityOpt, ...] = ()
    devices: tuple[Device, ...] = ()
    device_cgroup_rules: tuple[Field[str], ...] = ()
    """``--device-cgroup-rule`` / Compose ``device_cgroup_rules``, as written."""
    runtime: Field[str] = field(default_factory=Field)
    gpus: Field[str] = field(default_factory=Field)
    """``--gpus``, Compose ``gpus`` or a ``deploy`` device reservation with the ``gpu`` capability."""
    cpuset_cpus: Field[str] = field(default_factory=Field)
    """``--cpuset-cpus`` / Compose ``cpuset``: the CPUs the container may use."""
    env: tuple[EnvVar, ...] = ()
    env_files: tuple[Field[str], ...] = ()
    use_api_socket: Field[bool] = field(default_factory=Field)
    """``--use-api-socket``: Docker bind-mounts its API socket into the container."""
    workdir: Field[str] = field(default_factory=Field)
    entrypoint: Field[str] = field(default_factory=Field)
    unknown_flags: tuple[Field[str], ...] = ()
    """Flags Docker does not have, as written (value: the flag name)."""
    unknown_options: bool = False
    """Part of the options is an expression or could not be read: a control
    that looks missing may be set there, so rules must not report it."""
    problems: tuple[SpecProblem, ...] = ()
    command_span: Span | None = None
    """The ``run`` / ``create`` word of a ``docker`` command line."""
    fix_site: FixSite | None = field(default=None, compare=False, repr=False)
    """What a fix needs to add settings; ``None`` when the launch cannot be fixed in place."""
    command: tuple[Field[str], ...] = ()
    """The command after the image (``docker run IMAGE CMD...``, Compose ``command:``), word by word."""
    labels: tuple[Field[str], ...] = ()
    """``--label`` / Compose ``labels:`` entries, as ``key=value`` (or ``key``)."""
    job: str | None = None
    """The workflow job the launch belongs to."""
    role: Role = "other"
    """``agent``, ``service``, ``dev`` or ``other`` (see the catalogue's "Targets")."""
    evidence: tuple[Evidence, ...] = ()
    """Why the role is ``agent``: the image, command, credential or agent step that says so."""
    target: str | None = None
    """Why this run aims the hardening rules at the launch (``runs `claude```,
    ``targets.images``); ``None`` when it does not. Set by the engine."""
    related: tuple[tuple[Span, str], ...] = ()
    """Other places in the launch's file its values come from (a matrix entry
    expanded into ``options: ${{ matrix.opts }}``): ``(span, what)``; every
    finding on the launch lists them."""
    runner: tuple[Field[str], ...] | None = None
    """The ``runs-on`` labels of the workflow job that starts the launch (an
    expression label is not known); ``None`` when no job is known (Compose,
    dev containers) or ``runs-on`` names only a runner group."""
    persisted_checkout: Span | None = None
    """The ``uses:`` of an ``actions/checkout`` step in the launch's job that
    leaves the token in the workspace's git configuration (no
    ``persist-credentials: false``), for launches that see the workspace: the
    job container, and a ``docker run`` that mounts the workspace."""

    @property
    def subject(self) -> str:
        """The label with the reason the launch is a target: ``job 'x' container (runs `claude`)``."""
        return f"{self.label} ({self.target})" if self.target else self.label

    def mount_at(self, path: str) -> TmpfsMount | VolumeMount | None:
        """The last tmpfs or volume mounted exactly at ``path`` (normalised), if any."""
        want = _norm(path)
        found: TmpfsMount | VolumeMount | None = None
        mounts: tuple[TmpfsMount | VolumeMount, ...] = (*self.tmpfs, *self.volumes)
        for m in mounts:
            if m.path is not None and m.path == want:
                found = m
        return found

    @property
    def has_unknown_mounts(self) -> bool:
        """A mount's target or source is an expression: it may cover any path."""
        return any(not t.known for t in self.tmpfs) or any(not v.known for v in self.volumes)

    def security_opt(self, key: str) -> tuple[SecurityOpt, ...]:
        """Entries with this key (``"seccomp"``, ``"apparmor"``, ``"label"``...)."""
        return tuple(o for o in self.security_opts if o.key == key)


# --------------------------------------------------------------------------
# Helpers shared by adapters and rules
# --------------------------------------------------------------------------


def has_expansion(text: str) -> bool:
    """Whether ``text`` holds ``${{ }}``, ``$VAR``, ``${VAR}``, ``$(…)`` or a backquote."""
    return bool(_EXPANSION.search(text))


def value_from_secret(text: str) -> bool:
    """Whether ``text`` references ``${{ secrets.* }}`` or ``${{ github.token }}``.

    Each ``${{`` is searched up to its first ``}``, once: linear in the text
    (a regex spanning from every ``${{`` rescans the rest for each one).
    """
    start = text.find("${{")
    while start != -1:
        end = text.find("}", start + 3)
        inner = text[start + 3 :] if end == -1 else text[start + 3 : end]
        if _SECRET_REF.search(inner):
            return True
        if end == -1:
            return False
        start = text.find("${{", end)
    return False


def is_secret_like_name(name: str) -> bool:
    return bool(SECRET_NAME.search(name))


def normalise_capability(raw: str) -> str:
    """``cap_sys_admin`` -> ``SYS_ADMIN``, ``all`` -> ``ALL`` (Docker ignores case and the prefix).

    ``CAP_ALL`` stays ``CAP_ALL``: Docker does not read it as ``ALL`` (it
    rejects it as an unknown capability).
    """
    name = raw.strip().upper()
    if name.startswith("CAP_") and name != "CAP_ALL":
        return name[4:]
    return name


def user_is_root(user: str) -> bool:
    """Whether ``--user`` / ``user:`` names root (``root``, ``0``, ``0:0``, ``root:wheel``)."""
    name = user.strip().partition(":")[0].strip()
    return name == "root" or parse_uid(name) == 0


def split_outside_expansions(text: str, sep: str) -> list[str]:
    """``text.split(sep)``, except inside ``${…}``, ``${{ … }}`` and ``$(…)``."""
    parts: list[str] = []
    depth = 0
    cur: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith("${", i) or text.startswith("$(", i):
            depth += 1
            cur.append(text[i : i + 2])
            i += 2
            continue
        c = text[i]
        if depth and c in "})":
            depth -= 1
        elif not depth and c == sep:
            parts.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    parts.append("".join(cur))
    return parts


def _norm(path: str | None) -> str | None:
    if path is None:
        return None
    p = path.strip()
    if not p:
        return p
    lead = "/" if p.startswith("/") else ""
    out = posixpath.normpath(p)
    if lead and out.startswith("//"):
        out = "/" + out.lstrip("/")
    return out


_VOLUME_MODES = frozenset(
    [
        "ro",
        "rw",
        "z",
        "Z",
        "shared",
        "rshared",
        "slave",
        "rslave",
        "private",
        "rprivate",
        "nocopy",
        "delegated",
        "cached",
        "consistent",
    ]
)
_VOLUME_NAME = lazy_compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _is_mode(text: str) -> bool:
    return bool(text) and all(part in _VOLUME_MODES for part in text.split(","))


def _source_kind(source: str, known: bool) -> str:
    if source.startswith(("/", ".", "~")):
        return "bind"
    if not known:
        # $HOME/x, ${{ github.workspace }}: almost always a path, but not certainly.
        return "bind" if source.startswith("$") and "/" in source else "unknown"
    return "volume" if _VOLUME_NAME.match(source) else "bind"


# --------------------------------------------------------------------------
# Builder
# --------------------------------------------------------------------------


@dataclass(slots=True)
class SpecBuilder:
    """A mutable ContainerSpec in the making; :meth:`build` freezes it.

    Scalar settings are plain attributes (assign a :class:`Field`; the last
    assignment wins, as with repeated Docker flags). The ``add_*`` methods
    read raw strings in the Docker / Compose grammars and append.
    """

    source_kind: SourceKind
    label: str
    path: str
    anchor_span: Span
    options_span: Span | None = None

    image: Field[ImageRef] = field(default_factory=Field)
    user: Field[str] = field(default_factory=Field)
    cap_drop: list[Field[str]] = field(default_factory=list)
    cap_add: list[Field[str]] = field(default_factory=list)
    privileged: Field[bool] = field(default_factory=Field)
    no_new_privileges: Field[bool] = field(default_factory=Field)
    read_only: Field[bool] = field(default_factory=Field)
    tmpfs: list[TmpfsMount] = field(default_factory=list)
    volumes: list[VolumeMount] = field(default_factory=list)
    volumes_from: list[Field[str]] = field(default_factory=list)
    memory: Field[Limit] = field(default_factory=Field)
    memory_swap: Field[Limit] = field(default_factory=Field)
    memory_reservation: Field[int] = field(default_factory=Field)
    cpus: Field[float] = field(default_factory=Field)
    cpu_quota: Field[int] = field(default_factory=Field)
    cpu_period: Field[int] = field(default_factory=Field)
    pids_limit: Field[Limit] = field(default_factory=Field)
    oom_kill_disable: Field[bool] = field(default_factory=Field)
    network: Field[str] = field(default_factory=Field)
    pid: Field[str] = field(default_factory=Field)
    ipc: Field[str] = field(default_factory=Field)
    uts: Field[str] = field(default_factory=Field)
    userns: Field[str] = field(default_factory=Field)
    cgroupns: Field[str] = field(default_factory=Field)
    security_opts: list[SecurityOpt] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)
    device_cgroup_rules: list[Field[str]] = field(default_factory=list)
    runtime: Field[str] = field(default_factory=Field)
    gpus: Field[str] = field(default_factory=Field)
    cpuset_cpus: Field[str] = field(default_factory=Field)
    env: list[EnvVar] = field(default_factory=list)
    env_files: list[Field[str]] = field(default_factory=list)
    use_api_socket: Field[bool] = field(default_factory=Field)
    workdir: Field[str] = field(default_factory=Field)
    entrypoint: Field[str] = field(default_factory=Field)
    unknown_flags: list[Field[str]] = field(default_factory=list)
    unknown_options: bool = False
    problems: list[SpecProblem] = field(default_factory=list)
    command_span: Span | None = None
    fix_site: FixSite | None = None
    related: list[tuple[Span, str]] = field(default_factory=list)
    command: list[Field[str]] = field(default_factory=list)
    labels: list[Field[str]] = field(default_factory=list)
    job: str | None = None
    role: Role = "other"
    evidence: list[Evidence] = field(default_factory=list)
    target: str | None = None
    runner: tuple[Field[str], ...] | None = None
    persisted_checkout: Span | None = None

    def build(self) -> ContainerSpec:
        ns = Namespaces(self.network, self.pid, self.ipc, self.uts, self.userns, self.cgroupns)
        return ContainerSpec(
            source_kind=self.source_kind,
            label=self.label,
            path=self.path,
            anchor_span=self.anchor_span,
            options_span=self.options_span,
            image=self.image,
            user=self.user,
            cap_drop=tuple(self.cap_drop),
            cap_add=tuple(self.cap_add),
            privileged=self.privileged,
            no_new_privileges=self.no_new_privileges,
            read_only=self.read_only,
            tmpfs=tuple(self.tmpfs),
            volumes=tuple(self.volumes),
            volumes_from=tuple(self.volumes_from),
            memory=self.memory,
            memory_swap=self.memory_swap,
            memory_reservation=self.memory_reservation,
            cpus=self.cpus,
            cpu_quota=self.cpu_quota,
            cpu_period=self.cpu_period,
            pids_limit=self.pids_limit,
            oom_kill_disable=self.oom_kill_disable,
            namespaces=ns,
            security_opts=tuple(self.security_opts),
            devices=tuple(self.devices),
            device_cgroup_rules=tuple(self.device_cgroup_rules),
            runtime=self.runtime,
            gpus=self.gpus,
            cpuset_cpus=self.cpuset_cpus,
            env=tuple(self.env),
            env_files=tuple(self.env_files),
            use_api_socket=self.use_api_socket,
            workdir=self.workdir,
            entrypoint=self.entrypoint,
            unknown_flags=tuple(self.unknown_flags),
            unknown_options=self.unknown_options,
            problems=tuple(self.problems),
            command_span=self.command_span,
            fix_site=self.fix_site,
            related=tuple(self.related),
            command=tuple(self.command),
            labels=tuple(self.labels),
            job=self.job,
            role=self.role,
            evidence=tuple(self.evidence),
            target=self.target,
            runner=self.runner,
            persisted_checkout=self.persisted_checkout,
        )

    def problem(self, span: Span | None, message: str) -> None:
        self.problems.append(SpecProblem(span, message))

    # -- capabilities ------------------------------------------------------

    def add_cap_drop(self, raw: str, span: Span | None, known: bool = True) -> None:
        cap = _capability(raw, span, known)
        _capability_problem(self, cap)
        self.cap_drop.append(cap)

    def add_cap_add(self, raw: str, span: Span | None, known: bool = True) -> None:
        cap = _capability(raw, span, known)
        _capability_problem(self, cap)
        self.cap_add.append(cap)

    # -- security options --------------------------------------------------

    def add_security_opt(self, raw: str, span: Span | None, known: bool = True) -> None:
        """``seccomp=unconfined``, ``seccomp:unconfined``, ``no-new-privileges[:true|=false]``..."""
        text = raw.strip()
        old = False
        if "=" in text:
            key, _, value = text.partition("=")
            val: str | None = value
        elif ":" in text:
            key, _, value = text.partition(":")
            val, old = value, True
        else:
            key, val = text, None
        key = key.strip().lower()
        opt = SecurityOpt(key, val, raw, span, known, old)
        self.security_opts.append(opt)
        if not known and has_expansion(key):
            # The whole option is an expression: it may well be no-new-privileges.
            self.no_new_privileges = Field(None, span, False, raw)
        elif key == "no-new-privileges":
            if not known:
                self.no_new_privileges = Field(None, span, False, raw)
            elif val is None:
                self.no_new_privileges = Field(True, span, True, raw)
            else:
                flag = parse_go_bool(val.strip())
                self.no_new_privileges = Field(flag, span, True, raw)
                if flag is None:
                    self.problem(span, f"no-new-privileges needs true or false, not {val!r}")
        elif val is None and known:
            self.problem(span, f"security option {raw!r} has no value")

    # -- mounts ------------------------------------------------------------

    def add_volume(self, raw: str, span: Span | None, known: bool = True) -> None:
        """A ``-v`` / compose short-syntax volume: ``[source:]target[:mode]``."""
        parts = split_outside_expansions(raw, ":")
        mode: str | None = None
        source: str | None
        if len(parts) == 1:
            source, target = None, parts[0]
        elif len(parts) == 2 and _is_mode(parts[1]) and not parts[1].startswith("/"):
            source, target, mode = None, parts[0], parts[1]
        elif len(parts) == 2:
            source, target = parts
        elif len(parts) == 3:
            source, target, mode = parts
        else:
            self.problem(span, f"cannot read the volume {raw!r}")
            self.volumes.append(VolumeMount("unknown", raw, None, span, None, False, known, known))
            return
        source_known = known or source is None or not has_expansion(source)
        target_known = known or not has_expansion(target)
        kind = "volume" if source is None else _source_kind(source, source_known)
        read_only = mode is not None and "ro" in mode.split(",")
        self.volumes.append(
            VolumeMount(
                kind,
                source,
                target if target_known else None,
                span,
                mode,
                read_only,
                source_known and target_known,
                source_known,
            )
        )

    def add_mount(self, raw: str, span: Span | None, known: bool = True) -> None:
        """A ``--mount`` value: ``type=bind,source=/a,target=/b,readonly`` (CSV)."""
        import csv  # only launches with --mount need it

        try:
            fields_ = next(csv.reader([raw]))
        except (csv.Error, StopIteration):
            self.problem(span, f"cannot read the mount {raw!r}")
            return
        kv: dict[str, str | None] = {}
        for item in fields_:
            key, eq, value = item.partition("=")
            kv[key.strip().lower()] = value if eq else None
        kind = (kv.get("type") or "volume").lower()
        target = _first(kv, "target", "destination", "dst")
        source = _first(kv, "source", "src")
        read_only = False
        for key in ("readonly", "ro"):
            if key in kv:
                v = kv[key]
                read_only = True if v is None else parse_go_bool(v.strip()) is True

        def ok(text: str | None) -> bool:
            return known or text is None or not has_expansion(text)

        if kind == "tmpfs":
            size_raw = kv.get("tmpfs-size")
            size = parse_bytes(size_raw) if size_raw is not None and ok(size_raw) else None
            options = tuple(f"{k}={v}" if v is not None else k for k, v in kv.items())
            self.tmpfs.append(
                TmpfsMount(
                    target if ok(target) else None,
                    span,
                    size,
                    size_raw,
                    kv.get("tmpfs-mode"),
                    options,
                    read_only,
                    ok(target) and ok(size_raw),
                    "mount",
                )
            )
            return
        if kind == "bind" and source is None:
            self.problem(span, f"bind mount without a source: {raw!r}")
        src_known = ok(source)
        kind_known = ok(kind)
        vkind = kind if kind_known else "unknown"
        self.volumes.append(
            VolumeMount(
                vkind,
                source,
                target if ok(target) else None,
                span,
                None,
                read_only,
                kind_known and src_known and ok(target),
                src_known,
                "mount",
            )
        )

    def add_tmpfs(self, raw: str, span: Span | None, known: bool = True) -> None:
        """A ``--tmpfs`` value / compose ``tmpfs:`` entry: ``/path[:opt,opt,size=64m]``."""
        target, _, opts = raw.partition(":")
        options = tuple(o.strip() for o in opts.split(",") if o.strip()) if opts else ()
        size_raw: str | None = None
        mode: str | None = None
        read_only = False
        for opt in options:
            k, eq, v = opt.partition("=")
            k = k.strip().lower()
            if k == "size" and eq:
                size_raw = v.strip()
            elif k == "mode" and eq:
                mode = v.strip()
            elif k == "ro":
                read_only = True
            elif k == "rw":
                read_only = False
        target_known = known or not has_expansion(target)
        size_known = known or size_raw is None or not has_expansion(size_raw)
        size = parse_bytes(size_raw) if size_raw is not None and size_known else None
        self.tmpfs.append(
            TmpfsMount(
                target if target_known else None,
                span,
                size,
                size_raw,
                mode,
                options,
                read_only,
                target_known and size_known,
            )
        )

    # -- devices, environment ----------------------------------------------

    def add_device(self, raw: str, span: Span | None, known: bool = True) -> None:
        """``/dev/sda[:/dev/xvda[:rwm]]`` or a CDI name ``vendor.com/class=name``."""
        parts = raw.split(":")
        host = parts[0] or None
        container = parts[1] if len(parts) > 1 else None
        perms = parts[2] if len(parts) > 2 else None
        if (
            len(parts) == 2
            and parts[1]
            and set(parts[1]) <= set("rwm")
            and not parts[1].startswith("/")
        ):
            container, perms = None, parts[1]
        self.devices.append(Device(host, container, perms, raw, span, known))

    def add_env(self, raw: str, span: Span | None, known: bool = True) -> None:
        """A ``-e NAME=value`` / ``-e NAME`` / compose ``NAME=value`` entry."""
        name, eq, value = raw.partition("=")
        self.add_env_pair(name, value if eq else None, span, known)

    def add_env_pair(
        self, name: str, value: str | None, span: Span | None, known: bool = True
    ) -> None:
        """An environment entry from a mapping (workflow ``env:``, compose ``environment:``)."""
        name_known = not has_expansion(name) if not known else True
        value_known = known or value is None or not has_expansion(value)
        self.env.append(
            EnvVar(
                name.strip() if name_known else None,
                value,
                span,
                value_known,
                value is not None and value_from_secret(value),
                name_known and is_secret_like_name(name),
            )
        )


def _first(kv: dict[str, str | None], *keys: str) -> str | None:
    for key in keys:
        if kv.get(key) is not None:
            return kv[key]
    return None


def _capability(raw: str, span: Span | None, known: bool) -> Field[str]:
    if not known:
        return Field(None, span, False, raw)
    return Field(normalise_capability(raw), span, True, raw)


def _capability_problem(b: SpecBuilder, cap: Field[str]) -> None:
    if cap.value == "CAP_ALL":
        b.problem(cap.span, "Docker rejects CAP_ALL as an unknown capability; write ALL")
