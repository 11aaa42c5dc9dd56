"""``sentra-lint verify``: captured container trees, hostile trees, the live machine.

Each tree under tests/verify/trees/ is what verify reads inside one kind of
container (captured by hand from the kernel's formats); its report in every
output format is a snapshot under tests/snapshots/verify/
(``UPDATE_SNAPSHOTS=1`` rewrites them after a deliberate change).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SARIF_SCHEMA, chdir, run_cli

TREES = REPO / "tests" / "verify" / "trees"
SNAPS = REPO / "tests" / "snapshots" / "verify"
TREE_NAMES = ("docker-default", "adr-phase1", "adr-phase2", "privileged", "docker-socket", "gvisor", "cgroup-v1")
EXT = {"text": "txt", "json": "json", "sarif": "sarif", "markdown": "md"}

# What each tree must report under --profile all (the snapshot holds the rest).
EXPECTED: dict[str, set[str]] = {
    "docker-default": {
        "SC011", "SC001", "SC003", "SC004", "SC006", "SC007", "SC008", "SC009", "SC018", "SC019", "SC022",
    },
    "adr-phase1": {"SC018"},
    "adr-phase2": {"SC018"},
    "privileged": {"SC011", "SC001", "SC002", "SC003", "SC014", "SC004", "SC006", "SC007", "SC008", "SC009", "SC018"},
    "docker-socket": {"SC011", "SC001", "SC003", "SC004", "SC013", "SC007", "SC008", "SC009", "SC018", "SC022"},
    "gvisor": set(),
    "cgroup-v1": {"SC007", "SC009", "SC010", "SC018"},
}


@pytest.fixture(autouse=True, scope="module")
def _checkout_git_config() -> None:
    """Put the docker-socket tree's checkout config in place.

    git cannot track a file inside a directory named ``.git``, so the tree's
    ``__w/app/app/.git/config`` (a checkout that kept its token) is kept
    beside the trees and copied in before the tests read the tree.
    """
    import shutil

    target = TREES / "docker-socket" / "__w" / "app" / "app" / ".git" / "config"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / "tests" / "verify" / "docker-socket.git-config", target)


def _verify(*args: str) -> tuple[int, str, str]:
    res = run_cli("verify", "--no-config", *args, cwd=REPO)
    return res.code, res.out, res.err


def _compare(name: str, text: str) -> None:
    snap = SNAPS / name
    from sentra_lint import __version__

    text = text.replace(str(REPO), "<REPO>").replace(f'"{__version__}"', '"<VERSION>"')
    if os.environ.get("UPDATE_SNAPSHOTS") or not snap.exists():
        snap.parent.mkdir(parents=True, exist_ok=True)
        snap.write_text(text, encoding="utf-8")
    assert text == snap.read_text(encoding="utf-8"), f"snapshot {name} differs (UPDATE_SNAPSHOTS=1 to accept)"


@pytest.mark.parametrize("tree", TREE_NAMES)
@pytest.mark.parametrize("fmt", list(EXT))
def test_tree_snapshot(tree: str, fmt: str) -> None:
    code, out, err = _verify("--root", f"tests/verify/trees/{tree}", "--profile", "all", "-f", fmt)
    assert err == ""
    assert code == (1 if EXPECTED[tree] else 0)
    _compare(f"{tree}.{EXT[fmt]}", out)


@pytest.mark.parametrize("tree", TREE_NAMES)
def test_tree_findings(tree: str) -> None:
    _, out, _ = _verify("--root", f"tests/verify/trees/{tree}", "--profile", "all", "-f", "json")
    doc = json.loads(out)
    assert {f["rule"] for f in doc["findings"]} == EXPECTED[tree]
    assert all(c["status"] in ("pass", "fail", "unknown", "info") for c in doc["controls"])


@pytest.mark.parametrize("tree", TREE_NAMES)
def test_tree_sarif_valid(tree: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    _, out, _ = _verify("--root", f"tests/verify/trees/{tree}", "--profile", "all", "-f", "sarif")
    doc = json.loads(out)
    jsonschema.validate(doc, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    for res in doc["runs"][0]["results"]:
        assert res["locations"][0]["logicalLocations"][0]["kind"] == "resource"


def test_profiles_gate_phase_controls() -> None:
    tree = "tests/verify/trees/docker-default"
    rules = {}
    for profile in ("phase1", "phase2", "phase3"):
        _, out, _ = _verify("--root", tree, "--profile", profile, "-f", "json")
        rules[profile] = {c["rule"] for c in json.loads(out)["controls"]}
    assert "SC019" not in rules["phase1"] and "SC018" not in rules["phase1"]
    assert "SC019" in rules["phase2"] and "SC018" not in rules["phase2"]
    assert "SC018" in rules["phase3"]


def test_profiles_by_name_are_the_phases() -> None:
    """``check`` takes hardening, credential-proxy and gvisor for the phases; so does verify."""
    tree = "tests/verify/trees/docker-default"
    for name, phase in (("hardening", "phase1"), ("credential-proxy", "phase2"), ("gvisor", "phase3")):
        code, out, _ = _verify("--root", tree, "--profile", name, "-f", "json")
        same_code, same, _ = _verify("--root", tree, "--profile", phase, "-f", "json")
        assert (code, out) == (same_code, same)
    code, _, err = _verify("--root", tree, "--profile", "phase9")
    assert code == 2 and "hardening" in err


def test_adr_container_phase1_report_is_clean() -> None:
    code, out, _ = _verify("--root", "tests/verify/trees/adr-phase1", "--profile", "phase1", "-f", "markdown")
    assert code == 0
    assert "❌" not in out and "❔" not in out
    _compare("adr-phase1.phase1.md", out)


def test_phase2_credential_proxy() -> None:
    """The configured socket must be there and be a socket; no token or credential file may be."""
    cfg = "tests/verify/proxy.yaml"
    res = run_cli("verify", "--config", cfg, "--root", "tests/verify/trees/adr-phase2", "-f", "markdown", cwd=REPO)
    assert res.code == 0, res.out
    assert "Credential proxy socket (SC022)" in res.out and "❌" not in res.out
    _compare("adr-phase2.phase2.md", res.out)
    res = run_cli("verify", "--config", cfg, "--root", "tests/verify/trees/adr-phase1", "-f", "json", cwd=REPO)
    failed = {c["control"] for c in json.loads(res.out)["controls"] if c["status"] == "fail"}
    assert failed == {"Credential proxy socket"} and res.code == 1
    res = run_cli("verify", "--config", cfg, "--root", "tests/verify/trees/docker-default", "-f", "json", cwd=REPO)
    failed = {c["control"] for c in json.loads(res.out)["controls"] if c["rule"] == "SC022" and c["status"] == "fail"}
    assert failed == {"Credential proxy socket", "No GitHub token in the environment", "No credential files"}
    res = run_cli("verify", "--config", cfg, "--root", "tests/verify/trees/docker-socket", "-f", "json", cwd=REPO)
    assert "No checkout token in the workspace" in {
        c["control"] for c in json.loads(res.out)["controls"] if c["status"] == "fail"
    }


def test_capture_never_copies_credentials(tmp_path: Path) -> None:
    """Credential files are recorded as present, git configs without values."""
    from sentra_lint.verify.capture import capture

    src = _copy_tree("docker-socket", tmp_path)
    (src / "root").mkdir()
    (src / "root/.git-credentials").write_text("https://user:ghp_secretvalue123@github.com\n")
    (src / "__w/app/app/.git/config").write_text(
        '[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic c2VjcmV0LXRva2Vu\n'
    )
    dest = tmp_path / "captured"
    capture(str(dest), str(src))
    blob = b"".join(p.read_bytes() for p in dest.rglob("*") if p.is_file())
    assert b"ghp_secretvalue123" not in blob and b"c2VjcmV0LXRva2Vu" not in blob
    assert (dest / "root/.git-credentials").exists()
    from sentra_lint.verify.probe import observe

    obs = observe(str(dest))
    assert obs.credential_files == ("/root/.git-credentials",)
    assert [w.path for w in obs.persisted_checkouts] == ["/__w/app/app/.git/config"]


def test_config_thresholds_apply(tmp_path: Path) -> None:
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("extends: phase1\nrules:\n  SC006:\n    options:\n      max: 1g\n  SC009:\n    options:\n      max: 50\n")
    res = run_cli("verify", "--config", str(cfg), "--root", "tests/verify/trees/adr-phase1", "-f", "json", cwd=REPO)
    doc = json.loads(res.out)
    got = {f["rule"]: f["message"] for f in doc["findings"]}
    assert "above the maximum of 1g" in got["SC006"]
    assert "above the maximum of 50" in got["SC009"]
    assert res.code == 1


def test_select_ignore_and_fail_on() -> None:
    tree = "tests/verify/trees/docker-default"
    code, out, _ = _verify("--root", tree, "--select", "SC006", "-f", "json")
    assert {c["rule"] for c in json.loads(out)["controls"]} == {"SC006"}
    assert code == 1
    code, out, _ = _verify("--root", tree, "--ignore", "SC", "-f", "json")
    assert not [c for c in json.loads(out)["controls"] if c["rule"].startswith("SC")] and code == 0
    code, _, _ = _verify("--root", tree, "--fail-on", "never")
    assert code == 0


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert _verify("--root", str(tmp_path / "nope"))[0] == 2
    assert _verify("-f", "github")[0] == 2
    assert _verify("--fail-on", "always")[0] == 2
    assert _verify("--profile", "phase9")[0] == 2
    assert _verify("--select", "ZZ999")[0] == 2
    assert _verify("--workflow", "x.yml")[0] == 2


# -- the live machine ----------------------------------------------------------------


def _own_status() -> dict[str, str]:
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        k, _, v = line.partition(":")
        out[k] = v.strip()
    return out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_live_machine_matches_proc_self_status() -> None:
    code, out, err = _verify("--profile", "all", "-f", "json", "--fail-on", "never")
    assert code == 0, err
    doc = json.loads(out)
    controls = {c["rule"]: c for c in doc["controls"]}
    status = _own_status()
    euid = int(status["Uid"].split()[1])
    user = controls["SC011"]
    assert user["status"] == ("fail" if euid == 0 else "pass")
    assert f"uid {euid}" in user["observed"]
    bnd = int(status["CapBnd"], 16)
    assert controls["SC001"]["status"] == ("pass" if bnd == 0 and int(status["CapEff"], 16) == 0 else "fail")
    if "NoNewPrivs" in status:
        assert controls["SC003"]["status"] == ("pass" if status["NoNewPrivs"] == "1" else "fail")
    if "Seccomp" in status and status["Seccomp"] in ("1", "2"):
        assert controls["SC014"]["status"] == "pass"
    mounts = Path("/proc/self/mountinfo").read_text().splitlines()
    root = [m.split() for m in mounts if m.split()[4] == "/"][-1]
    assert controls["SC004"]["status"] == ("pass" if "ro" in root[5].split(",") else "fail")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_live_markdown_and_text_run() -> None:
    for fmt in ("text", "markdown", "sarif"):
        code, out, err = _verify("-f", fmt, "--fail-on", "never")
        assert code == 0 and err == "" and out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_capture_then_root_gives_the_same_report(tmp_path: Path) -> None:
    import subprocess

    dest = tmp_path / "tree"
    # /proc/self/environ is the environment a process started with: capture in a child.
    proc = subprocess.run(
        [sys.executable, "-m", "sentra_lint", "verify", "--no-config", "--capture", str(dest), "--profile", "all",
         "-f", "json", "--fail-on", "never"],
        capture_output=True, text=True, cwd=REPO, timeout=120,
        env={**os.environ, "SENTRA_VERIFY_TEST_SECRET_TOKEN": "value-that-must-not-leak-7f3a"},
    )
    assert proc.returncode == 0, proc.stderr
    live = proc.stdout
    environ = (dest / "proc/self/environ").read_bytes()
    assert b"SENTRA_VERIFY_TEST_SECRET_TOKEN=" in environ
    assert b"value-that-must-not-leak" not in environ
    for path in dest.rglob("*"):
        if path.is_file():
            assert b"value-that-must-not-leak" not in path.read_bytes(), path
    _, captured, _ = _verify("--root", str(dest), "--profile", "all", "-f", "json", "--fail-on", "never")
    strip = lambda doc: [(c["rule"], c["status"]) for c in json.loads(doc)["controls"]]  # noqa: E731
    assert strip(captured) == strip(live)
    # A second capture never writes over a tree.
    assert _verify("--capture", str(dest))[0] == 2


# -- environment values are never printed ---------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("fmt", list(EXT))
def test_live_env_values_never_printed(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "sk-ant-never-print-me-4d2c"
    monkeypatch.setenv("STRIPE_API_KEY", secret)
    monkeypatch.setenv("HARMLESS_SETTING", "also-not-printed-9e1b")
    # verify reads /proc/self/environ, which a running process does not change: run it in a child.
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-m", "sentra_lint", "verify", "--no-config", "--profile", "phase2", "-f", fmt, "--fail-on", "never"],
        capture_output=True, text=True, cwd=REPO, timeout=120, env=os.environ.copy(),
    )
    assert proc.returncode == 0, proc.stderr
    assert secret not in proc.stdout + proc.stderr
    assert "also-not-printed-9e1b" not in proc.stdout + proc.stderr
    assert "STRIPE_API_KEY" in proc.stdout


def test_tree_env_values_never_printed(tmp_path: Path) -> None:
    tree = _copy_tree("docker-default", tmp_path)
    (tree / "proc/self/environ").write_bytes(b"OPENAI_API_KEY=sk-proj-secret-value\0PATH=/secret/path/value\0")
    for fmt in EXT:
        _, out, err = _verify("--root", str(tree), "--profile", "phase2", "-f", fmt)
        assert "sk-proj-secret-value" not in out + err
        assert "/secret/path/value" not in out + err
        assert "OPENAI_API_KEY" in out


# -- hostile and broken trees -----------------------------------------------------------


def _copy_tree(name: str, dest: Path) -> Path:
    import shutil

    target = dest / name
    shutil.copytree(TREES / name, target, symlinks=True)
    return target


def _json(tree: Path, *extra: str) -> tuple[int, dict[str, object], str]:
    code, out, err = _verify("--root", str(tree), "--profile", "all", "-f", "json", *extra)
    assert "Traceback" not in err
    return code, json.loads(out), err


def _controls(doc: dict[str, object]) -> dict[str, str]:
    return {c["rule"]: c["status"] for c in doc["controls"]}  # type: ignore[attr-defined, index]


def _rules(doc: dict[str, object]) -> list[str]:
    return [f["rule"] for f in doc["findings"]]  # type: ignore[attr-defined, index]


def test_empty_root_is_all_unknown(tmp_path: Path) -> None:
    code, doc, _ = _json(tmp_path)
    statuses = _controls(doc)
    assert statuses and set(statuses.values()) == {"unknown"}
    assert "SE002" in _rules(doc)
    assert code == 0  # warnings: --fail-on warning makes it fail
    assert _verify("--root", str(tmp_path), "--fail-on", "warning")[0] == 1
    for fmt in EXT:
        code, out, err = _verify("--root", str(tmp_path), "-f", fmt)
        assert out and "Traceback" not in err


def test_binary_status(tmp_path: Path) -> None:
    tree = _copy_tree("adr-phase1", tmp_path)
    (tree / "proc/self/status").write_bytes(b"\x7fELF\x00\x01\x02" + os.urandom(256))
    _, doc, _ = _json(tree)
    statuses = _controls(doc)
    assert statuses["SC011"] == statuses["SC001"] == statuses["SC003"] == "unknown"
    assert any(f["rule"] == "SE002" and "status" in f["path"] for f in doc["findings"])  # type: ignore[attr-defined, index]


def test_truncated_status(tmp_path: Path) -> None:
    tree = _copy_tree("adr-phase1", tmp_path)
    text = (tree / "proc/self/status").read_text()
    (tree / "proc/self/status").write_text(text[: text.index("CapPrm")] + "CapPrm:\t00000")
    _, doc, _ = _json(tree)
    statuses = _controls(doc)
    assert statuses["SC011"] == "pass"
    assert statuses["SC003"] == "unknown" and statuses["SC014"] == "unknown"


def test_garbled_values_are_se001(tmp_path: Path) -> None:
    tree = _copy_tree("adr-phase1", tmp_path)
    (tree / "sys/fs/cgroup/memory.max").write_text("lots\n")
    (tree / "proc/self/status").write_text("Uid:\tzero\nCapBnd:\tnot-hex\nSeccomp:\ttwo\n")
    (tree / "proc/self/mountinfo").write_text("this is not mountinfo\n")
    code, doc, _ = _json(tree)
    se001 = [f for f in doc["findings"] if f["rule"] == "SE001"]  # type: ignore[attr-defined, index]
    assert {Path(f["path"]).name for f in se001} >= {"memory.max", "status", "mountinfo"}
    assert all(f["line"] >= 1 for f in se001)
    statuses = _controls(doc)
    assert statuses["SC006"] == statuses["SC011"] == statuses["SC004"] == "unknown"
    assert code == 1


def test_huge_file_is_refused(tmp_path: Path) -> None:
    tree = _copy_tree("adr-phase1", tmp_path)
    line = (tree / "proc/self/mountinfo").read_text().splitlines()[0] + "\n"
    (tree / "proc/self/mountinfo").write_text(line * (2 * 1024 * 1024 // len(line) + 1))
    _, doc, _ = _json(tree)
    assert _controls(doc)["SC004"] == "unknown"
    assert any(f["rule"] == "SE002" and "larger than" in f["message"] for f in doc["findings"])  # type: ignore[attr-defined, index]


def test_fifo_is_not_opened(tmp_path: Path) -> None:
    tree = _copy_tree("adr-phase1", tmp_path)
    (tree / "proc/self/status").unlink()
    os.mkfifo(tree / "proc/self/status")
    _, doc, _ = _json(tree)  # would block forever if opened for reading without O_NONBLOCK
    assert _controls(doc)["SC011"] == "unknown"
    assert any("not a regular file" in f["message"] for f in doc["findings"])  # type: ignore[attr-defined, index]


# -- never outside the root -------------------------------------------------------------


def _outside(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "status"
    secret.parent.mkdir()
    secret.write_text("Name:\tOUTSIDE-MARKER\nUid:\t4242\t4242\t4242\t4242\nCapBnd:\t0000000000000000\n")
    return secret


def test_absolute_symlink_is_not_followed(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    tree = _copy_tree("adr-phase1", tmp_path)
    (tree / "proc/self/status").unlink()
    (tree / "proc/self/status").symlink_to(outside)
    _, doc, _ = _json(tree)
    assert _controls(doc)["SC011"] == "unknown"
    assert "4242" not in json.dumps(doc)
    assert any("leaves the root" in f["message"] for f in doc["findings"])  # type: ignore[attr-defined, index]


def test_relative_symlink_out_is_not_followed(tmp_path: Path) -> None:
    _outside(tmp_path)
    tree = _copy_tree("adr-phase1", tmp_path)
    import shutil

    shutil.rmtree(tree / "proc/self")
    (tree / "proc/self").symlink_to("../../../outside")
    _, doc, _ = _json(tree)
    assert "4242" not in json.dumps(doc)
    assert _controls(doc)["SC011"] == "unknown"
    assert any("leaves the root" in f["message"] for f in doc["findings"])  # type: ignore[attr-defined, index]


def test_symlink_inside_the_root_is_followed(tmp_path: Path) -> None:
    tree = _copy_tree("adr-phase1", tmp_path)
    (tree / "proc/self").rename(tree / "proc/4711")
    (tree / "proc/self").symlink_to("4711")
    _, doc, _ = _json(tree)
    assert _controls(doc)["SC011"] == "pass"


def test_dotdot_in_cgroup_path_stays_inside(tmp_path: Path) -> None:
    _outside(tmp_path)
    tree = _copy_tree("adr-phase1", tmp_path)
    (tree / "proc/self/cgroup").write_text("0::/../../../../outside\n")
    _, doc, _ = _json(tree)
    assert _controls(doc)["SC006"] == "pass"  # the '..' are dropped: the tree's own memory.max


def test_no_file_outside_the_root_is_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every open() verify makes while reading a tree is inside the tree (checked on the system call)."""
    from sentra_lint.verify import probe

    tree = _copy_tree("docker-socket", tmp_path)
    opened: list[str] = []
    real_open = os.open

    def spy(path: str, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        if dir_fd is None:
            opened.append(os.path.abspath(path))
        else:
            opened.append(os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), path))
        return real_open(path, flags, mode, dir_fd=dir_fd)

    monkeypatch.setattr(os, "open", spy)
    obs = probe.observe(str(tree))
    assert obs.uid == (0, 0)
    assert opened
    root = str(tree.resolve())
    assert all(p == root or p.startswith(root + "/") for p in opened), [p for p in opened if not p.startswith(root)]


# -- declared vs observed ----------------------------------------------------------------

WORKFLOW = """\
name: agent
on: workflow_dispatch
jobs:
  agent:
    runs-on: ubuntu-latest
    container:
      image: ghcr.io/example/claude-agent:1.0
      options: >-
        --cap-drop=ALL
        --read-only
        --memory=2g
        --pids-limit=100
    steps:
      - run: sentra-lint verify
"""


def test_drift_points_at_the_declaring_token(tmp_path: Path) -> None:
    wf = tmp_path / ".github" / "workflows" / "agent.yml"
    wf.parent.mkdir(parents=True)
    wf.write_text(WORKFLOW)
    tree = TREES / "docker-default"
    with chdir(tmp_path):
        res = run_cli("verify", "--no-config", "--root", str(tree), "--workflow", str(wf), "--job", "agent", "-f", "json")
    doc = json.loads(res.out)
    by_rule = {f["rule"]: f for f in doc["findings"]}
    assert by_rule["SC004"]["kind"] == "drift"
    assert by_rule["SC004"]["path"] == ".github/workflows/agent.yml"
    assert (by_rule["SC004"]["line"], by_rule["SC004"]["column"]) == (10, 9)
    assert by_rule["SC001"]["line"] == 9 and by_rule["SC006"]["line"] == 11 and by_rule["SC009"]["line"] == 12
    # Not declared: reported at the container's options: key.
    assert by_rule["SC003"]["kind"] == "observed" and by_rule["SC003"]["line"] == 8
    with chdir(tmp_path):
        res = run_cli("verify", "--no-config", "--root", str(tree), "--workflow", str(wf), "--job", "agent", "-f", "sarif")
    results = json.loads(res.out)["runs"][0]["results"]
    drift = next(r for r in results if r["ruleId"] == "SC004")
    loc = drift["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": ".github/workflows/agent.yml", "uriBaseId": "%SRCROOT%"}
    assert loc["region"]["startLine"] == 10


def test_actions_environment_finds_the_workflow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wf = tmp_path / ".github" / "workflows" / "agent.yml"
    wf.parent.mkdir(parents=True)
    wf.write_text(WORKFLOW)
    from sentra_lint.verify.command import run_verify

    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKFLOW_REF": "octo/app/.github/workflows/agent.yml@refs/heads/main",
        "GITHUB_JOB": "agent",
        "GITHUB_WORKSPACE": str(tmp_path),
    }
    out = tmp_path / "report.json"
    with chdir(tmp_path):
        code = run_verify(
            {"root": str(TREES / "adr-phase1"), "no_config": True, "fmt": "json", "output": str(out)}, env
        )
    doc = json.loads(out.read_text())
    assert doc["declared"] == {"path": ".github/workflows/agent.yml", "job": "agent"}
    assert code == 0
    # Without the workflow checked out, verify still reports, without the comparison.
    env["GITHUB_WORKSPACE"] = str(tmp_path / "empty")
    with chdir(tmp_path):
        code = run_verify({"root": str(TREES / "docker-default"), "no_config": True, "fmt": "text", "output": str(out)}, env)
    assert code == 1
    assert "declared controls not compared" in out.read_text()


def test_check_does_not_import_verify() -> None:
    import subprocess

    code = (
        "import sys, sentra_lint.cli as c; c._fast_check(['check', '--no-config', 'examples/adr-0001/Dockerfile']);"
        "print(any(m.startswith('sentra_lint.verify') for m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.stdout.strip().endswith("False"), proc.stdout + proc.stderr


def test_socket_is_judged_by_reachability() -> None:
    from sentra_lint.verify.controls import Options, evaluate
    from sentra_lint.verify.probe import SocketState, observe

    obs = observe(str(TREES / "adr-phase1"))
    opts = Options(enabled=frozenset({"SC013"}), options={})
    assert [c.status for c in evaluate(obs, opts)] == ["pass", "info"]
    obs.sockets = (SocketState("/run/docker.sock", "marker", True, "connect() succeeded"),)
    assert "fail" in [c.status for c in evaluate(obs, opts)]


def test_decode_caps() -> None:
    from sentra_lint.verify.probe import decode_caps

    assert decode_caps("0000000000000000") == frozenset()
    assert decode_caps("00000000a80425fb") == frozenset(
        {"CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
         "NET_BIND_SERVICE", "NET_RAW", "SYS_CHROOT", "MKNOD", "AUDIT_WRITE", "SETFCAP"}
    )
    assert decode_caps("zz") is None
    assert re.match(r"CAP_6\d", sorted(decode_caps("f000000000000000") or [])[0])


def test_readme_shows_the_adr_report() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    report = (SNAPS / "adr-phase1.phase1.md").read_text(encoding="utf-8").rstrip("\n")
    assert report in readme
    workflow = (REPO / "examples/adr-0001/.github/workflows/agent.yml").read_text(encoding="utf-8")
    assert 'sentra-lint verify --profile phase1 --output-format markdown >> "$GITHUB_STEP_SUMMARY"' in workflow
