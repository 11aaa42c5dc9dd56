"""The engine: discover, parse, run the rules, stamp and mark findings.

The core returns data (a :class:`RunResult`) and never exits; the CLI maps
the result to an exit code. Config and suppressions mark findings, never drop
them.
"""

from __future__ import annotations

import gc
import importlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sentra_lint import filecache
from sentra_lint import io as sio
from sentra_lint._sha import sha256
from sentra_lint.budget import DEFAULT_TIMEOUT, BudgetExceeded, time_budget
from sentra_lint.container.posture import Launch, launch_of
from sentra_lint.discover import Candidate, discover
from sentra_lint.findings import Finding, Related, Severity, Violation
from sentra_lint.globs import matches
from sentra_lint.packs import Policy, RuleSetting, load_pack
from sentra_lint.rulebase import Rule, RuleContext
from sentra_lint.rules import RULE_IDS, dynamic_ids, is_known, load_rule, target_of
from sentra_lint.source import Kind, SourceFile, Span
from sentra_lint.suppress import Suppressions, scan

# Below this many files the process pool costs more than it saves.
PARALLEL_THRESHOLD = 24


class UsageError(Exception):
    """Bad options: exit code 2 with this message."""


@dataclass(slots=True)
class Settings:
    profile: str = "phase1"
    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    trusted_registries: tuple[str, ...] = ()
    no_ignores: bool = False
    max_bytes: int = sio.DEFAULT_MAX_BYTES
    jobs: int = 0
    kind: Kind | None = None
    policy: Policy | None = None
    exclude: tuple[str, ...] = ()
    config_suppressions: tuple[Any, ...] = ()
    verbose: bool = False
    timeout: float = DEFAULT_TIMEOUT
    """Seconds one file may take to read and lint (SE002 when over); 0 disables."""
    images: dict[str, Any] = field(default_factory=dict)
    """The config's ``images:`` mapping (image name -> Dockerfile), for the repository rules."""
    config_dir: str | None = None
    config_path: str | None = None
    agents: dict[str, Any] = field(default_factory=dict)
    """The config's ``agents:`` section (additions to the agent inventory)."""

    def resolved_policy(self) -> Policy:
        if self.policy is None:
            self.policy = load_pack(self.profile)
        return self.policy


@dataclass(frozen=True, slots=True)
class InternalError:
    path: str
    rule: str | None
    message: str


@dataclass(slots=True)
class FileResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[InternalError] = field(default_factory=list)
    facts: Any = None
    """What the repository rules need from this file (``crossfile.facts.FileFacts``), when they run."""
    launches: list[Launch] = field(default_factory=list)
    """The container launches in this file (``container.posture``), for posture reports."""


@dataclass(slots=True)
class RunResult:
    findings: list[Finding]
    errors: list[InternalError]
    files: int
    rules: list[Rule]
    notes: list[str] = field(default_factory=list)
    """What ``--verbose`` reports: files read for the repository rules."""
    launches: list[Launch] = field(default_factory=list)
    """Every container launch linted, in path and line order (``--format markdown``)."""


@dataclass(slots=True)
class ActiveRules:
    """The rules a run uses, by target, with their settings."""

    by_target: dict[str, list[tuple[Rule, RuleSetting, RuleContext]]]
    enabled: set[str]
    settings: dict[str, RuleSetting]
    linkable: bool = True
    """Whether the repository rules may link anything (``crossfile.run.plan_links``): else no file's facts are collected."""

    def all(self) -> list[Rule]:
        seen: dict[str, Rule] = {}
        for items in self.by_target.values():
            for rule, _, _ in items:
                seen[rule.id] = rule
        return [seen[i] for i in (*RULE_IDS, *dynamic_ids()) if i in seen]


def parse_id_list(value: str | None) -> frozenset[str] | None:
    if value is None:
        return None
    ids = frozenset(p.strip().upper() for p in value.split(",") if p.strip())
    every = (*RULE_IDS, *dynamic_ids())
    unknown = sorted(i for i in ids if not is_known(i) and not any(r.startswith(i) for r in every))
    if unknown:
        raise UsageError(f"unknown rule id(s): {', '.join(unknown)} (see 'sentra-lint rules')")
    return ids


def _matches(rule_id: str, ids: frozenset[str]) -> bool:
    """An id list entry matches exactly or as a prefix (``SC`` selects every SC rule)."""
    return rule_id in ids or any(rule_id.startswith(i) for i in ids)


def select_rules(settings: Settings, kinds: Iterable[Kind] | None = None) -> ActiveRules:
    policy = settings.resolved_policy()
    wanted_targets: set[str] | None = None
    if kinds is not None:
        wanted_targets = {"input", "repository"}
        for k in kinds:
            if k is Kind.DOCKERFILE:
                wanted_targets.add("dockerfile")
            elif k in (Kind.WORKFLOW, Kind.ACTION):
                wanted_targets.update(("workflow", "container"))
            elif k in (Kind.COMPOSE, Kind.DEVCONTAINER):
                wanted_targets.add("container")
    by_target: dict[str, list[tuple[Rule, RuleSetting, RuleContext]]] = {}
    enabled: set[str] = set()
    dynamic = dynamic_ids()
    inventory: Any = None
    if settings.agents:
        from sentra_lint.agents.inventory import inventory_from_config

        inventory = inventory_from_config(settings.agents)
    for rid in (*RULE_IDS, *dynamic):
        setting = policy.rules.get(rid)
        if setting is None and rid in dynamic:
            setting = RuleSetting()
        if settings.select is not None:
            # A file that cannot be parsed is reported whatever is selected:
            # otherwise `--select SW` would pass a broken workflow silently.
            if not _matches(rid, settings.select) and rid != "SE001":
                continue
            setting = setting or RuleSetting()
        elif setting is None or not setting.enabled:
            continue
        if _matches(rid, settings.ignore):
            continue
        enabled.add(rid)
        target = target_of(rid)
        if wanted_targets is not None and target not in wanted_targets:
            continue
        if target == "input":
            continue
        try:
            rule = load_rule(rid)
        except Exception as exc:
            raise RuntimeError(f"rule {rid} failed to load: {_describe(exc)}") from exc
        if rule is None:
            continue
        options: dict[str, Any] = dict(setting.options)
        if settings.trusted_registries and "trusted-registries" not in options:
            options["trusted-registries"] = list(settings.trusted_registries)
        ctx = RuleContext(options=options, profile=settings.profile, inventory=inventory)
        by_target.setdefault(target, []).append((rule, setting, ctx))
    return ActiveRules(by_target, enabled, {r: policy.rules.get(r) or RuleSetting() for r in enabled})


def _severity(rule: Rule, setting: RuleSetting, v: Violation) -> Severity:
    if setting.severity:
        return Severity(setting.severity)
    return v.severity or rule.meta.severity


# A finding keeps at most this much of its line: enough for the caret display
# and the fingerprint, and bounded when a 1 MB line carries many findings.
SOURCE_LINE_LIMIT = 1000


def _source_line(src: SourceFile, line: int) -> str:
    text = src.line_text(line)
    return text if len(text) <= SOURCE_LINE_LIMIT else text[:SOURCE_LINE_LIMIT]


def _input_finding(
    rule_id: str, path: str, span: Span, message: str, src: SourceFile | None,
    active: ActiveRules | None = None, severity: Severity | None = None,
) -> Finding:
    rule = load_rule(rule_id)
    assert rule is not None
    setting = active.settings.get(rule_id) if active is not None else None
    if setting and setting.severity:
        severity = Severity(setting.severity)
    return Finding(
        rule=rule_id,
        name=rule.meta.slug,
        severity=severity or rule.meta.severity,
        path=path,
        span=span,
        message=message,
        source_line=_source_line(src, span.line) if src else "",
    )


def lint_source(src: SourceFile, kind: Kind, active: ActiveRules, settings: Settings) -> FileResult:
    """Lint one file already read into memory."""
    from sentra_lint.analysis import analyse

    result = FileResult()
    try:
        analysis = analyse(src, kind)
    except RecursionError:
        if "SE001" in active.enabled:
            result.findings.append(
                _input_finding("SE001", src.path, Span.point(1), "file is nested too deeply to analyse", src, active)
            )
        return result
    except Exception as exc:  # a parser bug: never a clean run
        result.errors.append(InternalError(src.path, None, f"parser failed: {_describe(exc)}"))
        return result
    if analysis.template is not None:
        # A template is not a file of its kind: one note, nothing else from it.
        if "SE002" in active.enabled:
            span, message = analysis.template
            result.findings.append(_input_finding("SE002", src.path, span, message, src, active, Severity.NOTE))
        return result
    if "SE001" in active.enabled:
        for span, message in analysis.problems:
            result.findings.append(_input_finding("SE001", src.path, span, message, src, active))
    if active.linkable and active.by_target.get("repository"):
        from sentra_lint.crossfile.run import collect_facts

        try:
            result.facts = collect_facts(src, kind, analysis)
        except Exception as exc:
            result.errors.append(InternalError(src.path, None, f"cross-file facts failed: {_describe(exc)}"))
    # One line shared by several launches (a YAML anchor merged into several
    # services, a matrix job's options) is one place to fix: its finding is
    # reported once, the other launches that repeat it are related locations.
    shared: dict[tuple[str, str, Span], Finding] = {}
    # Each container launch and the findings its rules reported (shared ones too).
    launches: list[tuple[Any, list[Finding]]] = []
    repeated: set[tuple[str, str, Span, str]] = set()
    for target_name, target in analysis.targets:
        mine: list[Finding] = []
        if target_name == "container":
            launches.append((target, mine))
        for rule, setting, ctx in active.by_target.get(target_name, ()):
            if not _in_scope(src.path, setting):
                continue
            try:
                for v in rule.check(target, ctx):
                    path = v.path or src.path
                    if target_name != "container" and kind is not Kind.DOCKERFILE:
                        # An aliased step (``- *checkout``) is the anchored step again.
                        same = (rule.id, path, v.span, v.message)
                        if same in repeated:
                            continue
                        repeated.add(same)
                    if target_name == "container":
                        key = (rule.id, path, v.span)
                        first = shared.get(key)
                        if first is not None:
                            also = Related(path, target.anchor_span, f"also for {target.label}")
                            first.related = (*first.related, also)
                            n = sum(1 for r in first.related if r.message.startswith("also for "))
                            base = first.message.split(" [this line also serves ", 1)[0]
                            more = f"{n} more launch{'es' if n > 1 else ''}"
                            first.message = f"{base} [this line also serves {more}]"
                            mine.append(first)
                            continue
                    result.findings.append(
                        Finding(
                            rule=rule.id,
                            name=rule.meta.slug,
                            severity=_severity(rule, setting, v),
                            path=path,
                            span=v.span,
                            message=v.message,
                            related=v.related,
                            fixes=v.fixes,
                            source_line=_source_line(src, v.span.line) if path == src.path else "",
                        )
                    )
                    if target_name == "container":
                        shared[(rule.id, path, v.span)] = result.findings[-1]
                        mine.append(result.findings[-1])
            except Exception as exc:
                result.errors.append(InternalError(src.path, rule.id, _describe(exc)))
    if analysis.own_lines is not None:
        # Merged with another file laid after this one: its lines are its own.
        own = analysis.own_lines
        result.findings = [f for f in result.findings if f.path != src.path or f.span.line <= own]
        launches = [(spec, found) for spec, found in launches if spec.path != src.path or spec.anchor_span.line <= own]
    _apply_suppressions(src, analysis.comment_lines, result, active, settings)
    kept = {id(f) for f in result.findings}
    result.launches = [launch_of(spec, [f for f in found if id(f) in kept]) for spec, found in launches]
    return result


def _in_scope(path: str, setting: RuleSetting) -> bool:
    if setting.paths and not matches(path, setting.paths):
        return False
    return not (setting.exclude and matches(path, setting.exclude))


def apply_config_suppressions(findings: list[Finding], settings: Settings) -> None:
    """Config-level suppressions by ``path[:line]`` (SARIF kind ``external``)."""
    for sup in settings.config_suppressions:
        for f in findings:
            if f.suppressed or f.rule not in sup.rules:
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
                if rid != "ALL" and not is_known(rid):
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
        hit = table.match(f.rule, lines)
        if hit is not None:
            f.suppressed = True
            f.suppression_kind = "inSource"
            f.justification = hit.reason or None
            used.add((hit.line, f.rule))
            used.add((hit.line, "ALL"))
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
            if rid == "ALL" or not is_known(rid) or rid not in active.enabled or rid.startswith("SE"):
                continue
            if target_of(rid) in ("repository", "input") or (p.line, rid) in used:
                continue
            if not any(rule.id == rid for rule, _, _ in active.by_target.get(target_of(rid), ())):
                continue
            result.findings.append(
                _input_finding("SE003", src.path, span, f"suppression of {rid} matches no finding here", src, active)
            )


def describe_exception(exc: BaseException) -> str:
    return _describe(exc)


def _describe(exc: BaseException) -> str:
    import traceback

    tb = traceback.extract_tb(exc.__traceback__)
    where = f" ({Path(tb[-1].filename).name}:{tb[-1].lineno})" if tb else ""
    return f"{type(exc).__name__}: {exc}{where}"


def lint_candidate(cand: Candidate, active: ActiveRules, settings: Settings, cwd: str) -> FileResult:
    """Read and lint one file within ``settings.timeout``; over it, the file gets SE002.

    The cyclic garbage collector waits while one file is linted: the models
    are trees that reference counting frees, and the collector's passes over
    a large model (a 5 MB workflow is millions of objects) cost a third of
    that file's time. What a file leaves behind is collected after it.
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
                _input_finding("SE002", sio.display_path(cand.path, cwd), Span.point(1), message, None, active)
            )
        return res
    finally:
        filecache.clear()
        if paused:
            gc.enable()


def _lint_candidate(cand: Candidate, active: ActiveRules, settings: Settings, cwd: str) -> FileResult:
    display = sio.display_path(cand.path, cwd)
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
    return lint_source(src, cand.kind, active, settings)


# Worker state for the process pool (set once per worker process).
_WORKER: tuple[ActiveRules, Settings, str] | None = None


def _init_worker(settings: Settings, kinds: list[Kind], cwd: str) -> None:
    global _WORKER
    if _WORKER is not None and _WORKER[1] is settings:
        return  # a forked worker has the parent's rules already
    _WORKER = (select_rules(settings, kinds), settings, cwd)


# What linting a kind imports: loaded before the pool forks, so the workers
# share these modules instead of each importing them again.
_PARSERS: dict[Kind, tuple[str, ...]] = {
    Kind.DOCKERFILE: ("sentra_lint.analysis", "sentra_lint.dockerfile", "sentra_lint.shell.parser"),
    Kind.WORKFLOW: (
        "sentra_lint.analysis",
        "sentra_lint.yamlmodel",
        "sentra_lint.yamlmodel.scalarmap",
        "sentra_lint.workflow.model",
        "sentra_lint.container.adapters",
        "sentra_lint.shell.parser",
    ),
    Kind.COMPOSE: (
        "sentra_lint.analysis",
        "sentra_lint.yamlmodel",
        "sentra_lint.compose",
        "sentra_lint.container.adapters",
    ),
    Kind.DEVCONTAINER: ("sentra_lint.analysis", "sentra_lint.devcontainer", "sentra_lint.container.adapters"),
}
_PARSERS[Kind.ACTION] = _PARSERS[Kind.WORKFLOW]


def _preload(kinds: Iterable[Kind]) -> None:
    names = {name for k in kinds for name in _PARSERS.get(k, ())}
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
    candidates = discover(paths, settings.kind)
    if settings.exclude:
        candidates = [c for c in candidates if not matches(sio.display_path(c.path, cwd), settings.exclude)]
    kinds = sorted({c.kind for c in candidates if c.kind is not None}, key=lambda k: k.value)
    active = select_rules(settings, kinds)
    plan = None
    if active.by_target.get("repository"):
        from sentra_lint.crossfile.run import plan_links

        plan = plan_links(candidates, settings, cwd)
        active.linkable = plan.linkable
    jobs = settings.jobs or os.cpu_count() or 1
    results: list[FileResult]
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
                results = list(pool.map(_work, candidates, chunksize=chunk))
        finally:
            _WORKER = None
            gc.unfreeze()
    else:
        results = [lint_candidate(c, active, settings, cwd) for c in candidates]
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
    return RunResult(findings, errors, len(candidates), active.all(), notes, launches)


# Line numbers inside messages ("on line 12", "Dockerfile:5") must not change fingerprints.
_LINE_REFS = re.compile(r"\b(lines?) \d+|:\d+(?::\d+)?\b")


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
