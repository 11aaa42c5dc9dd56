"""Hostile files: every file shape, nothing executes, no network, output a file cannot hijack.

One directory holds a pathological file of every kind next to good files;
the good files' findings must all be there, and the run must report no
internal error in any output format.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sentra_lint.reporters.github import escape_data, escape_property
from sentra_lint.reporters.text import safe
from tests.conftest import CORPUS, run_cli
from tests.fuzz.strategies import FUZZ

GOOD_DOCKERFILE = "FROM ubuntu\nRUN curl -fsSL https://example.com/i.sh | sh\n"
GOOD_WORKFLOW = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container:\n      image: x\n      options: --privileged\n    steps:\n      - run: echo\n"
GOOD_COMPOSE = "services:\n  a:\n    image: x\n    privileged: true\n"
WEIRD_NAME = os.fsdecode(b"Dockerfile.\xff\x1b[2J")
PWNED = "sentra-lint-pwned"


def _bomb() -> str:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\non: push\njobs:\n  x:\n    runs-on: *a9\n    steps: *a9\n"


def populate(root: Path) -> dict[str, str]:
    """Write good and hostile files; return the hostile ones' expected SE rule ('' for any result)."""
    wf = root / ".github" / "workflows"
    wf.mkdir(parents=True)
    (root / ".devcontainer").mkdir()
    (root / "Dockerfile").write_text(GOOD_DOCKERFILE)
    (wf / "good.yml").write_text(GOOD_WORKFLOW)
    (root / "docker-compose.yml").write_text(GOOD_COMPOSE)
    raw: dict[str, bytes] = {
        "Dockerfile.empty": b"",
        "Dockerfile.comments": b"# only\n# comments\n",
        "Dockerfile.binary": bytes(range(256)) * 8,
        "Dockerfile.nul": b"FROM a\x00\n",
        "Dockerfile.latin1": b"FROM a\nRUN echo caf\xe9\n",
        "Dockerfile.utf16": GOOD_DOCKERFILE.encode("utf-16"),
        "Dockerfile.bom": b"\xef\xbb\xbf" + GOOD_DOCKERFILE.replace("\n", "\r\n").encode(),
        "Dockerfile.cr": GOOD_DOCKERFILE.replace("\n", "\r").encode(),
        "Dockerfile.longline": b"FROM a\nRUN echo " + b"a" * 3_000_000 + b"\n",
        "Dockerfile.toobig": b"FROM a\n" + b"#" * (6 << 20) + b"\n",
        "Dockerfile.control": b"FROM a\nRUN curl http://x/\x1b]0;owned\x07\x1b[2J | sh\n",
        ".github/workflows/tabs.yml": b"on: push\njobs:\n\ta:\n\t\truns-on: x\n",
        ".github/workflows/dups.yml": b"on: push\non: pull_request\njobs:\n  a: {runs-on: x}\n  a: {runs-on: y}\n",
        ".github/workflows/python-tag.yml": (
            f"on: !!python/object/apply:os.system ['touch {PWNED}']\n"
            f"jobs: !!python/object/new:subprocess.check_call [['touch', '{PWNED}']]\n"
        ).encode(),
        ".github/workflows/bomb.yml": _bomb().encode(),
        ".github/workflows/deep.yml": b"on: push\njobs: " + b"[" * 10_000 + b"]" * 10_000 + b"\n",
        ".github/workflows/broken.yml": b"on: push\njobs: {a: [\n",
        # Shapes Compose accepts that an older libyaml rejected: must be linted, not SE001.
        "compose.flowcolon.yml": (
            b"services:\n  a:\n    image: x\n    security_opt: [no-new-privileges:true]\n"
            b"    ports: [8080:80]\n    privileged: true\n"
        ),
        # Templates: one SE002 note each, nothing else.
        "Dockerfile.j2": b"FROM ubuntu\nRUN curl -fsSL https://example.com/i.sh | sh\n",
        "Dockerfile.markup": b"FROM {{ base }}\nRUN curl -fsSL https://example.com/i.sh | sh\nUSER root\n",
        "compose.tmpl.yml": b"services:\n  a:\n{% if x %}\n    privileged: true\n{% endif %}\n",
        "compose.deep.yml": b"services: " + b"{a: " * 10_000 + b"}" * 10_000 + b"\n",
        ".devcontainer/devcontainer.json": b'// c\n{"runArgs": ["--privileged", /* x */ ' + b"[" * 10_000 + b"]" * 10_000 + b"]}",
    }
    for name, data in raw.items():
        (root / name).write_bytes(data)
    (root / WEIRD_NAME).write_text(GOOD_DOCKERFILE)
    os.mkfifo(root / "Dockerfile.fifo")
    os.symlink("/etc/passwd", root / "Dockerfile.outside")
    os.symlink("Dockerfile.loop", root / "Dockerfile.loop")
    os.symlink("/dev/zero", root / "Dockerfile.device")
    return {
        "Dockerfile.binary": "SE002", "Dockerfile.nul": "SE002", "Dockerfile.latin1": "SE002",
        "Dockerfile.toobig": "SE002", "Dockerfile.fifo": "SE002", "Dockerfile.outside": "SE002",
        "Dockerfile.loop": "SE002", "Dockerfile.device": "SE002", ".github/workflows/tabs.yml": "SE001",
        ".github/workflows/broken.yml": "SE001", "Dockerfile.j2": "SE002", "Dockerfile.markup": "SE002",
        "compose.tmpl.yml": "SE002",
    }


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("hostile")
    return root, populate(root)


def _json(root: Path, *extra: str) -> dict[str, object]:
    res = run_cli("check", "--no-config", "-f", "json", *extra, ".", cwd=root)
    assert res.code in (0, 1), res.err
    data: dict[str, object] = json.loads(res.out)
    return data


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_one_bad_file_never_stops_the_others(hostile: tuple[Path, dict[str, str]], jobs: str) -> None:
    root, expected = hostile
    data = _json(root, "-j", jobs)
    assert data["errors"] == []
    findings = data["findings"]
    assert isinstance(findings, list)
    got = {(f["path"], f["rule"], f["line"]) for f in findings}
    for path in ("Dockerfile", "Dockerfile.bom", "Dockerfile.cr", "Dockerfile.utf16", WEIRD_NAME):
        assert (path, "SD003", 2) in got, path  # the good files, with right line numbers
    assert (".github/workflows/good.yml", "SC002", 7) in got
    assert ("docker-compose.yml", "SC002", 4) in got
    assert ("compose.flowcolon.yml", "SC002", 6) in got
    assert not any(p == "compose.flowcolon.yml" and r == "SE001" for p, r, _ in got)
    for path, rule in expected.items():
        assert any(p == path and r == rule for p, r, _ in got), (path, rule)
    for path in ("Dockerfile.j2", "Dockerfile.markup", "compose.tmpl.yml"):
        assert [r for p, r, _ in got if p == path] == ["SE002"], path


def test_nothing_executes_and_no_network(hostile: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = hostile
    attempts: list[str] = []

    def refuse(name: str):  # type: ignore[no-untyped-def]
        def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
            attempts.append(name)
            raise AssertionError(f"{name} called during linting")

        return fail

    monkeypatch.setattr(socket, "socket", refuse("socket.socket"))
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("socket.getaddrinfo"))
    monkeypatch.setattr(subprocess, "Popen", refuse("subprocess.Popen"))
    monkeypatch.setattr(os, "system", refuse("os.system"))
    data = _json(root, "-j", "1", "--profile", "all")
    assert attempts == []
    assert data["errors"] == []
    assert not (root / PWNED).exists()


def test_no_network_on_a_corpus_slice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    paths = [str(p) for sub in ("dockerfiles", "workflows", "compose") for p in sorted((CORPUS / sub).iterdir())[:40]]

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("socket created during linting")

    monkeypatch.setattr(socket, "socket", refuse)
    res = run_cli("check", "--no-config", "-j", "1", "--profile", "all", "-f", "json", *paths, cwd=tmp_path)
    assert json.loads(res.out)["errors"] == []


@pytest.mark.parametrize("fmt", ["text", "github", "sarif", "json"])
def test_output_cannot_be_hijacked(hostile: tuple[Path, dict[str, str]], fmt: str, tmp_path: Path) -> None:
    root, _ = hostile
    out = tmp_path / f"report.{fmt}"
    res = run_cli("check", "--no-config", "-j", "1", "-f", fmt, "-o", str(out), ".", cwd=root)
    assert res.code in (0, 1), res.err
    text = out.read_text(encoding="utf-8")
    if fmt in ("json", "sarif"):
        doc = json.loads(text)
        if fmt == "sarif":
            uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]}
            assert "Dockerfile.%FF%1B%5B2J" in uris
        return
    assert "\x1b" not in text and "\x07" not in text and "\r" not in text
    if fmt == "github":
        for line in text.splitlines():
            assert line.startswith(("::error ", "::warning ", "::notice ", "sentra-lint: ")), line


@FUZZ
@given(st.text(max_size=80))
def test_github_escaping_keeps_one_command_per_line(value: str) -> None:
    data, prop = escape_data(value), escape_property(value)
    for escaped in (data, prop):
        assert "\n" not in escaped and "\r" not in escaped and "\x1b" not in escaped
    assert "::" not in prop and "," not in prop


@FUZZ
@given(st.text(max_size=80))
def test_text_escaping_leaves_no_control_characters(value: str) -> None:
    out = safe(value)
    assert not any(ord(c) < 0x20 and c != "\t" for c in out)
    assert "\x1b" not in out and "\x7f" not in out and "\u202e" not in out
    out.encode("utf-8")  # writable to a strict UTF-8 stream


def test_file_vanishing_during_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sentra_lint.discover as discover

    (tmp_path / "Dockerfile").write_text(GOOD_DOCKERFILE)
    (tmp_path / "Dockerfile.gone").write_text(GOOD_DOCKERFILE)
    real = discover.discover

    def then_delete(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = real(*args, **kwargs)
        (tmp_path / "Dockerfile.gone").unlink()
        return found

    monkeypatch.setattr("sentra_lint.engine.discover", then_delete)
    data = _json(tmp_path)
    findings = data["findings"]
    assert isinstance(findings, list)
    gone = [f for f in findings if f["path"] == "Dockerfile.gone"]
    assert [f["rule"] for f in gone] == ["SE002"] and "vanished" in gone[0]["message"]
    assert any(f["path"] == "Dockerfile" and f["rule"] == "SD003" for f in findings)


def test_unreadable_file_gives_se002(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root, where chmod 000 does not stop a read: make open() fail instead.
    import builtins

    (tmp_path / "Dockerfile").write_text(GOOD_DOCKERFILE)
    (tmp_path / "Dockerfile.locked").write_text(GOOD_DOCKERFILE)
    real_open = builtins.open

    def guarded(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(file).endswith("Dockerfile.locked"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    data = _json(tmp_path, "-j", "1")
    findings = data["findings"]
    assert isinstance(findings, list)
    locked = [f for f in findings if f["path"] == "Dockerfile.locked"]
    assert [f["rule"] for f in locked] == ["SE002"] and "Permission denied" in locked[0]["message"]
