"""Reporters: one module per output format, chosen from a table by name.

A reporter is a module with ``report(result, stream, options)``. It reads the
:class:`~sentra_lint.result.RunResult` only: the rule metadata and whatever it
needs from the files' text come with the result, so it neither loads rules
nor reads files. A format that needs the files' line hashes and line breaks
is listed in :data:`NEEDS_SOURCES`; the run then reads them for it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import IO, Any

FORMATS: dict[str, str] = {
    "text": "sentra_lint.reporters.text",
    "json": "sentra_lint.reporters.json_format",
    "sarif": "sentra_lint.reporters.sarif",
    "github": "sentra_lint.reporters.github",
    "markdown": "sentra_lint.reporters.markdown",
}

NEEDS_SOURCES: frozenset[str] = frozenset({"sarif"})
"""Formats whose result must carry :attr:`RunResult.sources <sentra_lint.result.RunResult.sources>`."""


def get_reporter(name: str) -> Callable[[Any, IO[str], dict[str, Any]], None]:
    module = importlib.import_module(FORMATS[name])
    report: Callable[[Any, IO[str], dict[str, Any]], None] = module.report
    return report
