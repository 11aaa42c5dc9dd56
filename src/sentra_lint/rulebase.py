"""What every rule module provides, and what the engine hands to a rule.

A rule is a module with a docstring in four sections (``## What it does``,
``## Why is this bad?``, ``## Example``, ``## Use instead``), a ``META``
value and a pure ``check(target, ctx)`` generator of :class:`Violation`.
The engine, not the rule, stamps the id, severity and path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import field
from typing import Any

from sentra_lint._dataclass import dataclass
from sentra_lint.findings import Severity, Violation

DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")

# What a rule's check function receives:
#   "dockerfile"  -> sentra_lint.dockerfile.model.Dockerfile
#   "container"   -> sentra_lint.container.spec.ContainerSpec (every launch source)
#   "workflow"    -> sentra_lint.workflow.model.Workflow (workflows and action.yml)
#   "repository"  -> sentra_lint.crossfile.Repository (SX rules)
TARGETS = ("dockerfile", "container", "workflow", "repository", "input")


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """A rule's metadata: id, name, title, severities, profile family and options."""

    id: str
    slug: str
    title: str
    """One sentence, reads as an alert title (SARIF shortDescription)."""
    severity: Severity
    security_severity: float
    area: str
    """dockerfile, container, workflow, crossfile, input."""
    precision: str = "high"
    """very-high, high, medium, low (SARIF properties.precision)."""
    options: Mapping[str, Any] = field(default_factory=dict)
    """JSON Schema ``properties`` of the rule's options."""
    fixable: bool = False
    family: str | None = None
    """For container launch rules: ``hardening`` (a control that is missing; runs on
    targets only, see :mod:`sentra_lint.agents.targets`) or ``hazard`` (something
    dangerous that is written; runs on every launch)."""
    also: tuple[Severity, ...] = ()
    """Other levels this rule's findings may have (the default level is ``severity``)."""

    @property
    def levels(self) -> tuple[Severity, ...]:
        """Every level a finding of this rule may have, most severe first."""
        found = {self.severity, *self.also}
        return tuple(s for s in (Severity.ERROR, Severity.WARNING, Severity.NOTE) if s in found)


@dataclass(frozen=True, slots=True)
class RuleContext:
    """Per-run settings a rule may read; rules never do I/O themselves."""

    options: Mapping[str, Any] = field(default_factory=dict)
    profile: str = "phase1"
    inventory: Any = None
    """The agent inventory (``agents.inventory.Inventory``) when the configuration extends it."""

    def option(self, name: str, default: Any = None) -> Any:
        return self.options.get(name, default)

    def agents(self) -> Any:
        """The agent inventory of this run: the built-in table plus the config's ``agents:`` section."""
        if self.inventory is not None:
            return self.inventory
        from sentra_lint.agents.inventory import builtin_inventory

        return builtin_inventory()


CheckFn = Callable[[Any, RuleContext], Iterator[Violation]]


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule ready to run: its metadata, documentation and checks."""

    meta: RuleMeta
    doc: str
    check: CheckFn
    check_repository: CheckFn | None = None
    """A second check over the repository's joined files (a rule whose findings
    may need two files, such as an input a caller fills in another file);
    it runs in the repository pass, next to the cross-file rules."""

    @property
    def id(self) -> str:
        return self.meta.id
