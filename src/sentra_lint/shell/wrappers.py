"""Unwrapping of commands that run another command.

``sudo -u app env FOO=1 nice -n 5 pip install x`` runs ``pip``: rules look
at the effective command, and at ``wrappers`` when the wrapper itself matters.
"""

from __future__ import annotations

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.shell.model import Word

_ASSIGN = lazy_compile(r"^[A-Za-z_][A-Za-z0-9_]*=")

# Options that take a separate value, per wrapper ("-u" in "sudo -u app").
_SUDO_VALUE = frozenset(["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "-c", "-R"])
_SUDO_LONG_VALUE = frozenset(
    [
        "--user",
        "--group",
        "--close-from",
        "--chdir",
        "--host",
        "--prompt",
        "--role",
        "--type",
        "--other-user",
        "--command-timeout",
        "--login-class",
        "--chroot",
    ]
)
_ENV_VALUE = frozenset(["-u", "-C", "-S"])
_ENV_LONG_VALUE = frozenset(["--unset", "--chdir", "--split-string"])
_NICE_VALUE = frozenset(["-n"])
_NICE_LONG_VALUE = frozenset(["--adjustment"])
_EXEC_VALUE = frozenset(["-a"])
_TIME_VALUE = frozenset(["-f", "-o"])
_TIME_LONG_VALUE = frozenset(["--format", "--output"])
_XARGS_VALUE = frozenset(["-a", "-d", "-E", "-I", "-L", "-n", "-P", "-s"])
_XARGS_LONG_VALUE = frozenset(
    [
        "--arg-file",
        "--delimiter",
        "--max-lines",
        "--max-args",
        "--max-procs",
        "--max-chars",
        "--process-slot-var",
    ]
)

_TIMEOUT_VALUE = frozenset(["-s", "-k"])
_TIMEOUT_LONG_VALUE = frozenset(["--signal", "--kill-after"])
_STDBUF_VALUE = frozenset(["-i", "-o", "-e"])
_STDBUF_LONG_VALUE = frozenset(["--input", "--output", "--error"])
_IONICE_VALUE = frozenset(["-c", "-n", "-p", "-P", "-u"])
_IONICE_LONG_VALUE = frozenset(["--class", "--classdata", "--pid", "--pgid", "--uid"])

WRAPPERS = frozenset(
    [
        "sudo",
        "env",
        "nohup",
        "exec",
        "time",
        "command",
        "nice",
        "xargs",
        "timeout",
        "stdbuf",
        "ionice",
        "setsid",
        "taskset",
        "chrt",
    ]
)
"""Commands that run the command after their own options (and, for
``timeout``, ``taskset`` and ``chrt``, one positional word of their own)."""
# Wrappers that take one positional word before the command they run:
# ``timeout 60 CMD``, ``taskset 0x3 CMD`` (not with ``-c LIST``), ``chrt 50 CMD``.
_ONE_POSITIONAL = frozenset(["timeout", "taskset", "chrt"])


def _basename(word: Word) -> str:
    return word.text.rsplit("/", 1)[-1]


def _skip_options(
    argv: tuple[Word, ...],
    i: int,
    short_value: frozenset[str],
    long_value: frozenset[str],
    *,
    assignments: list[Word] | None = None,
    attached_value: frozenset[str] = frozenset(),
) -> int:
    """Skip options (and, when ``assignments`` is given, ``VAR=val``) from ``argv[i]``."""
    n = len(argv)
    while i < n:
        t = argv[i].text
        if t == "--":
            return i + 1
        if assignments is not None and _ASSIGN.match(t):
            assignments.append(argv[i])
            i += 1
            continue
        if not t.startswith("-") or t == "-":
            return i
        if t.startswith("--"):
            name = t.split("=", 1)[0]
            i += 2 if (name in long_value and "=" not in t) else 1
            continue
        if t in short_value:
            i += 2
            continue
        if t[:2] in attached_value or t[:2] in short_value:
            # value attached: "-uapp", "-n5", "-I{}"
            i += 1
            continue
        if len(t) > 2 and t[1:].isdigit():
            # ``nice -10``
            i += 1
            continue
        # clustered flags: a value-taking flag last in the cluster takes the next word
        i += 2 if ("-" + t[-1]) in short_value and len(t) > 2 else 1
    return i


def unwrap(
    argv: tuple[Word, ...],
) -> tuple[tuple[Word, ...], tuple[str, ...], tuple[Word, ...]]:
    """Return ``(effective argv, wrapper names, assignments given to wrappers)``.

    A wrapper with nothing left to run (``sudo -l``, a bare ``env``) stays
    the effective command.
    """
    wrappers: list[str] = []
    assignments: list[Word] = []
    for _ in range(16):
        if not argv or not argv[0].literal:
            break
        name = _basename(argv[0])
        if name not in WRAPPERS:
            break
        extra: list[Word] = []
        if name == "sudo":
            i = _skip_options(argv, 1, _SUDO_VALUE, _SUDO_LONG_VALUE, assignments=extra)
        elif name == "env":
            i = _skip_options(argv, 1, _ENV_VALUE, _ENV_LONG_VALUE, assignments=extra)
        elif name == "nice":
            i = _skip_options(argv, 1, _NICE_VALUE, _NICE_LONG_VALUE)
        elif name == "exec":
            i = _skip_options(argv, 1, _EXEC_VALUE, frozenset())
        elif name == "time":
            i = _skip_options(argv, 1, _TIME_VALUE, _TIME_LONG_VALUE)
        elif name == "xargs":
            i = _skip_options(
                argv, 1, _XARGS_VALUE, _XARGS_LONG_VALUE, attached_value=frozenset(["-i", "-l"])
            )
        elif name == "timeout":
            i = _skip_options(argv, 1, _TIMEOUT_VALUE, _TIMEOUT_LONG_VALUE)
        elif name == "stdbuf":
            i = _skip_options(argv, 1, _STDBUF_VALUE, _STDBUF_LONG_VALUE)
        elif name == "ionice":
            i = _skip_options(argv, 1, _IONICE_VALUE, _IONICE_LONG_VALUE)
        elif name == "taskset":
            i = _skip_options(argv, 1, frozenset(["-c"]), frozenset(["--cpu-list"]))
        else:  # nohup, command, setsid, chrt: flags only
            i = _skip_options(argv, 1, frozenset(), frozenset())
        if name in _ONE_POSITIONAL and i < len(argv):
            if name == "taskset" and any(
                w.text in ("-c", "--cpu-list") or w.text.startswith("--cpu-list=")
                for w in argv[1:i]
            ):
                pass  # the CPU list was the option's value
            elif name == "timeout" or argv[i].text[:1].isdigit():
                i += 1  # the duration, mask or priority
        if i >= len(argv):
            break
        wrappers.append(name)
        assignments.extend(extra)
        argv = argv[i:]
    return argv, tuple(wrappers), tuple(assignments)
