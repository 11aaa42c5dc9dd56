"""Command-line interface. Builds settings, calls the engine, maps the result to an exit code.

Exit codes: 0 no finding at or above ``--fail-on``; 1 at least one; 2 a usage
or configuration error, or an internal error (never a clean-looking run).
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

app = typer.Typer(
    name="sentra-lint",
    help="Lint Dockerfiles, GitHub Actions workflows and Compose files for container hardening.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

FORMATS = ("text", "json", "sarif", "github")
FAIL_ON = ("error", "warning", "note", "never")
KINDS = ("dockerfile", "workflow", "action", "compose", "devcontainer")


DEFAULT_MAX = 5 * 1024 * 1024


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


def _fail(message: str) -> typer.Exit:
    sys.stderr.write(f"sentra-lint: error: {message}\n")
    return typer.Exit(2)


class _CheckCommand(TyperCommand):
    """``check``, reading ``--fix=unsafe`` (an optional value Typer cannot declare) as ``--unsafe-fixes``."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
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
        result: list[str] = super().parse_args(ctx, rewritten)
        return result


@app.command(cls=_CheckCommand)
def check(
    paths: Annotated[list[str] | None, typer.Argument(help="Files and directories (default: .). '-' reads standard input.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, json, sarif or github.")] = "text",
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write the report to FILE.")] = None,
    profile: Annotated[str | None, typer.Option(help="phase1, phase2, phase3 or all (default: the config's, else phase1).")] = None,
    config: Annotated[str | None, typer.Option("--config", help="Use this config file instead of discovering one.")] = None,
    no_config: Annotated[bool, typer.Option("--no-config", help="Ignore every config file.")] = False,
    select: Annotated[str | None, typer.Option(help="Only these rule ids (comma-separated; prefixes like SC work).")] = None,
    ignore: Annotated[str | None, typer.Option(help="Skip these rule ids (comma-separated).")] = None,
    fail_on: Annotated[str, typer.Option("--fail-on", help="error, warning, note or never.")] = "error",
    kind: Annotated[str | None, typer.Option(help="Treat explicit paths as this kind.")] = None,
    trusted_registries: Annotated[
        str | None, typer.Option("--trusted-registries", help="Comma-separated registries (or prefixes) images may come from (SD020, SC020).")
    ] = None,
    no_ignores: Annotated[bool, typer.Option("--no-ignores", help="Disregard inline suppressions.")] = False,
    show_suppressed: Annotated[bool, typer.Option("--show-suppressed", help="List suppressed findings in text output.")] = False,
    sarif_category: Annotated[str | None, typer.Option("--sarif-category", help="SARIF runAutomationDetails id.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Parallel workers (0: all cores).")] = 0,
    max_file_size: Annotated[int, typer.Option("--max-file-size", help="Skip files larger than this many bytes.")] = DEFAULT_MAX,
    timeout_per_file: Annotated[
        float, typer.Option("--timeout-per-file", help="Skip a file (SE002) that takes longer than this many seconds (0: no limit).")
    ] = 10.0,
    color: Annotated[str, typer.Option(help="auto, always or never.")] = "auto",
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Say which config and files were used.")] = False,
    baseline: Annotated[str | None, typer.Option("--baseline", help="Report only findings not recorded in this baseline.")] = None,
    write_baseline: Annotated[str | None, typer.Option("--write-baseline", help="Record the current findings in FILE.")] = None,
    fix: Annotated[bool, typer.Option("--fix", help="Apply safe fixes (--fix=unsafe: unsafe ones too), then report what is left.")] = False,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help="With --fix or --diff: include unsafe fixes (same as --fix=unsafe).")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print the fixes as a unified diff; write nothing.")] = False,
) -> None:
    """Lint files and directories."""
    from sentra_lint.config import ConfigError
    from sentra_lint.engine import Settings, UsageError, parse_id_list, run
    from sentra_lint.packs import PROFILES, PackError
    from sentra_lint.source import Kind

    if fmt not in FORMATS:
        raise _fail(f"--format must be one of {', '.join(FORMATS)}, got '{fmt}'")
    if fail_on not in FAIL_ON:
        raise _fail(f"--fail-on must be one of {', '.join(FAIL_ON)}, got '{fail_on}'")
    if profile is not None and profile not in PROFILES:
        raise _fail(f"--profile must be one of {', '.join(PROFILES)}, got '{profile}'")
    if kind is not None and kind not in KINDS:
        raise _fail(f"--kind must be one of {', '.join(KINDS)}, got '{kind}'")
    targets = paths or ["."]
    if "-" in targets and kind is None:
        raise _fail("reading standard input needs --kind")
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
        raise _fail(str(exc)) from None
    except Exception as exc:
        from sentra_lint.baseline import BaselineError

        if isinstance(exc, BaselineError):
            raise _fail(str(exc)) from None
        raise
    if fix or diff:
        if "-" in targets:
            raise _fail("--fix and --diff need files, not standard input")
        fixed = _apply_fixes(targets, settings, result, unsafe=unsafe_fixes, write=not diff)
        if diff:
            _print_diff(fixed, output)
            raise typer.Exit(1 if any(f.changed for f in fixed) else 0)
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
            raise _fail(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        opts["color"] = color == "always" or (color == "auto" and fmt == "text" and sys.stdout.isatty())
        reporter(result, sys.stdout, opts)
        sys.stdout.flush()
    if result.errors:
        for e in result.errors:
            where = f" in rule {e.rule}" if e.rule else ""
            sys.stderr.write(f"sentra-lint: internal error{where} on {e.path}: {e.message}\n")
        raise typer.Exit(2)
    if fail_on != "never":
        threshold = {"error": 3, "warning": 2, "note": 1}[fail_on]
        if any(not f.suppressed and f.severity.rank >= threshold for f in result.findings):
            raise typer.Exit(1)


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
            raise _fail(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


@app.command("rules")
def rules_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """List every rule: id, name, severity, profiles."""
    import json

    from sentra_lint.packs import PROFILES, load_pack
    from sentra_lint.rules import all_rules

    packs = {p: set(load_pack(p).enabled_ids()) for p in PROFILES}
    rows = []
    for rule in all_rules():
        first = next((p for p in PROFILES if rule.id in packs[p]), "-")
        profile = {"phase1": "P1", "phase2": "P2", "phase3": "P3", "all": "opt-in"}.get(first, "-")
        rows.append((rule.id, rule.meta.slug, rule.meta.severity.value, profile, rule.meta.title))
    if fmt == "json":
        keys = ("id", "name", "severity", "profile", "title")
        json.dump([dict(zip(keys, r, strict=True)) for r in rows], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    width = max((len(r[1]) for r in rows), default=10)
    for rid, name, sev, prof, title in rows:
        sys.stdout.write(f"{rid}  {name:<{width}}  {sev:<7}  {prof:<6}  {title}\n")


@app.command()
def explain(rule_id: Annotated[str, typer.Argument(help="A rule id such as SC001.")]) -> None:
    """Print a rule's documentation: what it does, why, an example and the fix."""
    from sentra_lint.rules import is_known, load_rule

    rid = rule_id.strip().upper()
    rule = load_rule(rid) if is_known(rid) else None
    if rule is None:
        raise _fail(f"unknown rule id '{rule_id}' (see 'sentra-lint rules')")
    m = rule.meta
    sys.stdout.write(f"{m.id} {m.slug} [{m.severity.value}]\n\n{rule.doc}\n")


@app.command()
def schema() -> None:
    """Print the configuration JSON Schema (with every rule's options), for editors."""
    import json

    from sentra_lint.config import composed_schema

    json.dump(composed_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")


@app.command()
def init(
    path: Annotated[str, typer.Argument(help="Where to write the config.")] = ".sentra-lint.yaml",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter .sentra-lint.yaml that extends phase1."""
    from pathlib import Path

    from sentra_lint.config import STARTER

    target = Path(path)
    if target.exists() and not force:
        raise _fail(f"{path} already exists (use --force to overwrite)")
    target.write_text(STARTER, encoding="utf-8")
    sys.stdout.write(f"wrote {path}\n")


def main() -> None:
    import os

    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("sentra-lint: interrupted\n")
        sys.exit(130)
    except Exception as exc:  # never a traceback, never a clean-looking run
        if os.environ.get("SENTRA_LINT_DEBUG"):
            raise
        from sentra_lint.engine import describe_exception

        sys.stderr.write(f"sentra-lint: internal error: {describe_exception(exc)}\n")
        sys.exit(2)
