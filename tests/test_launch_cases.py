"""Launch shapes and parsing cases: small repositories, snapshots, and what must (not) be found.

Each case lists ``(path, rule, line)`` findings that must be reported and
``(path, rule)`` pairs (or ``(path, rule, line)``) that must not be.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import SNAPSHOTS, run_cli

CASES_DIR = Path(__file__).parent / "launch_cases"
SNAP_DIR = SNAPSHOTS / "launch_cases"

Must = tuple[str, str, int]
MustNot = tuple[str, str] | tuple[str, str, int]

CASES: dict[str, tuple[list[Must], list[MustNot]]] = {
    # An override that adds ports to a hardened service: the merged service
    # is hardened, so the override gets no findings for it; the override's own
    # additions (cap_add, a new privileged service) are reported there, and a
    # control missing from a service of both files is reported once, in the base.
    "compose-override": (
        [
            ("docker-compose.override.yml", "SC002", 7),
            ("docker-compose.override.yml", "SC002", 10),
            ("docker-compose.yml", "SC001", 13),
        ],
        [
            ("docker-compose.override.yml", "SC001", 2),
            ("docker-compose.override.yml", "SC004", 2),
            ("docker-compose.override.yml", "SC001", 5),
            ("docker-compose.yml", "SC004", 13),
            ("docker-compose.yml", "SC001", 2),
        ],
    ),
    # Wrappers (timeout, nice, xargs), other runtimes (nerdctl, podman, named
    # as such), docker compose run (its flags only: the service's posture is in
    # the Compose file), a docker-run action and docker:// images.
    "launch-wrappers": (
        [
            (".github/workflows/ci.yml", "SC002", 6),
            (".github/workflows/ci.yml", "SC013", 7),
            (".github/workflows/ci.yml", "SC002", 8),
            (".github/workflows/ci.yml", "SC002", 9),
            (".github/workflows/ci.yml", "SC012", 10),
            (".github/workflows/ci.yml", "SC011", 11),
            (".github/workflows/ci.yml", "SC013", 11),
            (".github/workflows/ci.yml", "SC002", 12),
            (".github/workflows/ci.yml", "SC002", 16),
            (".github/workflows/ci.yml", "SC019", 16),
            (".github/workflows/ci.yml", "SC015", 18),
            (".github/workflows/ci.yml", "SC015", 21),
        ],
        [
            (".github/workflows/ci.yml", "SC001", 11),
            (".github/workflows/ci.yml", "SC015", 11),
            (".github/workflows/ci.yml", "SC001", 12),
            (".github/workflows/ci.yml", "SC001", 18),
            (".github/workflows/ci.yml", "SE001"),
        ],
    ),
    # One finding per source location: a YAML anchor merged into three
    # services is one place to fix, reported once with the others related.
    "yaml-anchors": (
        [
            ("docker-compose.yml", "SC002", 2),
            ("docker-compose.yml", "SC002", 3),
            ("docker-compose.yml", "SC013", 5),
        ],
        [("docker-compose.yml", "SC002", 9), ("docker-compose.yml", "SC013", 12)],
    ),
    # Literal matrix values are expanded: each options/image value is judged,
    # on the matrix entry, with the use of the matrix as a related location;
    # a matrix computed at run time (fromJSON) stays unknown.
    "matrix": (
        [
            (".github/workflows/ci.yml", "SC002", 7),
            (".github/workflows/ci.yml", "SC015", 8),
            (".github/workflows/ci.yml", "SC013", 24),
            (".github/workflows/ci.yml", "SC015", 19),
            (".github/workflows/ci.yml", "SC015", 20),
        ],
        [(".github/workflows/ci.yml", "SC001", 34), (".github/workflows/ci.yml", "SC002", 11)],
    ),
    # Files named together with -f (or in COMPOSE_FILE) in a workflow are merged in that order:
    # the CI file's own addition (the socket) is its finding, the hardened
    # base keeps the CI file from getting every missing-control error.
    "compose-f-files": (
        [("deploy/compose.ci.yml", "SC013", 6), ("deploy/compose.prod.yml", "SC002", 4)],
        [
            ("deploy/compose.ci.yml", "SC001", 2),
            ("deploy/compose.ci.yml", "SC004", 2),
            ("deploy/compose.prod.yml", "SC001", 2),
        ],
    ),
    # A step anchored in one job and aliased in another (GitHub reads YAML
    # anchors) is one step in the file: its findings are reported once.
    "workflow-anchors": (
        [(".github/workflows/a.yml", "SW001", 9), (".github/workflows/a.yml", "SW005", 9)],
        [(".github/workflows/a.yml", "SW001", 15)],
    ),
    # An image a workflow of the same repository builds is the repository's
    # own: running it (here from Compose) is not asked for a digest.
    "repo-built": (
        [("compose.yml", "SC015", 5)],
        [("compose.yml", "SC015", 3)],
    ),
}


def _lint(case: Path) -> tuple[str, list[dict[str, object]]]:
    args_file = case / "args.txt"
    extra = args_file.read_text().split() if args_file.exists() else []
    common = ("check", "--no-config", "--profile", "all", "--fail-on", "never", *extra)
    text = run_cli(*common, "--color", "never", ".", cwd=case)
    data = run_cli(*common, "-f", "json", ".", cwd=case)
    assert text.code == 0 and data.code == 0, text.out + text.err
    findings: list[dict[str, object]] = json.loads(data.out)["findings"]
    return text.out, findings


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name: str) -> None:
    case = CASES_DIR / name
    assert case.is_dir(), name
    text, findings = _lint(case)
    got = {(str(f["path"]), str(f["rule"]), int(str(f["line"]))) for f in findings}
    places = [(f["path"], f["rule"], f["line"], f["column"], f["end_line"], f["end_column"]) for f in findings]
    assert len(places) == len(set(places)), "one finding per rule and source location"
    must, must_not = CASES[name]
    for item in must:
        assert item in got, (item, text)
    for bad in must_not:
        if len(bad) == 3:
            assert bad not in got, (bad, text)
        else:
            assert not any((p, r) == bad[:2] for p, r, _ in got), (bad, text)
    snap = SNAP_DIR / f"{name}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAP_DIR.mkdir(exist_ok=True)
        snap.write_text(text, encoding="utf-8")
    assert snap.exists(), f"snapshot {snap} is missing: run with UPDATE_SNAPSHOTS=1 and review it"
    assert text == snap.read_text(encoding="utf-8")


def test_every_case_folder_is_listed() -> None:
    folders = {p.name for p in CASES_DIR.iterdir() if p.is_dir()}
    assert folders == set(CASES)
