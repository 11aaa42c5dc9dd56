"""Every rule: a fixture pair, a snapshot of the text output, documentation.

``tests/fixtures/<ID>/`` holds ``fail*.<ext>`` and ``pass*.<ext>`` files
(ext: ``Dockerfile``, ``workflow.yml``, ``action.yml``, ``compose.yml``,
``devcontainer.json``) and optionally ``args.txt`` with extra CLI options.
Each is linted with only that rule selected; the text output of all of them
is compared with ``tests/snapshots/<ID>.txt``. Set ``UPDATE_SNAPSHOTS=1``
to rewrite the snapshots after a deliberate change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sentra_lint.rulebase import DOC_SECTIONS
from sentra_lint.rules import REGISTRY, RULE_IDS, all_rules, load_rule, target_of
from tests.conftest import FIXTURES, SNAPSHOTS, run_cli

KIND_BY_SUFFIX = {
    ".Dockerfile": "dockerfile",
    ".workflow.yml": "workflow",
    ".action.yml": "action",
    ".compose.yml": "compose",
    ".devcontainer.json": "devcontainer",
    ".mcp.json": "mcp",
}
# Rules whose findings the engine makes from input problems rather than a check function.
INPUT_RULES = {"SE001", "SE002", "SE003"}


def fixture_kind(path: Path) -> str | None:
    for suffix, kind in KIND_BY_SUFFIX.items():
        if path.name.endswith(suffix):
            return kind
    return None


def fixture_files(rule_id: str) -> list[Path]:
    d = FIXTURES / rule_id
    if not d.is_dir():
        return []
    return sorted(p for p in d.iterdir() if p.is_file() and fixture_kind(p) and p.name.startswith(("fail", "pass")))


def lint_fixture(rule_id: str, path: Path) -> str:
    args_file = path.parent / "args.txt"
    extra = args_file.read_text().split() if args_file.exists() else []
    res = run_cli(
        "check", path.name, "--kind", fixture_kind(path) or "", "--select", rule_id,
        "--profile", "all", "--fail-on", "never", "--color", "never", *extra,
        cwd=path.parent,
    )
    assert res.code == 0, res.out + res.err
    return res.out


IMPLEMENTED = [r.id for r in all_rules()]
# Repository-level rules (SX) need fixture repositories: tests/test_crossfile.py runs them.
FILE_RULES = [r.id for r in all_rules() if target_of(r.id) != "repository"]
REPOSITORY_RULES = [r.id for r in all_rules() if target_of(r.id) == "repository"]


@pytest.mark.parametrize("rule_id", REPOSITORY_RULES)
def test_repository_rules_have_fixture_repositories(rule_id: str) -> None:
    d = FIXTURES / rule_id
    assert (d / "fail").is_dir() and (d / "pass").is_dir(), f"{rule_id} needs fail/ and pass/ repositories"


@pytest.mark.parametrize("rule_id", FILE_RULES)
def test_fixture_pair_and_snapshot(rule_id: str) -> None:
    files = fixture_files(rule_id)
    fails = [f for f in files if f.name.startswith("fail")]
    passes = [f for f in files if f.name.startswith("pass")]
    assert fails and passes, f"{rule_id} needs tests/fixtures/{rule_id}/fail.* and pass.*"
    chunks: list[str] = []
    for f in files:
        out = lint_fixture(rule_id, f)
        hits = [ln for ln in out.splitlines() if f": {rule_id} [" in ln and "(suppressed)" not in ln]
        if f.name.startswith("fail"):
            assert hits, f"{f.name} should produce {rule_id}:\n{out}"
        else:
            assert not hits, f"{f.name} should not produce {rule_id}:\n{out}"
        chunks.append(f"== {f.name}\n{out}")
    text = "".join(chunks)
    snap = SNAPSHOTS / f"{rule_id}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snap.write_text(text, encoding="utf-8")
    assert snap.exists(), f"snapshot {snap.name} is missing: run with UPDATE_SNAPSHOTS=1 and review it"
    assert text == snap.read_text(encoding="utf-8"), f"snapshot {snap.name} differs (UPDATE_SNAPSHOTS=1 to accept)"


def test_every_registered_rule_is_implemented() -> None:
    missing = [rid for rid in RULE_IDS if load_rule(rid) is None]
    assert not missing, f"registered but not implemented: {missing}"


def test_ids_unique_and_match_modules() -> None:
    ids = [r[0] for r in REGISTRY]
    assert len(ids) == len(set(ids))
    modules = [r[1] for r in REGISTRY]
    assert len(modules) == len(set(modules))
    for rid, module, _ in REGISTRY:
        assert module.startswith(rid.lower() + "_"), module


@pytest.mark.parametrize("rule_id", IMPLEMENTED)
def test_documentation_sections(rule_id: str) -> None:
    rule = load_rule(rule_id)
    assert rule is not None
    missing = [s for s in DOC_SECTIONS if s not in rule.doc]
    assert not missing, f"{rule_id} documentation lacks {missing}"
    assert rule.meta.title and len(rule.meta.title) < 120
    assert 0.0 <= rule.meta.security_severity <= 10.0
    assert rule.meta.slug == rule.meta.slug.lower() and " " not in rule.meta.slug


def test_every_fixture_directory_maps_to_a_rule() -> None:
    for d in FIXTURES.iterdir():
        if d.is_dir() and d.name[:2].isalpha() and d.name[:2].isupper():
            assert d.name in RULE_IDS, f"tests/fixtures/{d.name} names no rule"


def test_slugs_unique() -> None:
    slugs = [r.meta.slug for r in all_rules()]
    assert len(slugs) == len(set(slugs))
