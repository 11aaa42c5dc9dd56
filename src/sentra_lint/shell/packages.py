"""Package-manager commands in shell scripts: installs, their flags, clean-ups.

Everything here works on the shell model
(:class:`~sentra_lint.shell.Command`, :class:`~sentra_lint.shell.ShellScript`),
so it does not depend on how a Dockerfile or workflow was parsed. Words whose value is not literal (``$PKGS``) are never guessed at:
they are skipped, not matched.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections.abc import Iterator

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.shell.model import Command, ShellScript, Word

APT_TOOLS = frozenset(["apt-get", "apt"])
APK_TOOLS = frozenset(["apk"])
RPM_TOOLS = frozenset(["yum", "dnf", "dnf5", "microdnf", "tdnf"])

# Options that take a separate value, per tool family ("-o X=Y", "-X repo").
_APT_VALUE_SHORT = frozenset(["-o", "-c", "-t", "-a"])
_APT_VALUE_LONG = frozenset(
    ["--option", "--config-file", "--target-release", "--default-release", "--host-architecture"]
)
_APK_VALUE_SHORT = frozenset(["-X", "-p", "-t"])
_APK_VALUE_LONG = frozenset(
    ["--repository", "--root", "--keys-dir", "--arch", "--cache-dir", "--virtual", "--repositories-file",
     "--cache-max-age", "--timeout", "--progress-fd"]
)
_RPM_VALUE_SHORT = frozenset(["-c", "-d", "-e", "-R", "-x"])
_RPM_VALUE_LONG = frozenset(
    ["--config", "--installroot", "--releasever", "--enablerepo", "--disablerepo", "--exclude",
     "--setopt", "--repo", "--repoid", "--forcearch", "--color",
     "--downloaddir", "--destdir", "--comment", "--rpmverbosity", "--debuglevel", "--errorlevel",
     "--disableplugin", "--enableplugin"]
)

_APT_INSTALL_VERBS = frozenset(["install"])
_APK_INSTALL_VERBS = frozenset(["add"])
_RPM_INSTALL_VERBS = frozenset(["install", "groupinstall", "localinstall", "reinstall"])

_RECOMMENDS_OFF = lazy_compile(r"^apt::install-recommends=[\"']?(?:false|0|no|off)[\"']?$", re.IGNORECASE)

# Where each family keeps what a build should not leave behind.
APT_LISTS = "/var/lib/apt/lists"
APK_CACHE = "/var/cache/apk"
RPM_CACHES = ("/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5", "/var/cache/tdnf")


@dataclass(frozen=True, slots=True)
class PackageCommand:
    """A package-manager command with its subcommand found.

    ``family`` is ``apt``, ``apk`` or ``rpm``; ``tool`` the command word
    (``apt-get``, ``apk``, ``microdnf``); ``verb`` the subcommand word
    (``install``, ``add``, ``update``, ``clean``); ``options`` every word that
    starts with ``-`` (before or after the verb) and ``operands`` the rest
    after the verb (package names for an install).
    """

    family: str
    command: Command
    tool: Word
    verb: Word
    options: tuple[Word, ...]
    operands: tuple[Word, ...]
    subverb: Word | None = None
    """``install`` of ``dnf group install`` (the verb is ``group``); not in ``operands``."""

    @property
    def is_install(self) -> bool:
        if self.subverb is not None:
            return self.subverb.text == "install"
        verbs = {"apt": _APT_INSTALL_VERBS, "apk": _APK_INSTALL_VERBS, "rpm": _RPM_INSTALL_VERBS}
        return self.verb.text in verbs[self.family]

    @property
    def action(self) -> str:
        """The subcommand as written: ``install``, ``groupinstall``, ``group install``."""
        return f"{self.verb.text} {self.subverb.text}" if self.subverb else self.verb.text

    def has_option(self, *names: str) -> bool:
        """Whether one of ``names`` was given (``--name`` or ``--name=value``)."""
        return any(w.text.split("=", 1)[0] in names for w in self.options)

    def option_values(self, short: str, long: str) -> Iterator[str]:
        """Values of ``-o VALUE``, ``-oVALUE``, ``--option VALUE``, ``--option=VALUE``."""
        argv = self.command.argv
        for i, w in enumerate(argv):
            t = w.text
            if t in (short, long):
                if i + 1 < len(argv):
                    yield argv[i + 1].text
            elif t.startswith(long + "="):
                yield t[len(long) + 1 :]
            elif t.startswith(short) and not t.startswith("--") and len(t) > len(short):
                yield t[len(short) :]


def _family(name: str) -> str | None:
    if name in APT_TOOLS:
        return "apt"
    if name in APK_TOOLS:
        return "apk"
    if name in RPM_TOOLS:
        return "rpm"
    return None


def package_command(cmd: Command) -> PackageCommand | None:
    """The package-manager command ``cmd`` runs, or ``None``.

    The subcommand is the first word that is not an option (or an option's
    value); a command whose subcommand is not a literal word is not matched.
    """
    if not cmd.argv or not cmd.argv[0].literal:
        return None
    family = _family(cmd.name)
    if family is None:
        return None
    short, long = {
        "apt": (_APT_VALUE_SHORT, _APT_VALUE_LONG),
        "apk": (_APK_VALUE_SHORT, _APK_VALUE_LONG),
        "rpm": (_RPM_VALUE_SHORT, _RPM_VALUE_LONG),
    }[family]
    argv = cmd.argv
    options: list[Word] = []
    operands: list[Word] = []
    verb: Word | None = None
    i = 1
    while i < len(argv):
        w = argv[i]
        t = w.text
        if t.startswith("-") and t != "-" and t != "--":
            options.append(w)
            takes_value = (t in short) or (t.startswith("--") and "=" not in t and t in long)
            i += 2 if takes_value else 1
            continue
        if t == "--":
            operands.extend(argv[i + 1 :])
            break
        if verb is None:
            if not w.literal:
                return None
            verb = w
        else:
            operands.append(w)
        i += 1
    if verb is None:
        return None
    subverb: Word | None = None
    if family == "rpm" and verb.text in ("group", "groups") and operands and operands[0].literal:
        subverb = operands.pop(0)
    return PackageCommand(family, cmd, argv[0], verb, tuple(options), tuple(operands), subverb)


def package_commands(script: ShellScript, *families: str) -> Iterator[PackageCommand]:
    """Every package-manager command of ``script`` (of the given families, if any)."""
    for cmd in script.commands:
        pc = package_command(cmd)
        if pc is not None and (not families or pc.family in families):
            yield pc


def installs(script: ShellScript, *families: str) -> Iterator[PackageCommand]:
    """Every install command (``apt-get install``, ``apk add``, ``dnf install`` ...)."""
    for pc in package_commands(script, *families):
        if pc.is_install:
            yield pc


def apt_skips_recommends(pc: PackageCommand) -> bool:
    """``--no-install-recommends`` or ``-o APT::Install-Recommends=false`` (or ``0``)."""
    if pc.has_option("--no-install-recommends"):
        return True
    return any(_RECOMMENDS_OFF.match(v.strip()) for v in pc.option_values("-o", "--option"))


def script_disables_recommends(text: str) -> bool:
    """Whether a script writes an APT configuration that turns recommends off.

    ``echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/99norecommends``
    makes every later ``apt-get install`` of the stage skip recommended packages.
    """
    return re.search(r"APT::Install-Recommends\s*\"?(?:false|0)\"?", text, re.IGNORECASE) is not None


def package_name(word: Word, family: str) -> str | None:
    """The bare package name of an install operand, or ``None`` when unknown.

    Version and architecture suffixes are removed: ``openssh-server=1:9.2``,
    ``openssh-server:amd64``, ``dropbear>2022``, ``openssh@edge``.
    """
    if not word.literal or word.text.startswith("-"):
        return None
    text = word.text
    if family == "apt":
        text = re.split(r"[=:]", text, maxsplit=1)[0]
    elif family == "apk":
        text = re.split(r"[=<>~@]", text, maxsplit=1)[0]
    else:
        text = text.split(".", 1)[0] if text.endswith(".rpm") else text
    return text.lower() or None


def rpm_name_matches(name: str, wanted: str) -> bool:
    """``openssh-server`` or ``openssh-server-8.0p1`` for ``wanted`` = ``openssh-server``."""
    if name == wanted:
        return True
    return name.startswith(wanted + "-") and name[len(wanted) + 1 : len(wanted) + 2].isdigit()


def _normalise(path: str) -> str:
    """``/var/lib/apt/lists/*`` -> ``/var/lib/apt/lists``; ``/var/cache/apk/`` -> ``/var/cache/apk``."""
    p = path.strip()
    while p.endswith(("/*", "/")) and len(p) > 1:
        p = p[:-2] if p.endswith("/*") else p[:-1]
    return posixpath.normpath(p) if p.startswith("/") else p


def covers(path: str, target: str) -> bool:
    """Whether removing (or mounting over) ``path`` takes ``target`` with it.

    True for ``target`` itself and for its ancestors below the top level
    (``/var/lib/apt`` covers ``/var/lib/apt/lists``; ``/var`` and ``/`` do not
    count: nobody removes those on purpose). A glob covers what it matches
    (``/var/lib/apt/lists*``).
    """
    p = _normalise(path)
    if not p.startswith("/"):
        return False
    candidates = [target]
    parent = target
    while parent.count("/") > 2:
        parent = parent.rsplit("/", 1)[0]
        candidates.append(parent)
    if any(c in p for c in "*?["):
        return any(fnmatch.fnmatchcase(c, p) for c in candidates)
    return p in candidates


def removes(script: ShellScript, target: str, after: int = -1) -> bool:
    """Whether the script removes ``target`` (``rm -rf /var/lib/apt/lists/*``, ``find DIR -delete``).

    Only commands that start after offset ``after`` count.
    """
    for cmd in script.commands:
        if cmd.start <= after:
            continue
        if cmd.name == "rm":
            if any(w.literal and not w.text.startswith("-") and covers(w.text, target) for w in cmd.args):
                return True
        elif cmd.name == "find" and cmd.has_arg("-delete"):
            first = cmd.args[0] if cmd.args else None
            if first is not None and first.literal and covers(first.text, target):
                return True
    return False


def removes_apt_lists(script: ShellScript) -> bool:
    """``rm -rf /var/lib/apt/lists/*`` (or ``find ... -delete``), or ``apt-get dist-clean``.

    ``dist-clean`` (APT 2.7 and later, Debian 13, Ubuntu 24.04) removes the
    package lists as well as the archive cache; ``apt-get clean`` does not.
    """
    if any(pc.verb.text == "dist-clean" for pc in package_commands(script, "apt")):
        return True
    return removes(script, APT_LISTS) or runs_cleanup_script(script)


def runs_cleanup_script(script: ShellScript, after: int = -1) -> bool:
    """Whether the ``RUN`` calls a clean-up script of its own (``/scripts/cleanup.sh``).

    Its content cannot be seen from the Dockerfile, and such scripts exist to
    remove package caches and lists: they count as a clean-up. Only commands
    that start after offset ``after`` count.
    """
    for cmd in script.commands:
        if cmd.start <= after:
            continue
        if not cmd.argv or not cmd.argv[0].literal or _family(cmd.name) is not None:
            continue
        name = cmd.name.lower()
        if "clean" in name and (name.endswith(".sh") or "/" in cmd.argv[0].text):
            return True
    return False


def cleans_rpm_cache(script: ShellScript, after: int = -1) -> bool:
    """``yum clean all`` (or dnf, microdnf, tdnf) or ``rm -rf /var/cache/yum`` in the script.

    Only commands that start after offset ``after`` count (an install after
    the clean fills the cache again).
    """
    for pc in package_commands(script, "rpm"):
        if pc.command.start <= after:
            continue
        if pc.verb.text == "clean" and any(w.text == "all" for w in pc.operands):
            return True
    return any(removes(script, c, after) for c in RPM_CACHES) or runs_cleanup_script(script, after)
