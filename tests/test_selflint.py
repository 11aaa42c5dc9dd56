"""sentra-lint on its own action, workflows and documented workflow: no finding.

Three layers: the CLI run on the files (once the workflow analysis is in the
checkout), direct checks of the hardening each file must have (pinned
``uses:``, no expressions in scripts, permissions, time limits,
``persist-credentials: false``), and the action's main script run with bash
against a stand-in for the installed CLI.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, run_cli

ACTION = REPO / "action.yml"
WORKFLOWS = REPO / ".github" / "workflows"
DOC = REPO / "docs" / "github-code-scanning.md"

ACTION_INPUTS = {
    "version", "paths", "args", "profile", "config", "baseline", "select", "ignore", "fail-on", "min-severity",
    "sarif-file", "sarif-category", "upload-sarif", "annotations", "summary", "python-version",
}
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
    assert doc["permissions"] == {}
    [job] = doc["jobs"].values()
    assert job["permissions"] == {"contents": "read", "security-events": "write", "actions": "read"}
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
    assert upload["if"] == "${{ steps.lint.outputs.upload == 'true' }}"
    assert set(action["outputs"]) == {"sarif-file", "exit-code", "findings", "version"}


def test_ci_workflow_runs_the_tests_and_the_self_lint() -> None:
    doc = load_yaml((WORKFLOWS / "ci.yml").read_text(encoding="utf-8"))
    scripts = [s.get("run", "") for job in doc["jobs"].values() for s in job.get("steps") or []]
    install = next(i for i, s in enumerate(scripts) if "pip install" in s and ".[test]" in s)
    assert any("python -m pytest" in s for s in scripts[install + 1 :])
    assert any(s.startswith("sentra-lint check") and "action.yml" in s and ".github/workflows" in s for s in scripts)
    assert any(s.get("uses") == "./" for job in doc["jobs"].values() for s in job.get("steps") or [])
