"""Which walked files git ignores (``.gitignore``, ``.git/info/exclude``, the global excludes).

Asked of git itself (``git check-ignore``), once per repository a run walks
into, so every rule of git's ignore syntax holds as git reads it (a file git
tracks is never ignored). Files a run names are never dropped (pre-commit
passes them); without git, or outside a repository, nothing is dropped.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def repository_root(folder: Path, cache: dict[Path, Path | None]) -> Path | None:
    """The work tree holding ``folder`` (it has a ``.git`` folder or file), or ``None``."""
    walked: list[Path] = []
    found: Path | None = None
    current = folder
    while True:
        if current in cache:
            found = cache[current]
            break
        walked.append(current)
        if (current / ".git").exists():
            found = current
            break
        if current.parent == current:
            break
        current = current.parent
    for f in walked:
        cache[f] = found
    return found


def ignored(paths: Iterable[Path]) -> set[Path]:
    """The ``paths`` git ignores (as given)."""
    cache: dict[Path, Path | None] = {}
    by_root: dict[Path, list[tuple[Path, str]]] = {}
    for path in paths:
        absolute = Path(os.path.abspath(path))
        root = repository_root(absolute.parent, cache)
        if root is None:
            continue
        by_root.setdefault(root, []).append((path, os.path.relpath(absolute, root)))
    out: set[Path] = set()
    for root, items in by_root.items():
        out.update(_check_ignore(root, items))
    return out


def _check_ignore(root: Path, items: list[tuple[Path, str]]) -> set[Path]:
    import subprocess

    query = "".join(rel + "\0" for _, rel in items)
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), "check-ignore", "-z", "--stdin"],
            input=query.encode("utf-8", "surrogateescape"),
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    if proc.returncode not in (0, 1):
        return set()
    names = {n.decode("utf-8", "surrogateescape") for n in proc.stdout.split(b"\0") if n}
    return {path for path, rel in items if rel in names}
