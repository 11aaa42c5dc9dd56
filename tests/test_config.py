"""Configuration discovery, validation errors, profiles and per-rule settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sentra_lint.config import ConfigError, find_config, load_config
from tests.conftest import run_cli, run_subprocess


def cfg(tmp: Path, text: str, name: str = ".sentra-lint.yaml") -> Path:
    p = tmp / name
    p.write_text(text, encoding="utf-8")
    return p


def test_discovery_walks_up_to_repo_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    cfg(tmp_path, "extends: phase2\n")
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    assert find_config(sub) == tmp_path / ".sentra-lint.yaml"


def test_discovery_stops_at_repo_root(tmp_path: Path) -> None:
    cfg(tmp_path, "extends: phase2\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    assert find_config(repo) is None


def test_yml_and_pyproject(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    cfg(tmp_path, '[project]\nname = "x"\n\n[tool.sentra-lint]\nextends = "phase3"\n', "pyproject.toml")
    found = find_config(tmp_path)
    assert found is not None and found.name == "pyproject.toml"
    c = load_config(found)
    assert c.profile == "phase3"
    assert "SC018" in c.policy.enabled_ids()  # type: ignore[union-attr]
    cfg(tmp_path, "extends: phase1\n", ".sentra-lint.yml")
    assert find_config(tmp_path) == tmp_path / ".sentra-lint.yml"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rulez: 1\n", ":1: rulez: unknown key 'rulez'"),
        ("rules:\n  SC999: {}\n", ":2: rules.SC999: unknown rule id"),
        ("max-file-size: lots\n", ':1: max-file-size: expected a size like "4g", got "lots"'),
        ("rules:\n  SD001:\n    severity: fatal\n", ":3: rules.SD001.severity: expected one of error, warning, note"),
        ("rules:\n  SD001:\n    enabled: maybe\n", ":3: rules.SD001.enabled: expected boolean"),
        ("rules: [\n", "invalid YAML"),
        ("extends: nowhere.yaml\n", ":1: extends: no profile or file 'nowhere.yaml'"),
        ("- a\n- b\n", "(top level): expected a mapping"),
        ("suppressions:\n  - path: x\n    rules: [ZZ1]\n    reason: r\n", "unknown rule id 'ZZ1'"),
    ],
)
def test_validation_errors_name_file_line_and_key(tmp_path: Path, text: str, expected: str) -> None:
    p = cfg(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(p)
    assert str(p) in str(info.value)
    assert expected in str(info.value)


def test_bad_config_is_exit_two_without_traceback(tmp_path: Path) -> None:
    cfg(tmp_path, "rules:\n  SD001:\n    severity: fatal\n")
    res = run_subprocess("check", ".", cwd=tmp_path)
    assert res.code == 2
    assert "Traceback" not in res.err
    assert ".sentra-lint.yaml:3: rules.SD001.severity" in res.err


def test_bad_toml_is_exit_two(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    cfg(tmp_path, "[tool.sentra-lint]\nextends = \n", "pyproject.toml")
    res = run_subprocess("check", ".", cwd=tmp_path)
    assert res.code == 2 and "invalid TOML" in res.err


def test_extends_cycle_is_reported(tmp_path: Path) -> None:
    cfg(tmp_path, "extends: b.yaml\n", "a.yaml")
    cfg(tmp_path, "extends: a.yaml\n", "b.yaml")
    with pytest.raises(ConfigError, match="extends itself"):
        load_config(tmp_path / "a.yaml")


def test_extends_a_file_then_changes_it(tmp_path: Path) -> None:
    cfg(tmp_path, "extends: phase1\nrules:\n  SD018: {enabled: true}\n", "org.yaml")
    p = cfg(tmp_path, "extends: org.yaml\nrules:\n  SD001: {severity: warning}\n")
    c = load_config(p)
    assert c.policy is not None
    assert c.policy.rules["SD018"].enabled
    assert c.policy.rules["SD001"].severity == "warning"


def test_no_config_and_explicit_config(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile.broken").write_text("FROM\n")
    cfg(tmp_path, "exclude: ['*.broken']\n")
    assert run_cli("check", "Dockerfile.broken", cwd=tmp_path).code == 0
    assert run_cli("check", "Dockerfile.broken", "--no-config", cwd=tmp_path).code == 1
    other = cfg(tmp_path, "extends: phase1\n", "other.yaml")
    assert run_cli("check", "Dockerfile.broken", "--config", str(other), cwd=tmp_path).code == 1


def test_severity_override_and_disable(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM\n")
    cfg(tmp_path, "rules:\n  SE001: {severity: note}\n")
    doc = json.loads(run_cli("check", ".", "--format", "json", cwd=tmp_path).out)
    se = [f for f in doc["findings"] if f["rule"] == "SE001"]
    assert se and all(f["severity"] == "note" for f in se)
    cfg(tmp_path, "rules:\n  SE001: {enabled: false}\n")
    doc = json.loads(run_cli("check", ".", "--format", "json", cwd=tmp_path).out)
    assert not [f for f in doc["findings"] if f["rule"] == "SE001"]


def test_config_suppression_by_path_and_line(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM\n")
    cfg(tmp_path, "suppressions:\n  - path: Dockerfile:1\n    rules: [SE001]\n    reason: a template\n")
    doc = json.loads(run_cli("check", ".", "--format", "json", cwd=tmp_path).out)
    f = doc["findings"][0]
    assert f["suppressed"] and f["suppression"] == {"kind": "external", "justification": "a template"}


def test_init_writes_a_valid_config(tmp_path: Path) -> None:
    assert run_cli("init", cwd=tmp_path).code == 0
    c = load_config(tmp_path / ".sentra-lint.yaml")
    assert c.profile == "phase1"
    assert run_subprocess("init", cwd=tmp_path).code == 2  # no overwrite without --force


def test_schema_command_prints_composed_schema() -> None:
    doc = json.loads(run_cli("schema").out)
    assert "SC001" in doc["properties"]["rules"]["properties"]
