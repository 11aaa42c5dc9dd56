"""The check, from options and configuration to a result, called directly (no command line)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sentra_lint.check import CheckOptions, build_settings, load_configuration, run_check
from sentra_lint.config import load_config
from sentra_lint.io import DEFAULT_MAX_BYTES
from sentra_lint.rules import BUILTIN, is_known
from tests.conftest import chdir

POLICY = """\
rules:
  - id: ORG001
    title: ADD used instead of COPY
    severity: warning
    target: dockerfile.instruction
    forbid:
      keyword: {equals: ADD}
"""

DOCKERFILE = "FROM alpine:3.20\nADD app /app\nUSER 1000\n"


@pytest.fixture
def tree(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    (tmp_path / "org.yaml").write_text(POLICY, encoding="utf-8")
    (tmp_path / "with-policy.yaml").write_text("policies: [org.yaml]\n", encoding="utf-8")
    (tmp_path / "plain.yaml").write_text("extends: phase1\nmax-file-size: 10\n", encoding="utf-8")
    with chdir(tmp_path):
        yield tmp_path


def _rules(result: object) -> set[str]:
    return {f.rule for f in result.findings}  # type: ignore[attr-defined]


def test_two_runs_with_different_configs_in_one_process_are_independent(tree: Path) -> None:
    with_policy = load_config(tree / "with-policy.yaml")
    plain = load_config(tree / "plain.yaml")
    first = run_check(CheckOptions(paths=["Dockerfile"]), with_policy)
    second = run_check(CheckOptions(paths=["Dockerfile"], max_file_size=DEFAULT_MAX_BYTES), plain)
    third = run_check(CheckOptions(paths=["Dockerfile"]), with_policy)
    assert "ORG001" in _rules(first)
    assert "ORG001" not in _rules(second)
    assert _rules(first) == _rules(third)
    # the organisation rule belongs to that run's rule set, not to a global registry
    assert not is_known("ORG001") and not BUILTIN.is_known("ORG001")
    assert with_policy.rules.is_known("ORG001")
    assert any(r.id == "ORG001" for r in first.rules)
    assert not any(r.id == "ORG001" for r in second.rules)


def test_an_option_given_wins_even_when_it_equals_the_default(tree: Path) -> None:
    plain = load_config(tree / "plain.yaml")
    assert build_settings(CheckOptions(), plain).max_bytes == 10
    given = build_settings(CheckOptions(max_file_size=DEFAULT_MAX_BYTES), plain)
    assert given.max_bytes == DEFAULT_MAX_BYTES
    assert build_settings(CheckOptions(), None).max_bytes == DEFAULT_MAX_BYTES


def test_profile_option_rebases_the_config(tree: Path) -> None:
    plain = load_config(tree / "plain.yaml")
    assert build_settings(CheckOptions(), plain).profile == "phase1"
    assert build_settings(CheckOptions(profile="all"), plain).profile == "all"


def test_result_carries_the_metadata_of_every_rule_that_reported(tree: Path) -> None:
    (tree / "bad").mkdir()
    (tree / "bad" / "Dockerfile").write_bytes(b"FROM alpine\x00\x00\n")
    result = run_check(CheckOptions(paths=["bad/Dockerfile"]), None)
    assert "SE002" in _rules(result)
    assert any(r.id == "SE002" for r in result.rules)


def test_sources_are_read_only_when_asked(tree: Path) -> None:
    assert run_check(CheckOptions(paths=["Dockerfile"], select="SD"), None).sources == {}
    result = run_check(CheckOptions(paths=["Dockerfile"], select="SD", sources=True), None)
    assert set(result.sources) == {f.path for f in result.findings}
    assert all(info.hashes for info in result.sources.values())


def test_write_baseline_is_recorded_in_the_result(tree: Path) -> None:
    result = run_check(CheckOptions(paths=["Dockerfile"], write_baseline="b.json"), None)
    assert result.baseline_recorded == sum(1 for f in result.findings if not f.suppressed)
    assert (tree / "b.json").is_file()
    again = run_check(CheckOptions(paths=["Dockerfile"], baseline="b.json"), None)
    assert not [f for f in again.findings if not f.suppressed]


def test_no_config_when_disabled(tree: Path) -> None:
    assert load_configuration(None, True) is None
    found = load_configuration("with-policy.yaml", False)
    assert found is not None and found.rules.is_known("ORG001")
