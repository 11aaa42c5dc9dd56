"""Reporters: one module per output format, chosen from a table by name."""

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


def get_reporter(name: str) -> Callable[[Any, IO[str], dict[str, Any]], None]:
    module = importlib.import_module(FORMATS[name])
    report: Callable[[Any, IO[str], dict[str, Any]], None] = module.report
    return report
