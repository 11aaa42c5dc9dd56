"""examples/unsafe-agent gets exactly the findings its README explains; examples/adr-0001 none of the SA rules."""

from __future__ import annotations

import json

from tests.conftest import REPO, run_cli

EXPECTED = {
    (13, "SW006"), (13, "SW011"), (16, "SW005"), (18, "SA001"), (21, "SA004"), (24, "SA002"), (25, "SA002"),
    (26, "SA003"), (27, "SA006"), (28, "SA005"), (28, "SW002"),
}


def _findings(path: str) -> list[dict[str, object]]:
    res = run_cli("check", path, "--format", "json", "--fail-on", "never", cwd=REPO)
    assert res.code == 0, res.out + res.err
    data = json.loads(res.out)
    assert not data["errors"], data["errors"]
    found: list[dict[str, object]] = data["findings"]
    return found


def test_unsafe_agent_findings_are_the_documented_ones() -> None:
    got = {(int(str(f["line"])), str(f["rule"])) for f in _findings("examples/unsafe-agent")}
    assert got == EXPECTED
    readme = (REPO / "examples" / "unsafe-agent" / "README.md").read_text(encoding="utf-8")
    for line, rule in EXPECTED:
        assert f"| {rule} |" in readme and str(line) in readme


def test_adr_example_has_no_agent_findings() -> None:
    rules = {str(f["rule"]) for f in _findings("examples/adr-0001")}
    assert not {r for r in rules if r.startswith("SA")}, rules
