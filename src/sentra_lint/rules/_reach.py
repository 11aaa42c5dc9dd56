"""Related locations for reachability answers: where a caller starts a reusable workflow."""

from __future__ import annotations

from sentra_lint.findings import Related
from sentra_lint.workflow.reach import Inherited


def caller_related(through: tuple[Inherited, ...]) -> tuple[Related, ...]:
    """The ``uses:`` of every calling job on the way (in the calling files), nearest first.

    A finding inside a reusable workflow stays in that file; the callers
    that give it an outsider trigger are shown beside it."""
    out: dict[tuple[str, int, int], Related] = {}
    for branch in through:
        names = ", ".join(branch.triggers)
        for i, hop in enumerate(branch.hops):
            key = (hop.path, hop.span.line, hop.span.column)
            if key in out:
                continue
            what = "this workflow" if i == 0 else branch.hops[i - 1].path
            out[key] = Related(hop.path, hop.span, f"job '{hop.job}' calls {what} ({names})")
    return tuple(out.values())
