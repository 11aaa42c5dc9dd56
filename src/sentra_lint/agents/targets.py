"""Which container launches the hardening rules are aimed at (the catalogue's "Targets").

The *targets* of a run are the launches whose role is ``agent`` plus what
the configuration's ``targets:`` selects::

    targets: all                 # every launch
    targets:
      images: ["ghcr.io/acme/agent*"]       # image name globs (with or without tag)
      labels: ["ai.acme.role=agent"]        # Compose/Docker labels: key=value or key globs
      jobs: ["review-*"]                    # workflow job id globs
      files: [".github/workflows/agent.yml"] # file globs
      sources: [compose]                    # workflow-container, workflow-service,
                                            # docker-run, compose, devcontainer, mcp

The *hardening* rules (a control that is missing) run on targets only; the
*hazard* rules (something dangerous that is written) run on every launch.
Profile ``audit`` aims the hardening rules at every launch, but their fixes
are still offered on targets only.
"""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from sentra_lint._dataclass import dataclass

if TYPE_CHECKING:
    from sentra_lint.container.spec import ContainerSpec

__all__ = ["AUDIT_PROFILE", "FAMILIES", "FAMILY_TEXT", "SOURCES", "Family", "Targets"]

Family = Literal["hardening", "hazard"]
FAMILIES: tuple[Family, ...] = ("hardening", "hazard")
AUDIT_PROFILE = "audit"
SOURCES = ("workflow-container", "workflow-service", "docker-run", "compose", "devcontainer", "mcp")

FAMILY_TEXT: dict[str, str] = {
    "hardening": (
        "hardening: reports a control that is missing; runs on target launches only - the ones that "
        "run an AI agent and the ones the config's `targets:` selects (every launch under the `audit` "
        "profile, where fixes stay limited to targets)"
    ),
    "hazard": "hazard: reports something dangerous that is written; runs on every container launch",
}
"""How ``explain`` and the rule pages describe a container rule's family."""


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable):
        return tuple(str(v) for v in value)
    return ()


def _glob(value: str, patterns: Iterable[str]) -> str | None:
    for p in patterns:
        if fnmatch.fnmatchcase(value, p):
            return p
    return None


@dataclass(frozen=True, slots=True)
class Targets:
    """A run's selection of target launches (beyond the agents, which are always targets)."""

    every: bool = False
    images: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    jobs: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    audit: bool = False
    """Profile ``audit``: the hardening rules run on every launch, targets or not."""

    @classmethod
    def from_config(cls, raw: Any, audit: bool = False) -> Targets:
        """From the config's ``targets:`` value (already validated by the config schema)."""
        if raw == "all":
            return cls(every=True, audit=audit)
        if not isinstance(raw, Mapping):
            return cls(audit=audit)
        return cls(
            images=_strings(raw.get("images")),
            labels=_strings(raw.get("labels")),
            jobs=_strings(raw.get("jobs")),
            files=_strings(raw.get("files")),
            sources=_strings(raw.get("sources")),
            audit=audit,
        )

    def with_audit(self, audit: bool) -> Targets:
        return dataclasses.replace(self, audit=audit)

    def reason(self, spec: ContainerSpec) -> str | None:
        """Why ``spec`` is a target (for messages), or ``None`` when it is not one."""
        if spec.role == "agent" and spec.evidence:
            return spec.evidence[0].describe()
        if spec.role == "agent":
            return "runs an agent"
        if self.every:
            return "selected by `targets: all`"
        if self.images and spec.image.value is not None and not spec.image.value.unknown:
            ref = spec.image.value
            for candidate in (ref.raw, ref.name):
                hit = _glob(candidate, self.images)
                if hit is not None:
                    return f"image matches `targets.images: {hit}`"
        if self.labels:
            for label in spec.labels:
                if label.value is None:
                    continue
                key = label.value.partition("=")[0]
                hit = _glob(label.value, self.labels) or _glob(key, self.labels)
                if hit is not None:
                    return f"label matches `targets.labels: {hit}`"
        if self.jobs and spec.job is not None:
            hit = _glob(spec.job, self.jobs)
            if hit is not None:
                return f"job matches `targets.jobs: {hit}`"
        if self.files:
            from sentra_lint.globs import matches

            if matches(spec.path, list(self.files)):
                return "file matches `targets.files`"
        if spec.source_kind in self.sources:
            return f"`targets.sources: {spec.source_kind}`"
        return None

    def aim(self, spec: ContainerSpec) -> ContainerSpec:
        """``spec`` with :attr:`~ContainerSpec.target` set to the reason it is a target (or ``None``)."""
        reason = self.reason(spec)
        if reason == spec.target:
            return spec
        return dataclasses.replace(spec, target=reason)

    def runs(self, family: str | None, spec: ContainerSpec) -> bool:
        """Whether a rule of ``family`` runs on ``spec`` (after :meth:`aim`)."""
        return family != "hardening" or self.audit or spec.target is not None
