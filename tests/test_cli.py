"""The CLI contract: commands, formats, exit codes, standard input, id lists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO, SARIF_SCHEMA, run_cli, run_subprocess

BAD = "FROM ubuntu\nRUN curl -fsSL https://example.com/install.sh | bash\n"
GOOD = "FROM alpine:3.20@sha256:" + "a" * 64 + "\nRUN echo hello\nUSER 1000\n"


def write(tmp: Path, name: str, text: str) -> Path:
    p = tmp / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def test_rules_lists_every_registered_rule() -> None:
    res = run_cli("rules")
    assert res.code == 0
    for rid in ("SE001", "SE002"):
        assert rid in res.out
    data = json.loads(run_cli("rules", "--format", "json").out)
    assert {"id", "name", "severity", "profile", "title"} <= set(data[0])


def test_explain_prints_documentation_sections() -> None:
    res = run_cli("explain", "se001")
    assert res.code == 0
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert section in res.out


def test_explain_unknown_rule_is_usage_error() -> None:
    res = run_subprocess("explain", "XX999")
    assert res.code == 2
    assert "unknown rule id" in res.err


def test_exit_code_zero_on_clean_file(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", GOOD)
    res = run_cli("check", ".", "--select", "SD001", cwd=tmp_path)
    assert res.code == 0, res.out


def test_exit_code_one_on_finding_and_fail_on_never(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", "FROM alpine\nWRONG x\n")  # SE001: an error
    assert run_cli("check", ".", cwd=tmp_path).code == 1
    assert run_cli("check", ".", "--fail-on", "never", cwd=tmp_path).code == 0


def test_fail_on_levels(tmp_path: Path) -> None:
    # SE002 is a warning: it fails with --fail-on warning but not with the default.
    (tmp_path / "Dockerfile").write_bytes(b"FROM alpine\x00\x00\n")
    assert run_cli("check", ".", cwd=tmp_path).code == 0
    assert run_cli("check", ".", "--fail-on", "warning", cwd=tmp_path).code == 1


@pytest.mark.parametrize("args", [["--format", "xml"], ["--fail-on", "sometimes"], ["--profile", "phase9"],
                                  ["--select", "ZZ123"], ["--kind", "makefile"]])
def test_usage_errors_exit_two(tmp_path: Path, args: list[str]) -> None:
    res = run_subprocess("check", str(tmp_path), *args)
    assert res.code == 2
    assert "Traceback" not in res.err
    assert "error" in res.err


def test_stdin_needs_kind_and_reads_input() -> None:
    assert run_subprocess("check", "-", stdin=BAD).code == 2
    res = run_subprocess("check", "-", "--kind", "dockerfile", "--format", "json", "--fail-on", "never", stdin="FROM\n")
    assert res.code == 0, res.err
    doc = json.loads(res.out)
    assert doc["findings"][0]["path"] == "-"


def test_paths_are_relative_with_forward_slashes(tmp_path: Path) -> None:
    write(tmp_path, "sub/dir/Dockerfile", "FROM\n")
    doc = json.loads(run_cli("check", ".", "--format", "json", cwd=tmp_path).out)
    assert doc["findings"][0]["path"] == "sub/dir/Dockerfile"


def test_json_shape(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", "FROM\n")
    doc = json.loads(run_cli("check", ".", "--format", "json", cwd=tmp_path).out)
    assert doc["version"] == 1
    f = doc["findings"][0]
    for key in ("rule", "name", "severity", "path", "line", "column", "end_line", "end_column",
                "message", "help_uri", "suppressed", "fingerprint"):
        assert key in f
    import jsonschema

    schema = json.loads((REPO / "schemas" / "output.schema.json").read_text())
    jsonschema.validate(doc, schema)


def test_sarif_valid_against_schema(tmp_path: Path) -> None:
    if not SARIF_SCHEMA.exists():
        pytest.skip("shared SARIF schema not present")
    import jsonschema

    write(tmp_path, "Dockerfile", "FROM\n")
    write(tmp_path, "docker/Dockerfile", BAD)
    res = run_cli("check", ".", "--format", "sarif", cwd=tmp_path)
    doc = json.loads(res.out)
    jsonschema.validate(doc, json.loads(SARIF_SCHEMA.read_text()))
    result = doc["runs"][0]["results"][0]
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] in ("Dockerfile", "docker/Dockerfile")
    assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(loc["region"])


def test_output_file(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", "FROM\n")
    res = run_cli("check", ".", "-o", "out.json", "--format", "json", cwd=tmp_path)
    assert res.code == 1
    assert json.loads((tmp_path / "out.json").read_text())["findings"]


def test_output_is_deterministic(tmp_path: Path) -> None:
    for i in range(5):
        write(tmp_path, f"d{i}/Dockerfile", BAD)
    first = run_cli("check", ".", "--format", "json", cwd=tmp_path).out
    assert first == run_cli("check", ".", "--format", "json", cwd=tmp_path).out


def test_dockerignore_is_not_a_dockerfile(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile.dockerignore", "node_modules\n")
    write(tmp_path, "app.dockerignore", "*.pyc\n")
    doc = json.loads(run_cli("check", ".", "--format", "json", cwd=tmp_path).out)
    assert doc["summary"]["files"] == 0


def test_text_output_has_caret_and_summary(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", "FROM\n")
    out = run_cli("check", ".", "--color", "never", cwd=tmp_path).out
    lines = out.splitlines()
    assert lines[0].startswith("Dockerfile:1:")
    assert "SE001 [error]" in lines[0]
    assert "^" in lines[2]
    assert lines[-1].startswith("Found 1 finding ")


def test_text_output_escapes_control_sequences(tmp_path: Path) -> None:
    write(tmp_path, "Dockerfile", "FROM {{ x }} \x1b[31mred\x1b[0m\n")
    out = run_cli("check", ".", "--color", "never", cwd=tmp_path).out
    assert "\x1b" not in out
    assert "\\x1b" in out
