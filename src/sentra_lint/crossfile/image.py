"""What an image puts where: its user, that user's home, and the paths written at build time.

:func:`image_models` reads a parsed Dockerfile once per stage (each stage
may be a build ``target``) and returns an :class:`ImageModel` for it: the
user the image runs as (the last ``USER`` of the stage and the stages of
the file it builds on), that user's home (from ``useradd -d``/``-m``,
``adduser --home``, else ``/home/<name>``), the ``WORKDIR``, and every
path written at build time after the switch to a non-root user or into a
home directory:

* ``pip install --user`` (``~/.local``), and a ``pip install`` run as a
  non-root user that falls back to a user install; a virtual environment
  or prefix inside a home;
* installers piped into a shell (``curl … | bash``) or run as the user:
  the places well-known installers use (``~/.local``, ``~/.claude``,
  ``~/.cargo``, ``~/.rustup``, ``~/.nvm``...), else "somewhere in the home";
  ``pipx``, ``uv tool``, ``cargo install``, ``rustup``, ``nvm install``;
* ``npm install``/``npm ci``/``yarn``/``pnpm install`` in a working directory
  inside a home or after the user switch (``node_modules``);
* ``COPY``/``ADD`` destinations (relative ones land in the ``WORKDIR``);
* ``mkdir``/``touch`` targets when the path is certain.

Everything here is small, frozen and picklable: the engine computes it in
the worker that parsed the file and hands it to the repository rules.
Values that are not certain are left out; the rules never guess.
"""

from __future__ import annotations

import posixpath
import re

from sentra_lint._dataclass import dataclass
from sentra_lint.container.sizes import parse_uid
from sentra_lint.dockerfile import Dockerfile, Instruction, Stage
from sentra_lint.dockerfile.semantics import (
    RunCommand,
    Scope,
    UserSwitch,
    VenvTracker,
    effective_user,
    has_parse_problems,
    image_stages,
    is_windows_stage,
    pip_target,
    walk,
)
from sentra_lint.shell import Command, ShellScript, Word
from sentra_lint.shell.commands import (
    PipInstall,
    StdinReaders,
    fetch_to_stdout,
    fetched_url,
    is_root_user,
    operands,
    pip_install,
    stdin_program_after,
    under_home,
    user_creation,
    user_part,
)
from sentra_lint.source import Span


@dataclass(frozen=True, slots=True)
class Content:
    """A path the image writes at build time.

    ``path`` is absolute. The content is the path and everything below it;
    ``strict`` content (a directory made by ``mkdir``) is lost only when a
    mount covers a parent of it, not the directory itself.
    """

    path: str
    shown: str
    """How messages name the path (``~/.local`` when it is in the user's home)."""
    what: str
    """What put it there, for messages: ``installs anthropic with `pip install --user```."""
    line: int
    span: Span
    copied: bool = False
    """Written by ``COPY``/``ADD`` (the same files may well be bound over it on purpose)."""
    strict: bool = False
    user_site: bool = False
    """Python's user site (``~/.local``): found at run time through ``$HOME``, not by path."""


@dataclass(frozen=True, slots=True)
class ImageUser:
    """Who the image runs as. ``value`` is the ``USER`` text (``None``: no ``USER``, so root)."""

    value: str | None
    name: str | None
    uid: int | None
    home: str | None
    line: int
    span: Span
    """The ``USER`` instruction, or the final ``FROM`` when there is none."""

    @property
    def is_root(self) -> bool:
        return self.value is None or is_root_user(self.value)


@dataclass(frozen=True, slots=True)
class ImageModel:
    """What a Dockerfile stage makes: its user, home and what it installs."""

    path: str
    """The Dockerfile, as shown to users."""
    stage: str
    """The stage's name, or ``#<index>``."""
    index: int
    user: ImageUser | None
    """``None`` when the user is not certain (``USER $APP_USER``)."""
    workdir: str | None
    contents: tuple[Content, ...]
    users: tuple[tuple[str, int | None, str | None], ...] = ()
    """Users created in the image: ``(name, uid, home)``."""
    reliable: bool = True
    """False when a line of the image's stages could not be read, or it is a Windows image."""

    def uid_of(self, name: str) -> int | None:
        for n, uid, _home in self.users:
            if n == name:
                return uid
        return None

    def name_of(self, uid: int) -> str | None:
        for n, u, _home in self.users:
            if u == uid:
                return n
        return None


# Installers whose destinations in the home are known, by URL.
_INSTALLERS: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = (
    (
        re.compile(r"claude\.ai/install\.sh|claude\.ai/install"),
        "the Claude Code installer",
        (".local", ".claude"),
    ),
    (re.compile(r"sh\.rustup\.rs|rustup\.rs"), "the rustup installer", (".cargo", ".rustup")),
    (re.compile(r"nvm-sh/nvm|creationix/nvm"), "the nvm installer", (".nvm",)),
    (re.compile(r"astral\.sh/uv|astral\.sh/ruff"), "the uv installer", (".local",)),
    (re.compile(r"install\.python-poetry\.org"), "the Poetry installer", (".local",)),
    (re.compile(r"bun\.sh/install"), "the Bun installer", (".bun",)),
    (re.compile(r"deno\.land/install|deno\.land/x/install"), "the Deno installer", (".deno",)),
    (re.compile(r"get\.pnpm\.io"), "the pnpm installer", (".local",)),
    (re.compile(r"pyenv\.run|pyenv-installer"), "the pyenv installer", (".pyenv",)),
    (re.compile(r"get\.sdkman\.io"), "the SDKMAN installer", (".sdkman",)),
)
# Commands run as the user that install into fixed places in its home.
_HOME_TOOLS: dict[tuple[str, str], tuple[str, ...]] = {
    ("pipx", "install"): (".local",),
    ("uv", "tool"): (".local",),
    ("cargo", "install"): (".cargo",),
    ("rustup", ""): (".rustup", ".cargo"),
    ("nvm", "install"): (".nvm",),
}
_NODE_INSTALL = {
    ("npm", "install"),
    ("npm", "i"),
    ("npm", "ci"),
    ("yarn", ""),
    ("yarn", "install"),
    ("pnpm", "install"),
    ("pnpm", "i"),
}
_SCRATCH = ("/tmp/", "/var/tmp/")
_PIP_VALUE_OPTIONS = frozenset(
    [
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-t",
        "--target",
        "--prefix",
        "--root",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "--trusted-host",
        "--cache-dir",
        "--python-version",
        "--platform",
        "--abi",
        "--implementation",
        "--src",
        "--upgrade-strategy",
        "--progress-bar",
        "--log",
        "--proxy",
        "--retries",
        "--timeout",
        "--exists-action",
        "--cert",
        "--client-cert",
        "--python",
        "-p",
        "--report",
    ]
)


def image_models(df: Dockerfile) -> tuple[ImageModel, ...]:
    """A model for every stage of the file (any one may be the build target)."""
    return tuple(_model(df, stage) for stage in df.stages)


def _model(df: Dockerfile, final: Stage) -> ImageModel:
    b = _Builder(df, final)
    b.run()
    return b.result()


@dataclass(slots=True)
class _User:
    """The user a stage runs as, and that user's home."""

    value: str  # as resolved, "root" when no USER was seen
    home: str | None


class _Builder:
    def __init__(self, df: Dockerfile, final: Stage) -> None:
        self.df = df
        self.final = final
        self.stages = image_stages(df, final)
        self.users: dict[str, tuple[int | None, str | None]] = {}
        self.current: _User | None = _User("root", "/root")
        self.switched = False  # a non-root USER is in effect
        self.workdir: str | None = "/"
        self.contents: list[Content] = []
        self.venvs = VenvTracker()
        self.readers: StdinReaders = {}

    # -- users ---------------------------------------------------------------

    def home_of(self, value: str) -> str | None:
        user = user_part(value).strip()
        if is_root_user(value):
            return "/root"
        if user in self.users:
            return self.users[user][1]
        if user.isdigit():
            number = parse_uid(user)
            for _name, (uid, home) in self.users.items():
                if uid is not None and uid == number:
                    return home
            return None
        return f"/home/{user}" if re.fullmatch(r"[a-z_][a-z0-9_.-]*", user) else None

    def homes(self) -> list[str]:
        return [h for _uid, h in self.users.values() if h]

    def shown(self, path: str) -> str:
        home = self.current.home if self.current is not None else None
        if home and home != "/" and (path == home or path.startswith(home.rstrip("/") + "/")):
            return "~" + path[len(home.rstrip("/")) :]
        return path

    def add(
        self,
        path: str,
        what: str,
        start: int,
        end: int,
        *,
        copied: bool = False,
        strict: bool = False,
        force: bool = False,
        user_site: bool = False,
    ) -> None:
        path = posixpath.normpath(path)
        if not force and not self.switched and not under_home(path, self.homes()):
            return
        span = self.df.source.span(start, end)
        self.contents.append(
            Content(path, self.shown(path), what, span.line, span, copied, strict, user_site)
        )

    # -- the walk ------------------------------------------------------------

    def run(self) -> None:
        pending: list[Instruction] = [
            i
            for st in self.stages
            for i in st.instructions
            if i.keyword in ("COPY", "ADD", "WORKDIR")
        ]
        scope = Scope({}, {})
        for event, live in walk(self.df, self.stages):
            scope = live
            at = event.instruction.start
            while pending and pending[0].start < at:
                self.instruction(pending.pop(0), scope)
            if isinstance(event, UserSwitch):
                self.switch(event)
            elif isinstance(event, RunCommand):
                self.command(event, scope)
        for instr in pending:
            self.instruction(instr, scope)

    def switch(self, event: UserSwitch) -> None:
        if event.value is None:
            self.current = None
            self.switched = True  # some user, perhaps non-root: paths are not certain
            return
        root = is_root_user(event.value)
        self.switched = not root
        self.current = _User(event.value, self.home_of(event.value))

    def instruction(self, instr: Instruction, scope: Scope) -> None:
        words = list(instr.words)
        if instr.keyword == "WORKDIR":
            if not words:
                return
            value = words[0].text if words[0].literal else scope.resolve(words[0].raw)
            if value is None:
                self.workdir = None
            elif value.startswith("/"):
                self.workdir = posixpath.normpath(value)
            elif self.workdir is not None:
                self.workdir = posixpath.normpath(posixpath.join(self.workdir, value))
            return
        if instr.heredocs or instr.exec_form is not None or len(words) < 2:
            return
        dest = words[-1]
        text = dest.text if dest.literal else scope.resolve(dest.raw)
        if text is None:
            return
        relative = not text.startswith("/")
        if not relative and posixpath.normpath(text).startswith(_SCRATCH):
            return  # build inputs copied to a scratch folder, not what the image is for
        if relative:
            if self.workdir is None:
                return
            text = posixpath.join(self.workdir, text)
        sources = " ".join(w.text for w in words[:-1])
        what = f"copies {sources} with {instr.keyword}"
        from_flag = instr.flag("from")
        if from_flag is not None and from_flag.value:
            what = f"copies {sources} from '{from_flag.value}' with {instr.keyword}"
        self.add(
            text,
            what,
            instr.start,
            instr.args_end,
            copied=True,
            force=relative and self.workdir not in (None, "/"),
        )

    def command(self, event: RunCommand, scope: Scope) -> None:
        cmd = event.command
        self.venvs.observe(event, scope)
        uc = user_creation(cmd)
        if uc is not None:
            if uc.name is not None:
                self.users[uc.name] = (uc.uid_number, uc.home)
            return
        if self.current is None or self.current.home is None:
            home: str | None = None
        else:
            home = self.current.home.rstrip("/") or "/"
        pi = pip_install(cmd)
        if pi is not None:
            self.pip(event, scope, pi, home)
            return
        if home is not None and self.installer(event.script, cmd, home):
            return
        name = cmd.name
        sub = next((w.text for w in cmd.args if not w.text.startswith("-")), "")
        key = (name, sub if (name, sub) in _HOME_TOOLS else "")
        if (
            home is not None
            and self.switched
            and key in _HOME_TOOLS
            and (key[1] or name == "rustup")
        ):
            for d in _HOME_TOOLS[key]:
                self.add(
                    f"{home}/{d}",
                    f"runs `{name} {sub}`".rstrip() + " as the user",
                    cmd.start,
                    cmd.end,
                )
            return
        if (name, sub) in _NODE_INSTALL or (name == "yarn" and not cmd.args):
            if (
                self.workdir is not None
                and self.workdir != "/"
                and not any(w.text in ("-g", "--global") for w in cmd.args)
            ):
                self.add(
                    f"{self.workdir}/node_modules",
                    f"runs `{name} {sub}`".rstrip(),
                    cmd.start,
                    cmd.end,
                )
            return
        if name in ("mkdir", "touch"):
            self.paths(cmd, scope, name)

    def pip(self, event: RunCommand, scope: Scope, pi: PipInstall, home: str | None) -> None:
        target = pip_target(pi, scope, self.venvs, event)
        packages = _packages(pi.args)
        span = (pi.word.start, pi.command.end)
        if target.kind == "user" or (target.kind == "system" and self.switched):
            if home is None:
                return
            how = (
                "`pip install --user`"
                if target.kind == "user"
                else (
                    f"`pip install` as the non-root user '{user_part(self.current.value) if self.current else '?'}' "
                    "(pip falls back to a user install)"
                )
            )
            self.add(f"{home}/.local", f"installs {packages} with {how}", *span, user_site=True)
        elif target.kind in ("venv", "prefix") and target.path:
            self.add(
                target.path, f"installs {packages} with `pip install` into {target.path}", *span
            )

    def installer(self, script: ShellScript, cmd: Command, home: str) -> bool:
        """``curl URL | sh`` (and friends) run as the current user."""
        if not fetch_to_stdout(cmd) or cmd.pipe_length < 2:
            return False
        runner = stdin_program_after(script, cmd, self.readers)
        if runner is None:
            return False
        url = fetched_url(cmd) or ""
        for pattern, label, dirs in _INSTALLERS:
            if pattern.search(url):
                for d in dirs:
                    self.add(
                        f"{home}/{d}",
                        f"runs {label} (`{cmd.name} … | {runner.name}`)",
                        cmd.start,
                        runner.end,
                    )
                return True
        if self.switched:
            self.add(
                home,
                f"runs `{cmd.name} {url} | {runner.name}` as the user, which writes into its home",
                cmd.start,
                runner.end,
            )
        return True

    def paths(self, cmd: Command, scope: Scope, name: str) -> None:
        letters = frozenset("m") if name == "mkdir" else frozenset("rdt")
        for w in operands(cmd.args, letters):
            if not w.literal:
                continue
            path = w.text
            if not path.startswith("/"):
                if self.workdir is None:
                    continue
                path = posixpath.join(self.workdir, path)
            self.add(path, f"creates it with `{name}`", w.start, w.end, strict=name == "mkdir")

    # -- result --------------------------------------------------------------

    def result(self) -> ImageModel:
        df, final = self.df, self.final
        reliable = not has_parse_problems(df, self.stages) and not is_windows_stage(df, final)
        eff = effective_user(df, final)
        user: ImageUser | None = None
        if eff is not None:
            span = df.source.span(eff.start, eff.end)
            value = eff.value
            if value is None:
                user = ImageUser(None, "root", 0, "/root", span.line, span)
            else:
                part = user_part(value).strip()
                uid: int | None = parse_uid(part)
                name: str | None = None if part.isdigit() else part
                if name is not None and name in self.users:
                    uid = self.users[name][0] if uid is None else uid
                elif uid is not None:
                    name = next((n for n, (u, _h) in self.users.items() if u == uid), None)
                if is_root_user(value):
                    uid = 0
                user = ImageUser(value, name, uid, self.home_of(value), span.line, span)
        return ImageModel(
            path=df.source.path,
            stage=final.label,
            index=final.index,
            user=user,
            workdir=self.workdir,
            contents=tuple(self.contents),
            users=tuple((n, u, h) for n, (u, h) in self.users.items()),
            reliable=reliable,
        )


def _packages(args: tuple[Word, ...]) -> str:
    """``anthropic``, ``anthropic, httpx``, ``the packages in requirements.txt``."""
    names: list[str] = []
    requirements: list[str] = []
    skip = False
    previous = ""
    for w in args:
        t = w.text
        if skip:
            skip = False
            if previous in ("-r", "--requirement"):
                requirements.append(t)
            continue
        if t.startswith("-"):
            flag = t.split("=", 1)[0]
            if flag in _PIP_VALUE_OPTIONS:
                if "=" in t:
                    if flag in ("-r", "--requirement"):
                        requirements.append(t.split("=", 1)[1])
                else:
                    skip = True
                    previous = flag
            elif len(t) > 2 and t[:2] == "-r" and not t.startswith("--"):
                requirements.append(t[2:])
            continue
        names.append(re.split(r"[=<>!~;\[ ]", t, maxsplit=1)[0] or t)
    if names:
        shown = ", ".join(names[:3]) + (" ..." if len(names) > 3 else "")
        return shown
    if requirements:
        return "the packages listed in " + ", ".join(requirements)
    return "packages"
