"""From checks to findings: severities from the policy, locations, drift.

The result of a verify run is a :class:`VerifyResult`: the rows of the
report (:class:`~sentra_lint.verify.controls.Check`) and the findings,
stamped the way ``check`` stamps them (rule, name, severity, fingerprint),
so ``--fail-on`` and the exit code mean the same thing.
"""

from __future__ import annotations

import os
from dataclasses import field

from sentra_lint._dataclass import dataclass
from sentra_lint.findings import Finding, Severity
from sentra_lint.rulebase import Rule
from sentra_lint.source import Span
from sentra_lint.verify.controls import FAIL, UNKNOWN, Check
from sentra_lint.verify.declared import Declared
from sentra_lint.verify.probe import Observation


@dataclass(slots=True)
class VerifyResult:
    """The outcome of ``sentra-lint verify``: every check, on a live container or a captured tree."""

    root: str
    live: bool
    profile: str
    container: str
    """How the container is named in reports (its hostname, or ``container``)."""
    checks: list[Check]
    findings: list[Finding]
    rules: list[Rule]
    declared: Declared | None = None
    notes: list[str] = field(default_factory=list)
    drift: set[str] = field(default_factory=set)
    """Fingerprints of the findings that are drift (declared, not observed)."""

    def counts(self) -> dict[str, int]:
        out = {"pass": 0, "fail": 0, "unknown": 0, "info": 0}
        for c in self.checks:
            out[c.status] = out.get(c.status, 0) + 1
        return out


def shown_root(root: str) -> str:
    """The root as reports show it: relative to the current directory when under it."""
    if root == "/":
        return "/"
    cwd = os.getcwd()
    if root == cwd or root.startswith(cwd.rstrip("/") + "/"):
        return os.path.relpath(root, cwd).replace(os.sep, "/")
    return root


def kernel_path(root: str, path: str) -> str:
    """A kernel file as findings name it: ``/proc/self/status`` live, ``ROOT/proc/self/status`` in a tree."""
    base = shown_root(root)
    if base == "/":
        return path
    return base.rstrip("/") + path


def build_result(
    obs: Observation,
    checks: list[Check],
    rules: dict[str, Rule],
    severities: dict[str, str],
    profile: str,
    declared: Declared | None,
) -> VerifyResult:
    from sentra_lint.engine import finalize

    findings: list[Finding] = []
    drift_keys: list[int] = []
    for c in checks:
        if c.status != FAIL:
            continue
        rule = rules.get(c.rule)
        name = rule.meta.slug if rule else c.rule.lower()
        default = rule.meta.severity if rule else Severity.ERROR
        configured = severities.get(c.rule)
        severity = Severity(configured) if configured else (c.severity or default)
        if declared is not None:
            decl = declared.spans.get(c.key)
            if decl is not None:
                span, what = decl
                message = f"drift: the workflow declares {what} but the container does not have it - {c.observed}; {c.message}"
                drift_keys.append(len(findings))
            else:
                span = declared.anchor
                message = f"{c.message} (seen in the running container; job '{declared.job}' does not declare it)"
            findings.append(
                Finding(c.rule, name, severity, declared.path, span, message,
                        source_line=declared.source_lines.get(span.line, ""))
            )
        else:
            line = c.where.line if c.where else 1
            path = kernel_path(obs.root, c.where.path) if c.where else kernel_path(obs.root, "/proc/self")
            findings.append(Finding(c.rule, name, severity, path, Span(line, 1, line, 2), c.message))
    se = {"SE001": rules.get("SE001"), "SE002": rules.get("SE002")}
    unknown_rules = {c.rule for c in checks if c.status == UNKNOWN}
    for p in obs.problems:
        affected = "; controls that need it are unknown" if unknown_rules else ""
        what = "not found" if p.missing else p.reason
        if "leaves the root" in p.reason:
            what = p.reason
        findings.append(
            Finding("SE002", se["SE002"].meta.slug if se["SE002"] else "skipped", Severity.WARNING,
                    kernel_path(obs.root, p.path), Span(1, 1, 1, 2), f"{p.path}: {what}{affected}")
        )
    for where, reason in obs.garbled:
        findings.append(
            Finding("SE001", se["SE001"].meta.slug if se["SE001"] else "parse-error", Severity.ERROR,
                    kernel_path(obs.root, where.path), Span(where.line, 1, where.line, 2),
                    f"{where.path} line {where.line} cannot be read: {reason}")
        )
    drift_objs = [findings[i] for i in drift_keys]
    finalize(findings)
    container = obs.hostname or "container"
    result = VerifyResult(
        root=obs.root, live=obs.root == "/", profile=profile, container=container, checks=checks,
        findings=findings, rules=[r for k, r in sorted(rules.items()) if r is not None], declared=declared,
    )
    result.drift = {f.fingerprint for f in drift_objs}
    return result
