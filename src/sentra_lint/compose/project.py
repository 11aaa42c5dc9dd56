"""A Compose file and its override, merged the way ``docker compose`` merges them.

Without ``-f``, ``docker compose`` reads the first of ``compose.yaml``,
``compose.yml``, ``docker-compose.yml``, ``docker-compose.yaml`` in a folder
and merges the first ``compose.override.yml`` (``.yaml``,
``docker-compose.override.yml``, ``.yaml``) over it. A service defined in both
runs with the merged configuration, so both files are judged by it:

- mappings merge key by key, the override winning; sequences append, base
  first; ``command``, ``entrypoint`` and ``healthcheck.test`` are replaced -
  the same rules :class:`~sentra_lint.compose.model.ComposeService` applies
  along an ``extends`` chain, so the override's mapping simply goes first in
  the service's chain;
- a finding belongs to the file that holds its span: a control that is
  missing from the merged service is reported once, at the service's key in
  the base file; an entry written in the override is reported in the
  override. Linting the base reports the base's share, linting the override
  the override's.

The same holds for files named together with ``-f`` (``docker compose -f
compose.yml -f compose.ci.yml up``) or in ``COMPOSE_FILE`` (``a.yml:b.yml``)
in a workflow of the same repository: they are merged in that order.

The files are laid end to end in one text (this file first, then the others,
newline-separated), so every node keeps an offset and the spans of the other
files fall after this file's last line; the engine drops those.
"""

from __future__ import annotations

import dataclasses
import functools
import posixpath
import shlex
from pathlib import Path
from typing import Any

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.compose.model import ComposeFile, ComposeService, build_compose
from sentra_lint.source import SourceFile
from sentra_lint.yamlmodel import MapNode, load_yaml

BASE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
OVERRIDE_NAMES = (
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
)
MAX_PARTNER_BYTES = 5 << 20


def _first(folder: Path, names: tuple[str, ...]) -> Path | None:
    for name in names:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def partner_of(path: str) -> tuple[Path, bool] | None:
    """``(the other file, whether it is the override)`` for a base or override
    file that ``docker compose`` merges by default, or ``None``."""
    p = Path(path)
    name = p.name
    try:
        if name in OVERRIDE_NAMES:
            if _first(p.parent, OVERRIDE_NAMES) != p:
                return None  # compose reads only the first override
            base = _first(p.parent, BASE_NAMES)
            return (base, False) if base is not None else None
        if name in BASE_NAMES:
            if _first(p.parent, BASE_NAMES) != p:
                return None  # not the file compose picks in this folder
            override = _first(p.parent, OVERRIDE_NAMES)
            return (override, True) if override is not None else None
    except OSError:
        return None
    return None


def repo_root(path: Path) -> Path | None:
    """The nearest folder above ``path`` with ``.github/workflows``."""
    for parent in list(path.resolve().parents)[:12]:
        if (parent / ".github" / "workflows").is_dir():
            return parent
    return None


_COMPOSE_WORD = lazy_compile(r"(?:^|[\s;&|(])(?:docker\s+compose|docker-compose)\s")
_COMPOSE_FILE_ENV = lazy_compile(r"\bCOMPOSE_FILE\s*[:=]\s*[\"']?([^\"'\s#]+)")
MAX_WORKFLOW_BYTES = 1 << 20


@functools.lru_cache(maxsize=32)
def compose_file_sets(root: Path) -> tuple[tuple[str, ...], ...]:
    """Every ordered list of two or more files a workflow in ``root`` hands to
    ``docker compose -f A -f B`` (paths relative to ``root``, ``/``-separated)."""
    found: set[tuple[str, ...]] = set()
    folder = root / ".github" / "workflows"
    try:
        workflows = sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml"))
    except OSError:
        return ()
    for wf in workflows:
        try:
            if wf.stat().st_size > MAX_WORKFLOW_BYTES:
                continue
            text = wf.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in text.replace("\\\n", " ").splitlines():
            env = _COMPOSE_FILE_ENV.search(line)
            if env is not None:
                # COMPOSE_FILE=a.yml:b.yml (env: or export): the same list as -f a -f b
                files = [posixpath.normpath(f.removeprefix("./")) for f in env.group(1).split(":") if f]
                if len(files) >= 2 and not any("$" in f for f in files):
                    found.add(tuple(files))
            if not _COMPOSE_WORD.search(line):
                continue
            files = _file_options(line)
            if len(files) >= 2:
                found.add(tuple(files))
    return tuple(sorted(found))


def _file_options(line: str) -> list[str]:
    """The ``-f``/``--file`` values of one ``docker compose`` command line, in order."""
    try:
        words = shlex.split(line.split("#", 1)[0] if " #" in line else line)
    except ValueError:
        return []
    files: list[str] = []
    for i, word in enumerate(words):
        value: str | None = None
        if word in ("-f", "--file") and i + 1 < len(words):
            value = words[i + 1]
        elif word.startswith("--file="):
            value = word.partition("=")[2]
        elif word.startswith("-f") and len(word) > 2 and not word.startswith("--"):
            value = word[2:]
        if value and "$" not in value:
            files.append(posixpath.normpath(value.removeprefix("./")))
    return files


def files_merged_with(path: str) -> list[Path] | None:
    """The ordered files ``docker compose`` merges ``path`` with (``path``
    included), or ``None``: the default base/override pair, else a ``-f``
    list from a workflow of the same repository."""
    found = partner_of(path)
    p = Path(path)
    if found is not None:
        other, other_is_override = found
        return [p, other] if other_is_override else [other, p]
    root = repo_root(p)
    if root is None:
        return None
    try:
        rel = p.resolve().relative_to(root).as_posix()
    except ValueError:
        return None
    for files in compose_file_sets(root):
        if rel in files:
            paths = [root / f for f in files]
            if all(q.is_file() for q in paths):
                return [p if f == rel else root / f for f in files]
    return None


def _read(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_PARTNER_BYTES:
            return None
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def merge_partner(src: SourceFile, cf: ComposeFile) -> tuple[ComposeFile, int] | None:
    """``cf`` with the files Compose merges it with, and the number of lines
    that are ``src``'s own (spans after them belong to the other files);
    ``None`` when ``src`` is merged with nothing, or a partner cannot be read
    or parsed."""
    files = files_merged_with(src.path) if cf.root is not None else None
    if not files:
        return None
    own = next(i for i, f in enumerate(files) if f == Path(src.path))
    texts: list[str] = []
    for i, f in enumerate(files):
        if i == own:
            continue
        text = _read(f)
        if text is None:
            return None
        texts.append(text)
    combined = SourceFile(src.path, "\n".join([src.text, *texts]), src.kind)
    others: list[ComposeFile] = []
    offset = len(src.text) + 1
    for text in texts:
        doc = load_yaml(combined, start=offset, end=offset + len(text))
        if doc.problems or not isinstance(doc.root, MapNode):
            return None
        others.append(build_compose(combined, doc))
        offset += len(text) + 1
    # Files in Compose's order, each with its model: later files win.
    ordered = list(others)
    ordered.insert(own, cf)
    services: list[ComposeService] = []
    for svc in cf.services:
        defs = [s for s in (f.service(svc.name) for f in ordered) if s is not None]
        first = defs[0]  # where the service is first defined: missing controls go there
        chain: tuple[Any, ...] = ()
        names: tuple[str, ...] = ()
        for d in reversed(defs):
            chain += d.chain
            names += d.chain_names
        services.append(
            dataclasses.replace(
                first, node=svc.node, chain=chain, chain_names=names, source=combined
            )
        )
    return dataclasses.replace(cf, source=combined, services=tuple(services)), src.line_count
