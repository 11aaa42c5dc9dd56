"""The shipped example (examples/adr-0001) gives exactly the documented findings per profile."""

from __future__ import annotations

import json

import pytest

from tests.conftest import REPO, run_cli

EXAMPLE = REPO / "examples" / "adr-0001"
WORKFLOW = "examples/adr-0001/.github/workflows/agent.yml"
DOCKERFILE = "examples/adr-0001/Dockerfile"

# (rule, line) of every SC/SX finding in the workflow, per profile.
EXPECTED_WORKFLOW = {
    "phase1": {("SC015", 20)},
    "phase2": {("SC015", 20), ("SC019", 43), ("SC022", 45)},
    "phase3": {("SC015", 20), ("SC019", 43), ("SC022", 45), ("SC018", 21)},
}


def findings(profile: str) -> list[dict[str, object]]:
    res = run_cli(
        "check",
        "examples/adr-0001",
        "--profile",
        profile,
        "--format",
        "json",
        "--fail-on",
        "never",
        cwd=REPO,
    )
    assert res.code == 0, res.out + res.err
    data = json.loads(res.out)
    assert not data["errors"], data["errors"]
    found: list[dict[str, object]] = data["findings"]
    return found


@pytest.mark.parametrize("profile", sorted(EXPECTED_WORKFLOW))
def test_workflow_gets_exactly_the_documented_launch_findings(profile: str) -> None:
    got = {
        (str(f["rule"]), int(str(f["line"])))
        for f in findings(profile)
        if f["path"] == WORKFLOW and str(f["rule"]).startswith(("SC", "SX"))
    }
    assert got == EXPECTED_WORKFLOW[profile]


def test_default_profile_is_phase1() -> None:
    res = run_cli("check", "examples/adr-0001", "--format", "json", "--fail-on", "never", cwd=REPO)
    got = {
        (f["rule"], f["line"])
        for f in json.loads(res.out)["findings"]
        if f["path"] == WORKFLOW and f["rule"].startswith(("SC", "SX"))
    }
    assert got == EXPECTED_WORKFLOW["phase1"]


def test_sc019_points_at_the_api_key() -> None:
    hits = [f for f in findings("phase2") if f["rule"] == "SC019"]
    assert len(hits) == 1
    assert "ANTHROPIC_API_KEY" in str(hits[0]["message"])


def test_dockerfile_reports_the_installer_pipe_and_none_of_the_controls_it_meets() -> None:
    got = [f for f in findings("phase1") if f["path"] == DOCKERFILE]
    rules = {str(f["rule"]) for f in got}
    installer = next(
        n
        for n, line in enumerate((EXAMPLE / "Dockerfile").read_text().splitlines(), 1)
        if "install.sh" in line
    )
    assert ("SD003", installer) in {(str(f["rule"]), f["line"]) for f in got}
    assert not rules & {"SD001", "SD002", "SD005", "SD007", "SD009"}


PHASE2 = "examples/adr-0001/.github/workflows/agent-phase2.yml"


@pytest.mark.parametrize("config", [None, "examples/adr-0001/.sentra-lint.yaml"])
def test_phase2_variant_is_clean_under_phase2(config: str | None) -> None:
    """The Phase 2 variant keeps every credential in the proxy; the Phase 1 workflow does not."""
    args = ["check", "examples/adr-0001", "--profile", "phase2", "--format", "json", "--fail-on", "never"]
    if config:
        args += ["--config", config]
    res = run_cli(*args, cwd=REPO)
    data = json.loads(res.out)
    assert not [f for f in data["findings"] if f["path"] == PHASE2]
    phase1 = {f["rule"] for f in data["findings"] if f["path"] == WORKFLOW}
    assert {"SC019", "SC022"} <= phase1
    socket_missing = [f for f in data["findings"] if f["rule"] == "SC022" and "is not mounted" in f["message"]]
    assert bool(socket_missing) == bool(config)


def test_phase2_variant_needs_gvisor_under_phase3() -> None:
    res = run_cli("check", "examples/adr-0001", "--profile", "phase3", "--format", "json", "--fail-on", "never", cwd=REPO)
    got = {(f["rule"], f["severity"]) for f in json.loads(res.out)["findings"] if f["path"] == PHASE2}
    assert got == {("SC018", "error")}
