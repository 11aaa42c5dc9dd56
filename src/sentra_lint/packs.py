"""Policy packs: the profiles in the top-level ``rules/`` directory.

A pack names the rules it enables, optionally with a severity and options,
and may ``extends:`` another pack. Packs ship in the wheel as
``sentra_lint/_data/rules``; in a source checkout they are read from the
repository's ``rules/`` directory.
"""

from __future__ import annotations

import json
from dataclasses import field
from pathlib import Path
from typing import Any

from sentra_lint._dataclass import dataclass
from sentra_lint._sha import sha256

PROFILES = ("phase1", "phase2", "phase3", "all", "audit")
PROFILE_NAMES = {"hardening": "phase1", "credential-proxy": "phase2", "gvisor": "phase3"}
"""Names that say what each ADR phase adds; ``phase1..3`` keep working."""


def canonical_profile(name: str) -> str:
    """``hardening`` -> ``phase1``; any other name as it is."""
    return PROFILE_NAMES.get(name, name)


class PackError(Exception):
    """A pack that cannot be loaded (unknown name, bad YAML, a cycle)."""


def data_dir(name: str) -> Path:
    """A directory of data shipped with the package (``rules`` or ``schemas``)."""
    here = Path(__file__).resolve().parent
    installed = here / "_data" / name
    if installed.is_dir():
        return installed
    return here.parent.parent / name


@dataclass(slots=True)
class RuleSetting:
    """How a policy runs one rule: on or off, its severity, options and paths."""

    enabled: bool = True
    severity: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Policy:
    """A named set of rule settings (a profile, or a config's result)."""

    name: str
    rules: dict[str, RuleSetting]

    def enabled_ids(self) -> list[str]:
        return [rid for rid, s in self.rules.items() if s.enabled]


def _read_yaml(path: Path) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=False)
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh)


COMPILED_NAME = "packs.json"
"""The packs' data as JSON, next to the YAML, so a run needs no YAML library.

Each entry carries the SHA-256 of the YAML text it was made from; a pack
whose YAML changed since is read from the YAML (``python -m sentra_lint.packs``
writes the file again).
"""

_compiled: dict[str, Any] | None = None


def _compiled_packs(directory: Path) -> dict[str, Any]:
    global _compiled
    if _compiled is None:
        try:
            data = json.loads((directory / COMPILED_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        _compiled = data if isinstance(data, dict) else {}
    return _compiled


def _read_pack(path: Path) -> Any:
    """A pack's data: from the compiled JSON when it matches the YAML text, else the YAML."""
    raw = path.read_bytes()
    entry = _compiled_packs(path.parent).get(path.stem)
    if isinstance(entry, dict) and entry.get("sha256") == sha256(raw).hexdigest():
        return entry.get("data")
    return _read_yaml(path)


def compile_packs(directory: Path) -> str:
    """The text of ``packs.json`` for the packs in ``directory``."""
    out: dict[str, Any] = {}
    for path in sorted(directory.glob("*.yaml")):
        sha = sha256(path.read_bytes()).hexdigest()
        out[path.stem] = {"sha256": sha, "data": _read_yaml(path)}
    return json.dumps(out, indent=1) + "\n"


def merge_rules(base: dict[str, RuleSetting], raw: Any, origin: str) -> None:
    if raw is None:
        return
    if not isinstance(raw, dict):
        raise PackError(f"{origin}: 'rules' must be a mapping of rule ids")
    for rid, conf in raw.items():
        rid = str(rid)
        setting = base.get(rid) or RuleSetting()
        setting = RuleSetting(setting.enabled, setting.severity, dict(setting.options),
                              list(setting.paths), list(setting.exclude))
        if conf is None:
            conf = {}
        if isinstance(conf, bool):
            conf = {"enabled": conf}
        if not isinstance(conf, dict):
            raise PackError(f"{origin}: rules.{rid} must be a mapping")
        if "enabled" in conf:
            setting.enabled = bool(conf["enabled"])
        if conf.get("severity") is not None:
            setting.severity = str(conf["severity"])
        if isinstance(conf.get("options"), dict):
            setting.options.update(conf["options"])
        if isinstance(conf.get("paths"), list):
            setting.paths = [str(p) for p in conf["paths"]]
        if isinstance(conf.get("exclude"), list):
            setting.exclude = [str(p) for p in conf["exclude"]]
        base[rid] = setting


def load_pack(name: str, _seen: tuple[str, ...] = ()) -> Policy:
    """Load a built-in pack by name, following ``extends:``."""
    if name in _seen:
        raise PackError(f"policy pack '{name}' extends itself: {' -> '.join((*_seen, name))}")
    path = data_dir("rules") / f"{name}.yaml"
    if not path.is_file():
        raise PackError(f"unknown profile '{name}' (expected one of {', '.join(PROFILES)})")
    data = _read_pack(path) or {}
    if not isinstance(data, dict):
        raise PackError(f"{path}: a policy pack must be a mapping")
    rules: dict[str, RuleSetting] = {}
    parent = data.get("extends")
    if parent:
        rules.update(load_pack(str(parent), (*_seen, name)).rules)
    merge_rules(rules, data.get("rules"), str(path))
    return Policy(name=name, rules=rules)


if __name__ == "__main__":  # python -m sentra_lint.packs: write rules/packs.json again
    _dir = data_dir("rules")
    (_dir / COMPILED_NAME).write_text(compile_packs(_dir), encoding="utf-8")
    print(f"wrote {_dir / COMPILED_NAME}")
