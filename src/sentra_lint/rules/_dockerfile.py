"""Shared helpers for the Dockerfile rules (SD*).

Other rule modules import from here read-only, so the names listed in
``__all__`` are a stable interface: add to it, do not change what exists.

Two layers:

* **Command recognisers** work on one :class:`~sentra_lint.shell.Command`
  (the effective argv after ``sudo``/``env``/``xargs`` unwrapping) and never
  look at the Dockerfile: :func:`pip_install`, :func:`user_creation`,
  :func:`program_source`, :func:`short_flag`, :func:`long_flag`. OS package
  managers are in :mod:`sentra_lint.rules._packages`.
* **Dockerfile walkers** turn a parsed Dockerfile into what rules iterate:
  :func:`image_stages` (the final stage and the in-file stages it builds on),
  :func:`run_commands` (every shell command of every ``RUN`` with its
  instruction), :func:`stage_events` (a source-ordered timeline of user
  creation, ``USER`` switches, ``ENV``/``ARG`` values and commands), and
  value resolution for ``$VAR`` with the certainty rules of the project:
  a value that is not known for certain is ``None``, and rules then report
  nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sentra_lint.container.sizes import parse_uid
from sentra_lint.shell import Command, ShellScript, Word

if TYPE_CHECKING:
    from sentra_lint.dockerfile import Dockerfile, Instruction, Stage
    from sentra_lint.rulebase import RuleContext

# ---------------------------------------------------------------------------
# Small word helpers
# ---------------------------------------------------------------------------


def basename(text: str) -> str:
    """``/usr/bin/pip3`` -> ``pip3``."""
    return text.rsplit("/", 1)[-1]


def dirname(text: str) -> str:
    """``/opt/venv/bin/pip`` -> ``/opt/venv/bin``; ``pip`` -> ``''``."""
    return text.rsplit("/", 1)[0] if "/" in text else ""


def long_flag(args: Sequence[Word], *names: str) -> Word | None:
    """The first word that is ``--name`` or ``--name=value`` for one of ``names``.

    Stops at ``--`` (everything after it is an operand).
    """
    for w in args:
        t = w.text
        if t == "--":
            return None
        if not t.startswith("--"):
            continue
        if t in names or t.split("=", 1)[0] in names:
            return w
    return None


def long_flag_value(args: Sequence[Word], *names: str) -> tuple[Word, Word | None] | None:
    """``(flag word, value word)`` of ``--name value`` / ``--name=value``.

    For the ``=`` form the value word is the flag word itself; callers that
    need the value text use :func:`option_text`.
    """
    for i, w in enumerate(args):
        t = w.text
        if t == "--":
            return None
        name = t.split("=", 1)[0]
        if name in names:
            if "=" in t:
                return w, w
            return w, args[i + 1] if i + 1 < len(args) else None
    return None


def option_text(flag: Word, value: Word | None) -> str | None:
    """The value text of an option found by :func:`long_flag_value` or :func:`short_value`."""
    if value is None:
        return None
    if value is flag:
        t = flag.text
        if t.startswith("--"):
            return t.split("=", 1)[1] if "=" in t else None
        return t[2:] or None
    return value.text


def short_flag(
    args: Sequence[Word], letter: str, takes_value: frozenset[str] = frozenset()
) -> Word | None:
    """The first word that sets the single-letter flag ``-letter``, clusters included.

    ``takes_value`` holds the letters whose option takes a value: in a
    cluster such as ``-sSLo-`` the rest after ``o`` is ``o``'s value, and a
    word that follows a lone value-taking option (``-o -k``) is that value,
    not a flag.
    """
    skip_next = False
    for w in args:
        if skip_next:
            skip_next = False
            continue
        t = w.text
        if t == "--":
            return None
        if not w.literal or len(t) < 2 or t[0] != "-" or t[1] == "-":
            continue
        for k, ch in enumerate(t[1:], start=1):
            if ch == letter:
                return w
            if ch in takes_value:
                if k == len(t) - 1:
                    skip_next = True
                break
    return None


def short_value(args: Sequence[Word], letter: str) -> tuple[Word, Word | None] | None:
    """``(flag word, value word)`` of ``-X value`` or ``-Xvalue`` (value word is the flag word)."""
    for i, w in enumerate(args):
        t = w.text
        if t == "--":
            return None
        if len(t) >= 2 and t[0] == "-" and t[1] == letter:
            if len(t) > 2:
                return w, w
            return w, args[i + 1] if i + 1 < len(args) else None
    return None


def operands(
    args: Sequence[Word],
    short_value_letters: frozenset[str] = frozenset(),
    long_value_names: frozenset[str] = frozenset(),
) -> list[Word]:
    """The words of ``args`` that are not options or option values."""
    out: list[Word] = []
    i = 0
    n = len(args)
    while i < n:
        w = args[i]
        t = w.text
        if t == "--":
            out.extend(args[i + 1 :])
            break
        if t.startswith("--") and len(t) > 2:
            i += 2 if (t in long_value_names and "=" not in t) else 1
            continue
        if t.startswith("-") and len(t) > 1:
            letters = t[1:]
            consumed = 1
            for k, ch in enumerate(letters):
                if ch in short_value_letters:
                    if k == len(letters) - 1:
                        consumed = 2
                    break
            i += consumed
            continue
        out.append(w)
        i += 1
    return out


_HOME_PREFIXES = ("/home/", "/root/", "~")


def under_home(path: str, homes: Iterable[str] = ()) -> bool:
    """Whether ``path`` is a home directory or inside one (``/home/*``, ``/root``, ``~``, ``$HOME``).

    ``homes`` adds the home directories of users created in the image.
    """
    if path in ("/root", "/home") or path.startswith(_HOME_PREFIXES):
        return True
    if path.startswith(("$HOME", "${HOME}")):
        return True
    for h in homes:
        h = h.rstrip("/")
        if h and (path == h or path.startswith(h + "/")):
            return True
    return False


# ---------------------------------------------------------------------------
# pip
# ---------------------------------------------------------------------------

_PIP_NAME = re.compile(r"^pip(\d+(\.\d+)?)?$")
_PYTHON_NAME = re.compile(r"^python(\d+(\.\d+)?)?$")
# pip's general options that take a value (``pip --cache-dir /x install``).
_PIP_GLOBAL_VALUE = frozenset(
    [
        "--proxy",
        "--retries",
        "--timeout",
        "--exists-action",
        "--trusted-host",
        "--cert",
        "--client-cert",
        "--cache-dir",
        "--log",
        "--log-file",
        "--python",
        "--keyring-provider",
        "--use-feature",
        "--use-deprecated",
        "--resume-retries",
    ]
)
# python's own options that take a value.
_PYTHON_VALUE = frozenset(["-W", "-X", "--check-hash-based-pycs"])
_UV_GLOBAL_VALUE = frozenset(
    [
        "--cache-dir",
        "--python-preference",
        "--color",
        "--config-file",
        "--directory",
        "--project",
        "--allow-insecure-host",
    ]
)


@dataclass(frozen=True, slots=True)
class PipInstall:
    """A ``pip install`` (through ``pip``, ``pythonX -m pip`` or ``uv pip``).

    ``word`` is the word a finding points at: the ``pip`` program word for
    ``pip install``, the ``pip`` module word for ``python -m pip install``,
    and the ``pip`` word of ``uv pip install``. ``program`` is the word that
    names the executable that runs (``pip3``, ``/opt/venv/bin/pip``,
    ``python3.11``, ``uv``). ``args`` are the words after ``install``.
    """

    command: Command
    kind: str
    """``pip`` (a pip executable), ``module`` (``python -m pip``) or ``uv``."""
    program: Word
    word: Word
    install: Word
    args: tuple[Word, ...]

    @property
    def program_name(self) -> str:
        return basename(self.program.text)

    @property
    def program_dir(self) -> str:
        """Directory part of the program as written (``''`` for a bare name)."""
        return dirname(self.program.text)

    @property
    def version(self) -> str | None:
        """The interpreter version named by the program (``3.11`` for ``pip3.11``/``python3.11``).

        ``None`` for ``pip``, ``pip3``, ``python``, ``python3`` and ``uv``:
        those run whatever the unversioned name points at.
        """
        m = _PIP_NAME.match(self.program_name) or _PYTHON_NAME.match(self.program_name)
        if m and m.group(2):
            return m.group(1)
        return None

    def flag(self, *names: str) -> Word | None:
        """A long option of the install (``--user``, ``--no-cache-dir``), or a short one (``-U``)."""
        longs = tuple(n for n in names if n.startswith("--"))
        shorts = [n[1] for n in names if len(n) == 2 and n[0] == "-"]
        hit = long_flag(self.args, *longs) if longs else None
        if hit is None:
            for letter in shorts:
                hit = short_flag(self.args, letter, _PIP_INSTALL_SHORT_VALUE)
                if hit is not None:
                    break
        return hit

    def option(self, *names: str) -> tuple[Word, str | None] | None:
        """``(flag word, value text)`` of a value option (``--target DIR``, ``-t DIR``)."""
        longs = tuple(n for n in names if n.startswith("--"))
        found = long_flag_value(self.args, *longs) if longs else None
        if found is None:
            for n in names:
                if len(n) == 2 and n[0] == "-":
                    found = short_value(self.args, n[1])
                    if found is not None:
                        break
        if found is None:
            return None
        return found[0], option_text(*found)


_PIP_INSTALL_SHORT_VALUE = frozenset("rcetif")


def _pip_subcommand(
    argv: Sequence[Word], start: int, value_opts: frozenset[str]
) -> tuple[int, Word] | None:
    """Index and word of the first non-option word from ``start`` (pip's subcommand)."""
    i = start
    while i < len(argv):
        t = argv[i].text
        if t.startswith("-"):
            i += 2 if (t in value_opts and "=" not in t) else 1
            continue
        return i, argv[i]
    return None


def pip_install(cmd: Command) -> PipInstall | None:
    """Recognise ``pip install``, ``pip3.11 install``, ``python3 -m pip install``, ``uv pip install``.

    Global options before the subcommand are skipped (``pip --no-cache-dir
    install`` counts: those global words are included in ``args``).
    """
    argv = cmd.argv
    if not argv or (not argv[0].literal and "/" not in argv[0].text):
        return None
    name = cmd.name
    if _PIP_NAME.match(name):
        sub = _pip_subcommand(argv, 1, _PIP_GLOBAL_VALUE)
        if sub is None or sub[1].text != "install":
            return None
        i = sub[0]
        return PipInstall(cmd, "pip", argv[0], argv[0], sub[1], tuple(argv[1:i]) + argv[i + 1 :])
    if _PYTHON_NAME.match(name):
        i = 1
        module: Word | None = None
        while i < len(argv):
            t = argv[i].text
            if t == "-m":
                if i + 1 < len(argv) and argv[i + 1].text == "pip":
                    module = argv[i + 1]
                    i += 2
                break
            if t == "-mpip":
                module = argv[i]
                i += 1
                break
            if t in _PYTHON_VALUE:
                i += 2
                continue
            if t.startswith("-") and t != "-" and "c" not in t[1:]:
                i += 1
                continue
            break
        if module is None:
            return None
        sub = _pip_subcommand(argv, i, _PIP_GLOBAL_VALUE)
        if sub is None or sub[1].text != "install":
            return None
        j = sub[0]
        return PipInstall(cmd, "module", argv[0], module, sub[1], tuple(argv[i:j]) + argv[j + 1 :])
    if name == "uv":
        sub = _pip_subcommand(argv, 1, _UV_GLOBAL_VALUE)
        if sub is None or sub[1].text != "pip":
            return None
        k = sub[0]
        sub2 = _pip_subcommand(argv, k + 1, _UV_GLOBAL_VALUE)
        if sub2 is None or sub2[1].text != "install":
            return None
        j = sub2[0]
        return PipInstall(
            cmd, "uv", argv[0], sub[1], sub2[1], tuple(argv[1:k]) + argv[k + 1 : j] + argv[j + 1 :]
        )
    return None


# ---------------------------------------------------------------------------
# User creation
# ---------------------------------------------------------------------------

_USERADD_SHORT_VALUE = frozenset("bcdefgGkKpRPsuZ")
_USERADD_LONG_VALUE = frozenset(
    [
        "--base-dir",
        "--comment",
        "--home-dir",
        "--home",
        "--expiredate",
        "--inactive",
        "--gid",
        "--groups",
        "--skel",
        "--key",
        "--password",
        "--root",
        "--prefix",
        "--shell",
        "--uid",
        "--selinux-user",
        "--selinux-range",
    ]
)
_ADDUSER_LONG_VALUE = frozenset(
    [
        "--conf",
        "--home",
        "--shell",
        "--ingroup",
        "--uid",
        "--gid",
        "--gecos",
        "--comment",
        "--firstuid",
        "--lastuid",
        "--firstgid",
        "--lastgid",
        "--key",
        "--add-extra-groups-list",
    ]
)
# busybox adduser: -h DIR -g GECOS -s SHELL -G GROUP -u UID -k SKEL
_BUSYBOX_ADDUSER_VALUE = frozenset("hgsGuk")
_BUSYBOX_ADDUSER_FLAGS = frozenset("DSH")


@dataclass(frozen=True, slots=True)
class UserCreation:
    """A ``useradd`` / ``adduser`` that creates a user.

    ``uid`` is the explicit UID as text (``None`` when none is given; the
    text may be an unresolved ``$VAR``), ``uid_word`` the option word that
    sets it (``-u``/``--uid``/``--uid=0``) and ``uid_value`` the value word.
    ``home`` is the home directory when it is certain (``-d``/``--home``, or
    ``/home/<name>`` by default), ``name`` the user name (``None`` when it
    is not a literal).
    """

    command: Command
    tool: str
    name: str | None
    name_word: Word | None
    uid: str | None
    uid_word: Word | None
    uid_value: Word | None
    non_unique: Word | None
    system: bool
    home: str | None

    @property
    def uid_number(self) -> int | None:
        """The UID as an int when it is a literal number Docker accepts."""
        if self.uid is not None and (self.uid_value is None or self.uid_value.literal):
            return parse_uid(self.uid)
        return None

    @property
    def is_root(self) -> bool:
        """Created with UID 0 (a second root)."""
        return self.uid_number == 0


def user_creation(cmd: Command) -> UserCreation | None:
    """Recognise ``useradd`` and ``adduser`` (Debian and busybox forms) creating a user.

    Debian's ``adduser USER GROUP`` (two operands, no busybox options) adds
    an existing user to a group and is not a creation.
    """
    name = cmd.name
    args = cmd.args
    if name == "useradd":
        ops = operands(args, _USERADD_SHORT_VALUE, _USERADD_LONG_VALUE)
        if not ops or any(a.text == "-D" or a.text == "--defaults" for a in args):
            return None
        user = ops[-1]
        uid_l = long_flag_value(args, "--uid")
        uid_s = short_value(args, "u")
        home_l = long_flag_value(args, "--home-dir", "--home")
        home_s = short_value(args, "d")
        non_unique = long_flag(args, "--non-unique") or _exact_short(
            args, "o", _USERADD_SHORT_VALUE
        )
        system = bool(long_flag(args, "--system") or _exact_short(args, "r", _USERADD_SHORT_VALUE))
        tool = "useradd"
    elif name == "adduser":
        busybox = any(len(a.text) >= 2 and a.text[0] == "-" and a.text[1] != "-" for a in args)
        if busybox:
            ops = operands(args, _BUSYBOX_ADDUSER_VALUE, frozenset())
            if not ops:
                return None
            user = ops[0]
            uid_l = None
            uid_s = short_value(args, "u")
            home_l = None
            home_s = short_value(args, "h")
            system = _exact_short(args, "S", _BUSYBOX_ADDUSER_VALUE) is not None
        else:
            ops = operands(args, frozenset(), _ADDUSER_LONG_VALUE)
            if len(ops) != 1:
                return None
            user = ops[0]
            uid_l = long_flag_value(args, "--uid")
            uid_s = None
            home_l = long_flag_value(args, "--home")
            home_s = None
            system = long_flag(args, "--system") is not None
        non_unique = None
        tool = "adduser"
    else:
        return None
    uid_found = uid_l or uid_s
    uid_text = option_text(*uid_found) if uid_found else None
    home_found = home_l or home_s
    home_text = option_text(*home_found) if home_found else None
    user_name = user.text if user.literal else None
    if home_text is None and user_name is not None:
        home_text = f"/home/{user_name}"
    return UserCreation(
        command=cmd,
        tool=tool,
        name=user_name,
        name_word=user,
        uid=uid_text,
        uid_word=uid_found[0] if uid_found else None,
        uid_value=uid_found[1] if uid_found else None,
        non_unique=non_unique,
        system=system,
        home=home_text,
    )


def _exact_short(args: Sequence[Word], letter: str, value_letters: frozenset[str]) -> Word | None:
    return short_flag(args, letter, value_letters)


# ---------------------------------------------------------------------------
# USER values
# ---------------------------------------------------------------------------


def user_part(value: str) -> str:
    """The user part of a ``USER`` value (``app`` of ``app:app``)."""
    return value.split(":", 1)[0]


def is_root_user(value: str) -> bool:
    """``root``, ``0``, ``0:0``, ``root:root``, ``0:anything``."""
    user = user_part(value).strip()
    return user == "root" or parse_uid(user) == 0


# ---------------------------------------------------------------------------
# Interpreters that read a program from stdin or from a file argument
# ---------------------------------------------------------------------------

SHELL_NAMES = frozenset(["sh", "bash", "dash", "zsh", "ash", "ksh", "mksh", "busybox"])
_SCRIPT_INTERPRETER = re.compile(
    r"^(sh|bash|dash|zsh|ash|ksh|mksh|python(\d+(\.\d+)?)?|pypy3?|perl|ruby|node|nodejs|php|lua)$"
)
# Options that say "the program is inline, not stdin/file".
_INLINE_PROGRAM = {
    "shell": frozenset("c"),
    "python": frozenset("cm"),
    "perl": frozenset("eE"),
    "ruby": frozenset("e"),
    "node": frozenset("ep"),
    "php": frozenset("rBRFE"),
    "lua": frozenset("e"),
}
_INTERP_SHORT_VALUE = {
    "shell": frozenset("oO"),
    "python": frozenset("WX"),
    "perl": frozenset("IMmx"),
    "ruby": frozenset("IrCEKTWx"),
    "node": frozenset("r"),
    "php": frozenset("cdz"),
    "lua": frozenset("l"),
}


def interpreter_family(name: str) -> str | None:
    """``shell``, ``python``, ``perl``, ``ruby``, ``node``, ``php``, ``lua`` or ``None``."""
    if not _SCRIPT_INTERPRETER.match(name):
        return None
    if name in SHELL_NAMES:
        return "shell"
    if name.startswith(("python", "pypy")):
        return "python"
    if name == "nodejs":
        return "node"
    return name


@dataclass(frozen=True, slots=True)
class ProgramSource:
    """Where an interpreter command takes its program from."""

    source: str
    """``stdin``, ``file`` (``operand`` is the file word) or ``inline`` (``-c``/``-e``)."""
    operand: Word | None = None
    inline: Word | None = None


def program_source(cmd: Command) -> ProgramSource | None:
    """Where ``cmd`` (``bash``, ``python3``, ``perl`` ...) reads its program from; ``None`` if not an interpreter.

    ``bash``, ``bash -s -- -y``, ``python3 -`` read stdin; ``bash file``
    reads a file; ``sh -c '...'``, ``python3 -c '...'``, ``python -m mod``,
    ``node -e`` run an inline program (their stdin is data).
    """
    fam = interpreter_family(cmd.name)
    if fam is None and cmd.argv and not cmd.argv[0].literal:
        # ``python${PYTHON_VERSION}``: the version is unknown, the interpreter is not
        m = _INTERPRETER_WITH_VERSION_VAR.match(basename(cmd.argv[0].raw))
        fam = interpreter_family(m.group(1)) if m else None
    if fam is None:
        return None
    if cmd.name == "busybox":
        return None
    inline_letters = _INLINE_PROGRAM[fam]
    value_letters = _INTERP_SHORT_VALUE[fam]
    args = cmd.args
    i = 0
    reads_stdin_flag = False
    while i < len(args):
        w = args[i]
        t = w.text
        if t == "--":
            i += 1
            break
        if t == "-":
            return ProgramSource("stdin")
        if t.startswith("--"):
            if fam == "node" and t.split("=", 1)[0] in ("--eval", "--print"):
                return ProgramSource(
                    "inline", inline=args[i + 1] if "=" not in t and i + 1 < len(args) else w
                )
            if fam == "shell" and t in ("--rcfile", "--init-file"):
                i += 2
                continue
            i += 1
            continue
        if len(t) > 1 and t[0] in "-+":
            letters = t[1:]
            consumed = 1
            for k, ch in enumerate(letters):
                if t[0] == "-" and ch in inline_letters:
                    nxt = args[i + 1] if (k == len(letters) - 1 and i + 1 < len(args)) else None
                    if fam == "shell" and ch == "c":
                        # ``sh -c SCRIPT``: the script is the first operand after the options
                        rest = operands(args[i + 1 :], value_letters)
                        return ProgramSource("inline", inline=rest[0] if rest else None)
                    return ProgramSource("inline", inline=nxt if nxt is not None else w)
                if fam == "shell" and ch == "s":
                    reads_stdin_flag = True
                if ch in value_letters:
                    if k == len(letters) - 1:
                        consumed = 2
                    break
            i += consumed
            continue
        break
    if reads_stdin_flag:
        return ProgramSource("stdin")
    if i < len(args):
        if args[i].text in _STDIN_FILES:
            return ProgramSource("stdin", operand=args[i])
        return ProgramSource("file", operand=args[i])
    return ProgramSource("stdin")


StdinReaders = dict[tuple[int, int], tuple[ShellScript, tuple[Command, ...]]]
"""(id of a script, pipeline) -> the script, and the pipeline's members that run stdin as a program."""


def stdin_program_after(script: ShellScript, cmd: Command, readers: StdinReaders) -> Command | None:
    """The first later member of ``cmd``'s pipeline that runs its stdin as a program (``| sh``).

    ``readers`` caches each pipeline's such members: share one dict across
    the commands of a file, and a pipeline of many downloads is examined
    once rather than once per download.
    """
    if cmd.pipe_length < 2:
        return None
    key = (id(script), cmd.pipeline)
    cached = readers.get(key)
    if cached is None or cached[0] is not script:
        members = (m for m in script.pipe_members(cmd) if _runs_stdin(m))
        cached = readers[key] = (script, tuple(sorted(members, key=lambda m: m.pipe_index)))
    later = cached[1]
    k = bisect_right(later, cmd.pipe_index, key=lambda m: m.pipe_index)
    return later[k] if k < len(later) else None


def _runs_stdin(cmd: Command) -> bool:
    src = program_source(cmd)
    return src is not None and src.source == "stdin"


_STDIN_FILES = frozenset(["/dev/stdin", "/proc/self/fd/0", "/dev/fd/0"])
_INTERPRETER_WITH_VERSION_VAR = re.compile(
    r"^(python|pypy|perl|ruby|node|php)(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|[0-9.])+$"
)


# ---------------------------------------------------------------------------
# Downloads
# ---------------------------------------------------------------------------

_CURL_VALUE_LETTERS = frozenset("AbcCdDeEFHKmoPQrtTuUwxXyYz")
_WGET_VALUE_LETTERS = frozenset("OoaeiBtTwPUQlARDIX")
_STDOUT = frozenset(["-", "/dev/stdout"])


def _short_options(
    args: Sequence[Word], value_letters: frozenset[str]
) -> Iterator[tuple[str, str | None]]:
    """``(letter, value)`` of every short option of ``args`` (clusters split, values attached or next)."""
    i = 0
    n = len(args)
    while i < n:
        t = args[i].text
        if t == "--":
            return
        if len(t) >= 2 and t[0] == "-" and t[1] != "-":
            letters = t[1:]
            step = 1
            for k, ch in enumerate(letters):
                if ch in value_letters:
                    rest = letters[k + 1 :]
                    if rest:
                        yield ch, rest
                    else:
                        yield ch, args[i + 1].text if i + 1 < n else None
                        step = 2
                    break
                yield ch, None
            i += step
            continue
        i += 1


def fetch_to_stdout(cmd: Command) -> bool:
    """Whether ``cmd`` is a ``curl`` or ``wget`` download whose body goes to standard output.

    curl writes to stdout unless ``-o``/``-O``/``--output``/``--remote-name``
    send it to a file; wget writes to a file unless ``-O -`` (``-qO-``,
    ``--output-document=-``, ``-O /dev/stdout``).
    """
    name = cmd.name
    args = cmd.args
    if name == "curl":
        for w in args:
            t = w.text
            if t in ("--remote-name", "--remote-name-all", "--remote-header-name"):
                return False
            if t == "--output" or t.startswith("--output="):
                found = long_flag_value(args, "--output")
                value = option_text(*found) if found else None
                return value in _STDOUT
        for letter, value in _short_options(args, _CURL_VALUE_LETTERS):
            if letter == "O":
                return False
            if letter == "o":
                return value in _STDOUT
        return True
    if name == "wget":
        found = long_flag_value(args, "--output-document")
        if found is not None:
            return option_text(*found) in _STDOUT
        for letter, value in _short_options(args, _WGET_VALUE_LETTERS):
            if letter == "O":
                return value in _STDOUT
        return False
    return False


def fetched_url(cmd: Command) -> str | None:
    """The first URL-looking argument of a download command, as written."""
    for w in cmd.args:
        if "://" in w.text and not w.text.startswith("-"):
            return w.text
    return None


# ---------------------------------------------------------------------------
# Environment given to one command
# ---------------------------------------------------------------------------


def command_assignments(cmd: Command) -> list[Word]:
    """``VAR=value`` words that set the environment of (or after) this command.

    ``FOO=1 cmd`` and ``env FOO=1 cmd`` prefixes, plain ``FOO=1``
    statements, and the arguments of ``export``/``declare -x``/``readonly``.
    """
    out = [w for w in cmd.assignments if "=" in w.text]
    if cmd.name in ("export", "declare", "typeset", "readonly", "local"):
        out.extend(w for w in cmd.args if _ASSIGNMENT.match(w.text))
    return out


_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def command_env(script: ShellScript, cmd: Command) -> dict[str, str]:
    """Literal variables set for ``cmd`` by itself or by earlier commands of the same script.

    Earlier ``export VAR=x`` / ``VAR=x`` statements count (the whole RUN is
    one shell); prefixes of *other* commands (``VAR=x other``) do not.
    """
    env: dict[str, str] = {}
    for other in script.commands:
        if other.start > cmd.start:
            break
        own = other is cmd
        standalone = not other.argv
        exported = other.name in ("export", "declare", "typeset", "readonly")
        if not (own or standalone or exported):
            continue
        for w in command_assignments(other):
            if w.literal:
                k, _, v = w.text.partition("=")
                env[k] = v
    return env


# ---------------------------------------------------------------------------
# Stages
# ---------------------------------------------------------------------------


def all_stages(df: Dockerfile) -> tuple[Stage, ...]:
    """Every stage, in file order (for the rules that check any stage)."""
    return df.stages


TARGET_OPTION: dict[str, dict[str, str]] = {
    "target": {
        "type": "string",
        "description": "Build target: the stage (name or index) that produces the image; "
        "default: the last stage.",
    }
}
"""Options schema for rules that check the stage producing the image (``META.options``)."""


def final_stage(df: Dockerfile, ctx: RuleContext | None = None) -> Stage | None:
    """The stage that produces the image: the ``target`` option's stage if set, else the last."""
    if ctx is not None:
        target = ctx.option("target")
        if isinstance(target, str) and target:
            found = df.stage_by_name(target)
            if found is not None:
                return found
    return df.final_stage


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
    """``(RUN instruction, its shell analysis)`` for every shell ``RUN`` of ``stages`` (default: all)."""
    from sentra_lint.dockerfile import run_script

    for stage in df.stages if stages is None else stages:
        for instr in stage.instructions:
            if instr.keyword != "RUN":
                continue
            script = run_script(instr)
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
    from sentra_lint.dockerfile import run_script

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
                script = run_script(instr)
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


_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PATH_REF = re.compile(r"\$\{PATH\}|\$PATH\b")


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
_ENV_DIR = re.compile(
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


def venv_creation(cmd: Command) -> str | None:
    """The directory (as written) made by ``python -m venv DIR``, ``virtualenv DIR`` or ``uv venv [DIR]``."""
    argv = cmd.argv
    name = cmd.name
    rest: Sequence[Word]
    if (
        _PYTHON_NAME.match(name)
        and len(argv) >= 3
        and argv[1].text == "-m"
        and argv[2].text in ("venv", "virtualenv")
    ):
        rest = argv[3:]
    elif name == "virtualenv":
        rest = argv[1:]
    elif name == "uv" and len(argv) >= 2 and argv[1].text == "venv":
        ops = operands(
            argv[2:], frozenset("p"), frozenset(["--python", "--prompt", "--index-url", "--seed"])
        )
        return ops[0].raw if ops and not ops[0].literal else (ops[0].text if ops else ".venv")
    else:
        return None
    ops = operands(
        rest, frozenset("p"), frozenset(["--prompt", "--python", "--creator", "--activators"])
    )
    if not ops:
        return None
    return ops[0].text if ops[0].literal else ops[0].raw


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


_WINDOWS_IMAGE = re.compile(
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
