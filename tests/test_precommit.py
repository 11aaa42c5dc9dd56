"""The pre-commit hooks: patterns that match discovery, and a real ``pre-commit try-repo`` run.

The integration test (marked ``integration``; select or skip it with
``-m integration`` / ``-m "not integration"``) installs this checkout into a
fresh hook environment the way users get it: ``pre-commit try-repo`` clones
the checkout's HEAD plus its staged and modified tracked files (untracked
files are left out), then pip-installs it from that clone. It needs PyPI for
the build backend and the dependencies and nothing else; with a warm pip
cache a run takes about 15 seconds.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sentra_lint.discover import SKIP_DIRS, classify_name
from sentra_lint.source import Kind
from tests.conftest import REPO, run_cli

with warnings.catch_warnings():
    # Registered in pyproject's [tool.pytest.ini_options] markers once that lists it.
    warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
    integration = pytest.mark.integration

MANIFEST = REPO / ".pre-commit-hooks.yaml"

# Which kinds each hook is for; None: every kind.
HOOK_KINDS: dict[str, set[Kind] | None] = {
    "sentra-lint": None,
    "sentra-lint-dockerfile": {Kind.DOCKERFILE},
    "sentra-lint-workflows": {Kind.WORKFLOW, Kind.ACTION},
    "sentra-lint-compose": {Kind.COMPOSE},
    "sentra-lint-devcontainer": {Kind.DEVCONTAINER},
}

BAD = "FROM ubuntu:22.04\nRUN curl -fsSL https://example.com/install.sh | sh\n"
GOOD = "FROM alpine:3.20@sha256:" + "a" * 64 + "\nRUN echo hello\nUSER 1000\n"


def load_hooks() -> dict[str, dict[str, Any]]:
    from ruamel.yaml import YAML

    hooks = YAML(typ="safe").load(MANIFEST.read_text(encoding="utf-8"))
    return {h["id"]: h for h in hooks}


def selected(hook: dict[str, Any], path: str) -> bool:
    """What pre-commit does with a repository-relative path (re.search, files then exclude)."""
    if not re.search(hook["files"], path):
        return False
    exclude = hook.get("exclude")
    return not (exclude and re.search(exclude, path))


def discovered_kind(path: str) -> Kind | None:
    """What a directory walk of the repository root would make of the path."""
    p = Path(path)
    if any(part in SKIP_DIRS for part in p.parts[:-1]):
        return None
    return classify_name(p)


def check_path(hooks: dict[str, dict[str, Any]], path: str) -> None:
    kind = discovered_kind(path)
    for hook_id, kinds in HOOK_KINDS.items():
        expected = kind is not None if kinds is None else kind in kinds
        assert selected(hooks[hook_id], path) == expected, (hook_id, path, kind)


# ---------------------------------------------------------------------------
# the manifest


def test_manifest_has_the_hooks_with_python_entry() -> None:
    hooks = load_hooks()
    assert set(hooks) == set(HOOK_KINDS)
    for hook in hooks.values():
        assert hook["entry"] == "sentra-lint check"
        assert hook["language"] == "python"
        assert hook["types"] == ["file"]
        assert hook["require_serial"] is True


def test_manifest_is_valid_for_pre_commit() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib", reason="pre-commit is in the 'test' extra")
    loaded = clientlib.load_manifest(str(MANIFEST))
    assert {h["id"] for h in loaded} == set(HOOK_KINDS)


DIRS = [
    "", "src/", ".github/", ".github/workflows/", "sub/.github/workflows/", ".github/workflows/nested/",
    ".devcontainer/", ".devcontainer/python/", ".devcontainer/a/b/", "node_modules/pkg/", "a/.venv/",
    "workflows/", "github/workflows/", "docker/",
]
NAMES = [
    "Dockerfile", "dockerfile", "DOCKERFILE", "Containerfile", "containerfile", "Dockerfile.dev",
    "Dockerfile.", "DockerFile.prod", "app.Dockerfile", "app.dockerfile", "x.DOCKERFILE", ".dockerfile",
    "Dockerfile.md", "Dockerfile.bak", "Dockerfile.dockerignore", ".dockerignore", "Dockerfiles",
    "MyDockerfile", "Dockerfile.yml", "Containerfile.prod", "ci.yml", "ci.YAML", "ci.yaml.txt",
    "action.yml", "action.yaml", "Action.yml", "action.yml.bak", "compose.yml", "compose.yaml",
    "docker-compose.yml", "docker-compose.prod.yaml", "compose-dev.yml", "compose_x.yml", "Compose.yml",
    "compose.YML", "composer.yml", "docker-compose", "devcontainer.json", ".devcontainer.json",
    "x.devcontainer.json", "README.md",
]


@pytest.mark.parametrize("directory", DIRS)
def test_hook_patterns_select_what_discovery_lints(directory: str) -> None:
    hooks = load_hooks()
    for name in NAMES:
        check_path(hooks, directory + name)


def test_hook_patterns_examples() -> None:
    hooks = load_hooks()
    assert selected(hooks["sentra-lint-dockerfile"], "docker/api.Dockerfile")
    assert selected(hooks["sentra-lint-workflows"], ".github/workflows/release.yaml")
    assert selected(hooks["sentra-lint-workflows"], "actions/lint/action.yml")
    assert selected(hooks["sentra-lint-compose"], "deploy/docker-compose.prod.yml")
    assert selected(hooks["sentra-lint-devcontainer"], ".devcontainer/devcontainer.json")
    assert not selected(hooks["sentra-lint"], "docs/Dockerfile.md")
    assert not selected(hooks["sentra-lint"], "node_modules/x/Dockerfile")
    # A workflow named like a compose file is a workflow, as discovery decides.
    assert not selected(hooks["sentra-lint-compose"], ".github/workflows/compose.yml")
    assert selected(hooks["sentra-lint-workflows"], ".github/workflows/compose.yml")


_SEGMENTS = st.sampled_from(
    ["", ".github", "workflows", ".devcontainer", "docker", "node_modules", ".git", "a b", "x.y", "compose"]
)
_STEMS = st.sampled_from(
    ["Dockerfile", "dockerfile", "DOCKERFILE", "Containerfile", "containerfile", "compose", "docker-compose",
     "action", "devcontainer", ".devcontainer", "ci", "app", "", "composer", "docker-", "x"]
)
_TAILS = st.sampled_from(
    ["", ".", ".dev", ".Dockerfile", ".dockerfile", ".yml", ".yaml", ".YML", ".json", ".md", ".bak", ".txt",
     "-prod.yml", "_x.yaml", ".override.yml", ".swp", ".dockerignore", ".orig", "s", ".prod.yml"]
)


@settings(max_examples=400, deadline=None)
@given(dirs=st.lists(_SEGMENTS, max_size=3), stem=_STEMS, tail=_TAILS, tail2=_TAILS)
def test_hook_patterns_match_discovery_everywhere(dirs: list[str], stem: str, tail: str, tail2: str) -> None:
    name = stem + tail + tail2
    if not name or name in (".", ".."):
        return
    path = "/".join([d for d in dirs if d] + [name])
    check_path(load_hooks(), path)


# ---------------------------------------------------------------------------
# pre-commit try-repo against this checkout


def _git(*args: str, cwd: Path) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env=_clean_env())
    return proc.stdout.strip()


def _clean_env() -> dict[str, str]:
    """The environment without variables a surrounding git hook may set (they confuse git and pre-commit)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    return env


def _try_repo(target: Path, hook: str, *files: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), hook, "--files", *files],
        cwd=target,
        capture_output=True,
        text=True,
        timeout=900,
        env=_clean_env(),
    )


def _parser_missing() -> str | None:
    """Why the Dockerfile parser cannot run in this checkout, or None."""
    if importlib.util.find_spec("sentra_lint.dockerfile") is None:
        return "the Dockerfile parser (sentra_lint.dockerfile) is not in this checkout yet"
    module = importlib.import_module("sentra_lint.dockerfile")
    if not hasattr(module, "parse_dockerfile"):
        return "sentra_lint.dockerfile has no parse_dockerfile yet"
    return None


@integration
def test_try_repo_fails_on_bad_dockerfile_and_passes_on_good(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if importlib.util.find_spec("pre_commit") is None:
        pytest.skip("pre-commit is not installed (it is in the 'test' extra)")
    try:
        toplevel = _git("rev-parse", "--show-toplevel", cwd=REPO)
    except (subprocess.CalledProcessError, OSError):
        pytest.skip("this checkout is not a git repository (try-repo clones one)")
    if Path(toplevel).resolve() != REPO.resolve():
        pytest.skip("this checkout is not the root of its git repository")
    reason = _parser_missing()
    if reason:
        pytest.skip(reason)

    target = tmp_path / "project"
    (target / "bad").mkdir(parents=True)
    (target / "good").mkdir()
    (target / "bad" / "Dockerfile").write_text(BAD, encoding="utf-8")
    (target / "good" / "Dockerfile").write_text(GOOD, encoding="utf-8")
    _git("init", "-q", cwd=target)
    _git("add", ".", cwd=target)
    _git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "init", cwd=target)

    # What the linter says in this process, so a failure below points at the hook, not the rules.
    expected_bad = run_cli("check", "bad/Dockerfile", "--no-config", cwd=target)
    assert expected_bad.code == 1, expected_bad.out + expected_bad.err
    bad_ids = set(re.findall(r"\b(S[A-Z]\d{3})\b \[error\]", expected_bad.out))
    assert bad_ids & {"SE001", "SD003"}, expected_bad.out
    expected_good = run_cli("check", "good/Dockerfile", "--no-config", cwd=target)
    assert expected_good.code == 0, expected_good.out + expected_good.err

    bad = _try_repo(target, "sentra-lint-dockerfile", "bad/Dockerfile")
    log = bad.stdout + bad.stderr
    assert bad.returncode == 1, log
    assert re.search(r"sentra-lint \(Dockerfiles\)\.+Failed", log), log
    assert "- exit code: 1" in log, log
    assert "bad/Dockerfile:" in log and any(rid in log for rid in bad_ids), log

    good = _try_repo(target, "sentra-lint-dockerfile", "good/Dockerfile")
    log = good.stdout + good.stderr
    assert good.returncode == 0, log
    assert re.search(r"sentra-lint \(Dockerfiles\)\.+Passed", log), log


def test_the_launch_walk_finds_what_the_full_walk_finds(tmp_path: Path) -> None:
    """A Dockerfile named alone walks the repository for launch files only; the answer is the full walk's."""
    import os

    from sentra_lint.crossfile.run import _LAUNCH_KINDS
    from sentra_lint.discover import discover

    files = [
        ".github/workflows/ci.yml", ".github/workflows/Build.YAML", ".github/workflows/notes.md",
        ".github/workflows/Dockerfile", ".github/actions/build/action.yml", "action.yaml",
        "compose.yml", "compose.override.yaml", "docker-compose.prod.yml", "Compose.yml", "dockerfile.compose.yml",
        "svc/docker-compose.yml", ".devcontainer/devcontainer.json", "x/devcontainer.json", ".devcontainer.json",
        ".mcp.json", "tools/mcp.json", "Dockerfile", "app.Dockerfile", "src/main.py", "README.md", "other.yml",
        "workflows/ci.yml",
    ]  # fmt: skip
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "compose.yml").write_text("services: {}\n", encoding="utf-8")
    root = tmp_path / "repo"
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x: 1\n", encoding="utf-8")
    os.symlink(root / "compose.yml", root / "svc" / "compose.link.yml")
    os.symlink(outside / "compose.yml", root / "compose.outside.yml")
    os.symlink(root / "missing.yml", root / "compose.broken.yml")
    os.symlink(root / ".github", root / "linked-github")
    os.symlink(root / "svc", root / "compose.dir.yml")

    full = [c for c in discover([str(root)]) if c.kind in _LAUNCH_KINDS]
    launches = discover([str(root)], launches_only=True)
    assert [c for c in launches if c.kind in _LAUNCH_KINDS] == full
    assert len(full) >= 12
