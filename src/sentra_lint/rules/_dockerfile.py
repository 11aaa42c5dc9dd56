"""What the Dockerfile rules share that depends on the rule context: the build target,
and how occurrences become findings.

The analysis the rules read lives beside its model: shell command
recognisers in :mod:`sentra_lint.shell.commands` and
:mod:`sentra_lint.shell.packages`, Dockerfile semantics (stages, scopes,
the user timeline) in :mod:`sentra_lint.dockerfile.semantics`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from sentra_lint.findings import Fix, Related, Violation

if TYPE_CHECKING:
    from sentra_lint.dockerfile import Dockerfile, Instruction, Stage
    from sentra_lint.rulebase import RuleContext

TARGET_OPTION: dict[str, dict[str, str]] = {
    "target": {
        "type": "string",
        "description": "Build target: the stage (name or index) that produces the image; "
        "default: the last stage.",
    }
}
"""Options schema for rules that check the stage producing the image (``META.options``)."""


def final_stage(df: Dockerfile, ctx: RuleContext | None = None) -> Stage | None:
    """The stage that produces the image: the ``target`` option's stage if set, else the last."""
    if ctx is not None:
        target = ctx.option("target")
        if isinstance(target, str) and target:
            found = df.stage_by_name(target)
            if found is not None:
                return found
    return df.final_stage


def one_per_instruction(
    found: Iterable[tuple[Instruction, Violation, str]], path: str
) -> Iterator[Violation]:
    """One finding per instruction: the first occurrence, the others as related locations.

    ``found`` holds ``(instruction, violation, label)`` in file order; the
    label is the related location's message. A single-occurrence instruction
    keeps its violation unchanged. The fixes of every occurrence are merged
    into one, so ``--fix`` still repairs them all.
    """
    groups: dict[int, list[tuple[Violation, str]]] = {}
    for instr, violation, label in found:
        groups.setdefault(instr.start, []).append((violation, label))
    for items in groups.values():
        first = items[0][0]
        if len(items) == 1:
            yield first
            continue
        others = items[1:]
        related = first.related + tuple(Related(path, v.span, label) for v, label in others)
        fixes = first.fixes
        if fixes and all(v.fixes for v, _ in others):
            edits = tuple(e for v, _ in items for e in v.fixes[0].edits)
            safe = all(v.fixes[0].safe for v, _ in items)
            fixes = (Fix(first.fixes[0].description, edits, safe),)
        more = len(others)
        yield dataclasses.replace(
            first,
            message=f"{first.message} ({more} more in this instruction, listed as related locations)",
            related=related,
            fixes=fixes,
        )
