"""Baselines: only new findings count; fingerprints survive unrelated edits."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

BAD = "FROM ubuntu:22.04\nRUN curl -fsSL https://example.com/install.sh | bash\nUSER 1000\n"


def findings(tmp: Path, *args: str) -> list[dict[str, object]]:
    res = run_cli("check", ".", "--format", "json", "--no-config", "--select", "SD003", *args, cwd=tmp)
    return json.loads(res.out)["findings"]  # type: ignore[no-any-return]


def test_baseline_hides_recorded_findings_and_reports_new_ones(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(BAD)
    # writing a baseline succeeds (`--write-baseline b.json && git add b.json`)
    assert run_cli("check", ".", "--no-config", "--select", "SD003", "--write-baseline", "b.json", cwd=tmp_path).code == 0
    doc = json.loads((tmp_path / "b.json").read_text())
    assert doc["version"] == 1 and len(doc["findings"]) == 1
    res = run_cli("check", ".", "--no-config", "--select", "SD003", "--baseline", "b.json", cwd=tmp_path)
    assert res.code == 0, res.out
    # A new finding still counts.
    (tmp_path / "Dockerfile").write_text(BAD + "RUN wget -qO- https://example.com/other.sh | sh\n")
    fs = findings(tmp_path, "--baseline", "b.json")
    assert [f["suppressed"] for f in fs] == [True, False]
    assert fs[0]["suppression"]["kind"] == "external"  # type: ignore[index]


def test_fingerprint_survives_insertion_above_and_reformatting(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(BAD)
    before = findings(tmp_path)[0]["fingerprint"]
    (tmp_path / "Dockerfile").write_text(
        "# a comment\n\nFROM ubuntu:22.04\nENV A=1\nRUN   curl  -fsSL https://example.com/install.sh |  bash\nUSER 1000\n"
    )
    after = findings(tmp_path)[0]
    assert after["line"] == 5
    assert after["fingerprint"] == before


def test_bad_baseline_is_exit_two(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(BAD)
    (tmp_path / "b.json").write_text("{")
    res = run_cli("check", ".", "--no-config", "--baseline", "b.json", cwd=tmp_path)
    assert res.code == 2
