"""Which rules a run uses, by target, with their settings and contexts.

The profile's policy pack (or the configuration's) decides which rules are
on; ``--select``/``--ignore`` narrow it; the kinds of the files found decide
which targets are needed (:data:`sentra_lint.analysis.KINDS`), so a run over
Dockerfiles never imports a workflow rule.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from sentra_lint._dataclass import dataclass
from sentra_lint.analysis import targets_of
from sentra_lint.packs import RuleSetting
from sentra_lint.result import describe_exception
from sentra_lint.rulebase import Rule, RuleContext
from sentra_lint.rules import RuleSet
from sentra_lint.settings import Settings, UsageError
from sentra_lint.source import Kind


@dataclass(slots=True)
class ActiveRules:
    """The rules a run uses, by target, with their settings."""

    by_target: dict[str, list[tuple[Rule, RuleSetting, RuleContext]]]
    enabled: set[str]
    settings: dict[str, RuleSetting]
    rules: RuleSet
    linkable: bool = True
    """Whether the repository rules may link anything (``crossfile.run.plan_links``): else no file's facts are collected."""

    def all(self) -> list[Rule]:
        """Every rule that runs, in registry order."""
        seen: dict[str, Rule] = {}
        for items in self.by_target.values():
            for rule, _, _ in items:
                seen[rule.id] = rule
        return [seen[i] for i in self.rules.ids if i in seen]

    def runs(self, rule_id: str) -> bool:
        """Whether ``rule_id`` runs on the files of this run (enabled, and its target is needed)."""
        items = self.by_target.get(self.rules.target_of(rule_id), ())
        return any(rule.id == rule_id for rule, _, _ in items)


def parse_id_list(value: str | None, rules: RuleSet | None = None) -> frozenset[str] | None:
    """``SC001,sd,cap-drop-all`` as ids: ids in any case, prefixes such as ``SC``, and rule names."""
    from sentra_lint.rules import BUILTIN

    if value is None:
        return None
    known = rules or BUILTIN
    every = known.ids
    ids: set[str] = set()
    unknown: list[str] = []
    for token in (p.strip() for p in value.split(",")):
        if not token:
            continue
        upper = token.upper()
        if known.is_known(upper) or any(r.startswith(upper) for r in every):
            ids.add(upper)
        elif (named := known.resolve(token)) is not None:
            ids.add(named)
        else:
            unknown.append(upper)
    if unknown:
        raise UsageError(f"unknown rule id(s): {', '.join(sorted(unknown))} (see 'sentra-lint rules')")
    return frozenset(ids)


def _matches(rule_id: str, ids: frozenset[str]) -> bool:
    """An id list entry matches exactly or as a prefix (``SC`` selects every SC rule)."""
    return rule_id in ids or any(rule_id.startswith(i) for i in ids)


def _setting(rule_id: str, settings: Settings) -> RuleSetting | None:
    """The rule's setting when the run enables it, else ``None``."""
    setting = settings.resolved_policy().rules.get(rule_id)
    if setting is None and rule_id in settings.rules.extra_ids:
        setting = RuleSetting()
    if settings.select is not None:
        # A file that cannot be parsed is reported whatever is selected:
        # otherwise `--select SW` would pass a broken workflow silently.
        if not _matches(rule_id, settings.select) and rule_id != "SE001":
            return None
        setting = setting or RuleSetting()
    elif setting is None or not setting.enabled:
        return None
    if _matches(rule_id, settings.ignore):
        return None
    return setting


def select_rules(settings: Settings, kinds: Iterable[Kind] | None = None) -> ActiveRules:
    policy = settings.resolved_policy()
    wanted = targets_of(kinds) if kinds is not None else None
    ruleset = settings.rules
    by_target: dict[str, list[tuple[Rule, RuleSetting, RuleContext]]] = {}
    enabled: set[str] = set()
    inventory: Any = None
    if settings.agents:
        from sentra_lint.agents.inventory import inventory_from_config

        inventory = inventory_from_config(settings.agents)
    if inventory is not None or "sentra_lint.agents.detect" in sys.modules:
        # Detection in the analysis reads the same inventory; a module not yet
        # imported starts with none set, as use_inventory(None) leaves it.
        from sentra_lint.agents.detect import use_inventory

        use_inventory(inventory)
    for rid in ruleset.ids:
        setting = _setting(rid, settings)
        if setting is None:
            continue
        enabled.add(rid)
        target = ruleset.target_of(rid)
        if (wanted is not None and target not in wanted) or target == "input":
            continue
        try:
            rule = ruleset.load(rid)
        except Exception as exc:
            raise RuntimeError(f"rule {rid} failed to load: {describe_exception(exc)}") from exc
        if rule is None:
            continue
        options: dict[str, Any] = dict(setting.options)
        if settings.trusted_registries and "trusted-registries" not in options:
            options["trusted-registries"] = list(settings.trusted_registries)
        ctx = RuleContext(options=options, profile=settings.profile, inventory=inventory)
        by_target.setdefault(target, []).append((rule, setting, ctx))
        if rule.check_repository is not None:
            # Its cross-file half runs in the repository pass, stamped like the SX rules.
            joined = Rule(rule.meta, rule.doc, rule.check_repository)
            by_target.setdefault("repository", []).append((joined, setting, ctx))
    return ActiveRules(by_target, enabled, {r: policy.rules.get(r) or RuleSetting() for r in enabled}, ruleset)
