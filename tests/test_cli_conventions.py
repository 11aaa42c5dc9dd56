"""The command line as CI and ruff/zizmor/hadolint users rely on it, run as the real console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, CliResult

SCRIPT = Path(sys.executable).parent / ("sentra-lint.exe" if os.name == "nt" else "sentra-lint")

# apt-get without --no-install-recommends (SD005, unsafe fix) and without removing the lists (SD006, safe fix)
DOCKERFILE = "FROM ubuntu:22.04@sha256:" + "a" * 64 + "\nRUN apt-get update && apt-get install -y curl\nUSER 1001\n"
WORKFLOW = """\
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    container:
      image: node:20@sha256:%s
      options: --cap-drop=ALL --read-only --user 1001
    steps:
      - run: echo hi
""" % ("b" * 64)


def cli(*args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None) -> CliResult:
    """Run the installed ``sentra-lint`` console script."""
    if not SCRIPT.exists():
        pytest.skip("the console script is not installed in this environment")
    full_env = {**os.environ, **(env or {})}
    for name in ("NO_COLOR", "FORCE_COLOR"):
        if env is None or name not in env:
            full_env.pop(name, None)
    proc = subprocess.run(
        [str(SCRIPT), *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=300, env=full_env
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    return tmp_path


# --- CI trust -----------------------------------------------------------------


def test_a_missing_path_is_a_usage_error(tree: Path) -> None:
    res = cli("check", ".github/workflow", cwd=tree)
    assert res.code == 2
    assert res.err.strip() == "sentra-lint: error: .github/workflow: no such file or directory"
    assert res.out == ""


def test_everything_after_double_dash_is_a_path(tree: Path) -> None:
    before = (tree / "Dockerfile").read_text(encoding="utf-8")
    res = cli("check", "--", "--fix", cwd=tree)
    assert res.code == 2 and "--fix: no such file or directory" in res.err
    assert (tree / "Dockerfile").read_text(encoding="utf-8") == before
    (tree / "--fix").write_text(DOCKERFILE, encoding="utf-8")
    res = cli("check", "--kind", "dockerfile", "--", "--fix", cwd=tree)
    assert "--fix:2:" in res.out  # linted as a file
    assert (tree / "--fix").read_text(encoding="utf-8") == DOCKERFILE
    assert (tree / "Dockerfile").read_text(encoding="utf-8") == before


def test_double_dash_keeps_an_output_option_a_path(tree: Path) -> None:
    (tree / "--output=b.sarif").write_text(DOCKERFILE, encoding="utf-8")
    res = cli("check", "--format", "sarif", "--output", "a.sarif", "--kind", "dockerfile", "--fail-on", "note",
              "--", "--output=b.sarif", cwd=tree)
    assert res.code == 1, res.err
    assert (tree / "a.sarif").is_file()
    assert not (tree / "b.sarif").exists()


def test_a_closed_pipe_ends_quietly(tree: Path) -> None:
    lines = "".join(f"RUN sudo echo {i}\n" for i in range(4000))
    (tree / "Dockerfile").write_text("FROM alpine\n" + lines, encoding="utf-8")
    if not SCRIPT.exists():
        pytest.skip("the console script is not installed in this environment")
    proc = subprocess.Popen([str(SCRIPT), "check", "."], cwd=tree, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=300)
    assert "Error" not in err and "internal error" not in err, err
    assert proc.returncode != 2


def test_writing_a_baseline_succeeds(tree: Path) -> None:
    res = cli("check", ".", "--write-baseline", "b.json", "--fail-on", "note", cwd=tree)
    assert res.code == 0, res.err
    assert "recorded" in res.err and (tree / "b.json").is_file()
    assert cli("check", ".", "--baseline", "b.json", "--fail-on", "note", cwd=tree).code == 0


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_gitignored_files_are_skipped_unless_named(tree: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tree)], check=True)
    (tree / ".gitignore").write_text("vendor/\n", encoding="utf-8")
    (tree / "vendor" / "x").mkdir(parents=True)
    (tree / "vendor" / "x" / "Dockerfile").write_text("FROM alpine\n", encoding="utf-8")
    walked = json.loads(cli("check", ".", "--format", "json", cwd=tree).out)
    assert not any(f["path"].startswith("vendor/") for f in walked["findings"])
    assert walked["summary"]["files"] == 1
    every = json.loads(cli("check", ".", "--format", "json", "--no-respect-gitignore", cwd=tree).out)
    assert any(f["path"] == "vendor/x/Dockerfile" for f in every["findings"])
    named = json.loads(cli("check", "vendor/x/Dockerfile", "--format", "json", cwd=tree).out)
    assert any(f["path"] == "vendor/x/Dockerfile" for f in named["findings"])


def test_no_new_privileges_is_an_unsafe_fix(tmp_path: Path) -> None:
    wf = tmp_path / ".github" / "workflows" / "ci.yml"
    wf.parent.mkdir(parents=True)
    wf.write_text(WORKFLOW, encoding="utf-8")
    # --profile audit: the hardening rules look at every launch, not only agents'
    before = wf.read_text(encoding="utf-8")
    cli("check", ".", "--profile", "audit", "--select", "SC003", "--fix", cwd=tmp_path)
    assert wf.read_text(encoding="utf-8") == before
    doc = json.loads(cli("check", ".", "--profile", "audit", "--select", "SC003", "--format", "json", cwd=tmp_path).out)
    assert any(f["rule"] == "SC003" for f in doc["findings"])
    assert all(not fx["safe"] for f in doc["findings"] for fx in f.get("fixes", ()))


def test_the_sarif_schema_ships_with_the_tests() -> None:
    from tests.conftest import SARIF_SCHEMA

    assert SARIF_SCHEMA.is_file() and REPO in SARIF_SCHEMA.parents


# --- conventions --------------------------------------------------------------


def test_version_and_help(tree: Path) -> None:
    from sentra_lint._version import version

    assert cli("--version", cwd=tree).out == f"sentra-lint {version()}\n"
    assert cli("version", cwd=tree).out == f"sentra-lint {version()}\n"
    assert "check" in cli("-h", cwd=tree).out
    assert "--output-format" in cli("check", "-h", cwd=tree).out


def test_exit_zero_quiet_and_min_severity(tree: Path) -> None:
    assert cli("check", ".", "--fail-on", "note", cwd=tree).code == 1
    res = cli("check", ".", "--fail-on", "note", "--exit-zero", "--quiet", cwd=tree)
    assert res.code == 0
    assert "Found" not in res.out and "fixable" not in res.out and "SD005" in res.out
    res = cli("check", ".", "--min-severity", "warning", "--output-format", "json", cwd=tree)
    assert {f["severity"] for f in json.loads(res.out)["findings"]} <= {"warning", "error"}
    assert cli("check", ".", "--min-severity", "loud", cwd=tree).code == 2


def test_statistics(tree: Path) -> None:
    res = cli("check", ".", "--statistics", cwd=tree)
    rows = {line.split()[1]: line for line in res.out.splitlines()}
    assert set(rows) >= {"SD005", "SD006"}
    assert "[*] 1 fixable" in rows["SD006"] and "[*]" not in rows["SD005"]


def test_format_alias_and_stdin_filename(tree: Path) -> None:
    a = cli("check", ".", "--format", "json", cwd=tree).out
    b = cli("check", ".", "--output-format", "json", cwd=tree).out
    assert a == b
    res = cli("check", "--stdin-filename", "docker/Dockerfile", "-", cwd=tree, stdin=DOCKERFILE)
    assert res.out.startswith("docker/Dockerfile:2:")
    assert cli("check", "-", cwd=tree, stdin=DOCKERFILE).code == 2


def test_colour(tree: Path) -> None:
    assert "\x1b[" not in cli("check", ".", cwd=tree).out
    forced = cli("check", ".", cwd=tree, env={"FORCE_COLOR": "1"}).out
    assert "\x1b[1mDockerfile:2:" in forced and "\x1b[1mSD005\x1b[0m" in forced
    assert "\x1b[" not in cli("check", ".", "--color", "always", cwd=tree, env={"NO_COLOR": "1"}).out[:0]
    assert "\x1b[" in cli("check", ".", "--color", "always", cwd=tree, env={"NO_COLOR": "1"}).out
    assert "\x1b[" not in cli("check", ".", cwd=tree, env={"NO_COLOR": "1", "FORCE_COLOR": ""}).out
    bad = cli("check", ".", "--color", "sometimes", cwd=tree)
    assert bad.code == 2 and "--color must be one of auto, always, never" in bad.err


def test_fixable_marks_and_hint(tree: Path) -> None:
    out = cli("check", ".", cwd=tree).out
    assert "SD006 [note] [*] " in out and "SD005 [warning] `apt-get" in out
    assert out.splitlines()[-1] == "[*] 1 fixable with `--fix`, 1 more with `--fix=unsafe`."
    rules = json.loads(cli("rules", "--format", "json", cwd=tree).out)
    assert {r["id"]: r["fixable"] for r in rules}["SD006"] is True


def test_rule_names_and_repeated_select(tree: Path) -> None:
    assert cli("explain", "cap-drop-all", cwd=tree).out.startswith("SC001 cap-drop-all")
    one = json.loads(cli("check", ".", "--format", "json", "--select", "apt-install-recommends", cwd=tree).out)
    assert {f["rule"] for f in one["findings"]} == {"SD005"}
    both = json.loads(cli("check", ".", "--format", "json", "--select", "SD005", "--select", "SD006", cwd=tree).out)
    assert {f["rule"] for f in both["findings"]} == {"SD005", "SD006"}
    assert cli("check", ".", "--select", "no-such-rule", cwd=tree).code == 2


def test_verbose_empty_run_and_plurals(tree: Path) -> None:
    res = cli("check", ".", "-v", cwd=tree)
    assert "sentra-lint: linted Dockerfile" in res.err and "rules: " in res.err
    assert "Found 2 findings (0 errors, 1 warning, 1 note) in 1 file." in res.out
    (tree / "empty").mkdir()
    res = cli("check", "empty", cwd=tree)
    assert res.code == 0 and res.out == "No files found.\n"


def test_trailing_suppression_says_where_it_goes(tree: Path) -> None:
    (tree / "Dockerfile").write_text(
        "FROM alpine@sha256:" + "c" * 64 + "\nRUN echo hi # sentra-lint: ignore[SD010]\nUSER 1001\n", encoding="utf-8"
    )
    out = cli("check", ".", "--select", "SD010,SE003", cwd=tree).out
    assert "on a line of its own, directly above the instruction" in out


def test_schema_prints_the_output_schema(tree: Path) -> None:
    doc = json.loads(cli("schema", "output", cwd=tree).out)
    assert doc == json.loads((REPO / "schemas" / "output.schema.json").read_text(encoding="utf-8"))
    assert "properties" in json.loads(cli("schema", cwd=tree).out)


def test_config_select_ignore_and_per_file_ignores(tree: Path) -> None:
    (tree / "sub").mkdir()
    (tree / "sub" / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    (tree / ".sentra-lint.yaml").write_text(
        "select: [SD005, SD006]\nignore: [apt-install-recommends]\nper-file-ignores:\n  'sub/**': [SD]\n", encoding="utf-8"
    )
    doc = json.loads(cli("check", ".", "--format", "json", cwd=tree).out)
    open_ = {(f["path"], f["rule"]) for f in doc["findings"] if not f["suppressed"]}
    assert open_ == {("Dockerfile", "SD006")}
    hidden = [f for f in doc["findings"] if f["suppressed"]]
    assert {f["path"] for f in hidden} == {"sub/Dockerfile"}
    assert all(f["suppression"]["kind"] == "external" for f in hidden)
    # --select on the command line replaces the config's select
    doc = json.loads(cli("check", ".", "--format", "json", "--select", "SE", cwd=tree).out)
    assert not doc["findings"]
    (tree / ".sentra-lint.yaml").write_text("select: [no-such-rule]\n", encoding="utf-8")
    res = cli("check", ".", cwd=tree)
    assert res.code == 2 and ".sentra-lint.yaml:1: select: unknown rule id 'no-such-rule'" in res.err


def test_profile_names_a_newcomer_understands(tree: Path) -> None:
    by_name = cli("check", ".", "--format", "json", "--profile", "gvisor", cwd=tree).out
    by_phase = cli("check", ".", "--format", "json", "--profile", "phase3", cwd=tree).out
    assert json.loads(by_name)["findings"] == json.loads(by_phase)["findings"]
    (tree / ".sentra-lint.yaml").write_text("extends: hardening\n", encoding="utf-8")
    assert cli("check", ".", cwd=tree).code in (0, 1)


def test_rules_show_every_level_a_rule_reports(tree: Path) -> None:
    rows = {line.split()[0]: line.split()[2] for line in cli("rules", cwd=tree).out.splitlines()}
    assert rows["SD014"] == "error/note" and rows["SW001"] == "error/warning" and rows["SD001"] == "error"
    doc = {r["id"]: r for r in json.loads(cli("rules", "--format", "json", cwd=tree).out)}
    assert doc["SD014"]["severity"] == "error" and doc["SD014"]["severities"] == ["error", "note"]
