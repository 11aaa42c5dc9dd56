"""The ADR controls judged against an :class:`~sentra_lint.verify.probe.Observation`.

Each control yields one :class:`Check` - the row of the verification report
(expected, observed, and whether it holds) - and, when it does not hold,
the rule it belongs to and the severity the policy gives that rule. A
control whose files could not be read is ``unknown``: never a pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from sentra_lint._dataclass import dataclass
from sentra_lint.container.sizes import format_bytes
from sentra_lint.findings import Severity
from sentra_lint.verify.probe import Observation, Where

PASS = "pass"
FAIL = "fail"
UNKNOWN = "unknown"
INFO = "info"

DOCKER_DEFAULT_CAPS = frozenset(
    {
        "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
        "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
    }
)
"""What Docker leaves a container without ``--cap-drop``/``--cap-add``."""
DANGEROUS_CAPS = frozenset({"SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "DAC_READ_SEARCH", "SYS_MODULE"})
"""The capabilities SC002 reports as errors."""

SENSITIVE_ROOTS = frozenset({"/", "/etc", "/proc", "/sys", "/root", "/home", "/var/lib/docker", "/boot", "/dev"})
_KERNEL_FS = frozenset(
    {
        "proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2", "overlay", "shm", "devtmpfs",
        "securityfs", "debugfs", "tracefs", "bpf", "pstore", "fusectl", "configfs", "nsfs", "hugetlbfs",
        "binfmt_misc", "autofs", "rpc_pipefs", "9p",
    }
)
_SYSTEM_PREFIXES = ("/proc", "/sys", "/dev")


@dataclass(frozen=True, slots=True)
class Check:
    """One row of the report."""

    rule: str
    control: str
    expected: str
    observed: str
    status: str
    """``pass``, ``fail``, ``unknown`` or ``info`` (shown, not judged)."""
    message: str = ""
    where: Where | None = None
    severity: Severity | None = None
    """For a failure: a level other than the rule's (two-level rules such as SC002)."""
    key: str = ""
    """What the control is about (``read_only``, ``memory``...): how drift finds the declaring token."""


@dataclass(frozen=True, slots=True)
class Options:
    """What the policy says for the rules verify judges."""

    enabled: frozenset[str]
    options: Mapping[str, Mapping[str, Any]]
    proxy_socket: str | None = None

    def option(self, rule: str, name: str) -> Any:
        return self.options.get(rule, {}).get(name)


def _unknown(rule: str, control: str, expected: str, why: str, key: str) -> Check:
    return Check(rule, control, expected, f"unknown ({why})", UNKNOWN, key=key)


def _size(value: float) -> str:
    return format_bytes(int(value))


def _number(value: float) -> str:
    """A count as written: an integer in full, a policy's float without trailing zeros."""
    return str(value) if isinstance(value, int) else f"{value:g}"


def _limit(
    rule: str, control: str, key: str, expected: str, where: Where | None,
    value: float | None, maximum: float | None, none_observed: str, none_message: str,
    what: str, amount: Callable[[float], str], shown: Callable[[float], str],
) -> Check:
    """A kernel limit judged against the policy: none (fail), above the policy's maximum (fail), or within it."""
    if value is None:
        return Check(rule, control, expected, none_observed, FAIL, none_message, where, key=key)
    if maximum is not None and value > maximum:
        return Check(rule, control, expected, shown(value), FAIL,
                     f"the {what} {amount(value)} is above the maximum of {amount(maximum)}", where, key=key)
    return Check(rule, control, expected, shown(value), PASS, where=where, key=key)


# -- user and privileges ------------------------------------------------------


def _user(obs: Observation, opts: Options) -> Iterator[Check]:
    expected = "a non-root user"
    if obs.uid is None:
        yield _unknown("SC011", "Non-root user", expected, "/proc/self/status has no Uid line", "user")
        return
    real, eff = obs.uid
    gid = f", gid {obs.gid[1]}" if obs.gid else ""
    mapping = ""
    host_root = True
    if obs.uid_map:
        for inside, outside, count in obs.uid_map:
            if inside <= eff < inside + count:
                host_uid = outside + eff - inside
                host_root = host_uid == 0
                if (inside, outside) != (0, 0):
                    mapping = f"; user namespace maps it to host uid {host_uid}"
                break
    observed = f"uid {eff}{gid}" + (" (root)" if eff == 0 else "") + mapping
    if eff == 0 or real == 0:
        msg = "the container runs as root (uid 0)"
        if not host_root:
            msg += f"{mapping}: root inside the container still owns everything in it"
        else:
            msg += ": a container escape, or the Docker socket, makes it root on the host"
        yield Check("SC011", "Non-root user", expected, observed, FAIL, msg + "; start it with --user 1001", obs.uid_where, key="user")
    else:
        yield Check("SC011", "Non-root user", expected, observed, PASS, where=obs.uid_where, key="user")


def _caps(obs: Observation, opts: Options) -> Iterator[Check]:
    expected = "none (--cap-drop=ALL)"
    if "CapBnd" not in obs.caps and "CapEff" not in obs.caps:
        yield _unknown("SC001", "All capabilities dropped", expected, "no CapBnd/CapEff in /proc/self/status", "cap_drop")
        yield _unknown("SC002", "No capabilities added, not privileged", "nothing beyond Docker's defaults", "no capability sets", "cap_add")
        return
    sets = {k: v for k, v in obs.caps.items()}
    every = frozenset().union(*sets.values())
    where = obs.caps_where.get("CapBnd") or obs.caps_where.get("CapEff")
    if not every:
        yield Check("SC001", "All capabilities dropped", expected, "none (CapEff, CapPrm, CapBnd, CapAmb empty)", PASS, where=where, key="cap_drop")
    else:
        bounding = sets.get("CapBnd", every)
        eff = sets.get("CapEff", frozenset())
        shown = _cap_list(bounding)
        observed = f"{len(bounding)} in the bounding set ({shown})"
        if eff:
            observed += f"; {len(eff)} effective"
        yield Check(
            "SC001", "All capabilities dropped", expected, observed, FAIL,
            f"capabilities are left in the container's bounding set ({shown}); start it with --cap-drop=ALL",
            where, key="cap_drop",
        )
    bounding = sets.get("CapBnd", every)
    allowed = {str(c).upper().removeprefix("CAP_") for c in (opts.option("SC002", "allowed-capabilities") or [])}
    extra = bounding - DOCKER_DEFAULT_CAPS - allowed
    expected2 = "nothing beyond Docker's defaults"
    if not extra:
        yield Check("SC002", "No capabilities added, not privileged", expected2, "none added", PASS, where=where, key="cap_add")
        return
    dangerous = extra & DANGEROUS_CAPS
    full = len(bounding) >= 38
    observed2 = ("every capability (privileged)" if full else f"added: {_cap_list(extra)}")
    if full:
        msg = "the container has every capability: it was started --privileged (or with --cap-add=ALL)"
    else:
        msg = f"capabilities beyond Docker's defaults are present: {_cap_list(extra)}"
    sev = Severity.ERROR if (full or dangerous) else Severity.WARNING
    yield Check("SC002", "No capabilities added, not privileged", expected2, observed2, FAIL, msg, where, sev, key="cap_add")


def _cap_list(caps: frozenset[str], limit: int = 6) -> str:
    names = sorted(caps)
    if len(names) > limit:
        return ", ".join(names[:limit]) + f", ... {len(names) - limit} more"
    return ", ".join(names)


def _nnp(obs: Observation, opts: Options) -> Iterator[Check]:
    expected = "1 (--security-opt=no-new-privileges)"
    v = obs.no_new_privs
    if v is None:
        why = "gVisor's /proc/self/status has no NoNewPrivs line" if obs.gvisor else "no NoNewPrivs line in /proc/self/status"
        yield _unknown("SC003", "No new privileges", expected, why, "no_new_privileges")
    elif v.text == "1":
        yield Check("SC003", "No new privileges", expected, "1", PASS, where=v.where, key="no_new_privileges")
    else:
        yield Check(
            "SC003", "No new privileges", expected, v.text, FAIL,
            "no_new_privs is not set: a setuid binary in the image can still gain privileges; "
            "start the container with --security-opt=no-new-privileges",
            v.where, key="no_new_privileges",
        )


def _seccomp(obs: Observation, opts: Options) -> Iterator[Check]:
    expected = "2 (a seccomp filter)"
    v = obs.seccomp
    if v is None:
        yield _unknown("SC014", "Seccomp filter", expected, "no Seccomp line in /proc/self/status", "seccomp")
        return
    mode = {"0": "0 (no filter)", "1": "1 (strict)", "2": "2 (filter)"}.get(v.text, v.text)
    if v.text in ("1", "2"):
        yield Check("SC014", "Seccomp filter", expected, mode, PASS, where=v.where, key="seccomp")
    elif obs.gvisor:
        yield Check("SC014", "Seccomp filter", expected, mode + "; gVisor's Sentry is the system-call boundary", PASS, where=v.where, key="seccomp")
    else:
        yield Check(
            "SC014", "Seccomp filter", expected, mode, FAIL,
            "no seccomp filter: every system call reaches the host kernel; drop seccomp=unconfined "
            "(and --privileged) so Docker's default profile applies",
            v.where, key="seccomp",
        )


# -- filesystems ----------------------------------------------------------------


def _root_mount(obs: Observation) -> Any:
    if not obs.mounts:
        return None
    roots = [m for m in obs.mounts if m.mount_point == "/"]
    return roots[-1] if roots else None


def _covering(obs: Observation, path: str) -> Any:
    """The mount that holds ``path`` (the last, longest matching mount point)."""
    best = None
    for m in obs.mounts or ():
        mp = m.mount_point.rstrip("/") or "/"
        inside = path == mp or path.startswith(mp.rstrip("/") + "/") or mp == "/"
        if inside and (best is None or len(mp) >= len(best.mount_point.rstrip("/") or "/")):
            best = m
    return best


def _mount_where(obs: Observation, m: Any) -> Where:
    return Where("/proc/self/mountinfo", m.line)


def _flags(m: Any) -> str:
    flags = [f for f in ("ro" if m.read_only else "rw", "nosuid", "nodev", "noexec") if f in (*m.options, "ro" if m.read_only else "rw")]
    size = m.option("size")
    if size:
        flags.append(f"size={size}")
    return ",".join(flags)


def _filesystems(obs: Observation, opts: Options) -> Iterator[Check]:
    if obs.mounts is None:
        for rule, control, expected, key in (
            ("SC004", "Read-only root filesystem", "read-only (--read-only)", "read_only"),
            ("SC005", "Writable tmpfs at /tmp", "a writable tmpfs", "tmp"),
            ("SC013", "No Docker socket or host path", "none mounted", "volumes"),
        ):
            yield _unknown(rule, control, expected, "/proc/self/mountinfo not read", key)
        return
    root = _root_mount(obs)
    if root is None:
        yield _unknown("SC004", "Read-only root filesystem", "read-only (--read-only)", "no mount at / in mountinfo", "read_only")
        root_ro = None
    else:
        root_ro = root.read_only
        observed = f"{'read-only' if root_ro else 'writable'} ({root.fstype}, {_flags(root)})"
        if root_ro:
            yield Check("SC004", "Read-only root filesystem", "read-only (--read-only)", observed, PASS, where=_mount_where(obs, root), key="read_only")
        else:
            yield Check(
                "SC004", "Read-only root filesystem", "read-only (--read-only)", observed, FAIL,
                "the root filesystem is writable: the agent can change the image's programs; start it with --read-only",
                _mount_where(obs, root), key="read_only",
            )
    tmp = _covering(obs, "/tmp")
    if tmp is not None and tmp.mount_point.rstrip("/") == "/tmp":
        desc = f"{tmp.fstype} ({_flags(tmp)})"
        if tmp.read_only:
            status = FAIL if root_ro else INFO
            yield Check(
                "SC005", "Writable tmpfs at /tmp", "a writable tmpfs", f"read-only {desc}", status,
                "/tmp is mounted read-only: programs that need scratch space fail; mount --tmpfs /tmp" if status == FAIL else "",
                _mount_where(obs, tmp), key="tmp",
            )
        else:
            yield Check("SC005", "Writable tmpfs at /tmp", "a writable tmpfs", desc, PASS, where=_mount_where(obs, tmp), key="tmp")
    elif root_ro:
        yield Check(
            "SC005", "Writable tmpfs at /tmp", "a writable tmpfs", "none: /tmp is on the read-only root", FAIL,
            "the root filesystem is read-only and /tmp has no writable mount: programs that write temporary files fail; "
            "add --tmpfs /tmp:rw,noexec,nosuid,size=64m",
            _mount_where(obs, root), key="tmp",
        )
    elif root_ro is False:
        yield Check("SC005", "Writable tmpfs at /tmp", "a writable tmpfs", "on the writable root filesystem", INFO, key="tmp")
    # tmpfs sizes (SC017, opt-in)
    # A tmpfs of the container's own: not a kernel path, not a file bound in from a host tmpfs.
    tmpfs = [
        m for m in obs.mounts
        if m.fstype == "tmpfs" and m.root == "/" and not m.read_only and not m.mount_point.startswith(_SYSTEM_PREFIXES)
    ]
    unbounded = [m for m in tmpfs if m.option("size") is None]
    if tmpfs:
        if unbounded:
            for m in unbounded:
                yield Check(
                    "SC017", f"tmpfs size bound ({m.mount_point})", "size=", f"no size= ({_flags(m)})", FAIL,
                    f"the tmpfs at {m.mount_point} has no size= bound: it can fill the memory it is counted against; add size=",
                    _mount_where(obs, m), key="tmpfs_size",
                )
        else:
            yield Check("SC017", "tmpfs size bound", "size= on every tmpfs", ", ".join(f"{m.mount_point}: {m.option('size')}" for m in tmpfs), PASS, key="tmpfs_size")
    # The user's home: what is mounted over it hides what the image put there (SX001, seen live).
    if obs.home and obs.home != "/":
        home = obs.home.rstrip("/")
        base = _covering(obs, home)
        over = [m for m in obs.mounts if m.mount_point.rstrip("/") == home or m.mount_point.startswith(home + "/")]
        parts = []
        if base is not None and base.mount_point.rstrip("/") != home:
            parts.append(f"{home} on the {'read-only ' if base.read_only else ''}{base.fstype} at {base.mount_point}")
        for m in over:
            kind = m.fstype if m.root == "/" else f"{m.fstype} bind"
            parts.append(f"{kind} at {m.mount_point} ({_flags(m)})")
        if parts:
            yield Check(
                "SX001", "Home directory", "what the image installed there is visible", "; ".join(parts), INFO,
                where=_mount_where(obs, over[0]) if over else None, key="home",
            )
    yield from _sensitive(obs, opts)


def _sensitive(obs: Observation, opts: Options) -> Iterator[Check]:
    expected = "no Docker socket, no host system path"
    found: list[Check] = []
    socket_points = {"/var/run/docker.sock", "/run/docker.sock"}
    for m in obs.mounts or ():
        mp = m.mount_point.rstrip("/") or "/"
        if mp in socket_points or mp.endswith("/docker.sock"):
            continue  # judged with the socket below
        if m.fstype in _KERNEL_FS or mp == "/" or mp.startswith(_SYSTEM_PREFIXES):
            continue
        if m.root in SENSITIVE_ROOTS:
            what = "the host's root filesystem" if m.root == "/" else f"the host's {m.root}"
            found.append(
                Check(
                    "SC013", "No Docker socket or host path", expected, f"{what} at {m.mount_point}", FAIL,
                    f"{what} is mounted at {m.mount_point} ({m.fstype}, {'ro' if m.read_only else 'rw'}): "
                    "the container can read (or change) the host's files; remove the mount",
                    _mount_where(obs, m), key="volumes",
                )
            )
    socket_mounts = {m.mount_point.rstrip("/"): m for m in obs.mounts or () if m.mount_point.rstrip("/").endswith("docker.sock")}
    sockets = list(obs.sockets)
    root_user = obs.uid is None or obs.uid[1] == 0
    for s in sockets:
        sm = socket_mounts.get(s.path)
        where = _mount_where(obs, sm) if sm else Where(s.path)
        uid = f"uid {obs.uid[1]}" if obs.uid else "this user"
        if s.reachable:
            observed = f"{s.path}: reachable by {uid}"
            msg = (
                f"the Docker socket is at {s.path} and {uid} can connect to it: anything in the container "
                "can start a privileged container and own the host; remove the mount (a job container gets it "
                "from the runner: run as a user outside the socket's group)"
            )
        elif s.reachable is False and not root_user:
            # The runner mounts it into every job container; a user who cannot connect is what SC021 asks for.
            found.append(
                Check(
                    "SC013", "Docker socket not reachable", "not reachable by the container's user",
                    f"{s.path}: present, connect() refused for {uid} ({s.reason})", INFO, where=where, key="docker_socket",
                )
            )
            continue
        else:
            state = f"connect() failed ({s.reason})" if s.reachable is False else s.reason
            observed = f"{s.path}: present, {state}"
            msg = f"the Docker socket is at {s.path} ({state}): whoever can connect to it owns the host; remove the mount"
        found.append(Check("SC013", "No Docker socket or host path", expected, observed, FAIL, msg, where, key="docker_socket"))
    if not sockets:
        for mp, sm2 in socket_mounts.items():
            found.append(
                Check(
                    "SC013", "No Docker socket or host path", expected, f"{mp}: mounted", FAIL,
                    f"the Docker socket is mounted at {mp}: whoever can connect to it owns the host; remove the mount",
                    _mount_where(obs, sm2), key="docker_socket",
                )
            )
    if not any(c.status == FAIL for c in found):
        yield Check("SC013", "No Docker socket or host path", expected, "none", PASS, key="volumes")
    yield from found


# -- limits -------------------------------------------------------------------------


def _limits(obs: Observation, opts: Options) -> Iterator[Check]:
    from sentra_lint.rules._container import option_number, option_size

    if obs.cgroup_version is None:
        for rule, control, expected, key in (
            ("SC006", "Memory limit", "a limit (--memory)", "memory"),
            ("SC007", "No swap beyond memory", "0 (--memory-swap equal to --memory)", "memory_swap"),
            ("SC008", "CPU limit", "a limit (--cpus)", "cpus"),
            ("SC009", "Process limit", "a limit (--pids-limit)", "pids_limit"),
        ):
            yield _unknown(rule, control, expected, "no cgroup found in /proc/self/cgroup", key)
        return
    v = f"cgroup v{obs.cgroup_version}"
    mem_file = "memory.max" if obs.cgroup_version == 2 else "memory.limit_in_bytes"
    # memory
    mem = obs.memory
    max_mem = option_size(opts.option("SC006", "max"))
    expected = "a limit (--memory)" + (f", at most {_size(max_mem)}" if max_mem else "")
    if mem is None:
        yield _unknown("SC006", "Memory limit", expected, f"{v} {mem_file} not found", "memory")
    else:
        yield _limit(
            "SC006", "Memory limit", "memory", expected, mem.where, mem.value, max_mem,
            f"none ({mem_file}: {mem.raw})",
            "no memory limit: the agent can take all of the runner's memory; start it with --memory=2g",
            "memory limit", _size, _size,
        )
    # swap
    sw = obs.swap
    expected = "no swap (--memory-swap equal to --memory)"
    if sw is None:
        yield _unknown("SC007", "No swap beyond memory", expected, f"{v} swap limit not found", "memory_swap")
    elif sw.value is None:
        yield Check("SC007", "No swap beyond memory", expected, "unlimited swap", FAIL,
                    "swap is not bounded: the container can page out without limit; set --memory-swap equal to --memory",
                    sw.where, key="memory_swap")
    elif sw.value > 0:
        yield Check("SC007", "No swap beyond memory", expected, f"{_size(sw.value)} of swap", FAIL,
                    f"the container may use {_size(sw.value)} of swap beyond its memory limit; set --memory-swap equal to --memory",
                    sw.where, key="memory_swap")
    else:
        yield Check("SC007", "No swap beyond memory", expected, "no swap", PASS, where=sw.where, key="memory_swap")
    # cpu
    cpu = obs.cpu
    max_cpus = option_number(opts.option("SC008", "max"))
    expected = "a limit (--cpus)" + (f", at most {max_cpus:g}" if max_cpus else "")
    if cpu is None:
        yield _unknown("SC008", "CPU limit", expected, f"{v} CPU quota not found", "cpus")
    else:
        yield _limit(
            "SC008", "CPU limit", "cpus", expected, cpu.where, cpu.cpus, max_cpus,
            f"none ({cpu.raw})",
            "no CPU limit: the agent can take every core of the runner; start it with --cpus=2",
            "CPU limit", lambda n: f"{n:g}", lambda n: f"{n:g} CPUs",
        )
    # pids
    pids = obs.pids
    max_pids = option_number(opts.option("SC009", "max"))
    expected = "a limit (--pids-limit)" + (f", at most {max_pids:g}" if max_pids else "")
    if pids is None:
        yield _unknown("SC009", "Process limit", expected, f"{v} pids.max not found", "pids_limit")
    else:
        yield _limit(
            "SC009", "Process limit", "pids_limit", expected, pids.where, pids.value, max_pids,
            f"none (pids.max: {pids.raw})",
            "no process limit: a fork bomb takes the runner down; start it with --pids-limit=100",
            "process limit", _number, _number,
        )
    # OOM killer
    expected = "enabled"
    if obs.cgroup_version == 2:
        yield Check("SC010", "OOM killer enabled", expected, "enabled (cgroup v2 cannot disable it)", PASS, key="oom_kill_disable")
    elif obs.oom_kill_disabled is None:
        yield _unknown("SC010", "OOM killer enabled", expected, "memory.oom_control not found", "oom_kill_disable")
    elif obs.oom_kill_disabled.text == "1":
        yield Check("SC010", "OOM killer enabled", expected, "disabled (oom_kill_disable 1)", FAIL,
                    "the OOM killer is disabled: a container at its memory limit hangs instead of being killed; "
                    "drop --oom-kill-disable", obs.oom_kill_disabled.where, key="oom_kill_disable")
    else:
        yield Check("SC010", "OOM killer enabled", expected, "enabled", PASS, where=obs.oom_kill_disabled.where, key="oom_kill_disable")


# -- phase 2 and 3 ------------------------------------------------------------------


def _env(obs: Observation, opts: Options) -> Iterator[Check]:
    from sentra_lint.rules._container import compile_patterns, option_list
    from sentra_lint.rules.sc019_env_secrets import secret_name

    expected = "no credential-looking variable"
    if obs.env_names is None:
        yield _unknown("SC019", "No secrets in the environment", expected, "/proc/self/environ not read", "env")
        return
    custom = option_list(opts.option("SC019", "secret-patterns"))
    patterns = compile_patterns(custom) if custom else None
    hits = [n for n in obs.env_names if n not in _NOT_CREDENTIALS and secret_name(n, patterns)]
    if hits:
        shown = ", ".join(hits[:8]) + (f", ... {len(hits) - 8} more" if len(hits) > 8 else "")
        yield Check(
            "SC019", "No secrets in the environment", expected, f"{len(hits)} variable(s): {shown}", FAIL,
            f"credential-looking variables are in the container's environment ({shown}; values not shown): "
            "anything in the container can read them; hand them out through the credential proxy",
            obs.env_where, key="env",
        )
    else:
        yield Check("SC019", "No secrets in the environment", expected, f"none among {len(obs.env_names)} variables", PASS, where=obs.env_where, key="env")


_NOT_CREDENTIALS = frozenset({"PWD", "OLDPWD", "GITHUB_TOKEN", "GH_TOKEN"})
"""The shell's working directories, and the GitHub tokens SC022 reports."""


def _gvisor(obs: Observation, opts: Options) -> Iterator[Check]:
    expected = "gVisor (--runtime=runsc)"
    if obs.gvisor is None:
        yield _unknown("SC018", "gVisor runtime", expected, "/proc/version not read", "runtime")
    elif obs.gvisor:
        yield Check("SC018", "gVisor runtime", expected, f"gVisor ({obs.gvisor_sign})", PASS, where=obs.version.where if obs.version else None, key="runtime")
    else:
        kernel = obs.version.text.split()[2] if obs.version and len(obs.version.text.split()) > 2 else "the host kernel"
        yield Check(
            "SC018", "gVisor runtime", expected, f"host kernel {kernel}", FAIL,
            "the container is not under gVisor: its system calls reach the host kernel directly; "
            "run it with --runtime=runsc on a runner that has gVisor",
            obs.version.where if obs.version else None, key="runtime",
        )


def _credential_proxy(obs: Observation, opts: Options) -> Iterator[Check]:
    from sentra_lint.verify.fs import NodeInfo

    socket = opts.option("SC022", "socket") or opts.proxy_socket
    if socket:
        expected = f"a Unix socket at {socket}"
        node = obs.proxy_socket
        if node is None:
            yield _unknown("SC022", "Credential proxy socket", expected, "not looked for", "proxy")
        elif isinstance(node, NodeInfo) and (node.kind == "socket" or (node.kind == "file" and obs.proxy_marker == "socket")):
            yield Check("SC022", "Credential proxy socket", expected, "present, a socket", PASS, where=Where(str(socket)), key="proxy")
        elif isinstance(node, NodeInfo):
            yield Check(
                "SC022", "Credential proxy socket", expected, f"a {node.kind}, not a socket", FAIL,
                f"{socket} is a {node.kind}, not the credential proxy's socket: mount the proxy's socket there (read-only)",
                Where(str(socket)), key="proxy",
            )
        elif node.missing:
            yield Check(
                "SC022", "Credential proxy socket", expected, "not present", FAIL,
                f"the credential proxy's socket {socket} is not in the container: mount it read-only "
                f"(-v {socket}:{socket}:ro)",
                Where(str(socket)), key="proxy",
            )
        else:
            yield _unknown("SC022", "Credential proxy socket", expected, node.reason, "proxy")
    expected = "no GITHUB_TOKEN or GH_TOKEN"
    if obs.env_names is None:
        yield _unknown("SC022", "No GitHub token in the environment", expected, "/proc/self/environ not read", "github_token")
    else:
        tokens = [n for n in obs.env_names if n.upper() in ("GITHUB_TOKEN", "GH_TOKEN")]
        if tokens:
            yield Check(
                "SC022", "No GitHub token in the environment", expected, ", ".join(tokens) + " (values not shown)", FAIL,
                f"{', '.join(tokens)} is in the container's environment: the agent can act as the workflow; "
                "let the credential proxy hold the token",
                obs.env_where, key="github_token",
            )
        else:
            yield Check("SC022", "No GitHub token in the environment", expected, "none", PASS, where=obs.env_where, key="github_token")
    expected = "no credential file in the home"
    if obs.credential_files is None:
        yield _unknown("SC022", "No credential files", expected, "the user's home is not known", "credential_files")
    elif obs.credential_files:
        shown = ", ".join(obs.credential_files)
        yield Check(
            "SC022", "No credential files", expected, shown, FAIL,
            f"credential files are in the container ({shown}; not read): the agent can read them; "
            "let the credential proxy hold them",
            Where(obs.credential_files[0]), key="credential_files",
        )
    else:
        yield Check("SC022", "No credential files", expected, f"none under {obs.home}", PASS, key="credential_files")
    if obs.persisted_checkouts:
        shown = ", ".join(w.path for w in obs.persisted_checkouts)
        yield Check(
            "SC022", "No checkout token in the workspace", "persist-credentials: false", f"token kept in {shown}", FAIL,
            f"the checkout at {shown} keeps the job's token (http extraheader): set persist-credentials: false "
            "on actions/checkout",
            obs.persisted_checkouts[0], key="checkout",
        )


CONTROLS: tuple[Callable[[Observation, Options], Iterator[Check]], ...] = (
    _user, _caps, _nnp, _seccomp, _filesystems, _limits, _env, _credential_proxy, _gvisor,
)


def evaluate(obs: Observation, opts: Options) -> list[Check]:
    """Every control the policy enables, in report order."""
    checks: list[Check] = []
    for control in CONTROLS:
        for c in control(obs, opts):
            if c.rule in opts.enabled:
                checks.append(c)
    return checks
