"""Recognisers of shell commands: flags, pip, user creation, interpreters, downloads.

Everything here works on one :class:`~sentra_lint.shell.Command` (the
effective argv after ``sudo``/``env``/``xargs`` unwrapping) or one
:class:`~sentra_lint.shell.ShellScript` and never looks at the file the
script came from, so Dockerfile ``RUN`` instructions and workflow ``run:``
steps share it: :func:`pip_install`, :func:`user_creation`,
:func:`program_source`, :func:`short_flag`, :func:`long_flag`. OS package
managers are in :mod:`sentra_lint.shell.packages`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.container.sizes import parse_uid
from sentra_lint.shell.model import Command, ShellScript, Word

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

_PIP_NAME = lazy_compile(r"^pip(\d+(\.\d+)?)?$")
_PYTHON_NAME = lazy_compile(r"^python(\d+(\.\d+)?)?$")
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


@dataclass(frozen=True, slots=True)
class UvSync:
    """``uv sync`` or ``uv pip sync``: installs a project's locked dependencies.

    ``word`` is the ``uv`` program word, ``sync`` the subcommand word and
    ``args`` every other word (global options included).
    """

    command: Command
    word: Word
    sync: Word
    args: tuple[Word, ...]

    def flag(self, *names: str) -> Word | None:
        """The first argument that is one of ``names`` (``--name=value`` too)."""
        for w in self.args:
            if w.text == "--":
                return None
            if w.text in names or w.text.split("=", 1)[0] in names:
                return w
        return None


def uv_sync(cmd: Command) -> UvSync | None:
    """Recognise ``uv sync`` and ``uv pip sync`` (global options before the subcommand skipped)."""
    argv = cmd.argv
    if cmd.name != "uv" or not argv or not argv[0].literal:
        return None
    sub = _pip_subcommand(argv, 1, _UV_GLOBAL_VALUE)
    if sub is None:
        return None
    k = sub[0]
    if sub[1].text == "pip":
        sub2 = _pip_subcommand(argv, k + 1, _UV_GLOBAL_VALUE)
        if sub2 is None or sub2[1].text != "sync":
            return None
        j = sub2[0]
        return UvSync(cmd, argv[0], sub2[1], tuple(argv[1:k]) + argv[k + 1 : j] + argv[j + 1 :])
    if sub[1].text != "sync":
        return None
    return UvSync(cmd, argv[0], sub[1], tuple(argv[1:k]) + argv[k + 1 :])


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
            # busybox short options, often mixed with Debian's long ones
            # (``adduser -S --shell /bin/bash --ingroup docker vscode``)
            ops = operands(args, _BUSYBOX_ADDUSER_VALUE, _ADDUSER_LONG_VALUE)
            if not ops:
                return None
            user = ops[0]
            uid_l = long_flag_value(args, "--uid")
            uid_s = short_value(args, "u")
            home_l = long_flag_value(args, "--home")
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
_SCRIPT_INTERPRETER = lazy_compile(
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
_INTERPRETER_WITH_VERSION_VAR = lazy_compile(
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


def fetch_to_file(cmd: Command) -> str | None:
    """The file a ``curl``/``wget`` download is saved to, when it is a literal path.

    ``curl -o F``, ``curl --output F``, ``curl -O URL`` (the URL's last path
    component), ``curl URL > F``, ``wget -O F``, ``wget URL`` (the URL's
    last component); ``None`` for standard output or a name not known here.
    """
    if cmd.name not in ("curl", "wget"):
        return None
    for r in cmd.redirects:
        if r.op in (">", ">|") and r.fd in (None, "1") and r.target is not None and r.target.literal:
            return r.target.text
    args = cmd.args
    url = fetched_url(cmd)
    remote = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] if url else None
    if cmd.name == "curl":
        found = long_flag_value(args, "--output")
        if found is not None:
            value = option_text(*found)
            return value if value and value not in _STDOUT else None
        if long_flag(args, "--remote-name") is not None:
            return remote or None
        for letter, value in _short_options(args, _CURL_VALUE_LETTERS):
            if letter == "O":
                return remote or None
            if letter == "o":
                return value if value and value not in _STDOUT else None
        return None
    found = long_flag_value(args, "--output-document")
    if found is not None:
        value = option_text(*found)
        return value if value and value not in _STDOUT else None
    for letter, value in _short_options(args, _WGET_VALUE_LETTERS):
        if letter == "O":
            return value if value and value not in _STDOUT else None
    return remote or None


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


_ASSIGNMENT = lazy_compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


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


# Between two words of a command in a script's text: blanks, quotes, line continuations.
_GAP = r"""[\s'"\\]+"""


class CommandText:
    """Whether a script's text can hold one of some commands, asked before it is parsed.

    Each form is a command's words in a row (``("npm", "publish")``); a word is
    whole in the text or the last part of a path (``/usr/bin/docker``), with
    quotes or line continuations between words. The answer is ``True`` for
    every script whose parse could show one of the commands (it may be ``True``
    for others): a plain substring scan for the longest word of each form
    rejects most scripts before the pattern runs.
    """

    def __init__(self, forms: Iterable[Sequence[str]]) -> None:
        self.forms = tuple(tuple(f) for f in forms)
        self._needles = tuple(sorted({max(f, key=len) for f in self.forms}))
        self._pattern = lazy_compile(
            "|".join(r"(?<![\w-])" + _GAP.join(map(re.escape, f)) + r"(?![\w-])" for f in self.forms)
        )

    def may_hold(self, text: str) -> bool:
        return any(n in text for n in self._needles) and self._pattern.search(text) is not None


# ``python -m`` under any version (``python3.12 -m``), as :class:`CommandText` reads words.
_PYTHON_M = lazy_compile(rf"\bpython[\d.]*{_GAP}-m(?![\w-])")


def may_run_python_module(text: str) -> bool:
    """Whether a script's text can hold ``python -m …`` (see :class:`CommandText`)."""
    return "python" in text and _PYTHON_M.search(text) is not None
