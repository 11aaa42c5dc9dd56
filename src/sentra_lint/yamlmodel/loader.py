"""Load YAML for analysis: libyaml events in, our own nodes out.

The parsing itself is done by libyaml through PyYAML's C extension
(``yaml._yaml.CParser``); this module composes its events into
:mod:`~sentra_lint.yamlmodel.nodes` with a loop and an explicit stack.

Why PyYAML's libyaml and not the one inside ``ruamel.yaml.clib``: the latter
is libyaml 0.1.7, which rejects YAML that GitHub Actions and Docker Compose
accept - a colon inside a flow collection (``security_opt:
[no-new-privileges:true]``, ``[a:b, c]``). PyYAML's wheels carry libyaml
0.2.5+, which parses it. Only the event stream is used: PyYAML's YAML 1.1
tag resolution and constructors never run (``on``/``yes``/``no`` stay
strings, see :func:`resolve_plain`). Without libyaml, PyYAML's pure-Python
parser produces the same events, slower. Composing ourselves instead of calling
``YAML(typ="safe").compose`` has three reasons, all measured:

- the C composer recurses on the C stack and crashes the interpreter
  (SIGSEGV) on about 50,000 levels of nesting, which no ``except`` catches;
- it builds composer nodes that would then be converted again (about 3x the
  time of reading the events and building our nodes once);
- aliases stay the same node object, and a recursive alias is reported
  instead of being built.

No tag ever constructs a Python object: ``!!python/object`` is just a tag
string on a node. Plain scalars get YAML 1.2 core schema tags, so ``on``,
``yes`` and ``off`` are strings, as GitHub Actions and ruamel read them.

Marks from libyaml are character indexes (checked, including after
non-ASCII text); a leading BOM is removed before parsing and added back.
"""

from __future__ import annotations

from typing import Any

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.source import SourceFile
from sentra_lint.yamlmodel.nodes import (
    TAG_BOOL,
    TAG_FLOAT,
    TAG_INT,
    TAG_MAP,
    TAG_MERGE,
    TAG_NULL,
    TAG_SEQ,
    TAG_STR,
    MapNode,
    Node,
    ParseProblem,
    ScalarNode,
    SeqNode,
)

MAX_DEPTH = 1_000
"""Deeper nesting is reported, not loaded. libyaml 0.2.5 stops at the same
depth ("exceeded maximum nesting depth"); the check here keeps the pure-Python
fallback equal. No workflow or Compose file comes near it."""

_STYLES: dict[str | None, str | None] = {
    "": None,
    None: None,
    "'": "'",
    '"': '"',
    "|": "|",
    ">": ">",
}

_INT_RE = lazy_compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_RE = lazy_compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = frozenset({"true", "True", "TRUE", "false", "False", "FALSE"})


def resolve_plain(value: str) -> str:
    """The YAML 1.2 core schema tag of a plain scalar."""
    if not value:
        return TAG_NULL
    c = value[0]
    if c in "~nN" and value in _NULLS:
        return TAG_NULL
    if c in "tTfF" and value in _BOOLS:
        return TAG_BOOL
    if c in "0123456789+-.":
        if _INT_RE.fullmatch(value):
            return TAG_INT
        if _FLOAT_RE.fullmatch(value):
            return TAG_FLOAT
    if value == "<<":
        return TAG_MERGE
    return TAG_STR


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """The first document of a YAML file, and what went wrong reading it."""

    source: SourceFile
    root: Node | None
    """``None`` for an empty file, or when the file could not be parsed."""
    problems: tuple[ParseProblem, ...] = ()
    duplicates: tuple[tuple[ScalarNode, ScalarNode], ...] = ()
    """``(earlier key, later key)`` for every key repeated in one mapping."""
    document_count: int = 0


def _import_pyyaml() -> None:
    """Import PyYAML with the patterns its modules compile at import left to their first use.

    PyYAML compiles some twenty patterns when it is imported (the reader's
    printable-character class, the resolver's implicit types, the
    constructor's timestamp), about half of its import time. The libyaml
    event parser that analysis uses touches none of them; they compile if
    anything else (PyYAML's pure-Python loader) ever uses them. Only
    PyYAML's own modules are imported while ``re.compile`` is replaced.
    """
    import sys

    if "yaml" in sys.modules:
        return
    import re

    real = re.compile
    re.compile = lazy_compile  # type: ignore[assignment]
    try:
        import yaml  # noqa: F401
    finally:
        re.compile = real


def _c_parser() -> Any:
    """libyaml's parser class from PyYAML, or ``None`` when PyYAML was built without it."""
    try:
        _import_pyyaml()
        from yaml import _yaml
    except ImportError:  # pragma: no cover - PyYAML's wheels carry libyaml
        return None
    return getattr(_yaml, "CParser", None)


def backend() -> str:
    """``"libyaml"`` when PyYAML's libyaml parses, ``"pure"`` otherwise."""
    return "pure" if _c_parser() is None else "libyaml"


def libyaml_version() -> str:
    """The version of the libyaml that parses, or ``""`` without one."""
    try:
        _import_pyyaml()
        from yaml import _yaml
    except ImportError:  # pragma: no cover
        return ""
    return str(_yaml.get_version_string())


class _Stop(Exception):
    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index
        self.message = message


class _Frame:
    __slots__ = ("anchor", "flow", "is_map", "items", "key", "start", "tag")

    def __init__(self, is_map: bool, start: int, anchor: str | None, tag: str, flow: bool) -> None:
        self.is_map = is_map
        self.start = start
        self.anchor = anchor
        self.tag = tag
        self.flow = flow
        self.items: list[Any] = []
        self.key: Node | None = None


_BUILDING: Any = object()


def _finish_map(frame: _Frame, end: int, dups_out: list[tuple[ScalarNode, ScalarNode]]) -> MapNode:
    items: list[tuple[Node, Node]] = frame.items
    seen: dict[str, ScalarNode] = {}
    dups: list[ScalarNode] = []
    for key, _value in items:
        if isinstance(key, ScalarNode) and not (key.style is None and key.value == "<<"):
            earlier = seen.get(key.value)
            if earlier is not None:
                dups.append(key)
                dups_out.append((earlier, key))
            seen[key.value] = key
    if items and not frame.flow:
        last_key, last_value = items[-1]
        end = max(frame.start, last_key.end, last_value.end)
    return MapNode(tuple(items), frame.start, end, frame.tag, frame.anchor, frame.flow, tuple(dups))


class _Result:
    """What composing has produced so far (kept when a later document fails)."""

    __slots__ = ("docs", "done", "dups", "root")

    def __init__(self) -> None:
        self.root: Node | None = None
        self.dups: list[tuple[ScalarNode, ScalarNode]] = []
        self.docs = 0
        self.done = False


def _next_event(text: str) -> tuple[Any, Any]:
    """``(get_event, dispose)``: the parser's events one by one (``None`` at the end)."""
    c_parser = _c_parser()
    if c_parser is None:  # pragma: no cover - PyYAML's wheels carry libyaml
        import yaml

        events = yaml.parse(text, Loader=yaml.SafeLoader)
        return (lambda: next(events, None)), events.close
    parser = c_parser(text)
    return parser.get_event, parser.dispose


def _compose(text: str, shift: int, result: _Result) -> None:
    """Build the first document into ``result``; later documents are only parsed.

    The loop calls libyaml's parser directly and dispatches on the event
    class: it runs once per event, the hot path of every YAML file.
    """
    _import_pyyaml()
    from yaml.events import (
        AliasEvent,
        DocumentEndEvent,
        DocumentStartEvent,
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
        StreamEndEvent,
    )

    anchors: dict[str, Any] = {}
    stack: list[_Frame] = []
    dups = result.dups
    styles = _STYLES
    top: _Frame | None = None  # stack[-1]

    def add(node: Node) -> None:
        if top is None:
            result.root = node
            return
        if not top.is_map:
            top.items.append(node)
        elif top.key is None:
            top.key = node
        else:
            top.items.append((top.key, node))
            top.key = None

    get_event, dispose = _next_event(text)
    try:
        while True:
            event = get_event()
            if event is None:
                return
            cls = type(event)
            if result.done:
                if cls is DocumentStartEvent:
                    result.docs += 1
                elif cls is StreamEndEvent:
                    return
                continue
            if cls is ScalarEvent:
                style = styles.get(event.style)
                tag = event.tag
                value = event.value
                if tag is None:
                    tag = resolve_plain(value) if style is None else TAG_STR
                elif tag == "!":
                    tag = TAG_STR
                start = event.start_mark.index
                end = event.end_mark.index
                anchor = event.anchor
                if anchor is not None or event.tag is not None:
                    start = _content_start(text, start, end)
                node: Node = ScalarNode(value, start + shift, end + shift, style, tag, anchor)
                if anchor is not None:
                    anchors[anchor] = node
                if top is not None and top.is_map and top.key is None:
                    top.key = node  # a mapping key: most scalars
                else:
                    add(node)
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                if len(stack) >= MAX_DEPTH:
                    raise _Stop(event.start_mark.index, f"nesting deeper than {MAX_DEPTH} levels")
                is_map = cls is MappingStartEvent
                tag = event.tag
                if tag is None or tag == "!":
                    tag = TAG_MAP if is_map else TAG_SEQ
                start = event.start_mark.index
                if event.anchor is not None or event.tag is not None:
                    start = _content_start(text, start, len(text))
                top = _Frame(is_map, start + shift, event.anchor, tag, bool(event.flow_style))
                stack.append(top)
                if event.anchor is not None:
                    anchors[event.anchor] = _BUILDING
            elif cls is MappingEndEvent:
                frame = stack.pop()
                top = stack[-1] if stack else None
                node = _finish_map(frame, event.end_mark.index + shift, dups)
                if frame.anchor is not None:
                    anchors[frame.anchor] = node
                add(node)
            elif cls is SequenceEndEvent:
                frame = stack.pop()
                top = stack[-1] if stack else None
                items: list[Node] = frame.items
                end = event.end_mark.index + shift
                if items and not frame.flow:
                    end = max(frame.start, items[-1].end)
                node = SeqNode(tuple(items), frame.start, end, frame.tag, frame.anchor, frame.flow)
                if frame.anchor is not None:
                    anchors[frame.anchor] = node
                add(node)
            elif cls is AliasEvent:
                target = anchors.get(event.anchor)
                if target is None:
                    raise _Stop(event.start_mark.index, f"found undefined alias {event.anchor!r}")
                if target is _BUILDING:
                    raise _Stop(
                        event.start_mark.index,
                        f"alias {event.anchor!r} refers to a node that contains it (recursive alias)",
                    )
                add(target)
            elif cls is DocumentStartEvent:
                result.docs += 1
            elif cls is DocumentEndEvent:
                result.done = True
            elif cls is StreamEndEvent:
                return
    finally:
        dispose()


def _content_start(text: str, i: int, end: int) -> int:
    """Skip a node's properties (``&anchor``, ``!tag``) and the blanks, breaks
    and comments after them: the offset where the node's content begins.
    libyaml's start mark of a node with properties is at the first property."""
    start = i
    while i < end:
        ch = text[i]
        if ch in " \t\n":
            i += 1
        elif ch == "#" and i > start and text[i - 1] in " \t\n":
            while i < end and text[i] != "\n":
                i += 1
        elif ch in "&!":
            while i < end and text[i] not in " \t\n":
                i += 1
        else:
            return i
    return min(i, end)


def _byte_to_char(text: str, position: int) -> int:
    return len(text.encode("utf-8", "surrogatepass")[:position].decode("utf-8", "ignore"))


def load_yaml(src: SourceFile, start: int = 0, end: int | None = None) -> YamlDoc:
    """Parse the first document of ``src``. Never raises: a syntax error is
    one :class:`ParseProblem` at the parser's position with its reason, and
    ``root`` is then ``None`` (unless the error is in a later document).

    ``start``/``end`` parse only that part of ``src.text``, offsets still
    counted in the whole text (two files laid end to end, see
    :mod:`sentra_lint.compose.project`)."""
    text = src.text if start == 0 and end is None else src.text[start:end]
    shift = start
    if text.startswith("\ufeff"):
        text, shift = text[1:], start + 1
    result = _Result()
    problems: tuple[ParseProblem, ...] = ()
    try:
        _compose(text, shift, result)
    except _Stop as stop:
        problems = (_problem(src, stop.index + shift, stop.message),)
    except Exception as exc:
        index, message = _describe(exc, text, src, shift)
        problems = (_problem(src, index, message),)
    # A broken later document leaves the complete first one usable.
    root = result.root if result.done else None
    return YamlDoc(src, root, problems, tuple(result.dups), result.docs)


def _problem(src: SourceFile, index: int, message: str) -> ParseProblem:
    index = max(0, min(index, len(src.text)))
    return ParseProblem(src.span(index, index), message)


def _describe(exc: Exception, text: str, src: SourceFile, shift: int) -> tuple[int, str]:
    """The position (character offset in ``src.text``) and reason of a parser error."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None)
    if mark is not None and problem:
        message = str(problem)
        context = getattr(exc, "context", None)
        cmark = getattr(exc, "context_mark", None)
        if context and cmark is not None:
            line, col = src.position(int(cmark.index) + shift)
            message += f" ({context} that starts at line {line}, column {col})"
        elif context:
            message += f" ({context})"
        return int(mark.index) + shift, message
    reason = getattr(exc, "reason", None)
    position = getattr(exc, "position", None)
    if reason and isinstance(position, int):
        index = _byte_to_char(text, position) + shift
        character = getattr(exc, "character", None)
        if isinstance(character, int):
            return index, f"{reason} (character U+{character:04X})"
        return index, str(reason)
    first = str(exc).strip().splitlines()
    return 0, f"cannot parse YAML: {first[0] if first else type(exc).__name__}"
