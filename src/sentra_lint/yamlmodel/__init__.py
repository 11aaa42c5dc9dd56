"""YAML with character offsets: nodes, loading, and block scalar position maps.

``load_yaml(src)`` parses with libyaml (PyYAML's C extension) and returns a
:class:`YamlDoc` whose nodes carry character offsets into ``src.text``.
The parser is imported only when a file is loaded.
"""

from sentra_lint.yamlmodel.loader import MAX_DEPTH, YamlDoc, backend, load_yaml, resolve_plain
from sentra_lint.yamlmodel.nodes import (
    MERGE_KEY,
    TAG_BOOL,
    TAG_FLOAT,
    TAG_INT,
    TAG_MAP,
    TAG_NULL,
    TAG_SEQ,
    TAG_STR,
    MapNode,
    Node,
    ParseProblem,
    ScalarNode,
    SeqNode,
    TooLarge,
    as_bool,
    as_int,
    as_map,
    as_seq,
    as_str,
    scalar_text,
    scalar_to_python,
    to_python,
    walk,
)
from sentra_lint.yamlmodel.valuemap import ValueMap

__all__ = [
    "MAX_DEPTH",
    "MERGE_KEY",
    "TAG_BOOL",
    "TAG_FLOAT",
    "TAG_INT",
    "TAG_MAP",
    "TAG_NULL",
    "TAG_SEQ",
    "TAG_STR",
    "MapNode",
    "Node",
    "ParseProblem",
    "ScalarNode",
    "SeqNode",
    "TooLarge",
    "ValueMap",
    "YamlDoc",
    "as_bool",
    "as_int",
    "as_map",
    "as_seq",
    "as_str",
    "backend",
    "load_yaml",
    "resolve_plain",
    "scalar_text",
    "scalar_to_python",
    "to_python",
    "walk",
]
