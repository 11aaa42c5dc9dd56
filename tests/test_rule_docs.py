"""docs/rules/ is generated from the rules' documentation and must be current."""

from __future__ import annotations

import importlib.util

from tests.conftest import REPO


def test_rule_pages_are_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("gen_rule_docs", REPO / "scripts" / "gen_rule_docs.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    pages = mod.render()
    out = REPO / "docs" / "rules"
    stale = [name for name, text in pages.items()
             if not (out / name).exists() or (out / name).read_text(encoding="utf-8") != text]
    assert not stale, f"run `python scripts/gen_rule_docs.py` to refresh: {stale[:5]}"
