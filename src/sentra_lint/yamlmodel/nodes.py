"""YAML node types with character offsets, and helpers to read them.

The loader (:mod:`sentra_lint.yamlmodel.loader`) builds these from parser
events. Nodes are immutable and compared by identity: an alias is the very
node object its anchor names, so shared subtrees are never copied.

Offsets are character offsets into ``SourceFile.text``; ``start`` is the first
character of the node (the quote of a quoted scalar, the ``|`` of a block
scalar, the ``[`` of a flow sequence) and ``end`` is exclusive.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import field
from typing import Any, Union

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.source import SourceFile, Span
from sentra_lint.yamlmodel.valuemap import ValueMap

TAG_STR = "tag:yaml.org,2002:str"
TAG_NULL = "tag:yaml.org,2002:null"
TAG_BOOL = "tag:yaml.org,2002:bool"
TAG_INT = "tag:yaml.org,2002:int"
TAG_FLOAT = "tag:yaml.org,2002:float"
TAG_MERGE = "tag:yaml.org,2002:merge"
TAG_MAP = "tag:yaml.org,2002:map"
TAG_SEQ = "tag:yaml.org,2002:seq"

MERGE_KEY = "<<"

_WS_TAIL = " \t\n\r"


def _trimmed_end(text: str, start: int, end: int) -> int:
    """``end`` moved back over trailing whitespace (never before ``start``)."""
    end = min(end, len(text))
    while end > start and text[end - 1] in _WS_TAIL:
        end -= 1
    return end


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """A problem found while parsing: where it is, and the parser's reason."""

    span: Span
    message: str


@dataclass(frozen=True, slots=True, eq=False)
class ScalarNode:
    """A YAML scalar with its offsets."""

    value: str
    start: int
    end: int
    style: str | None = None
    """``None`` for plain, ``'`` or ``"`` for quoted, ``|`` or ``>`` for block scalars."""
    tag: str = TAG_STR
    """Resolved tag: an explicit tag as written (``!!str`` becomes the full
    ``tag:yaml.org,2002:str``), otherwise the YAML 1.2 core schema tag of a
    plain scalar (``null``, ``bool``, ``int``, ``float``, ``merge``) or ``str``."""
    anchor: str | None = None
    _vmap: tuple[str, ValueMap] | None = field(default=None, repr=False, compare=False)

    @property
    def is_null(self) -> bool:
        return self.tag == TAG_NULL

    @property
    def is_plain(self) -> bool:
        return self.style is None

    def span(self, src: SourceFile) -> Span:
        """The span of the scalar as written, trailing line breaks excluded."""
        return src.span(self.start, _trimmed_end(src.text, self.start, self.end))

    def value_map(self, src: SourceFile) -> ValueMap:
        """Where each character of :attr:`value` is in the file (see :class:`ValueMap`).

        Computed on first use and kept on the node for the same text."""
        cached = self._vmap
        if cached is not None and cached[0] is src.text:
            return cached[1]
        from sentra_lint.yamlmodel.scalarmap import map_scalar

        vmap = map_scalar(self, src.text)
        object.__setattr__(self, "_vmap", (src.text, vmap))
        return vmap

    def value_offsets(self, src: SourceFile) -> list[int]:
        """File offset of every character of :attr:`value`."""
        return list(self.value_map(src).starts)

    def value_span(self, src: SourceFile, i: int, j: int) -> Span:
        """The span in the file of ``value[i:j]``."""
        return self.value_map(src).span(src, i, j)


@dataclass(frozen=True, slots=True, eq=False)
class SeqNode:
    """A YAML sequence with its offsets."""

    items: tuple[Node, ...]
    start: int
    end: int
    tag: str = TAG_SEQ
    anchor: str | None = None
    flow: bool = False

    def span(self, src: SourceFile) -> Span:
        return src.span(self.start, _trimmed_end(src.text, self.start, self.end))

    def __iter__(self) -> Iterator[Node]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True, slots=True, eq=False)
class MapNode:
    """A YAML mapping with its offsets."""

    items: tuple[tuple[Node, Node], ...]
    """The pairs as written, duplicates and ``<<`` merge keys included."""
    start: int
    end: int
    tag: str = TAG_MAP
    anchor: str | None = None
    flow: bool = False
    duplicates: tuple[ScalarNode, ...] = ()
    """Key nodes whose key appears again later in this mapping (the later one wins)."""
    _own: _OwnView | None = field(default=None, repr=False, compare=False)
    _pairs: tuple[tuple[Node, Node], ...] | None = field(default=None, repr=False, compare=False)

    def span(self, src: SourceFile) -> Span:
        return src.span(self.start, _trimmed_end(src.text, self.start, self.end))

    def _view(self) -> _OwnView:
        view = self._own
        if view is None:
            view = _own_view(self)
            object.__setattr__(self, "_own", view)
        return view

    def _sources(self) -> Iterator[MapNode]:
        """Merge sources in priority order (depth first, each once, bounded)."""
        merges = self._view()[2]
        if not merges:
            return
        seen: set[int] = {id(self)}
        stack: list[Node] = []
        _push_sources(stack, merges)
        budget = MAX_MERGE_SOURCES
        while stack and budget > 0:
            source = stack.pop()
            if not isinstance(source, MapNode) or id(source) in seen:
                continue
            seen.add(id(source))
            budget -= 1
            yield source
            _push_sources(stack, source._view()[2])

    def pairs(self) -> list[tuple[Node, Node]]:
        """The effective pairs: own keys (the last of duplicates wins, at the
        place of the first), then keys brought in by ``<<`` merges that the
        mapping does not set itself, then pairs with non-scalar keys.

        Of several merged mappings (``<<: [*a, *b]``) the earlier one wins, as
        in YAML 1.1 merge semantics; a merged mapping's own merges come right
        after it. Only a plain ``<<`` is a merge key. Cycles are ignored, and
        at most :data:`MAX_MERGE_SOURCES` mappings are merged into one.
        """
        cached = self._pairs
        if cached is not None:
            return list(cached)
        own, others, merges = self._view()
        if not merges:
            out = [*own.values(), *others]
            object.__setattr__(self, "_pairs", tuple(out))
            return out
        result = dict(own)
        for source in self._sources():
            for key, pair in source._view()[0].items():
                result.setdefault(key, pair)
        out = [*result.values(), *others]
        # Merged views are kept only when small: many mappings merging one
        # large anchor must not multiply memory (a "billion laughs" by merge).
        if len(out) <= _PAIRS_CACHE_LIMIT:
            object.__setattr__(self, "_pairs", tuple(out))
        return out

    def entry(self, key: str) -> tuple[Node, Node] | None:
        """``(key node, value)`` for ``key``, merges applied, or ``None``."""
        hit = self._view()[0].get(key)
        if hit is not None:
            return hit
        for source in self._sources():
            hit = source._view()[0].get(key)
            if hit is not None:
                return hit
        return None

    def get(self, key: str) -> Node | None:
        """The value for ``key`` (compared as a string), merges applied."""
        hit = self.entry(key)
        return hit[1] if hit else None

    def key_node(self, key: str) -> Node | None:
        """The key node for ``key``: where the key itself is written."""
        hit = self.entry(key)
        return hit[0] if hit else None

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.entry(key) is not None

    def keys(self) -> list[str]:
        """The scalar keys of :meth:`pairs`, in order."""
        return [k.value for k, _ in self.pairs() if isinstance(k, ScalarNode)]

    def str_items(self) -> Iterator[tuple[str, ScalarNode, Node]]:
        """``(key text, key node, value)`` for every effective pair with a scalar key."""
        for key, value in self.pairs():
            if isinstance(key, ScalarNode):
                yield key.value, key, value

    def __len__(self) -> int:
        """The number of effective pairs (an empty mapping is falsy)."""
        own, others, merges = self._view()
        if not merges:
            return len(own) + len(others)
        return len(self.pairs())


MAX_MERGE_SOURCES = 1000
"""Mappings merged into one mapping through ``<<`` (nested merges included)."""
_PAIRS_CACHE_LIMIT = 2000

# A mapping's own scalar-keyed pairs (last duplicate wins), its pairs with
# non-scalar keys, and its merge values.
_OwnView = tuple[
    dict[str, tuple["Node", "Node"]], tuple[tuple["Node", "Node"], ...], tuple["Node", ...]
]


def _own_view(m: MapNode) -> _OwnView:
    own: dict[str, tuple[Node, Node]] = {}
    others: list[tuple[Node, Node]] = []
    merges: list[Node] = []
    for key, value in m.items:
        if isinstance(key, ScalarNode):
            if key.style is None and key.value == MERGE_KEY:
                merges.append(value)
            else:
                own[key.value] = (key, value)
        else:
            others.append((key, value))
    return own, tuple(others), tuple(merges)


def _push_sources(stack: list[Node], merges: tuple[Node, ...]) -> None:
    """Push merge sources so that the first one is popped first."""
    for m in reversed(merges):
        if isinstance(m, SeqNode):
            stack.extend(reversed(m.items))
        else:
            stack.append(m)


Node = Union[MapNode, SeqNode, ScalarNode]  # noqa: UP007 - used at runtime in isinstance checks


# ---------------------------------------------------------------------------
# Reading values


def scalar_text(node: Node | None) -> str | None:
    """The text of a scalar (``""`` for an empty value); ``None`` for anything else."""
    return node.value if isinstance(node, ScalarNode) else None


def as_str(node: Node | None) -> str | None:
    """The text of a non-null scalar; ``None`` for nulls, mappings, sequences."""
    if isinstance(node, ScalarNode) and not node.is_null:
        return node.value
    return None


_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_TRUE11 = frozenset({"y", "Y", "yes", "Yes", "YES", "on", "On", "ON"})
_FALSE11 = frozenset({"n", "N", "no", "No", "NO", "off", "Off", "OFF"})


def as_bool(node: Node | None, *, strings: bool = True, yaml11: bool = False) -> bool | None:
    """A boolean, or ``None`` when the node is not one.

    ``strings``: also accept quoted ``"true"``/``"false"`` in any case (GitHub
    Actions inputs are strings and the runner compares them that way).
    ``yaml11``: also accept ``yes``/``no``/``on``/``off`` (Compose's YAML 1.1 heritage).
    """
    if not isinstance(node, ScalarNode):
        return None
    v = node.value
    if node.style is None or strings:
        if v in _TRUE:
            return True
        if v in _FALSE:
            return False
        if strings:
            low = v.strip().lower()
            if low == "true":
                return True
            if low == "false":
                return False
        if yaml11:
            if v in _TRUE11:
                return True
            if v in _FALSE11:
                return False
    return None


_INT = lazy_compile(r"[-+]?[0-9]+")


def as_int(node: Node | None) -> int | None:
    """A decimal integer scalar (plain or quoted), else ``None``."""
    if isinstance(node, ScalarNode) and _INT.fullmatch(node.value.strip()):
        try:
            return int(node.value.strip())
        except ValueError:  # pragma: no cover - the regex admits only ints
            return None
    return None


def as_map(node: Node | None) -> MapNode | None:
    return node if isinstance(node, MapNode) else None


def as_seq(node: Node | None) -> SeqNode | None:
    return node if isinstance(node, SeqNode) else None


def walk(node: Node) -> Iterator[Node]:
    """Every node under ``node`` (itself included), each shared node once, without recursion."""
    seen: set[int] = set()
    stack: list[Node] = [node]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        yield n
        if isinstance(n, MapNode):
            for k, v in reversed(n.items):
                stack.append(v)
                stack.append(k)
        elif isinstance(n, SeqNode):
            stack.extend(reversed(n.items))


class TooLarge(ValueError):
    """Raised by :func:`to_python` when a subtree has more nodes than allowed."""


def scalar_to_python(node: ScalarNode) -> Any:
    """The Python value of a scalar by its resolved tag (never constructs objects)."""
    tag, v = node.tag, node.value
    if tag == TAG_NULL:
        return None
    if tag == TAG_BOOL:
        return v in _TRUE if v in _TRUE or v in _FALSE else v
    if tag == TAG_INT:
        try:
            t = v.replace("_", "")
            if t.startswith(("0o", "0O")):
                return int(t[2:], 8)
            if t.startswith(("0x", "0X")):
                return int(t[2:], 16)
            return int(t)
        except ValueError:
            return v
    if tag == TAG_FLOAT:
        low = v.lower()
        try:
            if low.endswith(".inf"):
                return float("-inf") if low.startswith("-") else float("inf")
            if low == ".nan":
                return float("nan")
            return float(v)
        except ValueError:
            return v
    return v


def to_python(node: Node, max_nodes: int = 10_000) -> Any:
    """Plain Python data (dicts with string keys, lists, scalars) for a small subtree.

    Merges are applied and duplicate keys resolve to the last one. Shared
    nodes (aliases) become the same Python object, so the cost is the number
    of distinct nodes plus the entries of each container; more than
    ``max_nodes`` in all raises :class:`TooLarge`.
    Non-scalar keys are rendered as their source-free Python ``repr``-less
    placeholder ``"<complex key>"``.
    """
    memo: dict[int, Any] = {}
    count = 0
    stack: list[tuple[Node, bool]] = [(node, False)]
    while stack:
        n, ready = stack.pop()
        nid = id(n)
        if nid in memo and not ready:
            continue
        if isinstance(n, ScalarNode):
            memo[nid] = scalar_to_python(n)
            count += 1
        elif not ready:
            count += 1
            stack.append((n, True))
            children: list[Node] = []
            if isinstance(n, MapNode):
                for _k, v in n.pairs():
                    children.append(v)
            else:
                children.extend(n.items)
            count += len(children)  # merged-in pairs cost even when shared
            for c in children:
                if id(c) not in memo:
                    stack.append((c, False))
        elif isinstance(n, MapNode):
            out: dict[str, Any] = {}
            for k, v in n.pairs():
                key = k.value if isinstance(k, ScalarNode) else "<complex key>"
                out[key] = memo[id(v)]
            memo[nid] = out
        else:
            memo[nid] = [memo[id(c)] for c in n.items]
        if count > max_nodes:
            raise TooLarge(f"more than {max_nodes} nodes")
    return memo[id(node)]
