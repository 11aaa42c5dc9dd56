"""What the kernel shows about the running container, read from its own files.

:func:`observe` reads ``/proc/self/status``, ``/proc/self/uid_map``,
``/proc/self/mountinfo``, ``/proc/self/cgroup`` and the cgroup files,
``/proc/version``, ``/proc/self/environ`` (names only) and a few marker
paths under a root, and returns an :class:`Observation`. Nothing is
executed; the one system call beyond reading is a ``connect()`` to a Docker
socket found in the live root, which sends nothing and is closed at once.
Every value that could not be read is ``None`` (unknown) and the reason is
kept in :attr:`Observation.problems`.
"""

from __future__ import annotations

import re
import socket
from dataclasses import field

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.verify.fs import NodeInfo, ReadProblem, RootFS

# Capability numbers (linux/capability.h).
CAPABILITIES: tuple[str, ...] = (
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
    "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
    "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
    "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
    "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
    "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
)

DOCKER_SOCKETS = ("/var/run/docker.sock", "/run/docker.sock")
CGROUP_UNLIMITED_V1 = 1 << 62
"""cgroup v1 writes "no limit" as a page-rounded 2**63 - 1; anything this large is unlimited."""

MAX_ENV_NAMES = 10_000


@dataclass(frozen=True, slots=True)
class Where:
    """The kernel file (and line) a value was read from."""

    path: str
    line: int = 1


@dataclass(frozen=True, slots=True)
class Value:
    """A value read from a kernel file, with where it came from."""

    text: str
    where: Where


@dataclass(frozen=True, slots=True)
class Mount:
    """One line of ``/proc/self/mountinfo``."""

    mount_point: str
    root: str
    """The path inside the source filesystem that is mounted (``/`` for a whole filesystem)."""
    fstype: str
    source: str
    options: tuple[str, ...]
    """Per-mount options (``ro``, ``nosuid``, ``noexec``...)."""
    super_options: tuple[str, ...]
    """Filesystem options (``size=65536k``, ``mode=755``...)."""
    line: int

    @property
    def read_only(self) -> bool:
        return "ro" in self.options or "ro" in self.super_options

    def option(self, name: str) -> str | None:
        for opt in self.super_options:
            if opt.startswith(name + "="):
                return opt.split("=", 1)[1]
        return None


@dataclass(frozen=True, slots=True)
class Limit:
    """A cgroup limit: ``value`` is ``None`` for "max" (no limit)."""

    value: int | None
    where: Where
    raw: str


@dataclass(frozen=True, slots=True)
class CpuLimit:
    """The CPU quota the container's cgroup sets, and where it was read."""

    quota: int | None
    period: int
    where: Where
    raw: str

    @property
    def cpus(self) -> float | None:
        return None if self.quota is None or self.period <= 0 else self.quota / self.period


@dataclass(frozen=True, slots=True)
class SocketState:
    """A credential-proxy socket as the probe found it."""

    path: str
    kind: str
    """``socket`` (live), ``marker`` (a captured tree's plain file), or ``mount`` (seen only in mountinfo)."""
    reachable: bool | None
    """``connect()`` succeeded (True), was refused or denied (False), or was not tried (None)."""
    reason: str


@dataclass(slots=True)
class Observation:
    """Everything verify read; ``None`` means unknown."""

    root: str
    uid: tuple[int, int] | None = None
    """Real and effective user id."""
    gid: tuple[int, int] | None = None
    uid_where: Where | None = None
    uid_map: tuple[tuple[int, int, int], ...] | None = None
    caps: dict[str, frozenset[str]] = field(default_factory=dict)
    """``CapEff``, ``CapPrm``, ``CapBnd``, ``CapAmb`` -> capability names (absent: unknown)."""
    caps_where: dict[str, Where] = field(default_factory=dict)
    no_new_privs: Value | None = None
    seccomp: Value | None = None
    mounts: tuple[Mount, ...] | None = None
    cgroup_version: int | None = None
    cgroup_path: str | None = None
    memory: Limit | None = None
    swap: Limit | None = None
    """cgroup v2: ``memory.swap.max``; v1: memory+swap minus memory."""
    cpu: CpuLimit | None = None
    pids: Limit | None = None
    oom_kill_disabled: Value | None = None
    version: Value | None = None
    gvisor: bool | None = None
    gvisor_sign: str | None = None
    env_names: tuple[str, ...] | None = None
    env_where: Where | None = None
    sockets: tuple[SocketState, ...] = ()
    home: str | None = None
    hostname: str | None = None
    proxy_socket: NodeInfo | ReadProblem | None = None
    """What is at the configured credential proxy socket (``None``: no socket configured)."""
    proxy_marker: str | None = None
    """A captured tree's record of the socket (``socket``), when it is a plain file."""
    credential_files: tuple[str, ...] | None = None
    """Credential files present under the user's home (``None``: the home is not known)."""
    persisted_checkouts: tuple[Where, ...] = ()
    """``.git/config`` files of checkouts that keep a token (``extraheader``)."""
    problems: list[ReadProblem] = field(default_factory=list)
    garbled: list[tuple[Where, str]] = field(default_factory=list)
    """Files that were read but could not be understood (an SE001 each)."""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def gvisor_sure(self) -> bool:
        return bool(self.gvisor)


class _Reader:
    def __init__(self, fs: RootFS, obs: Observation) -> None:
        self.fs = fs
        self.obs = obs

    def text(self, path: str, *, optional: bool = False) -> str | None:
        got = self.fs.read_text(path)
        if isinstance(got, ReadProblem):
            if not (optional and got.missing):
                self.obs.problems.append(got)
            return None
        return got

    def garbled(self, path: str, line: int, reason: str) -> None:
        self.obs.garbled.append((Where(path, line), reason))


def decode_caps(hex_text: str) -> frozenset[str] | None:
    """``0000003fffffffff`` -> capability names; unknown bits as ``CAP_<n>``."""
    try:
        mask = int(hex_text, 16)
    except ValueError:
        return None
    if mask < 0 or mask >= 1 << 64:
        return None
    names = set()
    bit = 0
    while mask:
        if mask & 1:
            names.add(CAPABILITIES[bit] if bit < len(CAPABILITIES) else f"CAP_{bit}")
        mask >>= 1
        bit += 1
    return frozenset(names)


def _status(r: _Reader) -> None:
    path = "/proc/self/status"
    text = r.text(path)
    if text is None:
        return
    obs = r.obs
    fields: dict[str, tuple[str, int]] = {}
    for n, row in enumerate(text.split("\n"), 1):
        key, sep, value = row.partition(":")
        if sep:
            fields.setdefault(key.strip(), (value.strip(), n))
    if not fields:
        r.garbled(path, 1, "no 'Name: value' lines")
        return
    for key, target in (("Uid", "uid"), ("Gid", "gid")):
        if key not in fields:
            continue
        value, line = fields[key]
        parts = value.split()
        if len(parts) >= 2 and all(p.isdigit() for p in parts[:2]):
            setattr(obs, target, (int(parts[0]), int(parts[1])))
            if key == "Uid":
                obs.uid_where = Where(path, line)
        else:
            r.garbled(path, line, f"{key}: expected numbers, got '{_shown(value)}'")
    for key in ("CapEff", "CapPrm", "CapBnd", "CapAmb"):
        if key not in fields:
            continue
        value, line = fields[key]
        names = decode_caps(value) if re.fullmatch(r"[0-9a-fA-F]{1,16}", value) else None
        if names is None:
            r.garbled(path, line, f"{key}: expected a hexadecimal mask, got '{_shown(value)}'")
            continue
        obs.caps[key] = names
        obs.caps_where[key] = Where(path, line)
    for key, target in (("NoNewPrivs", "no_new_privs"), ("Seccomp", "seccomp")):
        if key not in fields:
            continue
        value, line = fields[key]
        if value.isdigit():
            setattr(obs, target, Value(value, Where(path, line)))
        else:
            r.garbled(path, line, f"{key}: expected a number, got '{_shown(value)}'")


def _uid_map(r: _Reader) -> None:
    path = "/proc/self/uid_map"
    text = r.text(path, optional=True)
    if text is None:
        return
    rows = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            r.garbled(path, n, f"expected 'inside outside count', got '{_shown(line)}'")
            return
        rows.append((int(parts[0]), int(parts[1]), int(parts[2])))
    r.obs.uid_map = tuple(rows)


def _unescape(text: str) -> str:
    """mountinfo writes space, tab, newline and backslash as octal escapes."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)


def parse_mountinfo(text: str) -> tuple[list[Mount], list[tuple[int, str]]]:
    mounts: list[Mount] = []
    bad: list[tuple[int, str]] = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        parts = line.split(" ")
        try:
            sep = parts.index("-", 6)
        except ValueError:
            bad.append((n, "no ' - ' separator before the filesystem type"))
            continue
        if len(parts) < sep + 3 or sep < 6:
            bad.append((n, "too few fields"))
            continue
        mounts.append(
            Mount(
                mount_point=_unescape(parts[4]),
                root=_unescape(parts[3]),
                fstype=parts[sep + 1],
                source=_unescape(parts[sep + 2]),
                options=tuple(parts[5].split(",")),
                super_options=tuple(parts[sep + 3].split(",")) if len(parts) > sep + 3 else (),
                line=n,
            )
        )
    return mounts, bad


def _mounts(r: _Reader) -> None:
    path = "/proc/self/mountinfo"
    text = r.text(path)
    if text is None:
        return
    mounts, bad = parse_mountinfo(text)
    for line, reason in bad[:5]:
        r.garbled(path, line, reason)
    if not mounts:
        if not bad:
            r.garbled(path, 1, "no mounts listed")
        return
    r.obs.mounts = tuple(mounts)


def _cgroup_path(r: _Reader) -> None:
    text = r.text("/proc/self/cgroup")
    if text is None:
        return
    v1: dict[str, str] = {}
    v2: str | None = None
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        parts = line.split(":", 2)
        if len(parts) != 3:
            r.garbled("/proc/self/cgroup", n, f"expected 'id:controllers:path', got '{_shown(line)}'")
            return
        if parts[0] == "0" and parts[1] == "":
            v2 = parts[2]
        else:
            for ctl in parts[1].split(","):
                v1[ctl] = parts[2]
    obs = r.obs
    fs = r.fs
    # A host with controllers on v1 (hybrid or legacy) keeps the limits there.
    if "memory" in v1 or "pids" in v1 or "cpu" in v1:
        obs.cgroup_version = 1
        obs.extra["v1_paths"] = v1
        return
    if v2 is not None:
        obs.cgroup_version = 2
        obs.cgroup_path = v2
        return
    if isinstance(fs.node("/sys/fs/cgroup/cgroup.controllers"), NodeInfo):
        obs.cgroup_version = 2
        obs.cgroup_path = "/"


def _candidates(base: str, path: str) -> list[str]:
    """The cgroup directories from the process's own up to the mount's root.

    With a private cgroup namespace the path is ``/`` and the container's
    cgroup is the mount's root; with the host's namespace it is the full path,
    and a limit set on an ancestor applies too.
    """
    parts = [p for p in path.split("/") if p and p != ".."]
    out = []
    while True:
        out.append(base + ("/" + "/".join(parts) if parts else ""))
        if not parts:
            break
        parts.pop()
    return out


def _read_limit(r: _Reader, path: str, *, optional: bool = True) -> Limit | ReadProblem | None:
    got = r.fs.read_text(path, 4096)
    if isinstance(got, ReadProblem):
        return got
    raw = got.strip()
    if raw == "max":
        return Limit(None, Where(path), raw)
    if re.fullmatch(r"-?[0-9]+", raw):
        value = int(raw)
        return Limit(None if value < 0 or value >= CGROUP_UNLIMITED_V1 else value, Where(path), raw)
    r.garbled(path, 1, f"expected a number or 'max', got '{_shown(raw)}'")
    return None


def _tightest(r: _Reader, dirs: list[str], name: str) -> Limit | None:
    """The smallest limit among the directories (a parent's limit binds its children)."""
    best: Limit | None = None
    first_problem: ReadProblem | None = None
    for d in dirs:
        got = _read_limit(r, f"{d}/{name}")
        if isinstance(got, ReadProblem):
            if not got.missing and first_problem is None:
                first_problem = got
            continue
        if got is None:
            return None
        if best is None or (got.value is not None and (best.value is None or got.value < best.value)):
            best = got
    if best is None and first_problem is not None:
        r.obs.problems.append(first_problem)
    return best


def _cgroup_v2(r: _Reader) -> None:
    obs = r.obs
    dirs = _candidates("/sys/fs/cgroup", obs.cgroup_path or "/")
    obs.memory = _tightest(r, dirs, "memory.max")
    obs.swap = _tightest(r, dirs, "memory.swap.max")
    obs.pids = _tightest(r, dirs, "pids.max")
    for d in dirs:
        path = f"{d}/cpu.max"
        got = r.fs.read_text(path, 4096)
        if isinstance(got, ReadProblem):
            continue
        parts = got.split()
        if len(parts) == 2 and (parts[0] == "max" or parts[0].isdigit()) and parts[1].isdigit():
            quota = None if parts[0] == "max" else int(parts[0])
            limit = CpuLimit(quota, int(parts[1]), Where(path), got.strip())
            if obs.cpu is None or (limit.cpus is not None and (obs.cpu.cpus is None or limit.cpus < obs.cpu.cpus)):
                obs.cpu = limit
        else:
            r.garbled(path, 1, f"expected 'quota period', got '{_shown(got.strip())}'")
            break


def _cgroup_v1(r: _Reader) -> None:
    obs = r.obs
    paths = obs.extra.get("v1_paths", {})
    assert isinstance(paths, dict)

    def dirs(controller: str, *mounts: str) -> list[str]:
        """Where a v1 controller's files may be: its own cgroup, its ancestors, the mount's root.

        Hosts mount ``cpu`` and ``cpuacct`` together at ``cpu,cpuacct`` (with
        ``cpu`` a link to it); every spelling is tried.
        """
        own = str(paths.get(controller, "/"))
        found: list[str] = []
        for mount in mounts or (controller,):
            base = f"/sys/fs/cgroup/{mount}"
            for d in _candidates(base, own):
                if d not in found:
                    found.append(d)
        return found

    mem_dirs = dirs("memory")
    obs.memory = _tightest(r, mem_dirs, "memory.limit_in_bytes")
    memsw = _tightest(r, mem_dirs, "memory.memsw.limit_in_bytes")
    if memsw is not None and obs.memory is not None:
        if memsw.value is None:
            obs.swap = Limit(None, memsw.where, memsw.raw)
        elif obs.memory.value is not None:
            obs.swap = Limit(max(0, memsw.value - obs.memory.value), memsw.where, memsw.raw)
    obs.pids = _tightest(r, dirs("pids"), "pids.max")
    cpu_dirs = dirs("cpu", "cpu,cpuacct", "cpu", "cpuacct,cpu")
    for d in cpu_dirs:
        q = r.fs.read_text(f"{d}/cpu.cfs_quota_us", 4096)
        p = r.fs.read_text(f"{d}/cpu.cfs_period_us", 4096)
        if isinstance(q, ReadProblem) or isinstance(p, ReadProblem):
            continue
        qs, ps = q.strip(), p.strip()
        if re.fullmatch(r"-?[0-9]+", qs) and ps.isdigit():
            quota = int(qs)
            obs.cpu = CpuLimit(None if quota < 0 else quota, int(ps), Where(f"{d}/cpu.cfs_quota_us"), qs)
            if obs.cpu.quota is not None:
                break
        else:
            r.garbled(f"{d}/cpu.cfs_quota_us", 1, f"expected a number, got '{_shown(qs)}'")
            break
    for d in mem_dirs:
        path = f"{d}/memory.oom_control"
        got = r.fs.read_text(path, 4096)
        if isinstance(got, ReadProblem):
            continue
        for n, line in enumerate(got.split("\n"), 1):
            parts = line.split()
            if len(parts) == 2 and parts[0] == "oom_kill_disable":
                obs.oom_kill_disabled = Value(parts[1], Where(path, n))
                break
        break


GVISOR_BUILD = "#1 SMP Sun Jan 10 15:06:54 PST 2016"
"""The fixed build string gVisor's Sentry reports in ``/proc/version``."""


def _runtime(r: _Reader) -> None:
    obs = r.obs
    text = r.text("/proc/version")
    if text is None:
        return
    line = text.split("\n", 1)[0]
    obs.version = Value(line.strip(), Where("/proc/version"))
    if not line.startswith("Linux version "):
        r.garbled("/proc/version", 1, f"expected 'Linux version ...', got '{_shown(line)}'")
        return
    lowered = line.lower()
    if "gvisor" in lowered:
        obs.gvisor, obs.gvisor_sign = True, "/proc/version names gVisor"
    elif GVISOR_BUILD in line:
        obs.gvisor, obs.gvisor_sign = True, "/proc/version carries gVisor's fixed build string"
    else:
        obs.gvisor, obs.gvisor_sign = False, "/proc/version is the host's Linux kernel"


def _environ(r: _Reader) -> None:
    path = "/proc/self/environ"
    data = r.fs.read_bytes(path)
    if isinstance(data, ReadProblem):
        r.obs.problems.append(data)
        return
    names: list[str] = []
    for entry in data.split(b"\0"):
        if not entry:
            continue
        name, sep, _ = entry.partition(b"=")
        # Only the name is kept; the value is dropped here and never stored.
        if not sep or not name:
            continue
        text = name.decode("utf-8", "replace")
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", text):
            names.append(text)
        if len(names) >= MAX_ENV_NAMES:
            break
    r.obs.env_names = tuple(sorted(set(names)))
    r.obs.env_where = Where(path)


def _passwd_home(r: _Reader) -> None:
    obs = r.obs
    if obs.uid is None:
        return
    text = r.text("/etc/passwd", optional=True)
    if text is None:
        return
    for line in text.split("\n"):
        parts = line.split(":")
        if len(parts) >= 7 and parts[2] == str(obs.uid[1]):
            obs.home = parts[5] or None
            return


def _sockets(r: _Reader) -> None:
    fs = r.fs
    found: list[SocketState] = []
    for path in DOCKER_SOCKETS:
        node = fs.node(path)
        if isinstance(node, ReadProblem):
            continue
        if node.kind == "socket":
            reachable, reason = (_connect(node.resolved) if fs.live else (None, "not tried: not the live root"))
            found.append(SocketState(path, "socket", reachable, reason))
        elif node.kind == "file":
            # A captured tree records the socket as a plain file with what connect() gave.
            text = fs.read_text(path, 4096)
            content = text.strip() if isinstance(text, str) else ""
            if content.startswith("reachable"):
                found.append(SocketState(path, "marker", True, "connect() succeeded when captured"))
            elif content.startswith("unreachable"):
                found.append(SocketState(path, "marker", False, content.partition(":")[2].strip() or "refused"))
            else:
                found.append(SocketState(path, "marker", None, "present; reachability not recorded"))
    # Several paths can be one socket (/var/run -> /run): keep the first.
    r.obs.sockets = tuple(found[:1]) if len(found) > 1 and found[0].reachable == found[1].reachable else tuple(found)


def _connect(path: str) -> tuple[bool, str]:
    """Try to connect to a Unix socket: nothing is sent, the connection is closed at once."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(1.0)
    try:
        s.connect(path)
    except OSError as exc:
        return False, (exc.strerror or str(exc)).lower()
    finally:
        s.close()
    return True, "connect() succeeded"


CREDENTIAL_FILES = (
    ".config/gh/hosts.yml", ".git-credentials", ".docker/config.json", ".aws/credentials", ".netrc", ".kube/config",
)
"""Files under a home directory that hold credentials (checked for presence; never read)."""


def _credentials(r: _Reader) -> None:
    obs = r.obs
    if not obs.home:
        return
    found = []
    for rel in CREDENTIAL_FILES:
        path = obs.home.rstrip("/") + "/" + rel
        node = r.fs.node(path)
        if isinstance(node, NodeInfo) and node.kind == "file":
            found.append(path)
    obs.credential_files = tuple(found)


_EXTRAHEADER = lazy_compile(r"^\s*extraheader\s*=", re.IGNORECASE | re.MULTILINE)


def _workspaces(r: _Reader, workspace: str | None) -> list[str]:
    """Checkouts to look at: the job's workspace, and every /__w/<repo>/<repo> of a job container."""
    out = [workspace] if workspace else []
    top = r.fs.list_dir("/__w")
    if isinstance(top, list):
        for repo in top[:50]:
            if repo.startswith("_"):
                continue
            inner = r.fs.list_dir(f"/__w/{repo}")
            if isinstance(inner, list):
                out.extend(f"/__w/{repo}/{name}" for name in inner[:20] if not name.startswith("_"))
    return list(dict.fromkeys(out))


def _checkouts(r: _Reader, workspace: str | None) -> None:
    found = []
    for ws in _workspaces(r, workspace):
        path = ws.rstrip("/") + "/.git/config"
        text = r.fs.read_text(path, 256 * 1024)
        if isinstance(text, str):
            m = _EXTRAHEADER.search(text)
            if m:
                found.append(Where(path, text.count("\n", 0, m.start()) + 1))
    r.obs.persisted_checkouts = tuple(found)


def _proxy(r: _Reader, path: str | None) -> None:
    if not path:
        return
    node = r.fs.node(path)
    r.obs.proxy_socket = node
    if isinstance(node, NodeInfo) and node.kind == "file":
        text = r.fs.read_text(path, 4096)
        r.obs.proxy_marker = text.strip() if isinstance(text, str) else None


def _hostname(r: _Reader) -> None:
    text = r.text("/proc/sys/kernel/hostname", optional=True)
    if text is not None:
        name = text.strip()
        if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.-]{0,252}", name):
            r.obs.hostname = name


def _shown(text: str, limit: int = 40) -> str:
    cleaned = "".join(c if c.isprintable() else "?" for c in text)
    return cleaned if len(cleaned) <= limit else cleaned[:limit] + "..."


def observe(
    root: str = "/", fs: RootFS | None = None, *, proxy_socket: str | None = None, workspace: str | None = None
) -> Observation:
    """Read everything verify judges under ``root`` (through ``fs`` when given).

    ``proxy_socket``: the credential proxy's socket the policy names;
    ``workspace``: the job's checkout (``GITHUB_WORKSPACE``), when known.
    """
    fs = fs or RootFS(root)
    obs = Observation(root=fs.root)
    r = _Reader(fs, obs)
    _status(r)
    _uid_map(r)
    _mounts(r)
    _cgroup_path(r)
    if obs.cgroup_version == 2:
        _cgroup_v2(r)
    elif obs.cgroup_version == 1:
        _cgroup_v1(r)
    _runtime(r)
    _environ(r)
    _passwd_home(r)
    _sockets(r)
    _hostname(r)
    _credentials(r)
    _checkouts(r, workspace)
    _proxy(r, proxy_socket)
    return obs


__all__ = [
    "CAPABILITIES",
    "Mount",
    "Observation",
    "SocketState",
    "Where",
    "decode_caps",
    "observe",
]
