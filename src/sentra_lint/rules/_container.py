"""Helpers shared by the SC rules (container launch posture).

Every SC rule reads a :class:`~sentra_lint.container.spec.ContainerSpec`.
Two principles hold for all of them:

* a control that is *missing* is reported at ``spec.anchor_span`` and only
  when ``spec.unknown_options`` is false: an expression among the options
  may well set it;
* a value that is not known (``Field.known`` false) is never judged.

Violations carry ``path=spec.path``: a launch found in a repository script
lives in another file than the workflow that runs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from sentra_lint.container.sizes import parse_bytes, parse_cpus
from sentra_lint.container.spec import ContainerSpec, Field
from sentra_lint.findings import Related, Severity, Violation
from sentra_lint.source import Span

SIZE_OPTION: dict[str, Any] = {
    "type": "string",
    "pattern": r"^[0-9]+(\.[0-9]+)?\s*([bBkKmMgGtTpP][iI]?[bB]?)?$",
    "x-kind": "size",
}
"""JSON Schema of an option that holds a memory size (``"4g"``)."""


def violation(
    spec: ContainerSpec, span: Span | None, message: str, severity: Severity | None = None
) -> Violation:
    """A violation at ``span`` (the anchor when ``None``) in the launch's own file,
    with the places the launch's values come from as related locations."""
    related = tuple(Related(spec.path, where, what) for where, what in spec.related)
    return Violation(span or spec.anchor_span, message, severity=severity, related=related, path=spec.path)


def may_report_missing(spec: ContainerSpec, *fields: Field[Any]) -> bool:
    """Whether a control made of ``fields`` is certainly not set.

    True only when none of the fields was written and nothing among the
    options is an expression that could set them.
    """
    return not spec.unknown_options and all(f.missing for f in fields)


def missing(spec: ContainerSpec, what: str, fix: str, lacks: str | None = None) -> Violation:
    """A missing control, at the launch's anchor: ``<label>: <what>; <fix>``.

    ``lacks`` names the control in a word or two (``--cap-drop=ALL``): the text
    report lists the controls one launch lacks together, under the launch.
    """
    v = violation(spec, None, f"{spec.subject}: {what}; {fix}")
    if lacks is None:
        return v
    return replace(v, group=spec.subject, lacks=lacks)


def option_size(value: Any) -> int | None:
    """A size option (``"4g"``, or a byte count) in bytes; ``None`` when unset or invalid."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | str):
        return parse_bytes(value)
    return None


def option_number(value: Any) -> float | None:
    """A number option (``2``, ``"1.5"``); ``None`` when unset or invalid."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | str):
        return parse_cpus(value)
    return None


def option_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def option_list(value: Any) -> list[str]:
    """A list option given as a list or as a comma-separated string."""
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip() for p in value.split(",") if p.strip()]
    if isinstance(value, Iterable):
        return [str(v).strip() for v in value if str(v).strip()]
    return []


def compile_patterns(patterns: list[str]) -> list[re.Pattern[str]]:
    """Case-insensitive regular expressions; invalid ones are matched literally."""
    out: list[re.Pattern[str]] = []
    for p in patterns:
        try:
            out.append(re.compile(p, re.IGNORECASE))
        except re.error:
            out.append(re.compile(re.escape(p), re.IGNORECASE))
    return out


def shown(field: Field[Any]) -> str:
    """How a message quotes a setting: as written when possible."""
    if field.raw is not None:
        return field.raw
    return str(field.value)


def hint(spec: ContainerSpec, cli: str, compose: str | None = None) -> str:
    """The fix in the launch's own syntax: Docker CLI flags, or Compose keys."""
    if spec.source_kind == "compose" and compose is not None:
        return compose
    return cli
