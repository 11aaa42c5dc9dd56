"""The launches a run saw, kept in its result for posture reports.

The engine records one :class:`Launch` per container launch it linted (a job
container, a service, a ``docker run`` in a step, a Compose service, a dev
container, an MCP server started with ``docker run``): where it is, its role
and whether the run aimed the hardening rules at it, and which findings the
container rules reported on it (as ``(rule, line, column)`` keys into the
result's findings, so suppressions and baselines applied later still count).
``--format markdown`` turns them into a table of the ADR controls.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sentra_lint._dataclass import dataclass

# The ADR_0001 container controls, in the order the table shows them, and the
# rules that report each one missing. The first rule is the control's own.
CONTROLS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("non-root", ("SC011", "SX002", "SX003")),
    ("cap-drop ALL", ("SC001",)),
    ("no-new-privileges", ("SC003",)),
    ("read-only", ("SC004",)),
    ("/tmp tmpfs", ("SC005",)),
    ("memory", ("SC006",)),
    ("swap", ("SC007",)),
    ("cpus", ("SC008",)),
    ("pids", ("SC009",)),
)
CONTROL_RULES = frozenset(r for _, rules in CONTROLS for r in rules)


@dataclass(frozen=True, slots=True)
class Launch:
    """A container launch as the posture report lists it."""

    path: str
    line: int
    column: int
    label: str
    """``job 'agent' container``, ``compose service 'web'``..."""
    source: str
    """Where the launch is written: ``job-container``, ``service``, ``docker-run``, ``compose``..."""
    role: str = "other"
    """``agent``, ``service``, ``dev`` or ``other``."""
    target: str | None = None
    """Why the hardening rules were aimed at it (``runs `claude```), or None when they were not."""
    image: str | None = None
    findings: tuple[tuple[str, int, int], ...] = ()
    """``(rule, line, column)`` of each finding the container rules reported on it."""
    checked: bool = True
    """Whether the hardening rules (the ADR controls) ran on it."""


def launch_of(spec: Any, findings: Iterable[Any], checked: bool = True) -> Launch:
    """The record of one ``ContainerSpec`` and the findings its rules reported."""
    image = getattr(spec, "image", None)
    ref = getattr(image, "value", None)
    raw = getattr(ref, "raw", None) if ref is not None else None
    anchor = spec.anchor_span
    return Launch(
        path=spec.path,
        line=anchor.line,
        column=anchor.column,
        label=spec.label,
        source=str(getattr(spec.source_kind, "value", spec.source_kind)),
        role=str(getattr(spec, "role", "other")),
        target=getattr(spec, "target", None),
        image=raw.strip() if isinstance(raw, str) else None,
        findings=tuple((f.rule, f.span.line, f.span.column) for f in findings),
        checked=checked,
    )


def launch_to_dict(launch: Launch) -> dict[str, Any]:
    return {
        "path": launch.path,
        "line": launch.line,
        "column": launch.column,
        "label": launch.label,
        "source": launch.source,
        "role": launch.role,
        "target": launch.target,
        "image": launch.image,
        "checked": launch.checked,
        "findings": [{"rule": r, "line": ln, "column": c} for r, ln, c in launch.findings],
    }


def launch_from_dict(d: dict[str, Any]) -> Launch:
    return Launch(
        path=d["path"],
        line=int(d["line"]),
        column=int(d["column"]),
        label=d["label"],
        source=d.get("source", ""),
        role=d.get("role", "other"),
        target=d.get("target"),
        image=d.get("image"),
        findings=tuple((f["rule"], int(f["line"]), int(f["column"])) for f in d.get("findings", ())),
        checked=bool(d.get("checked", True)),
    )
