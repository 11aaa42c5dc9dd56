"""YAML with positions, and schema errors in plain words: for files users write.

The configuration (:mod:`sentra_lint.config`) and organisation policies
(:mod:`sentra_lint.policy`) both load YAML into plain values while keeping the
line of every key path, and both report a JSON Schema violation as
``file:line: key.path: what was expected``. The helpers live here, imported by
both.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

SIZE_PATTERN = r"^[0-9]+(\.[0-9]+)?\s*([bBkKmMgGtTpP][iI]?[bB]?)?$"

KeyLines = dict[tuple[Any, ...], int]
"""The 1-based line of every key path (``("rules", "SC006", "options")``)."""


class MarkedError(Exception):
    """A problem in a file a user wrote: the message names the file, the line and the key."""


def load_yaml_with_marks(path: Path, text: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """Load YAML and remember the line of every key path, for error messages."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    yaml = YAML(typ="safe", pure=False)
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise MarkedError(f"{path}:{line}: invalid YAML: {exc.problem or exc}") from None
    except YAMLError as exc:
        raise MarkedError(f"{path}: invalid YAML: {exc}") from None
    lines: dict[tuple[Any, ...], int] = {}

    def convert(n: Any, key: tuple[Any, ...], depth: int) -> Any:
        if depth > 100:
            raise MarkedError(f"{path}:{n.start_mark.line + 1}: configuration is nested too deeply")
        lines[key] = n.start_mark.line + 1
        if isinstance(n, MappingNode):
            out: dict[str, Any] = {}
            for k, v in n.value:
                name = str(k.value)
                sub = (*key, name)
                lines[sub] = k.start_mark.line + 1
                out[name] = convert(v, sub, depth + 1)
            return out
        if isinstance(n, SequenceNode):
            return [convert(v, (*key, i), depth + 1) for i, v in enumerate(n.value)]
        if isinstance(n, ScalarNode):
            return scalar(n)
        return None

    if node is None:
        return {}, lines
    return convert(node, (), 0), lines


def scalar(n: Any) -> Any:
    tag = n.tag or ""
    value = n.value
    if n.style in ("'", '"', "|", ">"):
        return value
    if tag.endswith(":bool") or value in ("true", "false", "True", "False", "TRUE", "FALSE"):
        return value.lower() == "true"
    if tag.endswith(":null") or value in ("", "~", "null", "Null", "NULL"):
        return None
    if re.fullmatch(r"[-+]?[0-9]+", value):
        return int(value)
    if re.fullmatch(r"[-+]?([0-9]*\.[0-9]+|[0-9]+\.[0-9]*)([eE][-+]?[0-9]+)?", value):
        return float(value)
    return value


def line_for(lines: dict[tuple[Any, ...], int], key: tuple[Any, ...]) -> int:
    while key and key not in lines:
        key = key[:-1]
    return lines.get(key, 1)


def schema_message(err: Any) -> str:
    """A JSON Schema error in words a user acts on (``unknown key 'x'``, ``expected one of ...``)."""
    schema = err.schema if isinstance(err.schema, dict) else {}
    if schema.get("x-kind") == "size" or (err.validator == "pattern" and err.validator_value == SIZE_PATTERN):
        return f'expected a size like "4g", got {json.dumps(err.instance)}'
    if err.validator == "additionalProperties":
        extra = sorted(set(err.instance) - set(schema.get("properties", {})))
        if extra:
            return f"unknown key '{extra[0]}'"
    if err.validator == "enum":
        return f"expected one of {', '.join(map(str, err.validator_value))}, got {json.dumps(err.instance)}"
    if err.validator == "type":
        return f"expected {err.validator_value}, got {json.dumps(err.instance)}"
    return str(err.message)


def narrowest(err: Any) -> Any:
    """The most specific error inside a combinator (``anyOf``, ``oneOf``)."""
    while err.context:
        err = sorted(err.context, key=lambda e: -len(e.absolute_path))[0]
    return err
