"""Attack workflows, one per shape, each with a clean twin.

``tests/fixtures/attacks/<shape>/`` holds ``attack.workflow.yml`` (the
dangerous shape), ``clean.workflow.yml`` (the same job written safely) and
``rules.txt`` (the rules the shape is about); a shape that spans files
(a caller and the reusable workflow or actions it calls) holds two small
repositories instead, ``attack/`` and ``clean/``, each linted as a whole
(every finding must stay in the file it is about). Both are linted with
those rules selected; the text output is compared with
``tests/snapshots/attacks/<shape>.txt`` (``UPDATE_SNAPSHOTS=1`` rewrites it).
The attack must produce an error or warning of one of the rules; the clean
twin must produce no error or warning, except the warning SW004 gives a
`pull_request_target`/`workflow_run` trigger by itself and the warning it
gives a head checkout behind a gate.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SNAPSHOTS, run_cli

ATTACKS = FIXTURES / "attacks"
SHAPES = sorted(p.name for p in ATTACKS.iterdir() if p.is_dir())
FINDING = re.compile(r"^\S+:\d+:\d+: (\w+) \[(error|warning|note)\] (.*)$", re.M)


def _repository(shape: str) -> bool:
    return (ATTACKS / shape / "attack").is_dir()


def lint(shape: str, name: str) -> str:
    rules = (ATTACKS / shape / "rules.txt").read_text().strip()
    if _repository(shape):
        folder = name.split(".", 1)[0]
        res = run_cli(
            "check", ".", "--select", rules, "--profile", "all", "--no-config",
            "--fail-on", "never", "--color", "never", cwd=ATTACKS / shape / folder,
        )
    else:
        res = run_cli(
            "check", name, "--kind", "workflow", "--select", rules, "--profile", "all",
            "--no-config", "--fail-on", "never", "--color", "never", cwd=ATTACKS / shape,
        )
    assert res.code == 0, res.out + res.err
    return res.out


def _quiet_for_clean(rule: str, level: str, message: str) -> bool:
    if level == "note":
        return True
    if rule == "SW004" and level == "warning":
        return message.endswith("where no secrets are needed") or "gated by" in message
    return False


@pytest.mark.parametrize("shape", SHAPES)
def test_attack_and_clean_twin(shape: str) -> None:
    attack = lint(shape, "attack.workflow.yml")
    clean = lint(shape, "clean.workflow.yml")
    hits = [m for m in FINDING.finditer(attack) if m.group(2) in ("error", "warning")]
    assert hits, f"{shape}: the attack is not reported\n{attack}"
    noisy = [m.group(0) for m in FINDING.finditer(clean) if not _quiet_for_clean(*m.groups())]
    assert not noisy, f"{shape}: the clean twin is reported\n{clean}"
    if _repository(shape):
        text = f"== attack/\n{attack}== clean/\n{clean}"
    else:
        text = f"== attack.workflow.yml\n{attack}== clean.workflow.yml\n{clean}"
    snap = SNAPSHOTS / "attacks" / f"{shape}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS") or not snap.exists():
        snap.parent.mkdir(parents=True, exist_ok=True)
        snap.write_text(text)
    assert text == snap.read_text()


def test_every_shape_is_complete() -> None:
    for shape in SHAPES:
        files = {p.name for p in (ATTACKS / shape).iterdir()}
        if _repository(shape):
            assert {"attack", "clean", "rules.txt"} <= files, shape
            continue
        assert {"attack.workflow.yml", "clean.workflow.yml", "rules.txt"} <= files, shape


def test_snapshots_have_shapes() -> None:
    snaps = {p.stem for p in (SNAPSHOTS / "attacks").glob("*.txt")} if (SNAPSHOTS / "attacks").exists() else set()
    assert snaps <= set(SHAPES), sorted(snaps - set(SHAPES))




def test_selection_never_hides_a_parse_error(tmp_path: Path) -> None:
    (tmp_path / "w.yml").write_text("on: push\njobs:\n  a: [\n")
    res = run_cli(
        "check", "w.yml", "--kind", "workflow", "--select", "SW", "--no-config",
        "--fail-on", "never", "--color", "never", cwd=tmp_path,
    )
    assert res.code == 0, res.err
    assert " SE001 [error] " in res.out
