"""Cross-file analysis: which Dockerfile builds the image a launch runs, and what that image holds.

* :mod:`~sentra_lint.crossfile.names`: image names compared after normalisation;
* :mod:`~sentra_lint.crossfile.image`: the image content model of a Dockerfile stage;
* :mod:`~sentra_lint.crossfile.facts`: the small per-file facts the engine collects;
* :mod:`~sentra_lint.crossfile.repository`: :class:`Repository`, the image index and links;
* :mod:`~sentra_lint.crossfile.run`: the engine's repository pass (linked files, stamping).
"""

from sentra_lint.crossfile.repository import Link, Repository

__all__ = ["Link", "Repository"]
