"""Policy packs: the profiles in the top-level ``rules/`` directory.

A pack names the rules it enables, optionally with a severity and options,
and may ``extends:`` another pack. Packs ship in the wheel as
``sentra_lint/_data/rules``; in a source checkout they are read from the
repository's ``rules/`` directory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROFILES = ("phase1", "phase2", "phase3", "all")


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
    enabled: bool = True
    severity: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Policy:
    name: str
    rules: dict[str, RuleSetting]

    def enabled_ids(self) -> list[str]:
        return [rid for rid, s in self.rules.items() if s.enabled]


def _read_yaml(path: Path) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=False)
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh)


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
    data = _read_yaml(path) or {}
    if not isinstance(data, dict):
        raise PackError(f"{path}: a policy pack must be a mapping")
    rules: dict[str, RuleSetting] = {}
    parent = data.get("extends")
    if parent:
        rules.update(load_pack(str(parent), (*_seen, name)).rules)
    merge_rules(rules, data.get("rules"), str(path))
    return Policy(name=name, rules=rules)
