"""Fixes: every fixable rule's fixture, its expected output, and the fix engine's guarantees.

``tests/fixes/<ID>/input*.<ext>`` is fixed with only that rule selected
(``--fix=unsafe``) and compared with ``fixed*.<ext>`` next to it (set
``UPDATE_SNAPSHOTS=1`` to rewrite those after a deliberate change). The
fixed file must parse, lint clean for the rule, and differ from the input
only inside the edits the rule reported.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

from sentra_lint.findings import Edit, Fix
from sentra_lint.rules import all_rules
from tests.conftest import REPO, run_cli

FIXES = REPO / "tests" / "fixes"
# Hardening fixes are offered on target launches only: the fixtures' config makes every launch one.
TARGETS_ALL = ("--config", str(FIXES / "targets.yaml"))
KINDS = {".workflow.yml": "workflow", ".compose.yml": "compose", ".Dockerfile": "dockerfile"}
FIXABLE = sorted(r.id for r in all_rules() if r.meta.fixable)


def _kind(name: str) -> str:
    return next(k for suffix, k in KINDS.items() if name.endswith(suffix))


def _inputs(rule_id: str) -> list[Path]:
    d = FIXES / rule_id
    return sorted(p for p in d.iterdir() if p.name.startswith("input")) if d.is_dir() else []


def _lint_json(path: Path, rule_id: str) -> Any:
    res = run_cli(
        "check", path.name, "--kind", _kind(path.name), "--select", f"{rule_id},SE001",
        "--profile", "all", "--format", "json", "--fail-on", "never", *TARGETS_ALL, cwd=path.parent,
    )
    assert res.code == 0, res.err
    return json.loads(res.out)


def _fix(tmp_path: Path, source: Path, rule_id: str, *extra: str) -> Path:
    target = tmp_path / source.name
    shutil.copyfile(source, target)
    res = run_cli(
        "check", target.name, "--kind", _kind(source.name), "--select", rule_id,
        "--profile", "all", "--fail-on", "never", "--fix=unsafe", *TARGETS_ALL, *extra, cwd=tmp_path,
    )
    assert res.code == 0, res.out + res.err
    return target


def test_every_fixable_rule_has_a_fixture_and_a_fix_section() -> None:
    assert FIXABLE
    for rid in FIXABLE:
        assert _inputs(rid), f"tests/fixes/{rid}/input.* is missing"
        rule = next(r for r in all_rules() if r.id == rid)
        doc = rule.doc
        assert "## Fix" in doc and doc.index("## Fix") > doc.index("## Use instead"), rid


CASES = [(rid, p.name) for rid in FIXABLE for p in _inputs(rid)]


@pytest.mark.parametrize(("rule_id", "name"), CASES)
def test_fix_matches_snapshot_parses_and_lints_clean(tmp_path: Path, rule_id: str, name: str) -> None:
    source = FIXES / rule_id / name
    before = _lint_json(source, rule_id)
    findings = [f for f in before["findings"] if isinstance(f, dict) and f["rule"] == rule_id]
    assert findings and all(f.get("fixes") for f in findings), f"{name} should have fixable {rule_id} findings"

    fixed = _fix(tmp_path, source, rule_id)
    expected = source.with_name(name.replace("input", "fixed", 1))
    out = fixed.read_bytes()
    if os.environ.get("UPDATE_SNAPSHOTS") or not expected.exists():
        expected.write_bytes(out)
    assert out == expected.read_bytes()

    after = _lint_json(fixed, rule_id)
    rules = [f["rule"] for f in after["findings"]]
    assert "SE001" not in rules, "the fixed file must still parse"
    assert rule_id not in rules, f"{rule_id} must be gone after its fix"

    # Outside the reported edits, the file is byte-identical: the written file is
    # exactly the input with the edits of the JSON output applied.
    from sentra_lint.fixes import apply_edits, choose

    original = source.read_text(encoding="utf-8")
    reported = [
        (f["rule"], Fix(fx["description"], tuple(Edit(**e) for e in fx["edits"]), fx["safe"]))
        for f in findings
        for fx in f["fixes"][:1]
    ]
    _taken, edits, deferred = choose(reported)
    assert not deferred
    assert apply_edits(original, edits) == out.decode("utf-8")

    # A second run has nothing left to do.
    again = fixed.read_bytes()
    second = tmp_path / "again"
    second.mkdir()
    assert _fix(second, fixed, rule_id).read_bytes() == again


def test_safe_fix_only_applies_safe_fixes(tmp_path: Path) -> None:
    source = FIXES / "SC001" / "input.workflow.yml"
    target = tmp_path / source.name
    shutil.copyfile(source, target)
    before = target.read_text()
    # Both fixes change run-time behaviour (no-new-privileges breaks images that use sudo at start-up): unsafe.
    res = run_cli("check", target.name, "--kind", "workflow", "--select", "SC001,SC003",
                  "--fix", "--fail-on", "never", *TARGETS_ALL, cwd=tmp_path)
    assert res.code == 0
    assert target.read_text() == before


def test_all_launch_fixes_combine_in_rule_order(tmp_path: Path) -> None:
    source = FIXES / "SC001" / "input.workflow.yml"
    fixed = _fix(tmp_path, source, "SC")
    text = fixed.read_text()
    assert (
        "      options: >-\n        --user=1001\n        --cap-drop=ALL\n"
        "        --security-opt=no-new-privileges\n        --read-only\n"
    ) in text
    # A container without options gets one options key, one flag a line.
    assert text.count("options: >-\n") == 2
    res = run_cli("check", fixed.name, "--kind", "workflow", "--select", "SC001,SC003,SC004,SC005,SC006,SC007,SC008,SC009,SE001",
                  "--fail-on", "never", "--format", "json", *TARGETS_ALL, cwd=tmp_path)
    assert json.loads(res.out)["findings"] == []


def test_diff_writes_nothing(tmp_path: Path) -> None:
    source = FIXES / "SW006" / "input.workflow.yml"
    target = tmp_path / source.name
    shutil.copyfile(source, target)
    res = run_cli("check", target.name, "--kind", "workflow", "--select", "SW006",
                  "--diff", "--fix=unsafe", cwd=tmp_path)
    assert res.code == 1
    assert res.out.startswith(f"--- a/{target.name}\n+++ b/{target.name}\n")
    assert "+    timeout-minutes: 30\n" in res.out
    assert target.read_bytes() == source.read_bytes()
    clean = run_cli("check", target.name, "--kind", "workflow", "--select", "SW001", "--diff", cwd=tmp_path)
    assert clean.code == 0 and clean.out == ""


def test_crlf_bom_and_permissions_are_kept(tmp_path: Path) -> None:
    source = (FIXES / "SW006" / "input.workflow.yml").read_text()
    target = tmp_path / "w.workflow.yml"
    target.write_bytes(b"\xef\xbb\xbf" + source.replace("\n", "\r\n").encode())
    os.chmod(target, 0o640)
    run_cli("check", target.name, "--kind", "workflow", "--select", "SW006", "--fix=unsafe",
            "--fail-on", "never", cwd=tmp_path)
    data = target.read_bytes()
    expected = (FIXES / "SW006" / "fixed.workflow.yml").read_text()
    assert data == b"\xef\xbb\xbf" + expected.replace("\n", "\r\n").encode()
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640


def test_sarif_replacements_apply_to_the_original_crlf_file(tmp_path: Path) -> None:
    """SARIF fixes use deletedRegion lines and columns, valid for the file as written."""
    source = (FIXES / "SW005" / "input.workflow.yml").read_text()
    raw = source.replace("\n", "\r\n")
    target = tmp_path / "w.workflow.yml"
    target.write_bytes(raw.encode())
    res = run_cli("check", target.name, "--kind", "workflow", "--select", "SW005", "--format", "sarif",
                  "--fail-on", "never", cwd=tmp_path)
    results = json.loads(res.out)["runs"][0]["results"]
    lines = raw.split("\r\n")
    reps = []
    for r in results:
        for change in r["fixes"][0]["artifactChanges"]:
            reps.extend(change["replacements"])
    # Apply from the end backwards, by line and column of the file as written.
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 2)

    def off(line: int, col: int) -> int:
        return starts[line - 1] + col - 1

    text = raw
    for rep in sorted(reps, key=lambda r: (r["deletedRegion"]["startLine"], r["deletedRegion"]["startColumn"]), reverse=True):
        reg = rep["deletedRegion"]
        s, e = off(reg["startLine"], reg["startColumn"]), off(reg["endLine"], reg["endColumn"])
        text = text[:s] + rep["insertedContent"]["text"] + text[e:]
    other = tmp_path / "fixed"
    other.mkdir()
    assert text.encode() == _fix(other, target, "SW005").read_bytes()
    assert "\n" not in text.replace("\r\n", "")


def test_json_output_carries_edits() -> None:
    data = _lint_json(FIXES / "SD007" / "input.Dockerfile", "SD007")
    fixes = data["findings"][0]["fixes"]
    assert fixes == [{"description": "add --no-cache-dir", "safe": True,
                      "edits": [{"start": 37, "end": 37, "replacement": " --no-cache-dir"}]}]


def test_file_changed_on_disk_is_not_overwritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sentra_lint import fixes

    source = FIXES / "SD007" / "input.Dockerfile"
    target = tmp_path / "Dockerfile"
    shutil.copyfile(source, target)
    real = fixes.fix_text

    def racing(*args: Any, **kwargs: Any) -> fixes.FileFix:
        result = real(*args, **kwargs)
        target.write_text(source.read_text() + "# edited meanwhile\n")
        return result

    monkeypatch.setattr(fixes, "fix_text", racing)
    res = run_cli("check", "Dockerfile", "--select", "SD007", "--fix", "--fail-on", "never", cwd=tmp_path)
    assert "changed on disk" in res.err
    assert target.read_text().endswith("# edited meanwhile\n")


def test_fix_that_breaks_parsing_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    from sentra_lint import fixes
    from sentra_lint.selection import select_rules
    from sentra_lint.settings import Settings
    from sentra_lint.source import Kind

    text = (FIXES / "SW006" / "input.workflow.yml").read_text()
    breaking = ("SW999", Fix("break it", (Edit(0, 0, "jobs: [\n"),), safe=True))
    real = fixes._eligible

    def eligible(*args: Any, **kwargs: Any) -> list[tuple[str, Fix]]:
        return [*real(*args, **kwargs), breaking]

    monkeypatch.setattr(fixes, "_eligible", eligible)
    settings = Settings(profile="all", select=frozenset({"SW006"}))
    active = select_rules(settings, [Kind.WORKFLOW])
    result = fixes.fix_text(text, "w.yml", Kind.WORKFLOW, active, settings, unsafe=True)
    assert result.dropped == [("SW999", "break it", "the fixed file would not parse")]
    assert "timeout-minutes: 30" in result.fixed and not result.fixed.startswith("jobs: [")


def test_overlapping_edits_are_resolved_in_rule_order() -> None:
    from sentra_lint.fixes import apply_edits, choose

    a = ("SC001", Fix("a", (Edit(5, 5, "A"),)))
    b = ("SC003", Fix("b", (Edit(5, 5, "B"),)))
    c = ("SC002", Fix("c", (Edit(2, 8, "C"),)))
    shared = ("SC004", Fix("d", (Edit(5, 5, "A"), Edit(9, 9, "D"))))
    taken, edits, deferred = choose([b, shared, c, a])
    assert [r for r, _ in taken] == ["SC001", "SC003", "SC004"]
    assert [r for r, _ in deferred] == ["SC002"]
    assert apply_edits("0123456789", edits) == "01234AB5678D9"
