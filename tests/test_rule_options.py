"""Per-rule options from the config, and stale suppressions (SE003)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

WORKFLOW = """on: push
permissions: {{}}
jobs:
  agent:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    container:
      image: ghcr.io/acme/agent:1@sha256:DIGEST
      options: >-
        --cap-drop=ALL --security-opt=no-new-privileges --read-only --tmpfs /tmp:size=64m
        --memory={mem} --memory-swap={swap} --cpus={cpus} --pids-limit={pids} --user 1001
    steps:
      - run: claude -p "review the change"
""".replace("DIGEST", "a" * 64)


def lint(tmp: Path, config: str, mem: str = "2g", swap: str = "2g", cpus: str = "2", pids: str = "100") -> list[tuple[str, str]]:
    (tmp / ".git").mkdir(exist_ok=True)
    wf = tmp / ".github" / "workflows"
    wf.mkdir(parents=True, exist_ok=True)
    (wf / "agent.yml").write_text(WORKFLOW.format(mem=mem, swap=swap, cpus=cpus, pids=pids))
    (tmp / ".sentra-lint.yaml").write_text(config)
    res = run_cli("check", ".", "--format", "json", "--select", "SC", "--ignore", "SC017,SC018", "--fail-on", "never", cwd=tmp)
    assert res.code == 0, res.out + res.err
    return [(f["rule"], f["message"]) for f in json.loads(res.out)["findings"]]


def test_the_adr_launch_is_clean(tmp_path: Path) -> None:
    assert lint(tmp_path, "extends: phase1\n") == []


def test_maximums_over_the_limit_are_findings(tmp_path: Path) -> None:
    config = ("rules:\n  SC006: {options: {max: 1g}}\n  SC007: {options: {max: 1g}}\n"
              "  SC008: {options: {max: 1}}\n  SC009: {options: {max: 50}}\n")
    rules = [r for r, _ in lint(tmp_path, config)]
    assert rules == ["SC006", "SC007", "SC008", "SC009"]


def test_maximums_at_the_limit_are_fine(tmp_path: Path) -> None:
    config = ("rules:\n  SC006: {options: {max: 2g}}\n  SC007: {options: {max: 2048m}}\n"
              "  SC008: {options: {max: 2}}\n  SC009: {options: {max: 100}}\n")
    assert lint(tmp_path, config) == []


def test_required_tmpfs_paths(tmp_path: Path) -> None:
    found = lint(tmp_path, "rules:\n  SC005: {options: {required-tmpfs: [/home/agent/.cache]}}\n")
    assert found == [("SC005", "job 'agent' container (runs `claude`): the root filesystem is read-only but /home/agent/.cache "
                               "is not writable; add --tmpfs /home/agent/.cache:rw,size=512m")]


def test_allowed_capabilities_and_runtime(tmp_path: Path) -> None:
    wf_text = WORKFLOW.format(mem="2g", swap="2g", cpus="2", pids="100").replace("--cap-drop=ALL", "--cap-drop=ALL --cap-add=NET_BIND_SERVICE")
    (tmp_path / ".git").mkdir()
    wf = tmp_path / ".github" / "workflows"
    wf.mkdir(parents=True)
    (wf / "agent.yml").write_text(wf_text)
    (tmp_path / ".sentra-lint.yaml").write_text("extends: phase3\nrules:\n  SC018: {options: {runtime: kata}}\n")
    doc = json.loads(run_cli("check", ".", "--format", "json", "--select", "SC002,SC018", "--fail-on", "never", cwd=tmp_path).out)
    by_rule = {f["rule"]: f for f in doc["findings"]}
    assert sorted(by_rule) == ["SC002", "SC018"]
    assert "kata" in by_rule["SC018"]["message"]
    (tmp_path / ".sentra-lint.yaml").write_text("rules:\n  SC002: {options: {allowed-capabilities: [NET_BIND_SERVICE]}}\n")
    doc = json.loads(run_cli("check", ".", "--format", "json", "--select", "SC002", "--fail-on", "never", cwd=tmp_path).out)
    assert doc["findings"] == []


def test_stale_suppression_is_reported(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM alpine:3.20\n# sentra-lint: ignore[SD003] vendored\nRUN echo hi\n"
        "# sentra-lint: ignore[SD003] vendored\nRUN curl -fsSL https://x/i.sh | sh\nUSER 1000\n"
    )
    doc = json.loads(run_cli("check", ".", "--format", "json", "--no-config", "--select", "SD003,SE003",
                             "--fail-on", "never", cwd=tmp_path).out)
    got = [(f["rule"], f["line"], f["suppressed"]) for f in doc["findings"]]
    assert got == [("SE003", 2, False), ("SD003", 5, True)]
    # A rule that did not run leaves its suppressions alone.
    doc = json.loads(run_cli("check", ".", "--format", "json", "--no-config", "--select", "SE003",
                             "--fail-on", "never", cwd=tmp_path).out)
    assert doc["findings"] == []
