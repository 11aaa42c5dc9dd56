"""The built-in policy packs: the compiled JSON a run reads matches the YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentra_lint import packs
from tests.conftest import REPO

RULES_DIR = REPO / "rules"


def test_compiled_packs_match_the_yaml() -> None:
    written = (RULES_DIR / packs.COMPILED_NAME).read_text(encoding="utf-8")
    assert written == packs.compile_packs(RULES_DIR), (
        "rules/packs.json is out of date: run `python -m sentra_lint.packs`"
    )


@pytest.mark.parametrize("name", packs.PROFILES)
def test_a_pack_reads_the_same_from_json_and_yaml(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packs, "_compiled", None)
    from_json = packs.load_pack(name)
    monkeypatch.setattr(packs, "_compiled", {})
    from_yaml = packs.load_pack(name)
    assert from_json == from_yaml
    assert list(from_json.rules) == list(from_yaml.rules)


def test_a_changed_yaml_is_read_instead_of_stale_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "phase1.yaml").write_text("name: phase1\nrules:\n  SD001: {}\n", encoding="utf-8")
    (tmp_path / packs.COMPILED_NAME).write_text(packs.compile_packs(tmp_path), encoding="utf-8")
    (tmp_path / "phase1.yaml").write_text("name: phase1\nrules:\n  SD002: {}\n", encoding="utf-8")
    monkeypatch.setattr(packs, "_compiled", None)
    monkeypatch.setattr(packs, "data_dir", lambda name: tmp_path)
    assert list(packs.load_pack("phase1").rules) == ["SD002"]
