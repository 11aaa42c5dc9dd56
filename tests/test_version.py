"""One version: pyproject.toml's, read through sentra_lint._version by every output that names it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sentra_lint import __version__
from sentra_lint._version import version
from tests.conftest import run_cli

REPO = Path(__file__).resolve().parent.parent
DOCKERFILE = "FROM python:3.12-slim\nUSER 1000\n"


def _pyproject_version() -> str:
    # A regular expression, not tomllib: the tests run on Python 3.10 too.
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    project = text.split("\n[project]\n", 1)[1].split("\n[", 1)[0]
    match = re.search(r'^version = "([^"]+)"$', project, re.MULTILINE)
    assert match is not None
    return match.group(1)


def test_version_is_pyprojects() -> None:
    assert version() == _pyproject_version() == __version__


def test_sarif_and_json_carry_the_same_version(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    sarif = json.loads(run_cli("check", ".", "--format", "sarif", "--fail-on", "never", cwd=tmp_path).out)
    driver = sarif["runs"][0]["tool"]["driver"]
    report = json.loads(run_cli("check", ".", "--format", "json", "--fail-on", "never", cwd=tmp_path).out)
    assert report["tool"] == {"name": "sentra-lint", "version": version()}
    assert driver["version"] == driver["semanticVersion"] == report["tool"]["version"] == version()


def test_version_option_agrees() -> None:
    """`sentra-lint --version` (issue 17's option) prints the same version, once the CLI has it."""
    from tests.conftest import run_subprocess

    res = run_subprocess("--version")
    if res.code != 0 and "--version" in (res.out + res.err) and "no such option" in (res.out + res.err).lower():
        pytest.skip("this CLI has no --version option yet")
    assert res.code == 0, res.out + res.err
    assert version() in res.out.split(), res.out
