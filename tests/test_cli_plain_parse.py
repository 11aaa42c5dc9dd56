"""The loop that reads a plain ``check`` command line gives what the ``argparse`` parser gives.

:func:`sentra_lint.cli._parse_plain` reads the common forms without building
a parser; on anything it does not read it answers ``None`` and the
``argparse`` parser (then typer) decides. Whatever it reads must come out
exactly as the ``argparse`` parser reads it.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sentra_lint.cli import _CheckParser, _parse_plain

WORDS = [
    "--format", "--output-format", "-f", "json", "text", "sarif", "--format=json", "--output-format=sarif",
    "--fail-on", "never", "error", "--fail-on=never", "--no-config", "--no-config=1", "--select", "SC001",
    "--select=SD", "--ignore", "SW", "--jobs", "-j", "2", "-j2", "--jobs=3", "--jobs=x", "x", "--timeout-per-file",
    "0.5", "nan", "--max-file-size", "-5", "-", "--", "Dockerfile", "a b", "", "--kind", "workflow",
    "--fix", "--fix=unsafe", "--fix=safe", "--unsafe-fixes", "-q", "-qv", "-v", "--verbose", "--output", "-o",
    "out.json", "--unknown", "--form", "-fjson", "-f=json", "--cache-dir", ".c", "--no-cache", "--color=never",
    "--stdin-filename", "x/Dockerfile", "--exit-zero", "--statistics", "--min-severity", "note",
]  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "json", "--fail-on", "never", "dockerfiles/x__Dockerfile"],
        ["--no-config", "--kind", "workflow", "a.yml", "b.yml"],
        ["--select", "SC", "--select", "SD001", "--ignore=SW", "-j", "2", "."],
        ["--fix=unsafe", "-q", "Dockerfile"],
        ["-f", "sarif", "-o", "-", "--", "-weird-name", "--format"],
        ["--timeout-per-file", "0.5", "--max-file-size", "100", "--color=never"],
        [],
    ],
)
def test_common_command_lines(args: list[str]) -> None:
    plain = _parse_plain(args)
    assert plain is not None
    assert plain == _CheckParser().parse(args)


@pytest.mark.parametrize("args", [["-fjson", "x"], ["--form", "json"], ["--jobs", "-1"], ["--jobs", "x"], ["-qv"]])
def test_other_forms_are_left_to_argparse(args: list[str]) -> None:
    assert _parse_plain(args) is None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=8))
def test_the_loop_agrees_with_argparse(args: list[str]) -> None:
    plain = _parse_plain(args)
    if plain is not None:
        assert plain == _CheckParser().parse(args)
