"""One way to turn a rule's violation into a finding, and to mark it suppressed.

Used by the per-file rules (:mod:`sentra_lint.engine`) and the repository
rules (:mod:`sentra_lint.crossfile.run`) alike: the rule, not the caller,
decides nothing about its id, name or severity; the engine stamps them here
from the rule's metadata and the configured setting.
"""

from __future__ import annotations

from collections.abc import Iterable

from sentra_lint.findings import Finding, Severity, Violation
from sentra_lint.globs import matches
from sentra_lint.packs import RuleSetting
from sentra_lint.rulebase import Rule
from sentra_lint.suppress import Suppressions

# A finding keeps at most this much of its line: enough for the caret display
# and the fingerprint, and bounded when a 1 MB line carries many findings.
SOURCE_LINE_LIMIT = 1000


def clip_line(text: str) -> str:
    return text if len(text) <= SOURCE_LINE_LIMIT else text[:SOURCE_LINE_LIMIT]


def in_scope(path: str, setting: RuleSetting) -> bool:
    """Whether the setting's ``paths``/``exclude`` let the rule report on ``path``."""
    if setting.paths and not matches(path, setting.paths):
        return False
    return not (setting.exclude and matches(path, setting.exclude))


def severity(rule: Rule, setting: RuleSetting | None, v: Violation | None = None) -> Severity:
    """The configured severity, else the violation's own level, else the rule's default."""
    if setting is not None and setting.severity:
        return Severity(setting.severity)
    if v is not None and v.severity:
        return v.severity
    return rule.meta.severity


def stamp(rule: Rule, setting: RuleSetting | None, v: Violation, path: str, source_line: str) -> Finding:
    """The finding of ``rule`` for violation ``v`` in ``path``."""
    return Finding(
        rule=rule.id,
        name=rule.meta.slug,
        severity=severity(rule, setting, v),
        path=path,
        span=v.span,
        message=v.message,
        related=v.related,
        fixes=v.fixes,
        source_line=source_line,
        group=v.group,
        lacks=v.lacks,
    )


def suppress_inline(finding: Finding, table: Suppressions, lines: Iterable[int]) -> int | None:
    """Mark ``finding`` suppressed when a comment on one of ``lines`` names its rule; the comment's line."""
    hit = table.match(finding.rule, list(lines))
    if hit is None:
        return None
    finding.suppressed = True
    finding.suppression_kind = "inSource"
    finding.justification = hit.reason or None
    return hit.line
