"""The GitHub Action: inputs reach scripts only through env:, and its lint step, run for real.

The lint step (``python -m sentra_lint.github_action``) is run here with the
environment the runner would give it; the install and upload steps need
GitHub and are checked by reading ``action.yml``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sentra_lint.github_action import check_argv, upload_blocked
from tests.conftest import REPO, SARIF_SCHEMA

ACTION = REPO / "action.yml"
DOC = REPO / "docs" / "github-code-scanning.md"
README = REPO / "README.md"
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)


def load_action() -> dict[str, Any]:
    from ruamel.yaml import YAML

    doc = YAML(typ="safe").load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(doc, dict)
    return doc


# ---------------------------------------------------------------------------
# action.yml, read


def test_no_input_reaches_a_script_except_through_env() -> None:
    action = load_action()
    inputs = set(action["inputs"])
    used: set[str] = set()
    for step in action["runs"]["steps"]:
        run = step.get("run")
        if run is not None:
            # No expression at all inside a script: not an input, not a step output.
            assert "${{" not in run, f"step {step.get('name')!r} expands an expression inside run:"
            assert step.get("shell") == "bash", step.get("name")
        for key, value in step.items():
            for expr in EXPRESSION.findall(json.dumps(value)):
                names = re.findall(r"\binputs\.([\w-]+)", expr)
                if names:
                    assert key in ("env", "with", "if"), f"step {step.get('name')!r}: inputs in {key}:"
                used.update(names)
    assert inputs <= used | {n for n in inputs if n in json.dumps(action.get("outputs", {}))}, inputs - used
    assert used <= inputs, used - inputs


def test_every_step_that_runs_code_names_its_interpreter_and_every_action_is_pinned() -> None:
    for step in load_action()["runs"]["steps"]:
        if "uses" in step:
            assert re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", step["uses"]), step["uses"]


def test_install_uses_the_lock_and_falls_back_to_source_with_a_notice() -> None:
    steps = {s.get("id"): s for s in load_action()["runs"]["steps"]}
    install = steps["install"]["run"]
    assert '--require-hashes --only-binary=:all: -r "$GITHUB_ACTION_PATH/requirements/release.txt"' in install
    assert '"sentra-lint==$SENTRA_VERSION"' in install
    assert "::notice title=sentra-lint::" in install and '"$GITHUB_ACTION_PATH"' in install
    assert steps["cache"]["uses"].startswith("actions/cache/restore@")
    assert "steps.resolve.outputs.version" in steps["cache"]["with"]["key"]
    # Only a released wheel is cached: a build from an unreleased commit is not.
    save = next(s for s in load_action()["runs"]["steps"] if str(s.get("uses", "")).startswith("actions/cache/save@"))
    assert save["if"] == "${{ steps.install.outputs.source == 'index' }}"
    assert steps["lint"]["env"]["FORCE_COLOR"] == "1"


def test_every_input_is_documented_with_an_example() -> None:
    doc = README.read_text(encoding="utf-8")
    table = doc.split("\n## GitHub Action\n", 1)[1].split("\n## ", 1)[0].split("### Inputs", 1)[1]
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `([\w-]+)` \|.*$", table, flags=re.MULTILINE)}
    for name in load_action()["inputs"]:
        assert name in rows, f"input {name} is not in the README's table"
        cells = [c.strip() for c in rows[name].strip("|").split(" | ")]
        assert re.search(r"`[\w-]+: .+`", cells[-1]), f"input {name} has no example"


def test_resolve_step_reads_the_version_from_pyproject(tmp_path: Path) -> None:
    step = next(s for s in load_action()["runs"]["steps"] if s.get("id") == "resolve")
    out = tmp_path / "out"
    for given, expected in (("", None), ("v0.3.1", "0.3.1"), ("$(id)", None)):
        out.write_text("", encoding="utf-8")
        env = {"PATH": os.environ["PATH"], "GITHUB_ACTION_PATH": str(REPO), "GITHUB_OUTPUT": str(out),
               "RUNNER_TEMP": str(tmp_path), "INPUT_VERSION": given}
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-c", step["run"]], env=env,
                              capture_output=True, text=True, check=False)
        values = dict(line.split("=", 1) for line in out.read_text(encoding="utf-8").splitlines())
        if given == "$(id)":
            assert proc.returncode == 2 and "::error" in proc.stdout
            continue
        from sentra_lint._version import version

        assert proc.returncode == 0, proc.stderr
        assert values["version"] == (expected or version())
        assert values["own"] == ("true" if expected is None else "false")


# ---------------------------------------------------------------------------
# the lint step, run


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "Dockerfile").write_text("FROM python:3.12\nRUN pip install flask\n", encoding="utf-8")
    (workspace / "compose.yaml").write_text("services:\n  db:\n    image: postgres:16\n    privileged: true\n",
                                            encoding="utf-8")
    values = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_", "RUNNER_"))}
    values["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), values.get("PYTHONPATH")]))
    values.update(
        RUNNER_TEMP=str(tmp_path),
        GITHUB_OUTPUT=str(tmp_path / "output"),
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
        GITHUB_EVENT_NAME="push",
        GITHUB_REPOSITORY="acme/app",
        INPUT_PATHS=".",
        INPUT_FAIL_ON="error",
        INPUT_MIN_SEVERITY="note",
        INPUT_SARIF_FILE="results.sarif",
        INPUT_SARIF_CATEGORY="sentra-lint",
        INPUT_UPLOAD_SARIF="true",
        INPUT_ANNOTATIONS="false",
        INPUT_SUMMARY="true",
        FORCE_COLOR="1",
        WORKSPACE=str(workspace),
    )
    return values


def lint_step(env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    Path(env["GITHUB_OUTPUT"]).write_text("", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "sentra_lint.github_action"], cwd=env["WORKSPACE"], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    outputs = dict(line.split("=", 1) for line in Path(env["GITHUB_OUTPUT"]).read_text(encoding="utf-8").splitlines())
    return proc, outputs


def test_one_run_gives_log_sarif_and_summary(env: dict[str, str]) -> None:
    proc, outputs = lint_step(env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert outputs["exit-code"] == "1" and outputs["upload"] == "true" and outputs["sarif-file"] == "results.sarif"
    # One check run, its command line in the log; the text report in colour.
    assert proc.stdout.count("sentra-lint check ") == 1
    assert "--format json" in proc.stdout and "-- ." in proc.stdout
    assert "\x1b[31m[error]\x1b[0m" in proc.stdout
    workspace = Path(env["WORKSPACE"])
    sarif = json.loads((workspace / "results.sarif").read_text(encoding="utf-8"))
    run = sarif["runs"][0]
    assert run["automationDetails"] == {"id": "sentra-lint/"}
    shown = {r["ruleId"] for r in run["results"]}
    assert "SC002" in shown and int(outputs["findings"]) == len(run["results"])
    if SARIF_SCHEMA.is_file():
        import jsonschema

        jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(sarif)
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert summary.startswith("## sentra-lint\n") and "### Findings per rule" in summary
    assert "compose service 'db'" in summary


def test_min_severity_and_fail_on(env: dict[str, str]) -> None:
    env.update(INPUT_MIN_SEVERITY="error", INPUT_FAIL_ON="warning", INPUT_ANNOTATIONS="true", FORCE_COLOR="")
    proc, outputs = lint_step(env)
    assert proc.returncode == 0
    assert "[warning]" not in proc.stdout and "[note]" not in proc.stdout and "[error]" in proc.stdout
    assert "::error file=" in proc.stdout and "::warning file=" not in proc.stdout
    assert "\x1b[" not in proc.stdout
    assert outputs["exit-code"] == "1"
    sarif = json.loads((Path(env["WORKSPACE"]) / "results.sarif").read_text(encoding="utf-8"))
    assert {r["level"] for r in sarif["runs"][0]["results"]} == {"error"}


def test_select_ignore_and_args_are_words(env: dict[str, str]) -> None:
    marker = Path(env["WORKSPACE"]) / "pwned"
    env.update(INPUT_SELECT="SC SD", INPUT_IGNORE="SC002", INPUT_ARGS="--kind compose",
               INPUT_PATHS="compose.yaml")
    assert check_argv(env, "r.json")[:7] == ["check", "--select", "SC,SD", "--ignore", "SC002", "--kind", "compose"]
    proc, _ = lint_step(env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    sarif = json.loads((Path(env["WORKSPACE"]) / "results.sarif").read_text(encoding="utf-8"))
    rules = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert rules and "SC002" not in rules and all(r.startswith("SC") for r in rules)
    # A shell never sees args: substitutions stay text, handed to check as words.
    env.update(INPUT_ARGS=f"$(touch {marker}) `touch {marker}`; touch {marker}", INPUT_SELECT="", INPUT_IGNORE="")
    argv = check_argv(env, "r.json")
    assert argv[1:6] == ["$(touch", f"{marker})", "`touch", f"{marker}`;", "touch"]
    lint_step(env)
    assert not marker.exists()


def test_a_path_input_is_never_an_option(env: dict[str, str]) -> None:
    workspace = Path(env["WORKSPACE"])
    before = (workspace / "Dockerfile").read_text(encoding="utf-8")
    env.update(INPUT_PATHS="--fix=unsafe --output=x.sarif Dockerfile")
    argv = check_argv(env, "r.json")
    assert argv[argv.index("--") + 1 :] == ["--fix=unsafe", "--output=x.sarif", "Dockerfile"]
    lint_step(env)
    assert (workspace / "Dockerfile").read_text(encoding="utf-8") == before
    assert not (workspace / "x.sarif").exists()


def test_bad_inputs_stop_the_step(env: dict[str, str]) -> None:
    for key, value in (("INPUT_FAIL_ON", "sometimes"), ("INPUT_MIN_SEVERITY", "info"), ("INPUT_UPLOAD_SARIF", "maybe"),
                       ("INPUT_ARGS", "--select 'unclosed")):
        case = {**env, key: value}
        proc, outputs = lint_step(case)
        assert proc.returncode == 2, (key, proc.stdout)
        assert outputs == {"exit-code": "2", "upload": "false"}
        assert "::error title=sentra-lint::bad input" in proc.stdout
        assert not (Path(env["WORKSPACE"]) / "results.sarif").exists()


def test_fork_pull_requests_skip_the_upload_with_a_notice(env: dict[str, str], tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"head": {"repo": {"full_name": "someone/app"}}}}), encoding="utf-8")
    env.update(GITHUB_EVENT_NAME="pull_request", GITHUB_EVENT_PATH=str(event))
    proc, outputs = lint_step(env)
    assert proc.returncode == 0
    assert outputs["upload"] == "false"
    assert "::notice title=sentra-lint::SARIF upload skipped: a pull request from the fork someone/app" in proc.stdout
    assert (Path(env["WORKSPACE"]) / "results.sarif").is_file()  # still written, for an artifact
    # The same repository's pull request uploads; so do pushes and Dependabot's own branches' pushes.
    event.write_text(json.dumps({"pull_request": {"head": {"repo": {"full_name": "acme/app"}}}}), encoding="utf-8")
    assert upload_blocked(env) is None
    assert upload_blocked({**env, "GITHUB_ACTOR": "dependabot[bot]"}) is not None
    assert upload_blocked({**env, "GITHUB_EVENT_NAME": "push"}) is None


def test_zizmor_finds_nothing_above_low(tmp_path: Path) -> None:
    """action.yml, every workflow and the documented workflow, as the release check lints them."""
    import shutil

    zizmor = shutil.which("zizmor") or shutil.which("zizmor", path=str(Path(sys.executable).parent))
    if zizmor is None:
        pytest.skip("zizmor is not installed (the test extra installs it)")
    documented = tmp_path / ".github" / "workflows" / "sentra-lint.yml"
    documented.parent.mkdir(parents=True)
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    documented.write_text(next(b for b in blocks if "\njobs:" in b), encoding="utf-8")
    proc = subprocess.run([zizmor, "--offline", "--min-severity", "medium", "--format", "plain",
                           str(ACTION), str(REPO / ".github" / "workflows"), str(documented)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
