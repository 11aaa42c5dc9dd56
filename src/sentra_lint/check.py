"""One check, from the options and the configuration to a :class:`RunResult`.

:func:`run_check` is what ``sentra-lint check`` does between parsing its
command line and rendering the report: it settles every setting (an option
that was given wins, else the configuration's value, else the default), runs
the engine, applies a baseline, applies fixes and lints again, and records a
baseline. It prints nothing and never exits; problems a user must fix are
raised as :class:`CheckError` subclasses (usage, configuration, pack and
baseline errors), which the command line turns into exit code 2.
"""

from __future__ import annotations

import os
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sentra_lint._dataclass import dataclass
from sentra_lint.result import RunResult
from sentra_lint.settings import Settings, UsageError
from sentra_lint.source import Kind

if TYPE_CHECKING:
    from sentra_lint.config import Config


@dataclass(slots=True)
class CheckOptions:
    """What the command line asked for. ``None`` means "not given": the configuration, else the default, decides."""

    paths: list[str] = field(default_factory=lambda: ["."])
    profile: str | None = None
    select: str | None = None
    """Comma-separated ids, names or prefixes."""
    ignore: str | None = None
    trusted_registries: str | None = None
    no_ignores: bool = False
    max_file_size: int | None = None
    timeout: float | None = None
    jobs: int = 0
    kind: Kind | None = None
    verbose: bool = False
    baseline: str | None = None
    write_baseline: str | None = None
    fix: bool = False
    unsafe_fixes: bool = False
    diff: bool = False
    """Compute the fixes without writing them (``RunResult.fixed`` holds them)."""
    cache_dir: str | None = None
    """Keep per-file results in this folder and reuse them while nothing they depend on changes."""
    no_cache: bool = False
    """Neither read nor write the result cache (wins over ``cache_dir``)."""
    progress: bool = False
    """A progress line on a terminal (standard error) for long runs."""
    sources: bool = False
    """Read what the report needs from the files (line hashes: SARIF)."""
    stdin_filename: str | None = None
    """The path standard input is shown by (and whose name gives its kind)."""
    respect_gitignore: bool = True


@dataclass(slots=True)
class FixReport:
    """What ``--fix``/``--diff`` did: the files (``fixes.FileFix``) and the fixes left for ``--fix=unsafe``."""

    files: list[Any]
    unsafe_left: int
    write: bool


def load_configuration(path: str | None, disabled: bool) -> Config | None:
    """The config to use: ``path``, else the nearest one found from the current folder, else none."""
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
    return load_config(found) if found is not None else None


def build_settings(options: CheckOptions, cfg: Config | None) -> Settings:
    """The run's settings: each option given wins over the configuration, which wins over the default."""
    from sentra_lint.rules import BUILTIN
    from sentra_lint.selection import parse_id_list

    rules = cfg.rules if cfg else BUILTIN
    settings = Settings(
        profile=options.profile or (cfg.profile if cfg else None) or "phase1",
        select=_select(options, cfg, rules),
        ignore=(parse_id_list(options.ignore, rules) or frozenset()) | frozenset(cfg.ignore if cfg else ()),
        trusted_registries=_split(options.trusted_registries) or (cfg.trusted_registries if cfg else ()),
        no_ignores=options.no_ignores,
        jobs=max(0, options.jobs),
        kind=options.kind,
        exclude=cfg.exclude if cfg else (),
        config_suppressions=tuple(cfg.suppressions) if cfg else (),
        verbose=options.verbose,
        progress=options.progress,
        cache_dir=None if options.no_cache else options.cache_dir,
        images=dict(cfg.images) if cfg else {},
        agents=dict(cfg.agents) if cfg else {},
        config_dir=str(cfg.path.parent) if cfg and cfg.path else None,
        config_path=str(cfg.path) if cfg and cfg.path else None,
        rules=rules,
        stdin_filename=options.stdin_filename,
        respect_gitignore=options.respect_gitignore,
    )
    max_bytes = options.max_file_size if options.max_file_size is not None else (cfg.max_file_size if cfg else None)
    if max_bytes is not None:
        settings.max_bytes = max_bytes
    if options.timeout is not None:
        settings.timeout = max(0.0, options.timeout)
    if cfg is not None and cfg.policy is not None:
        settings.policy = cfg.policy if options.profile is None else rebase_policy(cfg, options.profile)
    if cfg is not None and cfg.targets is not None:
        from sentra_lint.agents.targets import Targets

        settings.targets = Targets.from_config(cfg.targets)
    return settings


def _select(options: CheckOptions, cfg: Config | None, rules: Any) -> frozenset[str] | None:
    """``--select`` when given, else the config's ``select:``, else the profile decides (``None``)."""
    from sentra_lint.selection import parse_id_list

    if options.select is not None:
        return parse_id_list(options.select, rules)
    return frozenset(cfg.select) if cfg is not None and cfg.select is not None else None


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(r.strip() for r in (value or "").split(",") if r.strip())


def rebase_policy(cfg: Config, profile: str) -> Any:
    """``--profile`` replaces the config's base profile; the config's own rule settings still apply."""
    from sentra_lint.config import apply_sections
    from sentra_lint.packs import load_pack, merge_rules

    policy = load_pack(profile)
    merge_rules(policy.rules, cfg.raw.get("rules"), str(cfg.path))
    apply_sections(policy, cfg.raw)
    return policy


def run_check(options: CheckOptions, cfg: Config | None) -> RunResult:
    """Lint, apply the baseline, fix and lint again when asked, record a baseline when asked."""
    if (options.fix or options.diff) and "-" in options.paths:
        raise UsageError("--fix and --diff need files, not standard input")
    missing = next((p for p in options.paths if p != "-" and not os.path.lexists(p)), None)
    if missing is not None:
        # A typo in a path must never look like a clean run.
        raise UsageError(f"{missing}: no such file or directory")
    settings = build_settings(options, cfg)
    result = _lint(options, settings)
    if options.fix or options.diff:
        report = _fix(options, settings, result)
        if report.write and any(f.written for f in report.files):
            notes = result.notes
            result = _lint(options, settings)
            result.notes = notes
        result.fixed = report
    if options.write_baseline:
        from sentra_lint.baseline import write_baseline

        result.baseline_recorded = write_baseline(Path(options.write_baseline), result.findings)
    return result


def _lint(options: CheckOptions, settings: Settings) -> RunResult:
    from sentra_lint.engine import run

    result = run(options.paths, settings)
    if options.baseline:
        from sentra_lint.baseline import apply_baseline, read_baseline

        apply_baseline(result.findings, read_baseline(Path(options.baseline)), options.baseline)
    if options.sources:
        from sentra_lint.sources import describe

        result.sources = describe(result.findings)
    return result


def _fix(options: CheckOptions, settings: Settings, result: RunResult) -> FixReport:
    from sentra_lint.fixes import fix_paths

    unsafe = options.unsafe_fixes
    files = sorted({f.path for f in result.findings if f.fixes and not f.suppressed})
    fixed = fix_paths(options.paths, settings, files, unsafe=unsafe, write=not options.diff)
    left = sum(1 for f in result.findings if f.fixes and not f.suppressed and not any(x.safe for x in f.fixes))
    return FixReport(fixed, 0 if unsafe else left, write=not options.diff)
