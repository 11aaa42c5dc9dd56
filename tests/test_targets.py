"""Targets: the hardening rules run on agent launches and configured targets; hazards everywhere."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli

HARDENING = ("SC001", "SC003", "SC004", "SC005", "SC006", "SC007", "SC008", "SC009")

STOCK_WORKFLOW = """\
name: test
on:
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 20
    services:
      postgres:
        image: postgres:16.4@sha256:4f1c2b7a9d3e6f8051b2c4d6e8fa0b1c3d5e7f9012a4b6c8d0e2f4a6b8c0d2e4
        env:
          POSTGRES_PASSWORD: postgres
        options: >-
          --health-cmd pg_isready --health-interval 10s
      redis:
        image: redis:7.4@sha256:4f1c2b7a9d3e6f8051b2c4d6e8fa0b1c3d5e7f9012a4b6c8d0e2f4a6b8c0d2e4
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          persist-credentials: false
      - run: docker run --rm -v "$PWD:/src" koalaman/shellcheck:v0.10.0@sha256:4f1c2b7a9d3e6f8051b2c4d6e8fa0b1c3d5e7f9012a4b6c8d0e2f4a6b8c0d2e4 /src/x.sh
"""

STOCK_COMPOSE = """\
services:
  db:
    image: postgres:16.4@sha256:4f1c2b7a9d3e6f8051b2c4d6e8fa0b1c3d5e7f9012a4b6c8d0e2f4a6b8c0d2e4
    environment:
      POSTGRES_PASSWORD: example
  cache:
    image: redis:7.4@sha256:4f1c2b7a9d3e6f8051b2c4d6e8fa0b1c3d5e7f9012a4b6c8d0e2f4a6b8c0d2e4
"""

AGENT_WORKFLOW = """\
name: review
on:
  workflow_dispatch:
permissions:
  contents: read
jobs:
  review:
    runs-on: ubuntu-latest
    timeout-minutes: 20
    container:
      image: node:22.11@sha256:4f1c2b7a9d3e6f8051b2c4d6e8fa0b1c3d5e7f9012a4b6c8d0e2f4a6b8c0d2e4
    services:
      db:
        image: postgres:16.4@sha256:4f1c2b7a9d3e6f8051b2c4d6e8fa0b1c3d5e7f9012a4b6c8d0e2f4a6b8c0d2e4
        options: --privileged
    steps:
      - run: npx -y @anthropic-ai/claude-code -p "review the change"
"""


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / ".git").mkdir()
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return tmp_path


def _json(repo: Path, *args: str) -> list[dict[str, Any]]:
    res = run_cli("check", ".", "--format", "json", "--fail-on", "never", *args, cwd=repo)
    assert res.code == 0, res.out + res.err
    found: list[dict[str, Any]] = json.loads(res.out)["findings"]
    return found


def test_stock_services_and_compose_pass_the_default_profile(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {".github/workflows/test.yml": STOCK_WORKFLOW, "compose.yml": STOCK_COMPOSE})
    res = run_cli("check", ".", cwd=repo)
    assert res.code == 0, res.out + res.err
    # Under `audit` the same launches get the hardening findings.
    audited = _json(repo, "--profile", "audit")
    assert {f["rule"] for f in audited} >= {"SC001", "SC004", "SC006"}
    # ... but no fix is offered on a launch that is not a target.
    assert not any(f.get("fixes") for f in audited if f["rule"] in HARDENING)


def test_agent_job_container_is_a_target_and_services_are_not(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {".github/workflows/review.yml": AGENT_WORKFLOW})
    found = _json(repo)
    by_rule = {(f["rule"], f["line"]) for f in found if f["rule"].startswith("SC")}
    # Hardening on the agent's job container (line 10) only; the hazard on the service.
    assert ("SC001", 10) in by_rule and ("SC006", 10) in by_rule
    assert not any(r in HARDENING and line != 10 for r, line in by_rule)
    assert ("SC002", 15) in by_rule
    sc001 = next(f for f in found if f["rule"] == "SC001")
    assert "(runs `npx -y @anthropic-ai/claude-code`)" in sc001["message"]


@pytest.mark.parametrize(
    ("targets", "why"),
    [
        ("targets: all", "selected by `targets: all`"),
        ("targets:\n  images: ['postgres*']", "image matches `targets.images: postgres*`"),
        ("targets:\n  labels: ['ai.acme.role=agent']", "label matches `targets.labels: ai.acme.role=agent`"),
        ("targets:\n  files: ['compose.yml']", "file matches `targets.files`"),
        ("targets:\n  sources: [compose]", "`targets.sources: compose`"),
    ],
)
def test_config_selects_targets(tmp_path: Path, targets: str, why: str) -> None:
    compose = STOCK_COMPOSE.replace(
        "    environment:\n      POSTGRES_PASSWORD: example\n",
        "    environment:\n      POSTGRES_PASSWORD: example\n    labels:\n      ai.acme.role: agent\n",
    )
    repo = _repo(tmp_path, {"compose.yml": compose, ".sentra-lint.yaml": targets + "\n"})
    found = [f for f in _json(repo) if f["rule"] == "SC001"]
    assert found and all(why in f["message"] for f in found)
    assert all(f.get("fixes") for f in found)


def test_config_selects_jobs(tmp_path: Path) -> None:
    repo = _repo(
        tmp_path,
        {
            ".github/workflows/test.yml": STOCK_WORKFLOW,
            ".sentra-lint.yaml": "targets:\n  jobs: ['te*']\n",
        },
    )
    found = [f for f in _json(repo) if f["rule"] == "SC004"]
    assert len(found) == 3  # two services and the docker run of job 'test'
    assert all("job matches `targets.jobs: te*`" in f["message"] for f in found)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("targets: some", "targets"),
        ("targets:\n  image: ['x']", "targets.image"),
        ("targets:\n  sources: [kubernetes]", "targets.sources"),
        ("targets:\n  jobs: build", "targets.jobs"),
    ],
)
def test_bad_targets_config_is_a_usage_error(tmp_path: Path, text: str, error: str) -> None:
    repo = _repo(tmp_path, {"compose.yml": STOCK_COMPOSE, ".sentra-lint.yaml": text + "\n"})
    res = run_cli("check", ".", cwd=repo)
    assert res.code == 2
    assert ".sentra-lint.yaml" in res.err and error in res.err


def test_hazards_run_on_every_launch(tmp_path: Path) -> None:
    compose = STOCK_COMPOSE + "    privileged: true\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n"
    repo = _repo(tmp_path, {"compose.yml": compose})
    rules = {f["rule"] for f in _json(repo)}
    assert {"SC002", "SC013"} <= rules
    assert not rules & set(HARDENING)


def test_rules_and_explain_name_the_family() -> None:
    res = run_cli("explain", "SC001")
    assert res.code == 0 and "hardening" in res.out
    res = run_cli("explain", "SC002")
    assert res.code == 0 and "hazard" in res.out


def test_text_report_groups_a_launchs_missing_controls(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {".github/workflows/review.yml": AGENT_WORKFLOW})
    res = run_cli("check", ".", "--color", "never", "--fail-on", "never", cwd=repo)
    heads = [ln for ln in res.out.splitlines() if ":10:" in ln.split(" ", 1)[0]]
    grouped = [ln for ln in heads if " lacks: " in ln]
    assert len(grouped) == 1, res.out
    assert grouped[0].startswith(".github/workflows/review.yml:10:5: SC001 SC003 SC004 SC006 SC008 SC009 [error] ")
    assert "(runs `npx -y @anthropic-ai/claude-code`) lacks: --cap-drop=ALL, --security-opt=no-new-privileges" in grouped[0]
    # JSON keeps one result per rule, so suppressions and code scanning work per rule.
    per_rule = [f for f in _json(repo) if f["line"] == 10 and f["rule"] in HARDENING]
    assert sorted(f["rule"] for f in per_rule) == ["SC001", "SC003", "SC004", "SC006", "SC008", "SC009"]
    # The summary still counts each finding.
    assert "Found " in res.out and f"{len(_json(repo))} findings" in res.out
