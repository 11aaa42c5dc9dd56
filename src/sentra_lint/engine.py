"""The engine: discover, parse, run the rules, stamp and mark findings.

The core returns data (a :class:`RunResult`) and never exits; the CLI maps
the result to an exit code. Config and suppressions mark findings, never drop
them.
"""

from __future__ import annotations

import gc
import importlib
import os
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from sentra_lint import filecache
from sentra_lint import io as sio
from sentra_lint._lazy_re import lazy_compile
from sentra_lint._sha import sha256
from sentra_lint.analysis import preload_modules
from sentra_lint.budget import BudgetExceeded, time_budget
from sentra_lint.container.posture import Launch, launch_of
from sentra_lint.discover import Candidate, discover
from sentra_lint.findings import Finding, Related, Severity, Violation
from sentra_lint.globs import matches
from sentra_lint.result import FileResult, InternalError, RunResult
from sentra_lint.rules import load_rule
from sentra_lint.selection import ActiveRules, parse_id_list, select_rules
from sentra_lint.settings import Settings, UsageError
from sentra_lint.source import Kind, SourceFile, Span
from sentra_lint.stamp import clip_line, in_scope, stamp, suppress_inline
from sentra_lint.suppress import Suppressions, scan

__all__ = [
    "ActiveRules", "FileResult", "InternalError", "RunResult", "Settings", "UsageError",
    "lint_source", "parse_id_list", "run", "select_rules",
]

# Below this many files the process pool costs more than it saves.
PARALLEL_THRESHOLD = 24


def _input_finding(
    rule_id: str, path: str, span: Span, message: str, src: SourceFile | None,
    active: ActiveRules | None = None, severity: Severity | None = None,
) -> Finding:
    rule = load_rule(rule_id)
    assert rule is not None
    setting = active.settings.get(rule_id) if active is not None else None
    line = clip_line(src.line_text(span.line)) if src else ""
    return stamp(rule, setting, Violation(span, message, severity), path, line)


def lint_source(
    src: SourceFile, kind: Kind, active: ActiveRules, settings: Settings, callers: tuple[Any, ...] = ()
) -> FileResult:
    """Lint one file already read into memory (``callers``: what a reusable
    workflow inherits from the run's workflows that call it)."""
    from sentra_lint.analysis import analyse

    result = FileResult()
    try:
        analysis = analyse(src, kind, callers) if callers else analyse(src, kind)
    except RecursionError:
        if "SE001" in active.enabled:
            result.findings.append(
                _input_finding("SE001", src.path, Span.point(1), "file is nested too deeply to analyse", src, active)
            )
        return result
    except Exception as exc:  # a parser bug: never a clean run
        result.errors.append(InternalError.of(src.path, None, exc, "parser failed: "))
        return result
    if analysis.template is not None:
        # A template is not a file of its kind: one note, nothing else from it.
        if "SE002" in active.enabled:
            span, message = analysis.template
            result.findings.append(_input_finding("SE002", src.path, span, message, src, active, Severity.NOTE))
        return result
    if any(name == "container" for name, _ in analysis.targets):
        aims = settings.resolved_targets()
        analysis.targets = [
            (name, aims.aim(t) if name == "container" else t) for name, t in analysis.targets
        ]
    else:
        aims = None
    if "SE001" in active.enabled:
        for span, message in analysis.problems:
            result.findings.append(_input_finding("SE001", src.path, span, message, src, active))
    if active.linkable and active.by_target.get("repository"):
        from sentra_lint.crossfile.run import collect_facts

        try:
            result.facts = collect_facts(src, kind, analysis)
        except Exception as exc:
            result.errors.append(InternalError.of(src.path, None, exc, "cross-file facts failed: "))
    launches = _run_rules(src, kind, analysis.targets, active, result, aims)
    if analysis.own_lines is not None:
        # Merged with another file laid after this one: its lines are its own.
        own = analysis.own_lines
        result.findings = [f for f in result.findings if f.path != src.path or f.span.line <= own]
        launches = [(spec, found) for spec, found in launches if spec.path != src.path or spec.anchor_span.line <= own]
    _apply_suppressions(src, analysis.comment_lines, result, active, settings)
    kept = {id(f) for f in result.findings}
    result.launches = [
        launch_of(
            spec,
            [f for f in found if id(f) in kept],
            checked=aims is None or aims.runs("hardening", spec),  # the ADR controls ran on it
        )
        for spec, found in launches
    ]
    return result


def _run_rules(
    src: SourceFile, kind: Kind, targets: list[tuple[str, Any]], active: ActiveRules, result: FileResult,
    aims: Any = None,
) -> list[tuple[Any, list[Finding]]]:
    """Run every active rule on its targets and stamp what it finds; each container launch with its findings.

    One line shared by several launches (a YAML anchor merged into several
    services, a matrix job's options) is one place to fix: its finding is
    reported once, the other launches that repeat it are related locations.
    In a YAML file, a finding repeated word for word on another target (an
    aliased step) is reported once; a Dockerfile has no aliases.
    """
    shared: dict[tuple[str, str, Span], Finding] = {}
    launches: list[tuple[Any, list[Finding]]] = []
    repeated: set[tuple[str, str, Span, str]] = set()
    for target_name, target in targets:
        mine: list[Finding] = []
        if target_name == "container":
            launches.append((target, mine))
        for rule, setting, ctx in active.by_target.get(target_name, ()):
            if not in_scope(src.path, setting):
                continue
            # Hardening rules run on target launches (all of them under `audit`), and
            # offer their fixes on targets only (`agents.targets`).
            family = rule.meta.family
            if aims is not None and target_name == "container" and not aims.runs(family, target):
                continue
            no_fix = family == "hardening" and target_name == "container" and target.target is None
            try:
                for v in rule.check(target, ctx):
                    if no_fix and v.fixes:
                        v = replace(v, fixes=())
                    path = v.path or src.path
                    if target_name != "container" and kind is not Kind.DOCKERFILE:
                        # An aliased step (``- *checkout``) is the anchored step again.
                        same = (rule.id, path, v.span, v.message)
                        if same in repeated:
                            continue
                        repeated.add(same)
                    if target_name == "container":
                        first = shared.get((rule.id, path, v.span))
                        if first is not None:
                            _also_serves(first, Related(path, target.anchor_span, f"also for {target.label}"))
                            mine.append(first)
                            continue
                    line = clip_line(src.line_text(v.span.line)) if path == src.path else ""
                    result.findings.append(stamp(rule, setting, v, path, line))
                    if target_name == "container":
                        shared[(rule.id, path, v.span)] = result.findings[-1]
                        mine.append(result.findings[-1])
            except Exception as exc:
                result.errors.append(InternalError.of(src.path, rule.id, exc))
    return launches


def _also_serves(first: Finding, also: Related) -> None:
    first.related = (*first.related, also)
    n = sum(1 for r in first.related if r.message.startswith("also for "))
    base = first.message.split(" [this line also serves ", 1)[0]
    more = f"{n} more launch{'es' if n > 1 else ''}"
    first.message = f"{base} [this line also serves {more}]"


def apply_config_suppressions(findings: list[Finding], settings: Settings) -> None:
    """Config-level suppressions by ``path[:line]`` and ``per-file-ignores`` (SARIF kind ``external``).

    Rules are named by id or prefix (``SC`` covers every SC rule).
    """
    for sup in settings.config_suppressions:
        for f in findings:
            if f.suppressed or not any(f.rule.startswith(r) for r in sup.rules):
                continue
            if not matches(f.path, [sup.path]):
                continue
            if sup.line is not None and not (f.span.line <= sup.line <= f.span.end_line):
                continue
            f.suppressed = True
            f.suppression_kind = "external"
            f.justification = sup.reason or None


def _apply_suppressions(
    src: SourceFile,
    comment_lines: Any,
    result: FileResult,
    active: ActiveRules,
    settings: Settings,
) -> None:
    pragmas = scan(src)
    if not pragmas:
        return
    if "SE003" in active.enabled:
        for p in pragmas:
            for rid, span in zip(p.ids, p.id_spans, strict=True):
                if rid != "ALL" and not active.rules.is_known(rid):
                    result.findings.append(
                        _input_finding("SE003", src.path, span, f"suppression names unknown rule '{rid}'", src, active)
                    )
    if settings.no_ignores:
        return
    table = Suppressions.build(pragmas)
    used: set[tuple[int, str]] = set()
    for f in result.findings:
        if f.path != src.path or f.rule == "SE003":
            continue
        lines = comment_lines(f.span.line) if comment_lines else [f.span.line]
        hit = suppress_inline(f, table, lines)
        if hit is not None:
            used.add((hit, f.rule))
            used.add((hit, "ALL"))
    if "SE003" in active.enabled:
        _report_unused(src, pragmas, used, result, active)


def _report_unused(
    src: SourceFile, pragmas: list[Any], used: set[tuple[int, str]], result: FileResult, active: ActiveRules
) -> None:
    """A suppression of a rule that ran on this file and found nothing there is stale (SE003).

    Rules that did not run (not selected, another kind of file) and the
    cross-file rules, whose findings are matched later, are left alone.
    """
    for p in pragmas:
        for rid, span in zip(p.ids, p.id_spans, strict=True):
            if rid == "ALL" or not active.rules.is_known(rid) or rid not in active.enabled or rid.startswith("SE"):
                continue
            if active.rules.target_of(rid) in ("repository", "input") or (p.line, rid) in used:
                continue
            if not active.runs(rid):
                continue
            message = f"suppression of {rid} matches no finding here"
            if src.kind is Kind.DOCKERFILE and not p.full_line:
                message += "; in a Dockerfile it goes on a line of its own, directly above the instruction"
            result.findings.append(_input_finding("SE003", src.path, span, message, src, active))


def lint_candidate(cand: Candidate, active: ActiveRules, settings: Settings, cwd: str) -> FileResult:
    """Read and lint one file; with the result cache, what the lint read is recorded on the result."""
    if settings.cache_dir is None:
        return _lint_in_budget(cand, active, settings, cwd)
    from sentra_lint.cache import recording

    with recording() as reads:
        res = _lint_in_budget(cand, active, settings, cwd)
    res.reads = tuple(reads)
    return res


def _lint_in_budget(cand: Candidate, active: ActiveRules, settings: Settings, cwd: str) -> FileResult:
    """Read and lint one file within ``settings.timeout``; over it, the file gets SE002.

    The cyclic garbage collector waits while one file is linted: the models
    are trees that reference counting frees, and the collector's passes over
    a large model (a 5 MB workflow is millions of objects) cost a third of
    that file's time. What a file leaves behind is collected after it, by an
    explicit collection of the young generations: left to the automatic
    thresholds, the cycles of twenty files at a time were promoted to the
    old generation and the process grew to three times its working set.
    """
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        with time_budget(settings.timeout):
            return _lint_candidate(cand, active, settings, cwd)
    except BudgetExceeded as exc:
        res = FileResult()
        if "SE002" in active.enabled:
            message = f"linting took longer than {exc.seconds:g} s; skipped (see --timeout-per-file)"
            res.findings.append(
                _input_finding("SE002", _shown(cand, settings, cwd), Span.point(1), message, None, active)
            )
        return res
    finally:
        filecache.clear()
        if paused:
            gc.enable()
            gc.collect(1)


def _lint_candidate(cand: Candidate, active: ActiveRules, settings: Settings, cwd: str) -> FileResult:
    display = _shown(cand, settings, cwd)
    if cand.kind is None:
        res = FileResult()
        if "SE002" in active.enabled:
            res.findings.append(_input_finding("SE002", display, Span.point(1), cand.reason or "skipped", None, active))
        return res
    try:
        src = sio.read_source(cand.path, display, cand.kind, settings.max_bytes)
    except sio.Skip as skip:
        res = FileResult()
        if "SE002" in active.enabled:
            res.findings.append(_input_finding("SE002", display, Span.point(1), str(skip), None, active))
        return res
    callers = settings.callers.get(os.path.normcase(os.path.abspath(cand.path)), ()) if settings.callers else ()
    return lint_source(src, cand.kind, active, settings, callers)


# Worker state for the process pool (set once per worker process).
_WORKER: tuple[ActiveRules, Settings, str] | None = None


def _init_worker(settings: Settings, kinds: list[Kind], cwd: str) -> None:
    global _WORKER
    if _WORKER is not None and _WORKER[1] is settings:
        return  # a forked worker has the parent's rules already
    _WORKER = (select_rules(settings, kinds), settings, cwd)


def _preload(kinds: Iterable[Kind]) -> None:
    """What linting these kinds imports, loaded before the pool forks so the workers share it."""
    names = preload_modules(kinds)
    for name in sorted(names):
        importlib.import_module(name)
    if "sentra_lint.shell.parser" in names:
        from sentra_lint.shell.parser import _ts_parser

        _ts_parser()  # the tree-sitter grammar, built once for every worker
    if "sentra_lint.yamlmodel" in names:
        from sentra_lint.yamlmodel.loader import backend

        backend()  # imports libyaml's parser


def _work(cand: Candidate) -> FileResult:
    assert _WORKER is not None
    active, settings, cwd = _WORKER
    return lint_candidate(cand, active, settings, cwd)


def run(paths: list[str], settings: Settings) -> RunResult:
    cwd = os.getcwd()
    candidates = discover(paths, settings.kind, settings.stdin_filename)
    if settings.respect_gitignore and any(not c.explicit for c in candidates):
        from sentra_lint.gitignore import ignored

        dropped = ignored(c.path for c in candidates if not c.explicit)
        candidates = [c for c in candidates if c.explicit or c.path not in dropped]
    if settings.exclude:
        candidates = [c for c in candidates if not matches(sio.display_path(c.path, cwd), settings.exclude)]
    kinds = sorted({c.kind for c in candidates if c.kind is not None}, key=lambda k: k.value)
    active = select_rules(settings, kinds)
    plan = None
    if active.by_target.get("repository"):
        from sentra_lint.crossfile.run import plan_links

        plan = plan_links(candidates, settings, cwd)
        active.linkable = plan.linkable
    if active.by_target.get("workflow") and sum(1 for c in candidates if c.kind is Kind.WORKFLOW) > 1:
        from sentra_lint.crossfile.callers import inherited_reach

        inherited = inherited_reach(candidates, settings.max_bytes, lambda c: _shown(c, settings, cwd))
        if inherited:
            settings = replace(settings, callers=inherited)
    if settings.cache_dir is not None:
        from sentra_lint.cache import run_cached

        results = run_cached(
            candidates, settings, active, lambda c: sio.display_path(c.path, cwd),
            lambda todo: _lint_all(todo, active, settings, cwd, kinds),
        )
    else:
        results = _lint_all(candidates, active, settings, cwd, kinds)
    findings: list[Finding] = []
    errors: list[InternalError] = []
    launches: list[Launch] = []
    for r in results:
        findings.extend(r.findings)
        errors.extend(r.errors)
        launches.extend(r.launches)
    notes: list[str] = []
    if plan is not None and plan.linkable:
        from sentra_lint.crossfile.run import repository_pass

        repo_result, notes = repository_pass(candidates, results, active, settings, cwd, plan)
        findings.extend(repo_result.findings)
        errors.extend(repo_result.errors)
    apply_config_suppressions(findings, settings)
    finalize(findings)
    launches.sort(key=lambda la: (la.path, la.line, la.column))
    result = RunResult(findings, errors, len(candidates), _rules_of(active, findings), notes, launches=launches)
    if settings.verbose:
        result.linted = [_shown(c, settings, cwd) for c in candidates]
    return result


def _shown(cand: Candidate, settings: Settings, cwd: str) -> str:
    """The path a file is reported by (standard input: its ``--stdin-filename``, else ``-``)."""
    if str(cand.path) == "-" and settings.stdin_filename:
        return settings.stdin_filename
    return sio.display_path(cand.path, cwd)


def _lint_all(
    candidates: list[Candidate], active: ActiveRules, settings: Settings, cwd: str, kinds: list[Kind]
) -> list[FileResult]:
    """Lint the files, in their order; in a process pool when there are enough of them."""
    progress = None
    if settings.progress:
        import sys

        from sentra_lint.progress import Progress

        progress = Progress(len(candidates), sys.stderr)
    jobs = settings.jobs or os.cpu_count() or 1
    if jobs > 1 and len(candidates) >= PARALLEL_THRESHOLD and not any(str(c.path) == "-" for c in candidates):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
        global _WORKER
        if ctx is not None:
            _preload(kinds)
            _WORKER = (active, settings, cwd)
            gc.freeze()  # the forked workers then share these pages instead of copying them
        try:
            with ProcessPoolExecutor(
                max_workers=jobs, mp_context=ctx, initializer=_init_worker, initargs=(settings, kinds, cwd)
            ) as pool:
                chunk = max(1, len(candidates) // (jobs * 8))
                mapped = pool.map(_work, candidates, chunksize=chunk)
                return list(progress.track(mapped) if progress is not None else mapped)
        finally:
            _WORKER = None
            gc.unfreeze()
    each = (lint_candidate(c, active, settings, cwd) for c in candidates)
    return list(progress.track(each) if progress is not None else each)


def _rules_of(active: ActiveRules, findings: list[Finding]) -> list[Any]:
    """Every rule that ran or reported (input rules report without running), in registry order."""
    ran = active.all()
    have = {r.id for r in ran}
    for rid in sorted({f.rule for f in findings} - have):
        rule = active.rules.load(rid) if active.rules.is_known(rid) else None
        if rule is not None:
            ran.append(rule)
    order = {rid: i for i, rid in enumerate(active.rules.ids)}
    return sorted(ran, key=lambda r: order.get(r.id, len(order)))


# Line numbers inside messages ("on line 12", "Dockerfile:5") must not change fingerprints.
_LINE_REFS = lazy_compile(r"\b(lines?) \d+|:\d+(?::\d+)?\b")


def finalize(findings: list[Finding]) -> None:
    """Sort deterministically and give each finding a fingerprint that survives line moves."""
    findings.sort(key=Finding.sort_key)
    counts: dict[str, int] = {}
    for f in findings:
        message = _LINE_REFS.sub("#", f.message)
        basis = "\0".join((f.rule, f.path, " ".join(f.source_line.split()), message))
        digest = sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        n = counts.get(digest, 0)
        counts[digest] = n + 1
        f.fingerprint = f"{digest}:{n}"
