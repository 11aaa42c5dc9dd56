"""Find the files to lint and decide what each one is.

A directory is walked for Dockerfiles, workflows, composite actions, compose
files and dev container files; ``.git`` and ``node_modules`` are skipped and
symbolic links are never followed out of the tree. Explicit file paths are
always linted: by name first, then by a glance at their top-level keys.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.source import Kind

SKIP_DIRS = frozenset({".git", "node_modules", ".hg", ".svn", ".tox", ".venv", "__pycache__"})
_NOT_DOCKERFILE_SUFFIXES = (".dockerignore", ".md", ".rst", ".txt", ".orig", ".rej", ".swp", ".bak")
_COMPOSE = lazy_compile(r"^(docker-)?compose([._-][^/]*)?\.ya?ml$")
_YAML = lazy_compile(r"\.ya?ml$", re.IGNORECASE)
_TOP_KEY = lazy_compile(r"^(?:['\"]?)([A-Za-z_][\w-]*)(?:['\"]?)\s*:", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file to lint, with its kind."""

    path: Path
    kind: Kind | None
    """``None`` when the file is skipped; ``reason`` says why."""
    explicit: bool = False
    reason: str | None = None


def is_dockerfile_name(name: str) -> bool:
    lower = name.lower()
    if "file" not in lower or lower.endswith(_NOT_DOCKERFILE_SUFFIXES):
        return False
    if name in _DOCKERFILE_NAMES or lower.startswith(_DOCKERFILE_PREFIXES):
        return True
    return lower.endswith(".dockerfile")


_DOCKERFILE_NAMES = frozenset({"Dockerfile", "dockerfile", "Containerfile", "containerfile"})
_DOCKERFILE_PREFIXES = ("dockerfile.", "containerfile.")


def classify_name(path: Path) -> Kind | None:
    """The kind a file has by its name and place, as a directory walk decides."""
    return _classify_in(path.name, path.parent)


def _classify_in(name: str, parent: Path, workflows: bool | None = None) -> Kind | None:
    """:func:`classify_name` of the file ``name`` in the folder ``parent``.

    ``workflows`` says whether ``parent`` is a ``.github/workflows`` folder,
    when the caller knows already.
    """
    if is_dockerfile_name(name):
        return Kind.DOCKERFILE
    if _YAML.search(name):
        if workflows is None:
            workflows = _is_workflows_folder(parent)
        if workflows:
            return Kind.WORKFLOW
        if name in ("action.yml", "action.yaml"):
            return Kind.ACTION
        if _COMPOSE.match(name):
            return Kind.COMPOSE
        return None
    if name == "devcontainer.json" and ".devcontainer" in parent.parts[-2:]:
        return Kind.DEVCONTAINER
    if name == ".devcontainer.json":
        return Kind.DEVCONTAINER
    if name in (".mcp.json", "mcp.json"):
        return Kind.MCP
    return None


def _is_workflows_folder(folder: Path) -> bool:
    return folder.name == "workflows" and folder.parent.name == ".github"


def sniff_kind(path: Path) -> Kind | None:
    """For an explicit file whose name says nothing: look at its content."""
    name = path.name
    lower = name.lower()
    if ("dockerfile" in lower or "containerfile" in lower) and not lower.endswith(
        (*_NOT_DOCKERFILE_SUFFIXES, ".yml", ".yaml", ".json")
    ):
        return Kind.DOCKERFILE
    if lower.endswith(".json") and "devcontainer" in lower:
        return Kind.DEVCONTAINER
    if lower.endswith("mcp.json"):
        return Kind.MCP
    if not _YAML.search(name):
        return None
    try:
        with path.open("rb") as fh:
            head = fh.read(256 * 1024).decode("utf-8", "replace")
    except OSError:
        return None
    keys = set(_TOP_KEY.findall(head))
    if "jobs" in keys and ("on" in keys or "true" in keys):
        return Kind.WORKFLOW
    if "runs" in keys and ("name" in keys or "inputs" in keys or "description" in keys):
        return Kind.ACTION
    if "services" in keys:
        return Kind.COMPOSE
    if "jobs" in keys:
        return Kind.WORKFLOW
    return None


def discover(
    paths: list[str], kind: Kind | None = None, stdin_name: str | None = None, *, launches_only: bool = False
) -> list[Candidate]:
    """Expand paths into candidates, sorted for deterministic output.

    Standard input (``-``) has the kind ``kind``, else the kind its
    ``stdin_name`` (``--stdin-filename``) says. ``launches_only`` walks
    folders for the files that may launch containers (workflows, actions,
    Compose files, dev containers, MCP configurations) and passes over the
    others without classifying them; what it finds of those kinds is what
    the full walk finds.
    """
    out: list[Candidate] = []
    seen: set[str] = set()
    for raw in paths:
        if raw == "-":
            named = classify_name(Path(stdin_name)) if stdin_name else None
            out.append(Candidate(Path("-"), kind or named, explicit=True))
            continue
        p = Path(raw)
        try:
            st = p.lstat()
        except OSError as exc:
            out.append(Candidate(p, None, True, f"cannot read: {exc.strerror or exc}"))
            continue
        if stat.S_ISDIR(st.st_mode) or (stat.S_ISLNK(st.st_mode) and p.is_dir()):
            _walk(p, out, seen, _may_be_launch if launches_only else _may_have_kind)
        else:
            key = os.path.normpath(raw)
            if key in seen:
                continue
            seen.add(key)
            k = kind or classify_name(p) or sniff_kind(p)
            if k is None:
                out.append(Candidate(p, None, True, "not a Dockerfile, workflow, action, compose or dev container file (use --kind)"))
            else:
                out.append(Candidate(p, k, True))
    return out


def _may_have_kind(name: str, workflows: bool) -> bool:
    """False for a name :func:`_classify_in` gives no kind in any folder (most files of a repository)."""
    lower = name.lower()
    return "file" in lower or lower.endswith(_KIND_SUFFIXES)


def _may_be_launch(name: str, workflows: bool) -> bool:
    """False for a name :func:`_classify_in` gives none of the kinds that launch containers, in this folder.

    A workflow is a YAML file in a ``.github/workflows`` folder; elsewhere an
    action is ``action.y(a)ml``, a Compose file starts with ``compose`` or
    ``docker-compose``, and the dev container and MCP files have fixed names.
    """
    if workflows:
        return name.lower().endswith(_KIND_SUFFIXES)
    return name.startswith(_LAUNCH_PREFIXES) or name in _LAUNCH_NAMES


_LAUNCH_PREFIXES = ("action.", "compose", "docker-compose")
_LAUNCH_NAMES = frozenset({"devcontainer.json", ".devcontainer.json", ".mcp.json", "mcp.json"})


# Every name that has a kind contains "file" (Dockerfiles) or ends like these
# (YAML, as ``_YAML`` matches it, and the JSON files of dev containers and MCP).
_KIND_SUFFIXES = (".yml", ".yaml", ".yml\n", ".yaml\n", ".json")


def _walk(root: Path, out: list[Candidate], seen: set[str], maybe: Callable[[str, bool], bool]) -> None:
    """Walk ``root`` for files with a kind; ``maybe(name, in_workflows_folder)`` is False for names to pass over."""
    root_real = os.path.realpath(root)
    found: list[Candidate] = []
    stack = [str(root)]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as it:
                entries = list(it)
        except OSError:
            continue
        # One Path per folder: a file's Path is only built when it is kept
        # (a pre-commit run walks every file of the repository). The order
        # of the walk does not matter: what it finds is sorted at the end.
        folder = Path(current)
        workflows = _is_workflows_folder(folder)
        for entry in entries:
            name = entry.name
            try:
                is_link = entry.is_symlink()
                if entry.is_dir(follow_symlinks=False):
                    if name not in SKIP_DIRS:
                        stack.append(entry.path)
                    continue
            except OSError:
                continue
            if not maybe(name, workflows):
                continue
            kind = _classify_in(name, folder, workflows)
            if kind is None and not is_link:
                continue
            path = Path(entry.path)
            if is_link:
                if kind is None and not _link_is_dir(path):
                    continue
                target = os.path.realpath(path)
                inside = target == root_real or target.startswith(root_real + os.sep)
                if not os.path.exists(path):
                    if kind is not None:
                        found.append(Candidate(path, None, False, "symbolic link is broken or loops; not followed"))
                    continue
                if os.path.isdir(target):
                    continue  # an in-tree directory link is walked at its target
                if not inside and kind is not None:
                    found.append(Candidate(path, None, False, "symbolic link leaves the repository; not followed"))
                    continue
            if kind is None:
                continue
            key = os.path.normpath(entry.path)
            if key in seen:
                continue
            seen.add(key)
            found.append(Candidate(path, kind))
    found.sort(key=lambda c: str(c.path))
    out.extend(found)


def _link_is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False
