"""sentra-lint on its own action, workflows and documented workflow: no finding.

Three layers: the CLI run on the files (once the workflow analysis is in the
checkout), direct checks of the hardening each file must have (pinned
``uses:``, no expressions in scripts, permissions, time limits,
``persist-credentials: false``), and the action's main script run with bash
against a stand-in for the installed CLI.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, SARIF_SCHEMA, run_cli

ACTION = REPO / "action.yml"
WORKFLOWS = REPO / ".github" / "workflows"
DOC = REPO / "docs" / "github-code-scanning.md"

ACTION_INPUTS = {"paths", "profile", "config", "fail-on", "sarif-file", "category", "upload-sarif"}
SHA = re.compile(r"[0-9a-f]{40}")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?:\s+#\s*(?P<comment>.*))?$")


def load_yaml(text: str) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(text)


def docs_workflow() -> str:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    workflows = [b for b in blocks if re.search(r"^jobs:", b, flags=re.MULTILINE)]
    assert len(workflows) == 1, "docs/github-code-scanning.md should hold exactly one workflow block"
    return str(workflows[0])


def workflow_files() -> list[Path]:
    files = sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))
    assert files, "the repository has no workflow"
    return files


def sources() -> list[tuple[str, str]]:
    """(name, text) of every file that must be clean."""
    out = [("action.yml", ACTION.read_text(encoding="utf-8"))]
    out += [(str(p.relative_to(REPO)), p.read_text(encoding="utf-8")) for p in workflow_files()]
    out.append(("docs/github-code-scanning.md (workflow)", docs_workflow()))
    return out


def steps_of(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if "runs" in doc:
        yield from doc["runs"].get("steps") or []
    for job in (doc.get("jobs") or {}).values():
        yield from job.get("steps") or []


# ---------------------------------------------------------------------------
# the CLI on our own files


def _workflow_analysis_missing() -> str | None:
    try:
        from sentra_lint.container.adapters import specs_from_workflow  # noqa: F401
        from sentra_lint.workflow.model import build_workflow  # noqa: F401
        from sentra_lint.yamlmodel import load_yaml as _load  # noqa: F401
    except ImportError as exc:
        return f"the workflow analysis is not in this checkout yet ({exc})"
    return None


def assert_clean(res: Any) -> None:
    assert res.code == 0, res.out + res.err
    report = json.loads(res.out)
    assert report["findings"] == [], json.dumps(report["findings"], indent=2)
    assert report.get("errors", []) == []


@pytest.mark.parametrize("profile", ["phase1", "all"])
def test_sentra_lint_reports_nothing_on_action_and_workflows(profile: str) -> None:
    reason = _workflow_analysis_missing()
    if reason:
        pytest.skip(reason)
    res = run_cli(
        "check", "--no-config", "--profile", profile, "--fail-on", "note", "--format", "json",
        "action.yml", ".github/workflows", cwd=REPO,
    )
    assert_clean(res)
    linted = set(re.findall(r'"path": "([^"]+)"', res.out))
    assert not linted  # no finding at all, not even a suppressed one


@pytest.mark.parametrize("profile", ["phase1", "all"])
def test_sentra_lint_reports_nothing_on_the_documented_workflow(profile: str, tmp_path: Path) -> None:
    reason = _workflow_analysis_missing()
    if reason:
        pytest.skip(reason)
    target = tmp_path / ".github" / "workflows" / "sentra-lint.yml"
    target.parent.mkdir(parents=True)
    target.write_text(docs_workflow(), encoding="utf-8")
    res = run_cli(
        "check", "--no-config", "--profile", profile, "--fail-on", "note", "--format", "json", ".", cwd=tmp_path,
    )
    assert_clean(res)


# ---------------------------------------------------------------------------
# the hardening, checked directly


@pytest.mark.parametrize(("name", "text"), sources(), ids=lambda v: v if len(v) < 60 else None)
def test_every_uses_is_pinned_by_sha_with_a_version_comment(name: str, text: str) -> None:
    refs = [m for m in (USES_LINE.match(line) for line in text.splitlines()) if m]
    assert refs, f"{name}: no uses: at all"
    for m in refs:
        ref = m.group("ref")
        if ref.startswith("./") or (ref.startswith("docker://") and "@sha256:" in ref):
            continue
        action, _, pin = ref.partition("@")
        assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w./-]+)?", action), f"{name}: {ref}"
        assert SHA.fullmatch(pin), f"{name}: {ref} is not pinned by a full commit SHA"
        assert re.fullmatch(r"v\d+(\.\d+)*", (m.group("comment") or "").strip()), f"{name}: {ref} has no version comment"


@pytest.mark.parametrize(("name", "text"), sources(), ids=lambda v: v if len(v) < 60 else None)
def test_no_expression_inside_a_script(name: str, text: str) -> None:
    doc = load_yaml(text)
    for step in steps_of(doc):
        script = step.get("run")
        if script is not None:
            assert "${{" not in script, f"{name}: step {step.get('name')!r} expands an expression in run:"
        if str(step.get("uses", "")).startswith("actions/github-script@"):
            assert "${{" not in str((step.get("with") or {}).get("script", ""))


@pytest.mark.parametrize(("name", "text"), sources()[1:], ids=lambda v: v if len(v) < 60 else None)
def test_workflows_set_permissions_time_limits_and_drop_credentials(name: str, text: str) -> None:
    doc = load_yaml(text)
    assert doc.get("permissions") not in (None, "write-all"), f"{name}: no top-level permissions"
    for job_id, job in doc["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), f"{name}: job {job_id} has no timeout-minutes"
        assert job.get("permissions", doc["permissions"]) != "write-all"
        for step in job.get("steps") or []:
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert (step.get("with") or {}).get("persist-credentials") is False, f"{name}: {job_id} checkout"


def test_documented_workflow_can_upload_and_nothing_more() -> None:
    doc = load_yaml(docs_workflow())
    assert doc["permissions"] == {"contents": "read"}
    [job] = doc["jobs"].values()
    assert job["permissions"] == {"contents": "read", "security-events": "write"}
    assert any(str(s.get("uses", "")).startswith("sentra-lint/sentra-lint@") for s in job["steps"])


def test_action_metadata() -> None:
    action = load_yaml(ACTION.read_text(encoding="utf-8"))
    assert set(action["inputs"]) >= ACTION_INPUTS
    for name, spec in action["inputs"].items():
        assert spec.get("description"), name
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    for step in steps:
        if "run" in step:
            assert step.get("shell") == "bash", step.get("name")
    install = next(s for s in steps if "pip install" in s.get("run", ""))
    assert '"$GITHUB_ACTION_PATH"' in install["run"]
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@"))
    assert SHA.fullmatch(upload["uses"].split("@", 1)[1])
    assert upload["if"] == "${{ inputs.upload-sarif == 'true' }}"
    assert set(action["outputs"]) == {"sarif-file", "exit-code"}


def test_ci_workflow_runs_the_tests_and_the_self_lint() -> None:
    doc = load_yaml((WORKFLOWS / "ci.yml").read_text(encoding="utf-8"))
    scripts = [s.get("run", "") for job in doc["jobs"].values() for s in job.get("steps") or []]
    install = next(i for i, s in enumerate(scripts) if "pip install" in s and ".[test]" in s)
    assert any("python -m pytest" in s for s in scripts[install + 1 :])
    assert any(s.startswith("sentra-lint check") and "action.yml" in s and ".github/workflows" in s for s in scripts)
    assert any(s.get("uses") == "./" for job in doc["jobs"].values() for s in job.get("steps") or [])


# ---------------------------------------------------------------------------
# the action's main script, run for real


@pytest.fixture
def action_env(tmp_path: Path) -> dict[str, str]:
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    runner_temp = tmp_path / "runner-temp"
    bin_dir = runner_temp / "sentra-lint-venv" / "bin"
    bin_dir.mkdir(parents=True)
    shim = bin_dir / "sentra-lint"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m sentra_lint "$@"\n', encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "Dockerfile").write_bytes(b"FROM alpine\x00\x00\n")  # SE002: skipped (a warning)
    (workspace / "docker").mkdir()
    (workspace / "docker" / "Dockerfile").write_bytes(b"\x00")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH")]))
    env.update(
        RUNNER_TEMP=str(runner_temp),
        GITHUB_OUTPUT=str(tmp_path / "github-output"),
        INPUT_PATHS=".",
        INPUT_PROFILE="",
        INPUT_CONFIG="",
        INPUT_FAIL_ON="error",
        INPUT_SARIF_FILE="results.sarif",
        INPUT_CATEGORY="sentra-lint",
        INPUT_ANNOTATIONS="false",
        WORKSPACE=str(workspace),
    )
    return env


def run_check_step(env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    action = load_yaml(ACTION.read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "check")
    # The same variables the step maps from its inputs.
    assert set(step["env"]) == {k for k in env if k.startswith("INPUT_")}
    Path(env["GITHUB_OUTPUT"]).write_text("", encoding="utf-8")
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
        cwd=env["WORKSPACE"], env=env, capture_output=True, text=True, timeout=300,
    )
    outputs = dict(
        line.split("=", 1) for line in Path(env["GITHUB_OUTPUT"]).read_text(encoding="utf-8").splitlines() if "=" in line
    )
    return proc, outputs


def test_action_step_writes_sarif_and_records_the_exit_code(action_env: dict[str, str]) -> None:
    proc, outputs = run_check_step(action_env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert outputs == {"exit-code": "0"}
    assert "SE002" in proc.stdout  # the text report in the log
    doc = json.loads((Path(action_env["WORKSPACE"]) / "results.sarif").read_text(encoding="utf-8"))
    run = doc["runs"][0]
    assert run["automationDetails"] == {"id": "sentra-lint/"}
    assert sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]) == [
        "Dockerfile", "docker/Dockerfile",
    ]
    if SARIF_SCHEMA.is_file():
        import jsonschema

        jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(doc)


def test_action_step_splits_paths_and_passes_options(action_env: dict[str, str]) -> None:
    action_env.update(INPUT_PATHS=" docker/Dockerfile\n\n", INPUT_FAIL_ON="warning", INPUT_ANNOTATIONS="true",
                      INPUT_PROFILE="phase1", INPUT_CATEGORY="")
    proc, outputs = run_check_step(action_env)
    # Findings at or above fail-on: recorded for the last step, but this step goes on (the upload comes next).
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert outputs == {"exit-code": "1"}
    assert proc.stdout.startswith("::warning file=docker/Dockerfile,")
    doc = json.loads((Path(action_env["WORKSPACE"]) / "results.sarif").read_text(encoding="utf-8"))
    run = doc["runs"][0]
    assert "automationDetails" not in run
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]] == [
        "docker/Dockerfile"
    ]


def test_action_step_stops_on_a_usage_error(action_env: dict[str, str]) -> None:
    action_env["INPUT_FAIL_ON"] = "sometimes"
    proc, outputs = run_check_step(action_env)
    assert proc.returncode == 2
    assert outputs == {"exit-code": "2"}
    assert "::error title=sentra-lint::" in proc.stdout
    assert not (Path(action_env["WORKSPACE"]) / "results.sarif").exists()


def test_action_step_treats_inputs_as_data(action_env: dict[str, str]) -> None:
    marker = Path(action_env["WORKSPACE"]) / "pwned"
    action_env["INPUT_PATHS"] = f"$(touch {marker}) `touch {marker}` ; touch {marker}"
    action_env["INPUT_SARIF_FILE"] = f"out.sarif; touch {marker}"
    proc, _ = run_check_step(action_env)
    assert not marker.exists(), proc.stdout + proc.stderr
