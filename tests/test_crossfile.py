"""The repository rules (SX001-SX003), the image index and the image content model.

Each ``tests/fixtures/SX00N/<case>/`` is a small repository (a workflow,
Compose file or dev container plus the Dockerfile it builds). Every case is
linted as a directory with only that rule selected; ``fail*`` cases must
report the rule and ``pass*`` cases must not. The text output of all cases,
related locations included, is compared with ``tests/snapshots/SX00N.txt``
(``UPDATE_SNAPSHOTS=1`` rewrites it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sentra_lint.crossfile.names import image_name, same_image
from tests.conftest import FIXTURES, REPO, SNAPSHOTS, run_cli

SX_RULES = ("SX001", "SX002", "SX003", "SC021")


def cases(rule_id: str) -> list[Path]:
    d = FIXTURES / rule_id
    return sorted(p for p in d.iterdir() if p.is_dir() and p.name.startswith(("fail", "pass")))


def lint_case(rule_id: str, case: Path, *extra: str) -> str:
    res = run_cli(
        "check",
        ".",
        "--select",
        rule_id,
        "--profile",
        "all",
        "--fail-on",
        "never",
        "--color",
        "never",
        *extra,
        cwd=case,
    )
    assert res.code == 0, res.out + res.err
    return res.out


@pytest.mark.parametrize("rule_id", SX_RULES)
def test_fixture_repositories_and_snapshot(rule_id: str) -> None:
    found = cases(rule_id)
    assert any(c.name.startswith("fail") for c in found) and any(
        c.name.startswith("pass") for c in found
    )
    chunks: list[str] = []
    for case in found:
        out = lint_case(rule_id, case)
        hits = [ln for ln in out.splitlines() if f": {rule_id} [" in ln]
        if case.name.startswith("fail"):
            assert hits, f"{case.name} should produce {rule_id}:\n{out}"
            if rule_id.startswith("SX"):
                assert "    note: " in out, f"{case.name}: the finding should name the Dockerfile line"
        else:
            assert not hits, f"{case.name} should not produce {rule_id}:\n{out}"
        chunks.append(f"== {case.name}\n{out}")
    text = "".join(chunks)
    snap = SNAPSHOTS / f"{rule_id}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") or not snap.exists():
        snap.write_text(text, encoding="utf-8")
    assert text == snap.read_text(encoding="utf-8"), (
        f"snapshot {snap.name} differs (UPDATE_SNAPSHOTS=1 to accept)"
    )


def test_json_and_sarif_carry_the_dockerfile_as_related_location() -> None:
    case = FIXTURES / "SX001" / "fail"
    res = run_cli(
        "check", ".", "--select", "SX001", "--format", "json", "--fail-on", "never", cwd=case
    )
    finding = json.loads(res.out)["findings"][0]
    assert finding["path"] == ".github/workflows/agent.yml"
    assert finding["related"][0]["path"] == "docker/agent.Dockerfile"
    assert finding["related"][0]["line"] == 5
    assert (
        "`docker/agent.Dockerfile:5` installs anthropic with `pip install --user`"
        in finding["message"]
    )
    res = run_cli(
        "check", ".", "--select", "SX001", "--format", "sarif", "--fail-on", "never", cwd=case
    )
    result = json.loads(res.out)["runs"][0]["results"][0]
    related = result["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"].endswith("docker/agent.Dockerfile")
    assert related["region"]["startLine"] == 5


def test_an_explicit_workflow_still_reads_the_dockerfile_it_builds() -> None:
    case = FIXTURES / "SX001" / "fail"
    res = run_cli(
        "check",
        ".github/workflows/agent.yml",
        "--select",
        "SX001",
        "--fail-on",
        "never",
        "-v",
        cwd=case,
    )
    assert ": SX001 [" in res.out
    assert "cross-file rules: read docker/agent.Dockerfile" in res.err


def test_an_explicit_dockerfile_reads_the_workflows_that_launch_it() -> None:
    case = FIXTURES / "SX001" / "fail"
    res = run_cli(
        "check",
        "docker/agent.Dockerfile",
        "--select",
        "SX001",
        "--fail-on",
        "never",
        "-v",
        cwd=case,
    )
    assert ".github/workflows/agent.yml:" in res.out and ": SX001 [" in res.out
    assert "cross-file rules: read .github/workflows/agent.yml" in res.err


def test_inline_suppression_on_the_launch() -> None:
    case = FIXTURES / "SX001" / "fail-compose"
    text = (case / "compose.yml").read_text()
    patched = text.replace(
        "    tmpfs:\n",
        "    # sentra-lint: ignore[SX001] the app is mounted by the operator\n    tmpfs:\n",
    )
    patched = patched.replace(
        "      - /srv/app\n", "      - /srv/app  # sentra-lint: ignore[SX001] reviewed\n"
    )
    tmp = case.parent / "_suppressed"
    try:
        import shutil

        shutil.copytree(case, tmp)
        (tmp / "compose.yml").write_text(patched)
        out = lint_case("SX001", tmp, "--format", "json")
        findings = json.loads(out)["findings"]
        assert findings and all(f["suppressed"] for f in findings)
    finally:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


def test_the_reference_example_gets_no_sx_finding_and_the_variant_gets_sx001() -> None:
    res = run_cli(
        "check",
        "examples/adr-0001",
        "--select",
        "SX",
        "--format",
        "json",
        "--fail-on",
        "never",
        cwd=REPO,
    )
    assert json.loads(res.out)["findings"] == []
    res = run_cli(
        "check",
        "examples/adr-0001-sx001",
        "--select",
        "SX",
        "--format",
        "json",
        "--fail-on",
        "never",
        cwd=REPO,
    )
    got = [(f["rule"], f["path"]) for f in json.loads(res.out)["findings"]]
    assert got == [("SX001", "examples/adr-0001-sx001/.github/workflows/agent.yml")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("python", "docker.io/library/python:latest"),
        ("docker.io/library/python:3.12", "docker.io/library/python:3.12"),
        ("index.docker.io/acme/agent", "docker.io/acme/agent:latest"),
        ("ghcr.io/acme/agent:1.4", "ghcr.io/acme/agent:1.4"),
        ("ghcr.io/acme/agent:${{ github.sha }}", "ghcr.io/acme/agent:*"),
        ("acme/agent:$TAG", "docker.io/acme/agent:*"),
        ("acme/agent@sha256:" + "a" * 64, "docker.io/acme/agent:*"),
        ("acme/agent:1.4@sha256:" + "a" * 64, "docker.io/acme/agent:1.4"),
        ("localhost:5000/agent", "localhost:5000/agent:latest"),
    ],
)
def test_image_names_are_normalised(raw: str, expected: str) -> None:
    name = image_name(raw)
    assert name is not None and str(name) == expected


@pytest.mark.parametrize("raw", ["${{ env.IMAGE }}:1.4", "$REGISTRY/agent:1", "", "ghcr.io/acme/"])
def test_image_names_with_an_unknown_repository_are_not_compared(raw: str) -> None:
    assert image_name(raw) is None


def test_unknown_tags_match_only_within_one_file() -> None:
    launch = image_name("ghcr.io/acme/agent:${{ github.sha }}")
    build = image_name("ghcr.io/acme/agent:1.4")
    assert launch is not None and build is not None
    assert same_image(launch, build, same_file=True)
    assert not same_image(launch, build, same_file=False)
    other = image_name("ghcr.io/acme/agent:1.5")
    assert other is not None and not same_image(build, other, same_file=True)
