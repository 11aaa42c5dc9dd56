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


# --- every operator, every target, every container source ----------------------

from sentra_lint.policy import Condition, Value, compile_rule  # noqa: E402


@pytest.mark.parametrize(
    ("op", "arg", "value", "expected"),
    [
        ("equals", "runsc", "runsc", True),
        ("equals", "runsc", "runc", False),
        ("equals", True, True, True),
        ("equals", "x", None, False),
        ("not-equals", "root", "1001", True),
        ("not-equals", "root", "root", False),
        ("not-equals", "root", None, True),
        ("in", ["root", "0"], "0", True),
        ("in", ["root", "0"], "1001", False),
        ("not-in", ["root", "0"], "1001", True),
        ("not-in", ["root", "0"], "root", False),
        ("matches", "^ghcr\\.io/", "ghcr.io/acme/x", True),
        ("matches", "^ghcr\\.io/", "docker.io/x", False),
        ("matches", "SYS_", ["NET_RAW", "SYS_ADMIN"], True),
        ("present", True, "x", True),
        ("present", True, None, False),
        ("present", False, None, True),
        ("present", False, [], True),
        ("contains", "all", ["ALL"], True),
        ("contains", "ALL", ["NET_RAW"], False),
        ("contains", "ALL", "ALL", False),
        ("max", "4g", 2 * 1024**3, True),
        ("max", "4g", 8 * 1024**3, False),
        ("max", "4g", float("inf"), False),
        ("max", "4g", None, False),
        ("min", 1, 0.5, False),
        ("min", 1, 2.0, True),
    ],
)
def test_condition_operators(op: str, arg: object, value: object, expected: bool) -> None:
    from sentra_lint.policy import _number

    number = _number("memory", arg) if op in ("max", "min") else None
    pattern = __import__("re").compile(str(arg)) if op == "matches" else None
    cond = Condition("memory" if op in ("max", "min") else "user", op, arg, pattern, number)
    assert cond.holds(Value(value, None)) is expected


SOURCES = {
    "workflow-container": (".github/workflows/a.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    container:\n      image: ghcr.io/acme/a:1\n      options: --user root\n    steps: [{run: echo}]\n"),
    "workflow-service": (".github/workflows/a.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    services:\n      db:\n        image: ghcr.io/acme/a:1\n        options: --user root\n    steps: [{run: echo}]\n"),
    "docker-run": (".github/workflows/a.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: docker run --user root ghcr.io/acme/a:1\n"),
    "compose": ("compose.yaml", "services:\n  web:\n    image: ghcr.io/acme/a:1\n    user: root\n"),
    "devcontainer": (".devcontainer/devcontainer.json", '{"image": "ghcr.io/acme/a:1", "runArgs": ["--user", "root"]}\n'),
}


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_container_rules_apply_to_every_launch_source(tmp_path: Path, source: str) -> None:
    path, text = SOURCES[source]
    (tmp_path / ".git").mkdir()
    target = tmp_path / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    shutil.copy(POLICIES / "acme-gvisor.yaml", tmp_path / "p.yaml")
    (tmp_path / ".sentra-lint.yaml").write_text("policies: [p.yaml]\n")
    found = org_findings(tmp_path)
    assert ("ACME011", path) in {(r, p) for r, p, _, _ in found}, found


@pytest.mark.parametrize(
    ("target", "conditions", "text", "kind", "expected"),
    [
        ("dockerfile.stage", "where: {final: {equals: true}}\n    require: {user: {present: true}}",
         "FROM a:1 AS b\nUSER 1\nFROM c:2\n", "Dockerfile", 1),
        ("dockerfile.stage", "require: {base.digest: {present: true}}",
         "FROM a:1 AS b\nFROM c:2@sha256:" + "a" * 64 + "\n", "Dockerfile", 1),
        ("dockerfile.instruction", "where: {keyword: {equals: RUN}}\n    forbid: {flags: {contains: network}}",
         "FROM a:1\nRUN --network=none echo\nRUN echo\n", "Dockerfile", 1),
        ("workflow.job", "require: {runs-on: {contains: self-hosted}}",
         "on: push\njobs:\n  a: {runs-on: ubuntu-latest, steps: [{run: x}]}\n  b: {runs-on: [self-hosted], steps: [{run: x}]}\n",
         ".github/workflows/w.yml", 1),
        ("workflow.step", "where: {uses: {present: true}}\n    require: {uses: {not-in: ['actions/cache@v3']}}",
         "on: push\njobs:\n  a: {runs-on: x, steps: [{uses: actions/cache@v3}, {uses: actions/cache@v4}, {run: x}]}\n",
         ".github/workflows/w.yml", 1),
        ("container", "require: {pids-limit: {min: 10, max: 200}}",
         "services:\n  a: {image: 'x:1', pids_limit: 5}\n  b: {image: 'x:1', pids_limit: 100}\n", "compose.yaml", 1),
    ],
)
def test_every_target(tmp_path: Path, target: str, conditions: str, text: str, kind: str, expected: int) -> None:
    (tmp_path / ".git").mkdir()
    f = tmp_path / kind
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(text)
    (tmp_path / "p.yaml").write_text(
        f"rules:\n  - id: ORG001\n    title: t\n    severity: warning\n    target: {target}\n    {conditions}\n")
    (tmp_path / ".sentra-lint.yaml").write_text("policies: [p.yaml]\n")
    assert len(org_findings(tmp_path, "ORG")) == expected


def test_compile_rule_rejects_unknown_field() -> None:
    with pytest.raises(ValueError, match="no field 'colour'"):
        compile_rule({"id": "X1", "title": "t", "severity": "error", "target": "container",
                      "require": {"colour": {"equals": "red"}}})


def test_every_field_is_documented() -> None:
    from sentra_lint.policy import FIELDS

    text = (REPO / "docs" / "policies.md").read_text()
    for target, fields in FIELDS.items():
        assert f"`{target}`" in text
        for field in fields:
            assert f"`{field}`" in text, field
