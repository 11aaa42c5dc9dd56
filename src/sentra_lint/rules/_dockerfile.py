"""What the Dockerfile rules share that depends on the rule context: the build target.

The analysis the rules read lives beside its model: shell command
recognisers in :mod:`sentra_lint.shell.commands` and
:mod:`sentra_lint.shell.packages`, Dockerfile semantics (stages, scopes,
the user timeline) in :mod:`sentra_lint.dockerfile.semantics`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sentra_lint.dockerfile import Dockerfile, Stage
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
