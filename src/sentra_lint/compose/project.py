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

The two files are laid end to end in one text (this file first, a newline,
then the other), so every node keeps an offset and the spans of the other
file fall after this file's last line; the engine drops those.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

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


def _read(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_PARTNER_BYTES:
            return None
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def merge_partner(src: SourceFile, cf: ComposeFile) -> tuple[ComposeFile, int] | None:
    """``cf`` with its base or override merged in, and the number of lines that
    are ``src``'s own (spans after them belong to the other file); ``None``
    when ``src`` has no partner, or the partner cannot be read or parsed."""
    found = partner_of(src.path)
    if found is None or cf.root is None:
        return None
    partner_path, partner_is_override = found
    text = _read(partner_path)
    if text is None:
        return None
    combined = SourceFile(src.path, src.text + "\n" + text, src.kind)
    pdoc = load_yaml(combined, start=len(src.text) + 1)
    if pdoc.problems or not isinstance(pdoc.root, MapNode):
        return None
    partner = build_compose(combined, pdoc)
    services: list[ComposeService] = []
    for svc in cf.services:
        other = partner.service(svc.name)
        if other is None:
            services.append(dataclasses.replace(svc, source=combined))
            continue
        top, base = (other, svc) if partner_is_override else (svc, other)
        services.append(
            dataclasses.replace(
                base,
                node=svc.node,
                chain=top.chain + base.chain,
                chain_names=top.chain_names + base.chain_names,
                source=combined,
            )
        )
    return dataclasses.replace(cf, source=combined, services=tuple(services)), src.line_count
