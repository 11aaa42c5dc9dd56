"""``sentra-lint check``: the parsed command line to options, the result to a report and an exit code.

Exit codes: 0 no finding at or above ``--fail-on``; 1 at least one; 2 a usage
or configuration error, or an internal error (never a clean-looking run).
The check itself is :func:`sentra_lint.check.run_check`; this module only
turns values into options, renders and picks the exit code.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import IO, Any

from sentra_lint.cli_options import COLORS, FAIL_ON, FORMATS, KINDS, SEVERITIES

_THRESHOLD = {"error": 3, "warning": 2, "note": 1}


class _Failure(Exception):
    """A usage or configuration error: the message goes to standard error, exit code 2."""


def check_command(values: Mapping[str, Any]) -> int:
    """Lint files and directories; the exit code. ``values`` has one entry per ``CHECK_PARAMS``."""
    try:
        return _check(values)
    except _Failure as exc:
        sys.stderr.write(f"sentra-lint: error: {exc}\n")
        return 2


def _choice(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise _Failure(f"{name} must be one of {', '.join(allowed)}, got '{value}'")


def _options(values: Mapping[str, Any]) -> Any:
    from sentra_lint.check import CheckOptions
    from sentra_lint.packs import PROFILE_NAMES, PROFILES, canonical_profile
    from sentra_lint.source import Kind

    _choice("--output-format", values["fmt"], FORMATS)
    _choice("--fail-on", values["fail_on"], FAIL_ON)
    _choice("--min-severity", values["min_severity"], SEVERITIES)
    _choice("--color", values["color"], COLORS)
    _choice("--profile", values["profile"], (*PROFILES, *PROFILE_NAMES))
    _choice("--kind", values["kind"], KINDS)
    paths: list[str] = values["paths"] or ["."]
    if "-" in paths and values["kind"] is None and _stdin_kind(values["stdin_filename"]) is None:
        raise _Failure(
            "reading standard input needs --kind, or a --stdin-filename whose name says the kind"
            if values["stdin_filename"] is None
            else f"--stdin-filename {values['stdin_filename']}: the name does not say the kind; add --kind"
        )
    from sentra_lint.reporters import NEEDS_SOURCES

    return CheckOptions(
        paths=paths,
        profile=canonical_profile(values["profile"]) if values["profile"] else None,
        select=_joined(values["select"]),
        ignore=_joined(values["ignore"]),
        stdin_filename=values["stdin_filename"],
        respect_gitignore=not values["no_respect_gitignore"],
        trusted_registries=values["trusted_registries"],
        no_ignores=values["no_ignores"],
        max_file_size=values["max_file_size"],
        timeout=values["timeout_per_file"],
        jobs=values["jobs"],
        kind=Kind(values["kind"]) if values["kind"] else None,
        verbose=values["verbose"],
        baseline=values["baseline"],
        write_baseline=values["write_baseline"],
        fix=values["fix"],
        unsafe_fixes=values["unsafe_fixes"],
        diff=values["diff"],
        sources=values["fmt"] in NEEDS_SOURCES,
        progress=True,
        cache_dir=values["cache_dir"],
        no_cache=values["no_cache"],
    )


def _joined(value: Any) -> str | None:
    """A repeated option's values as one comma-separated list (``None`` when not given)."""
    if value is None or isinstance(value, str):
        return value
    return ",".join(value) if value else None


def _stdin_kind(name: str | None) -> Any:
    if name is None:
        return None
    from pathlib import Path

    from sentra_lint.discover import classify_name

    return classify_name(Path(name))


def _run(values: Mapping[str, Any]) -> Any:
    """The options, the configuration and the run; every user error as a :class:`_Failure`."""
    from sentra_lint.baseline import BaselineError
    from sentra_lint.check import load_configuration, run_check
    from sentra_lint.marked import MarkedError
    from sentra_lint.packs import PackError
    from sentra_lint.settings import UsageError

    options = _options(values)
    try:
        cfg = load_configuration(values["config"], values["no_config"])
        if cfg is not None and options.verbose:
            sys.stderr.write(f"sentra-lint: using config {cfg.path}\n")
        return run_check(options, cfg)
    except (UsageError, PackError, MarkedError, BaselineError) as exc:
        raise _Failure(str(exc)) from None


def _check(values: Mapping[str, Any]) -> int:
    result = _run(values)
    quiet = values["quiet"]
    if values["verbose"]:
        _say_verbose(result)
    if result.fixed is not None:
        if not quiet:
            _say_fixed(result.fixed)
        if values["diff"]:
            _write(values["output"], lambda out: _print_diff(result.fixed.files, out))
            return 1 if any(f.changed for f in result.fixed.files) else 0
    if result.baseline_recorded is not None and not quiet:
        sys.stderr.write(f"sentra-lint: recorded {_count(result.baseline_recorded, 'finding')} in {values['write_baseline']}\n")
    if values["min_severity"]:
        rank = _THRESHOLD[values["min_severity"]]
        result.findings = [f for f in result.findings if f.severity.rank >= rank]
    if values["statistics"]:
        _write(values["output"], lambda out: _statistics(result, out, values["unsafe_fixes"]))
    else:
        _render(result, values)
    code = _exit_code(result, values["fail_on"])
    if code == 1 and (values["exit_zero"] or result.baseline_recorded is not None):
        return 0  # writing a baseline succeeds: `--write-baseline b.json && git add b.json`
    return code


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _say_verbose(result: Any) -> None:
    for note in result.notes:
        sys.stderr.write(f"sentra-lint: {note}\n")
    for path in result.linted:
        sys.stderr.write(f"sentra-lint: linted {path}\n")
    ran = ", ".join(r.id for r in result.rules) or "none"
    sys.stderr.write(f"sentra-lint: {_count(len(result.linted), 'file')} linted; rules: {ran}\n")


def _statistics(result: Any, out: IO[str], unsafe: bool) -> None:
    """Findings per rule, most frequent first, with how many ``--fix`` fixes (``ruff --statistics``)."""
    from sentra_lint.reporters.text import fixable

    counts: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for f in result.findings:
        if f.suppressed:
            continue
        row = counts.setdefault(f.rule, [0, 0])
        row[0] += 1
        row[1] += 1 if fixable(f, unsafe) else 0
        names[f.rule] = f.name
    for rule, (count, fixes) in sorted(counts.items(), key=lambda kv: (-kv[1][0], kv[0])):
        mark = f"[*] {fixes} fixable" if fixes else ""
        out.write(f"{count:>6}  {rule:<7} {names[rule]:<32} {mark}".rstrip() + "\n")


def _render(result: Any, values: Mapping[str, Any]) -> None:
    from sentra_lint.reporters import get_reporter

    fmt = values["fmt"]
    reporter = get_reporter(fmt)
    opts: dict[str, Any] = {
        "sarif_category": values["sarif_category"],
        "show_suppressed": values["show_suppressed"],
        "quiet": values["quiet"],
        "unsafe_fixes": values["unsafe_fixes"],
    }
    opts["color"] = values["output"] is None and fmt == "text" and _color(values["color"])
    _write(values["output"], lambda out: reporter(result, out, opts))


def _color(choice: str) -> bool:
    """``--color``, else ``FORCE_COLOR`` / ``NO_COLOR`` (https://no-color.org), else whether stdout is a terminal."""
    import os

    if choice != "auto":
        return choice == "always"
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _write(output: str | None, emit: Any) -> None:
    """Call ``emit(stream)`` with the output file, or standard output."""
    if output is None:
        emit(sys.stdout)
        sys.stdout.flush()
        return
    try:
        with open(output, "w", encoding="utf-8", newline="\n") as fh:
            emit(fh)
    except OSError as exc:
        raise _Failure(f"cannot write {output}: {exc.strerror or exc}") from None


def _exit_code(result: Any, fail_on: str) -> int:
    if result.errors:
        for e in result.errors:
            where = f" in rule {e.rule}" if e.rule else ""
            sys.stderr.write(f"sentra-lint: internal error{where} on {e.path}: {e.message}\n")
        return 2
    if fail_on == "never":
        return 0
    threshold = _THRESHOLD[fail_on]
    return 1 if any(not f.suppressed and f.severity.rank >= threshold for f in result.findings) else 0


def _say_fixed(report: Any) -> None:
    """What ``--fix``/``--diff`` did, on standard error."""
    write = report.write
    verb = "fixed" if write else "would fix"
    done = [f for f in report.files if f.changed and (f.written or not write)]
    count = sum(len(f.applied) for f in done)
    for f in report.files:
        for rule, description, reason in f.dropped:
            sys.stderr.write(f"sentra-lint: {f.path}: {rule} fix dropped ({description}): {reason}\n")
        if f.skipped:
            sys.stderr.write(f"sentra-lint: {f.path}: {f.skipped}\n")
    note = f" ({report.unsafe_left} more with --fix=unsafe)" if report.unsafe_left else ""
    sys.stderr.write(f"sentra-lint: {verb} {_count(count, 'finding')} in {_count(len(done), 'file')}{note}\n")


def _print_diff(files: list[Any], out: IO[str]) -> None:
    from sentra_lint.fixes import unified_diff

    out.write("".join(unified_diff(f) for f in files if f.changed))
