"""Shared analysis lives beside its model, and Dockerfile rules read facts rather than parse.

Scans the import statements of the source tree (no import is executed).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "sentra_lint"

PARSERS = {
    "sentra_lint.shell.parser",
    "sentra_lint.dockerfile.parser",
    "sentra_lint.dockerfile.script",
}
PARSE_NAMES = {
    "parse_shell",
    "parse_argv",
    "parse_fallback",
    "parse_mapped",
    "parse_dockerfile",
    "run_script",
    "split_words",
    "tokenize",
}


def _imports(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """``(module, imported names)`` for every import in ``path`` (function-level ones too)."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.module, tuple(a.name for a in node.names)))
        elif isinstance(node, ast.Import):
            out.extend((a.name, ()) for a in node.names)
    return out


@pytest.mark.parametrize("package", ["shell", "dockerfile", "crossfile"])
def test_analysis_packages_import_nothing_from_rules(package: str) -> None:
    offenders = [
        f"{path.relative_to(SRC)}: {module}"
        for path in sorted((SRC / package).glob("*.py"))
        for module, names in _imports(path)
        if module.startswith("sentra_lint.rules")
        or (module == "sentra_lint" and "rules" in names)
    ]
    assert offenders == []


def test_dockerfile_rules_call_no_parser() -> None:
    rules = [*sorted((SRC / "rules").glob("sd*.py")), SRC / "rules" / "_dockerfile.py"]
    offenders = [
        f"{path.name}: {module} {names}"
        for path in rules
        for module, names in _imports(path)
        if module in PARSERS or PARSE_NAMES.intersection(names)
    ]
    assert offenders == []
