"""The console script: ``sentra-lint``.

``check`` is what runs on every commit, so it starts without typer (which
imports pydantic and builds adapters for every option, about a third of a
cold start): its options are declared once, in
:data:`sentra_lint.cli_options.CHECK_PARAMS`, and :func:`main` reads a
plain ``check`` command line with a loop over that table (the common
forms), else with an ``argparse`` parser made from it.
Anything else (other commands, ``--help``, a command line that parser does
not accept) goes to the typer app (:mod:`sentra_lint.cli_app`, also
``sentra_lint.cli.app``), whose ``check`` is generated from the same table.
Both call :func:`sentra_lint.cli_check.check_command`, which renders the
result of :func:`sentra_lint.check.run_check` and picks the exit code.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from sentra_lint.cli_options import CHECK_PARAMS, rewrite_fix


class _ParseFailed(Exception):
    pass


class _CheckParser:
    """``check``'s command line read with ``argparse`` (built from :data:`CHECK_PARAMS`).

    Only a command line it accepts completely is used; anything it rejects
    is left to the typer app, which reports it as usual.
    """

    def __init__(self) -> None:
        import argparse

        class Parser(argparse.ArgumentParser):
            def error(self, message: str) -> Any:  # never exit or print: typer reports it
                raise _ParseFailed(message)

        # The parser never prints: a fixed width keeps argparse from importing
        # shutil for the terminal size (1.6 ms of every start).
        parser = Parser(
            prog="sentra-lint check",
            add_help=False,
            allow_abbrev=False,
            exit_on_error=False,
            formatter_class=lambda prog: argparse.HelpFormatter(prog, width=80),
        )
        for p in CHECK_PARAMS:
            if not p.flags:
                parser.add_argument(p.name, nargs="*", default=p.default)
            elif p.type is bool:
                parser.add_argument(*p.flags, dest=p.name, action="store_true", default=p.default)
            elif p.repeat:
                parser.add_argument(*p.flags, dest=p.name, action="append", type=p.type, default=p.default)
            else:
                parser.add_argument(*p.flags, dest=p.name, type=p.type, default=p.default)
        self.parser = parser

    def parse(self, args: Sequence[str]) -> dict[str, Any] | None:
        """The values of a command line; everything after ``--`` is a path, never an option.

        ``parse_intermixed_args`` reads words after ``--`` as options on
        CPython 3.11-3.13, so the paths after it are split off first.
        """
        import argparse

        head, tail = list(args), []
        if "--" in head:
            cut = head.index("--")
            head, tail = head[:cut], head[cut + 1 :]
        try:
            ns = self.parser.parse_intermixed_args(rewrite_fix(head))
        except (_ParseFailed, argparse.ArgumentError, ValueError, TypeError):
            return None
        values = vars(ns)
        values["paths"] = [*(values.get("paths") or []), *tail] or None
        return values


def _parse_plain(args: Sequence[str]) -> dict[str, Any] | None:
    """The values of a command line made only of whole flags, ``--flag=value`` and plain words; else ``None``.

    What most invocations look like (pre-commit, editors, CI), read without
    building an ``argparse`` parser (a few milliseconds of every start).
    Anything else - a short flag with its value attached, a value or a path
    that starts with ``-``, a value that does not convert - is left to
    :class:`_CheckParser`, which gives the same values for every command
    line this accepts (a test compares them).
    """
    head, tail = list(args), []
    if "--" in head:
        cut = head.index("--")
        head, tail = head[:cut], head[cut + 1 :]
    by_flag = {flag: p for p in CHECK_PARAMS for flag in p.flags}
    values: dict[str, Any] = {p.name: p.default for p in CHECK_PARAMS}
    paths: list[str] = []
    words = rewrite_fix(head)
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word == "-" or not word.startswith("-"):
            paths.append(word)
            continue
        flag, eq, attached = word.partition("=")
        param = by_flag.get(flag if eq and flag.startswith("--") else word)
        if param is None:
            return None
        if param.type is bool:
            if eq and flag.startswith("--"):
                return None
            values[param.name] = True
            continue
        if eq and flag.startswith("--"):
            raw = attached
        elif i < len(words) and (words[i] == "-" or not words[i].startswith("-")):
            raw = words[i]
            i += 1
        else:
            return None
        try:
            value = param.type(raw)
        except ValueError:
            return None
        if param.repeat:
            values[param.name] = [*(values[param.name] or []), value]
        else:
            values[param.name] = value
    values["paths"] = [*paths, *tail] or None
    return values


def _fast_check(argv: Sequence[str]) -> int | None:
    """The exit code of a plain ``check`` command line, or ``None`` to use the typer app."""
    if not argv or argv[0] != "check":
        return None
    args = list(argv[1:])
    head = args[: args.index("--")] if "--" in args else args
    if any(a in ("-h", "--help") for a in head):
        return None
    values = _parse_plain(args)
    if values is None:
        values = _CheckParser().parse(args)
    if values is None:
        return None
    from sentra_lint.cli_check import check_command

    return check_command(values)


def __getattr__(name: str) -> Any:
    """``sentra_lint.cli.app``: the typer app, built on first use."""
    if name == "app":
        from sentra_lint.cli_app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _version_flag(argv: Sequence[str]) -> bool:
    if list(argv) not in (["--version"], ["-V"]):
        return False
    from sentra_lint._version import version

    sys.stdout.write(f"sentra-lint {version()}\n")
    return True


def _closed_pipe() -> None:
    """A reader that went away (``| head``) ends the program quietly, as it ends any Unix tool.

    Standard output is pointed at the null device so that the interpreter's
    final flush does not complain again; the status is the shell's for SIGPIPE.
    """
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.exit(141)


def main() -> None:
    import os

    try:
        if _version_flag(sys.argv[1:]):
            return
        code = _fast_check(sys.argv[1:])
        if code is None:
            from sentra_lint.cli_app import app

            app()
        elif code:
            sys.exit(code)
    except BrokenPipeError:
        _closed_pipe()
    except KeyboardInterrupt:
        sys.stderr.write("sentra-lint: interrupted\n")
        sys.exit(130)
    except Exception as exc:  # never a traceback, never a clean-looking run
        if os.environ.get("SENTRA_LINT_DEBUG"):
            raise
        from sentra_lint.result import describe_exception

        sys.stderr.write(f"sentra-lint: internal error: {describe_exception(exc)}\n")
        sys.exit(2)
