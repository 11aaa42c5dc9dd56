"""Configuration: discovery, validation against the JSON Schema, and settings.

A project's ``.sentra-lint.yaml`` (or ``.sentra-lint.yml``, or
``[tool.sentra-lint]`` in ``pyproject.toml``) is found by walking up from the
current directory to the repository root. It ``extends:`` a built-in profile
(``phase1`` by default) and then changes rules, severities, options and
paths. Every error names the file, the line and the key path; jsonschema is
imported only when there is a file to validate.
"""

from __future__ import annotations

import json
import re
from dataclasses import field
from pathlib import Path
from typing import Any

from sentra_lint._dataclass import dataclass
from sentra_lint.marked import (
    MarkedError,
    line_for,
    load_yaml_with_marks,
    narrowest,
    schema_message,
)
from sentra_lint.packs import (
    PROFILES,
    Policy,
    RuleSetting,
    canonical_profile,
    data_dir,
    load_pack,
    merge_rules,
)
from sentra_lint.rulebase import Rule
from sentra_lint.rules import BUILTIN, RuleSet

CONFIG_NAMES = (".sentra-lint.yaml", ".sentra-lint.yml")


class ConfigError(MarkedError):
    """A configuration problem: the message names the file, line and key."""


@dataclass(slots=True)
class ConfigSuppression:
    """A ``suppressions:`` entry of the config: rules silenced at a path (and line)."""

    path: str
    line: int | None
    rules: tuple[str, ...]
    reason: str


@dataclass(slots=True)
class Config:
    """A loaded configuration file, validated."""

    path: Path | None = None
    profile: str | None = None
    policy: Policy | None = None
    trusted_registries: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_file_size: int | None = None
    suppressions: list[ConfigSuppression] = field(default_factory=list)
    images: dict[str, Any] = field(default_factory=dict)
    agents: dict[str, Any] = field(default_factory=dict)
    """The ``agents:`` section: additions to the agent inventory (``agents/inventory.py``)."""
    raw: dict[str, Any] = field(default_factory=dict)
    rules: RuleSet = BUILTIN
    """The built-in rules and the organisation rules of ``policies:``."""
    targets: Any = None
    """``targets:`` as written (``"all"`` or a mapping of globs); see ``agents.targets``."""
    select: tuple[str, ...] | None = None
    """``select:``: only these rules (ids and prefixes), unless ``--select`` says otherwise."""
    ignore: tuple[str, ...] = ()
    """``ignore:``: never these rules (ids and prefixes), with ``--ignore``'s."""


def find_config(start: Path) -> Path | None:
    """The nearest config file from ``start`` up to the repository root (the folder holding ``.git``)."""
    current = start.resolve()
    while True:
        for name in CONFIG_NAMES:
            candidate = current / name
            if candidate.is_file():
                return candidate
        pyproject = current / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
        if (current / ".git").exists() or current.parent == current:
            return None
        current = current.parent


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\s*\[tool\.sentra-lint(\]|\.)", text, re.MULTILINE) is not None


def _yaml(path: Path, text: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    try:
        return load_yaml_with_marks(path, text)
    except MarkedError as exc:
        raise ConfigError(str(exc)) from None


def _load_toml(path: Path, text: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    from sentra_lint._compat import load_toml, toml_error

    try:
        error = toml_error()
    except ModuleNotFoundError:
        raise ConfigError(f"{path}: reading pyproject.toml on Python 3.10 needs tomli (pip install tomli)") from None
    try:
        data = load_toml(text)
    except error as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    section = data.get("tool", {}).get("sentra-lint", {})
    # TOML has no positions in the standard parser: point at the key's line by search.
    lines: dict[tuple[Any, ...], int] = {}
    text_lines = text.splitlines()
    header = next((i + 1 for i, ln in enumerate(text_lines) if ln.strip().startswith("[tool.sentra-lint")), 1)
    lines[()] = header

    def locate(key: tuple[Any, ...]) -> int:
        name = str(key[-1])
        for i, ln in enumerate(text_lines[header - 1 :], start=header):
            if re.match(rf"\s*(\[.*\b{re.escape(name)}\b.*\]|\"?{re.escape(name)}\"?\s*=)", ln):
                return i
        return header

    def walk(obj: Any, key: tuple[Any, ...]) -> None:
        if isinstance(obj, dict):
            for k, v in obj.items():
                sub = (*key, k)
                lines[sub] = locate(sub)
                walk(v, sub)

    walk(section, ())
    return section, lines


# --- schema -----------------------------------------------------------------


def composed_schema(only: list[str] | None = None) -> dict[str, Any]:
    """The config schema with the rules' options schemas composed in.

    ``only`` limits the composition to the rules a config mentions, so that
    validating a config does not import every rule module.
    """
    from sentra_lint.rules import RULE_IDS, is_known, load_rule

    base: dict[str, Any] = json.loads((data_dir("schemas") / "config.schema.json").read_text(encoding="utf-8"))
    rule_props: dict[str, Any] = {}
    ids = RULE_IDS if only is None else [r for r in only if is_known(r)]
    for rid in ids:
        rule = load_rule(rid)
        opts = dict(rule.meta.options) if rule is not None else {}
        rule_props[rid] = {
            "allOf": [{"$ref": "#/$defs/ruleSetting"}],
            "properties": {
                "options": {"type": "object", "properties": opts, "additionalProperties": False}
            },
            "description": rule.meta.title if rule is not None else rid,
        }
    base["properties"]["rules"]["properties"] = rule_props
    return base


def validate(data: Any, path: Path, lines: dict[tuple[Any, ...], int]) -> None:
    import jsonschema

    rules = data.get("rules") if isinstance(data, dict) else None
    schema = composed_schema([str(k) for k in rules] if isinstance(rules, dict) else [])
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    if not errors:
        return
    err = errors[0]
    err = narrowest(err)  # the most specific error of a combinator
    key = tuple(err.absolute_path)
    if err.validator == "additionalProperties":
        extra = sorted(set(err.instance) - set((err.schema or {}).get("properties", {})))
        if extra:
            key = (*key, extra[0])
    dotted = ".".join(str(k) for k in key) or "(top level)"
    raise ConfigError(f"{path}:{line_for(lines, key)}: {dotted}: {schema_message(err)}")


# --- building settings -------------------------------------------------------


def load_config(path: Path) -> Config:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    if path.name == "pyproject.toml":
        data, lines = _load_toml(path, text)
    else:
        data, lines = _yaml(path, text)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: (top level): expected a mapping")
    validate(data, path, lines)
    return build_config(path, data, lines)


def _policy_from(path: Path, data: dict[str, Any], lines: dict[tuple[Any, ...], int],
                 seen: tuple[str, ...] = ()) -> Policy:
    parent = data.get("extends") or data.get("profile") or "phase1"
    parent = canonical_profile(str(parent))
    if parent in PROFILES:
        base = load_pack(parent)
    else:
        ref = (path.parent / parent).resolve()
        if str(ref) in seen:
            raise ConfigError(f"{path}:{line_for(lines, ('extends',))}: extends: '{parent}' extends itself")
        if not ref.is_file():
            raise ConfigError(
                f"{path}:{line_for(lines, ('extends',))}: extends: no profile or file '{parent}' "
                f"(built-in profiles: {', '.join(PROFILES)})"
            )
        text = ref.read_text(encoding="utf-8")
        sub, sub_lines = _yaml(ref, text)
        if not isinstance(sub, dict):
            raise ConfigError(f"{ref}:1: (top level): expected a mapping")
        base = _policy_from(ref, sub, sub_lines, (*seen, str(path.resolve())))
        merge_rules(base.rules, sub.get("rules"), str(ref))
    rules: dict[str, RuleSetting] = dict(base.rules)
    return Policy(name=base.name, rules=rules)


def load_policies(path: Path, data: dict[str, Any], lines: dict[tuple[Any, ...], int]) -> RuleSet:
    """The built-in rules and the organisation rules the config lists, compiled."""
    from sentra_lint.policy import PolicyError, load_policy_file

    extra: list[tuple[Rule, str]] = []
    for i, rel in enumerate(data.get("policies") or []):
        target = (path.parent / str(rel)).resolve()
        if not target.is_file():
            raise ConfigError(f"{path}:{line_for(lines, ('policies', i))}: policies.{i}: no policy file '{rel}'")
        try:
            compiled = load_policy_file(target)
        except PolicyError as exc:
            raise ConfigError(str(exc)) from None
        extra.extend(compiled)
    return RuleSet(tuple(extra)) if extra else BUILTIN


def apply_sections(policy: Policy, data: dict[str, Any]) -> None:
    """Config sections that set rule options: ``credential-proxy:`` gives SC022 its socket.

    The rule's own ``rules.SC022.options`` win; the section never enables a
    rule the profile leaves out.
    """
    proxy = data.get("credential-proxy")
    if not isinstance(proxy, dict):
        return
    options = {k: str(proxy[k]) for k in ("socket", "host-socket") if proxy.get(k)}
    current = policy.rules.get("SC022")
    setting = (
        RuleSetting(current.enabled, current.severity, dict(current.options), list(current.paths), list(current.exclude))
        if current is not None
        else RuleSetting(enabled=False)
    )
    setting.options = {**options, **setting.options}
    policy.rules["SC022"] = setting


def build_config(path: Path, data: dict[str, Any], lines: dict[tuple[Any, ...], int]) -> Config:
    ruleset = load_policies(path, data, lines)
    for rid in (data.get("rules") or {}):
        if not ruleset.is_known(str(rid)):
            raise ConfigError(f"{path}:{line_for(lines, ('rules', rid))}: rules.{rid}: unknown rule id")
    policy = _policy_from(path, data, lines)
    merge_rules(policy.rules, data.get("rules"), str(path))
    apply_sections(policy, data)
    sups: list[ConfigSuppression] = []
    for i, item in enumerate(data.get("suppressions") or []):
        target = str(item["path"])
        line: int | None = None
        m = re.fullmatch(r"(.*):(\d+)", target)
        if m:
            target, line = m.group(1), int(m.group(2))
        rules = _ids(ruleset, item.get("rules", []), f"{path}:{line_for(lines, ('suppressions', i, 'rules'))}: "
                     f"suppressions.{i}.rules")
        sups.append(ConfigSuppression(target, line, rules, str(item.get("reason", ""))))
    for glob, ids in (data.get("per-file-ignores") or {}).items():
        where = f"{path}:{line_for(lines, ('per-file-ignores', glob))}: per-file-ignores.{glob}"
        sups.append(ConfigSuppression(str(glob), None, _ids(ruleset, ids, where), "per-file-ignores"))
    select = data.get("select")
    max_size = data.get("max-file-size")
    from sentra_lint.container.sizes import parse_bytes

    size = parse_bytes(str(max_size)) if max_size is not None else None
    return Config(
        path=path,
        profile=canonical_profile(str(data.get("extends") or data.get("profile") or "phase1")),
        policy=policy,
        trusted_registries=tuple(str(r) for r in data.get("trusted-registries") or ()),
        exclude=tuple(str(p) for p in data.get("exclude") or ()),
        max_file_size=size if isinstance(size, int) else None,
        suppressions=sups,
        images=dict(data.get("images") or {}),
        agents=dict(data.get("agents") or {}),
        raw=data,
        rules=ruleset,
        targets=data.get("targets"),
        select=_ids(ruleset, select, f"{path}:{line_for(lines, ('select',))}: select") if select is not None else None,
        ignore=_ids(ruleset, data.get("ignore") or [], f"{path}:{line_for(lines, ('ignore',))}: ignore"),
    )


def _ids(ruleset: RuleSet, items: Any, where: str) -> tuple[str, ...]:
    """Rule ids, prefixes (``SC``) or names (``cap-drop-all``) as ids and prefixes; ``where`` names a bad one."""
    from sentra_lint.selection import parse_id_list
    from sentra_lint.settings import UsageError

    found: set[str] = set()
    for item in items:
        try:
            found.update(parse_id_list(str(item), ruleset) or ())
        except UsageError:
            raise ConfigError(f"{where}: unknown rule id '{item}'") from None
    return tuple(sorted(found))


STARTER = """\
# yaml-language-server: $schema=https://raw.githubusercontent.com/sentra-lint/sentra-lint/main/schemas/config.schema.json
# sentra-lint configuration. `sentra-lint schema` prints the full schema.

# Start from a built-in profile: phase1 (default), phase2, phase3, all or audit
# (audit aims the hardening rules at every container launch).
extends: phase1

# The hardening rules (a missing --cap-drop=ALL, --read-only, limits...) run on
# the launches that run an AI agent. Aim them at more launches here:
# targets:
#   images: ["ghcr.io/acme/sandbox*"]
#   labels: ["ai.acme.role=agent"]
#   jobs: ["review"]
#   files: ["deploy/agent-compose.yml"]
#   sources: [devcontainer]

# Registries (or registry/path prefixes) images may come from (SD020, SC020).
# trusted-registries:
#   - ghcr.io/acme/

# Phase 2: the credential proxy's Unix socket, which an agent's container
# must mount read-only instead of holding credentials (SC022).
# credential-proxy:
#   socket: /run/credential-proxy.sock
#   host-socket: /run/credential-proxy.sock

# Paths (globs) that are never linted.
exclude:
  - "**/testdata/**"

rules:
  # Raise the memory ceiling for every container launch:
  # SC006:
  #   options:
  #     max: 4g
  # Turn on an opt-in rule:
  # SD018:
  #   enabled: true
  # Lower a rule's severity, or limit it to some paths:
  # SW006:
  #   severity: note
  #   paths: [".github/workflows/**"]

# Reviewed exceptions, by path or path:line, with the reason:
# suppressions:
#   - path: docker/legacy/Dockerfile
#     rules: [SD001]
#     reason: runs as root by design; replaced in Q3
"""
