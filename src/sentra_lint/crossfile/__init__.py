"""Cross-file analysis: which Dockerfile builds the image a launch runs, and what that image holds.

* :mod:`~sentra_lint.crossfile.names`: image names compared after normalisation;
* :mod:`~sentra_lint.crossfile.image`: the image content model of a Dockerfile stage;
* :mod:`~sentra_lint.crossfile.facts`: the small per-file facts the engine collects;
* :mod:`~sentra_lint.crossfile.repository`: :class:`Repository`, the image index and links;
* :mod:`~sentra_lint.crossfile.run`: the engine's repository pass (linked files, stamping).

The package imports nothing itself: a run with nothing to link imports
:mod:`~sentra_lint.crossfile.run` only to find that out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sentra_lint.crossfile.repository import Link, Repository

__all__ = ["Link", "Repository"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from sentra_lint.crossfile import repository

        return getattr(repository, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
