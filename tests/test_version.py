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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[project]\nname = "sentra-lint"\nversion = "1.2.3"\n', ("sentra-lint", "1.2.3")),
        ('[ project ]  # c\nversion="1.0" # c\nname="x"\n[project.urls]\nversion = "9"\n', ("x", "1.0")),
        ('[[tool.x]]\nversion = "9"\n[project]\nname = "a"\nversion = "2"\n', ("a", "2")),
        # anything the scan is unsure of is left to a TOML parser
        ("[project]\nname = 'a'\nversion = '1'\n", None),
        ('[project]\ndescription = """\nversion = "3"\n"""\nname = "a"\nversion = "1"\n', None),
        ('[project]\nname = "a"\ndynamic = ["version"]\n', None),
        ('[project]\nname = "a"\nversion = "1"\nversion = "2"\n', None),
    ],
)
def test_project_scan(text: str, expected: tuple[str, str] | None) -> None:
    from sentra_lint._version import _scan_project

    assert _scan_project(text) == expected


def test_the_scan_reads_this_pyproject() -> None:
    from sentra_lint._version import _scan_project

    assert _scan_project((REPO / "pyproject.toml").read_text(encoding="utf-8")) == ("sentra-lint", _pyproject_version())


def test_an_installed_package_reads_its_dist_info(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sentra_lint import _version

    package = tmp_path / "site" / "sentra_lint"
    package.mkdir(parents=True)
    info = tmp_path / "site" / "sentra_lint-4.5.6.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.4\nName: sentra-lint\nVersion: 4.5.6\n\nVersion: 0\n", encoding="utf-8")
    monkeypatch.setattr(_version, "__file__", str(package / "_version.py"))
    assert _version._installed_version() == "4.5.6"
    (tmp_path / "site" / "sentra_lint-4.5.5.dist-info").mkdir()  # two: ask importlib.metadata
    assert _version._installed_version() is None
