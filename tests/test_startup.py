"""``check`` imports only what the files it lints need.

Start-up is most of the cost of a pre-commit run on one file, and the heavy
dependencies take tens to hundreds of milliseconds each to import (see
``docs/architecture.md``). Each case runs ``check`` on one small file in a
fresh interpreter and lists ``sys.modules`` at exit: the modules that run
needs must be there (so the case really linted something) and the ones it
does not need must not. This is a check on imports, not on time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Runs the console entry point as `sentra-lint` would, then writes the names of
# every imported module to the file named by the first argument.
PROBE = """
import atexit, sys
out = sys.argv[1]
def dump():
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("\\n".join(sorted(sys.modules)))
atexit.register(dump)
sys.argv = ["sentra-lint", *sys.argv[2:]]
from sentra_lint.cli import main
main()
"""

DOCKERFILE = """\
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y curl \\
    && curl -fsSL https://example.com/install.sh | bash
USER 1000
"""

WORKFLOW = """\
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    container:
      image: node:20
      options: --privileged
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.head_ref }}"
"""

COMPOSE = """\
services:
  web:
    image: nginx:1.27
    privileged: true
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
"""

# Never needed by `check` without a config file: jsonschema validates config
# files only; bashlex and dockerfile-parse are not runtime dependencies.
NEVER = ("jsonschema", "bashlex", "dockerfile_parse")

CASES = {
    # kind: (file name, text, modules that must be imported, modules that must not)
    "dockerfile": (
        "Dockerfile",
        DOCKERFILE,
        ("sentra_lint.dockerfile",),
        (*NEVER, "sentra_lint.yamlmodel", "sentra_lint.workflow", "sentra_lint.compose"),
    ),
    "workflow": (
        ".github/workflows/ci.yml",
        WORKFLOW,
        ("sentra_lint.workflow", "sentra_lint.yamlmodel"),
        (*NEVER, "sentra_lint.dockerfile", "sentra_lint.compose"),
    ),
    "compose": (
        "compose.yml",
        COMPOSE,
        ("sentra_lint.compose", "sentra_lint.yamlmodel"),
        (*NEVER, "tree_sitter", "tree_sitter_bash", "sentra_lint.dockerfile", "sentra_lint.workflow"),
    ),
}


def imported_by_check(tmp_path: Path, name: str, text: str) -> set[str]:
    target = tmp_path / "repo" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    (tmp_path / "repo" / ".git").mkdir()  # stop config discovery at this folder
    listing = tmp_path / "modules.txt"
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(listing), "check", "--format", "json", "--fail-on", "never", name],
        cwd=tmp_path / "repo",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    assert report["summary"]["files"] == 1
    assert not report.get("errors"), report["errors"]
    return set(listing.read_text(encoding="utf-8").split())


def loaded(modules: set[str], name: str) -> bool:
    return name in modules or any(m.startswith(name + ".") for m in modules)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_check_imports_only_what_the_kind_needs(tmp_path: Path, kind: str) -> None:
    name, text, needed, unneeded = CASES[kind]
    modules = imported_by_check(tmp_path, name, text)
    missing = [m for m in needed if not loaded(modules, m)]
    assert not missing, f"the {kind} run did not load {missing}: did it lint anything?"
    extra = sorted(m for m in unneeded if loaded(modules, m))
    assert not extra, f"`check` of one {kind} imported {extra}, which it does not need"


def test_dockerfile_check_does_not_import_the_yaml_library(tmp_path: Path) -> None:
    name, text, _, _ = CASES["dockerfile"]
    modules = imported_by_check(tmp_path, name, text)
    assert not loaded(modules, "ruamel"), "`check` of one Dockerfile imported ruamel.yaml"


def test_check_does_not_import_pydantic(tmp_path: Path) -> None:
    name, text, _, _ = CASES["dockerfile"]
    modules = imported_by_check(tmp_path, name, text)
    assert not loaded(modules, "pydantic"), "`check` imported pydantic (through typer)"
