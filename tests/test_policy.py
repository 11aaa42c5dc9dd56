"""Organisation rules from policy files: each operator and target, and the example policies."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sentra_lint.config import ConfigError, load_config
from tests.conftest import REPO, run_cli

CASES = REPO / "tests" / "policy_cases"
POLICIES = REPO / "examples" / "policies"


def setup_repo(tmp: Path, policy: str) -> Path:
    (tmp / ".git").mkdir()
    shutil.copy(POLICIES / policy, tmp / policy)
    wf = tmp / ".github" / "workflows"
    wf.mkdir(parents=True)
    shutil.copy(CASES / "workflow.yml", wf / "agent.yml")
    shutil.copy(CASES / "Dockerfile", tmp / "Dockerfile")
    (tmp / "good").mkdir()
    shutil.copy(CASES / "Dockerfile.good", tmp / "good" / "Dockerfile")
    (tmp / ".sentra-lint.yaml").write_text(f"policies: [{policy}]\n")
    return tmp


def org_findings(tmp: Path, prefix: str = "ACME") -> list[tuple[str, str, int, int]]:
    res = run_cli("check", ".", "--format", "json", "--select", prefix, "--fail-on", "never", cwd=tmp)
    assert res.code == 0, res.out + res.err
    doc = json.loads(res.out)
    assert not doc["errors"], doc["errors"]
    return [(f["rule"], f["path"], f["line"], f["column"]) for f in doc["findings"]]


def test_limits_policy(tmp_path: Path) -> None:
    repo = setup_repo(tmp_path, "acme-limits.yaml")
    wf = ".github/workflows/agent.yml"
    assert org_findings(repo) == [
        ("ACME002", wf, 8, 14),  # docker.io image
        ("ACME001", wf, 9, 16),  # --memory=8g
    ]


def test_gvisor_policy(tmp_path: Path) -> None:
    repo = setup_repo(tmp_path, "acme-gvisor.yaml")
    wf = ".github/workflows/agent.yml"
    assert org_findings(repo) == [
        ("ACME010", wf, 9, 7),  # no runtime: reported at the options key
        ("ACME011", wf, 9, 45),  # --user root
    ]


def test_build_policy(tmp_path: Path) -> None:
    repo = setup_repo(tmp_path, "acme-build.yaml")
    wf = ".github/workflows/agent.yml"
    assert org_findings(repo) == [
        ("ACME022", wf, 6, 22),
        ("ACME023", wf, 11, 15),
        ("ACME021", "Dockerfile", 2, 1),
        ("ACME020", "Dockerfile", 3, 6),
    ]


def test_org_rules_in_sarif_metadata_and_suppressible(tmp_path: Path) -> None:
    repo = setup_repo(tmp_path, "acme-build.yaml")
    text = (repo / "Dockerfile").read_text().replace("ADD https", "# sentra-lint: ignore[ACME021] vendored\nADD https")
    (repo / "Dockerfile").write_text(text)
    doc = json.loads(run_cli("check", ".", "--format", "sarif", "--select", "ACME", "--fail-on", "never", cwd=repo).out)
    rules = {r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert {"ACME020", "ACME021", "ACME022", "ACME023"} <= rules
    sup = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "ACME021"]
    assert sup and sup[0]["suppressions"][0]["kind"] == "inSource"


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("{id: X1, title: t, severity: error, target: container, require: {memory: {max: lots}}}",
         'rules.0.require.memory.max: expected a size like "4g", got "lots"'),
        ("{id: X1, title: t, severity: error, target: container, require: {colour: {equals: red}}}",
         "no field 'colour' for target container"),
        ("{id: X1, title: t, severity: error, target: container, forbid: {user: {matches: '(['}}}",
         "bad regular expression"),
        ("{id: SC001, title: t, severity: error, target: container, forbid: {user: {equals: root}}}",
         "'SC001' is already a rule id"),
        ("{id: X1, title: t, severity: fatal, target: container, forbid: {user: {equals: root}}}",
         "rules.0.severity: expected one of error, warning, note"),
        ("{id: X1, title: t, severity: error, target: kubernetes, forbid: {user: {equals: root}}}",
         "rules.0.target: expected one of"),
    ],
)
def test_policy_errors_name_file_line_and_key(tmp_path: Path, rule: str, expected: str) -> None:
    (tmp_path / "p.yaml").write_text(f"rules:\n  - {rule}\n")
    (tmp_path / ".sentra-lint.yaml").write_text("policies: [p.yaml]\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / ".sentra-lint.yaml")
    assert "p.yaml:" in str(info.value)
    assert expected in str(info.value)


def test_missing_policy_file(tmp_path: Path) -> None:
    (tmp_path / ".sentra-lint.yaml").write_text("policies: [nope.yaml]\n")
    with pytest.raises(ConfigError, match=r"\.sentra-lint\.yaml:1: policies\.0: no policy file"):
        load_config(tmp_path / ".sentra-lint.yaml")
