"""Command-line interface. Builds settings, calls the engine, maps the result to an exit code.

Exit codes: 0 no finding at or above ``--fail-on``; 1 at least one; 2 a usage
or configuration error, or an internal error (never a clean-looking run).

``check`` is what runs on every commit, so it starts without typer (which
imports pydantic and builds adapters for every option, about a third of a
cold start): its options are declared once, in :data:`CHECK_PARAMS`, and
:func:`main` parses a plain ``check`` command line with an ``argparse``
parser made from them. Anything else (other commands, ``--help``, a command
line that parser does not accept) goes to the typer app
(:mod:`sentra_lint.cli_app`, also ``sentra_lint.cli.app``), whose ``check``
is generated from the same table and calls the same :func:`run_check`.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

FORMATS = ("text", "json", "sarif", "github", "markdown")
FAIL_ON = ("error", "warning", "note", "never")
KINDS = ("dockerfile", "workflow", "action", "compose", "devcontainer")


DEFAULT_MAX = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter of ``check``: the argument (no flags) or an option."""

    name: str
    """The keyword :func:`run_check` reads it by."""
    flags: tuple[str, ...]
    type: Any
    """``str``, ``int``, ``float``, ``bool`` (a flag), or ``list`` (the paths)."""
    default: Any
    help: str

    @property
    def annotation(self) -> Any:
        """The Python type the typer command declares for it."""
        if self.type is list:
            return list[str] | None
        if self.default is None:
            return self.type | None
        return self.type


CHECK_PARAMS: tuple[Param, ...] = (
    Param("paths", (), list, None, "Files and directories (default: .). '-' reads standard input."),
    Param("fmt", ("--format", "-f"), str, "text", "text, json, sarif, github or markdown."),
    Param("output", ("--output", "-o"), str, None, "Write the report to FILE."),
    Param("profile", ("--profile",), str, None, "phase1, phase2, phase3 or all (default: the config's, else phase1)."),
    Param("config", ("--config",), str, None, "Use this config file instead of discovering one."),
    Param("no_config", ("--no-config",), bool, False, "Ignore every config file."),
    Param("select", ("--select",), str, None, "Only these rule ids (comma-separated; prefixes like SC work)."),
    Param("ignore", ("--ignore",), str, None, "Skip these rule ids (comma-separated)."),
    Param("fail_on", ("--fail-on",), str, "error", "error, warning, note or never."),
    Param("kind", ("--kind",), str, None, "Treat explicit paths as this kind."),
    Param(
        "trusted_registries", ("--trusted-registries",), str, None,
        "Comma-separated registries (or prefixes) images may come from (SD020, SC020).",
    ),
    Param("no_ignores", ("--no-ignores",), bool, False, "Disregard inline suppressions."),
    Param("show_suppressed", ("--show-suppressed",), bool, False, "List suppressed findings in text output."),
    Param("sarif_category", ("--sarif-category",), str, None, "SARIF runAutomationDetails id."),
    Param("jobs", ("--jobs", "-j"), int, 0, "Parallel workers (0: all cores)."),
    Param("max_file_size", ("--max-file-size",), int, DEFAULT_MAX, "Skip files larger than this many bytes."),
    Param(
        "timeout_per_file", ("--timeout-per-file",), float, 10.0,
        "Skip a file (SE002) that takes longer than this many seconds (0: no limit).",
    ),
    Param("color", ("--color",), str, "auto", "auto, always or never."),
    Param("verbose", ("--verbose", "-v"), bool, False, "Say which config and files were used."),
    Param("baseline", ("--baseline",), str, None, "Report only findings not recorded in this baseline."),
    Param("write_baseline", ("--write-baseline",), str, None, "Record the current findings in FILE."),
    Param("fix", ("--fix",), bool, False, "Apply safe fixes (--fix=unsafe: unsafe ones too), then report what is left."),
    Param(
        "unsafe_fixes", ("--unsafe-fixes",), bool, False,
        "With --fix or --diff: include unsafe fixes (same as --fix=unsafe).",
    ),
    Param("diff", ("--diff",), bool, False, "Print the fixes as a unified diff; write nothing."),
)


class _Failure(Exception):
    """A usage or configuration error: the message goes to standard error, exit code 2."""


def rewrite_fix(args: Sequence[str]) -> list[str]:
    """``--fix=unsafe`` (an optional value neither parser declares) as ``--fix --unsafe-fixes``."""
    rewritten: list[str] = []
    for arg in args:
        if arg == "--":
            rewritten.extend(args[len(rewritten) :])
            break
        if arg == "--fix=unsafe":
            rewritten.extend(("--fix", "--unsafe-fixes"))
        elif arg == "--fix=safe":
            rewritten.append("--fix")
        else:
            rewritten.append(arg)
    return rewritten


def _load_config(path: str | None, disabled: bool, verbose: bool) -> Any:
    """The config to use: ``--config``, else the nearest one found, else none."""
    from pathlib import Path

    from sentra_lint.config import ConfigError, find_config, load_config

    if disabled:
        return None
    found: Path | None
    if path:
        found = Path(path)
        if not found.is_file():
            raise ConfigError(f"{path}: config file not found")
    else:
        found = find_config(Path.cwd())
    if found is None:
        return None
    if verbose:
        sys.stderr.write(f"sentra-lint: using config {found}\n")
    return load_config(found)


def _rebase(cfg: Any, profile: str) -> Any:
    """``--profile`` replaces the config's base profile; the config's own rule settings still apply."""
    from sentra_lint.packs import load_pack, merge_rules

    policy = load_pack(profile)
    merge_rules(policy.rules, cfg.raw.get("rules"), str(cfg.path))
    return policy


def run_check(values: Mapping[str, Any]) -> int:
    """Lint files and directories; the exit code. ``values`` has one entry per :data:`CHECK_PARAMS`."""
    try:
        return _check(values)
    except _Failure as exc:
        sys.stderr.write(f"sentra-lint: error: {exc}\n")
        return 2


def _check(values: Mapping[str, Any]) -> int:
    paths: list[str] | None = values["paths"]
    fmt: str = values["fmt"]
    output: str | None = values["output"]
    profile: str | None = values["profile"]
    config: str | None = values["config"]
    no_config: bool = values["no_config"]
    select: str | None = values["select"]
    ignore: str | None = values["ignore"]
    fail_on: str = values["fail_on"]
    kind: str | None = values["kind"]
    trusted_registries: str | None = values["trusted_registries"]
    no_ignores: bool = values["no_ignores"]
    show_suppressed: bool = values["show_suppressed"]
    sarif_category: str | None = values["sarif_category"]
    jobs: int = values["jobs"]
    max_file_size: int = values["max_file_size"]
    timeout_per_file: float = values["timeout_per_file"]
    color: str = values["color"]
    verbose: bool = values["verbose"]
    baseline: str | None = values["baseline"]
    write_baseline: str | None = values["write_baseline"]
    fix: bool = values["fix"]
    unsafe_fixes: bool = values["unsafe_fixes"]
    diff: bool = values["diff"]
    from sentra_lint.config import ConfigError
    from sentra_lint.engine import Settings, UsageError, parse_id_list, run
    from sentra_lint.packs import PROFILES, PackError
    from sentra_lint.source import Kind

    if fmt not in FORMATS:
        raise _Failure(f"--format must be one of {', '.join(FORMATS)}, got '{fmt}'")
    if fail_on not in FAIL_ON:
        raise _Failure(f"--fail-on must be one of {', '.join(FAIL_ON)}, got '{fail_on}'")
    if profile is not None and profile not in PROFILES:
        raise _Failure(f"--profile must be one of {', '.join(PROFILES)}, got '{profile}'")
    if kind is not None and kind not in KINDS:
        raise _Failure(f"--kind must be one of {', '.join(KINDS)}, got '{kind}'")
    targets = paths or ["."]
    if "-" in targets and kind is None:
        raise _Failure("reading standard input needs --kind")
    try:
        cfg = _load_config(config, no_config, verbose)
        settings = Settings(
            profile=profile or (cfg.profile if cfg else None) or "phase1",
            select=parse_id_list(select),
            ignore=parse_id_list(ignore) or frozenset(),
            trusted_registries=tuple(r.strip() for r in (trusted_registries or "").split(",") if r.strip())
            or (cfg.trusted_registries if cfg else ()),
            no_ignores=no_ignores,
            max_bytes=max_file_size if max_file_size != DEFAULT_MAX or not cfg or not cfg.max_file_size
            else cfg.max_file_size,
            jobs=max(0, jobs),
            timeout=max(0.0, timeout_per_file),
            kind=Kind(kind) if kind else None,
            policy=cfg.policy if cfg and profile is None else None,
            exclude=cfg.exclude if cfg else (),
            config_suppressions=tuple(cfg.suppressions) if cfg else (),
            verbose=verbose,
            images=dict(cfg.images) if cfg else {},
            agents=dict(cfg.agents) if cfg else {},
            config_dir=str(cfg.path.parent) if cfg and cfg.path else None,
            config_path=str(cfg.path) if cfg and cfg.path else None,
        )
        if cfg and profile is not None and cfg.policy is not None:
            settings.policy = _rebase(cfg, profile)
        result = run(targets, settings)
        if verbose:
            for note in result.notes:
                sys.stderr.write(f"sentra-lint: {note}\n")
        if baseline:
            from pathlib import Path

            from sentra_lint.baseline import apply_baseline, read_baseline

            apply_baseline(result.findings, read_baseline(Path(baseline)), baseline)
    except (UsageError, PackError, ConfigError) as exc:
        raise _Failure(str(exc)) from None
    except Exception as exc:
        from sentra_lint.baseline import BaselineError

        if isinstance(exc, BaselineError):
            raise _Failure(str(exc)) from None
        raise
    if fix or diff:
        if "-" in targets:
            raise _Failure("--fix and --diff need files, not standard input")
        fixed = _apply_fixes(targets, settings, result, unsafe=unsafe_fixes, write=not diff)
        if diff:
            _print_diff(fixed, output)
            return 1 if any(f.changed for f in fixed) else 0
        if any(f.written for f in fixed):
            result = run(targets, settings)
            if baseline:
                from pathlib import Path

                from sentra_lint.baseline import apply_baseline, read_baseline

                apply_baseline(result.findings, read_baseline(Path(baseline)), baseline)
    if write_baseline:
        from pathlib import Path

        from sentra_lint.baseline import write_baseline as _write

        n = _write(Path(write_baseline), result.findings)
        sys.stderr.write(f"sentra-lint: recorded {n} finding(s) in {write_baseline}\n")

    from sentra_lint.reporters import get_reporter

    opts: dict[str, Any] = {"sarif_category": sarif_category, "show_suppressed": show_suppressed}
    reporter = get_reporter(fmt)
    if output:
        try:
            with open(output, "w", encoding="utf-8", newline="\n") as fh:
                opts["color"] = False
                reporter(result, fh, opts)
        except OSError as exc:
            raise _Failure(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        opts["color"] = color == "always" or (color == "auto" and fmt == "text" and sys.stdout.isatty())
        reporter(result, sys.stdout, opts)
        sys.stdout.flush()
    if result.errors:
        for e in result.errors:
            where = f" in rule {e.rule}" if e.rule else ""
            sys.stderr.write(f"sentra-lint: internal error{where} on {e.path}: {e.message}\n")
        return 2
    if fail_on != "never":
        threshold = {"error": 3, "warning": 2, "note": 1}[fail_on]
        if any(not f.suppressed and f.severity.rank >= threshold for f in result.findings):
            return 1
    return 0


def _apply_fixes(targets: list[str], settings: Any, result: Any, *, unsafe: bool, write: bool) -> list[Any]:
    """Fix the files whose findings carry fixes; say on standard error what was done."""
    from sentra_lint.fixes import fix_paths

    files = sorted({f.path for f in result.findings if f.fixes and not f.suppressed})
    fixed = fix_paths(targets, settings, files, unsafe=unsafe, write=write)
    verb = "fixed" if write else "would fix"
    count = sum(len(f.applied) for f in fixed if f.changed and (f.written or not write))
    changed = sum(1 for f in fixed if f.changed and (f.written or not write))
    for f in fixed:
        for rule, description, reason in f.dropped:
            sys.stderr.write(f"sentra-lint: {f.path}: {rule} fix dropped ({description}): {reason}\n")
        if f.skipped:
            sys.stderr.write(f"sentra-lint: {f.path}: {f.skipped}\n")
    left = sum(1 for f in result.findings if f.fixes and not f.suppressed and not any(x.safe for x in f.fixes))
    note = f" ({left} more with --fix=unsafe)" if left and not unsafe else ""
    sys.stderr.write(f"sentra-lint: {verb} {count} finding(s) in {changed} file(s){note}\n")
    return fixed


def _print_diff(fixed: list[Any], output: str | None) -> None:
    from sentra_lint.fixes import unified_diff

    text = "".join(unified_diff(f) for f in fixed if f.changed)
    if output:
        try:
            with open(output, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        except OSError as exc:
            raise _Failure(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


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
            else:
                parser.add_argument(*p.flags, dest=p.name, type=p.type, default=p.default)
        self.parser = parser

    def parse(self, args: Sequence[str]) -> dict[str, Any] | None:
        import argparse

        try:
            ns = self.parser.parse_intermixed_args(rewrite_fix(args))
        except (_ParseFailed, argparse.ArgumentError, ValueError, TypeError):
            return None
        values = vars(ns)
        if not values.get("paths"):
            values["paths"] = None
        return values


def _fast_check(argv: Sequence[str]) -> int | None:
    """The exit code of a plain ``check`` command line, or ``None`` to use the typer app."""
    if not argv or argv[0] != "check":
        return None
    args = list(argv[1:])
    head = args[: args.index("--")] if "--" in args else args
    if any(a in ("-h", "--help") for a in head):
        return None
    values = _CheckParser().parse(args)
    if values is None:
        return None
    return run_check(values)


def __getattr__(name: str) -> Any:
    """``sentra_lint.cli.app``: the typer app, built on first use."""
    if name == "app":
        from sentra_lint.cli_app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    import os

    try:
        code = _fast_check(sys.argv[1:])
        if code is None:
            from sentra_lint.cli_app import app

            app()
        elif code:
            sys.exit(code)
    except KeyboardInterrupt:
        sys.stderr.write("sentra-lint: interrupted\n")
        sys.exit(130)
    except Exception as exc:  # never a traceback, never a clean-looking run
        if os.environ.get("SENTRA_LINT_DEBUG"):
            raise
        from sentra_lint.engine import describe_exception

        sys.stderr.write(f"sentra-lint: internal error: {describe_exception(exc)}\n")
        sys.exit(2)
