"""sentra_lint.yamlmodel: loading, offsets, mapping access and scalar position maps."""

from __future__ import annotations

import io
import sys
import time

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sentra_lint.source import SourceFile
from sentra_lint.yamlmodel import (
    TAG_BOOL,
    TAG_INT,
    TAG_NULL,
    TAG_STR,
    MapNode,
    Node,
    ScalarNode,
    SeqNode,
    TooLarge,
    as_bool,
    as_int,
    as_str,
    backend,
    load_yaml,
    scalar_text,
    to_python,
    walk,
)
from sentra_lint.yamlmodel.nodes import MAX_MERGE_SOURCES


def load(text: str) -> tuple[SourceFile, Node]:
    src = SourceFile("t.yml", text)
    doc = load_yaml(src)
    assert doc.problems == (), doc.problems
    assert doc.root is not None
    return src, doc.root


def root_map(text: str) -> tuple[SourceFile, MapNode]:
    src, root = load(text)
    assert isinstance(root, MapNode)
    return src, root


def scalar(node: Node | None) -> ScalarNode:
    assert isinstance(node, ScalarNode), node
    return node


def check_map(src: SourceFile, node: ScalarNode) -> None:
    """Every value character maps to the file character that produced it."""
    vm = node.value_map(src)
    assert vm.exact, (node, src.text)
    assert len(vm) == len(node.value)
    text = src.text
    for i, ch in enumerate(node.value):
        a, b = vm.starts[i], vm.ends[i]
        assert node.start <= a < b <= node.end, (i, node)
        if b - a == 1:
            src_ch = text[a]
            if src_ch in "\n\x85\u2028\u2029":
                # A line break: kept as a newline or folded into a space.
                assert ch in (" ", "\n", src_ch), (i, ch, src_ch)
            else:
                assert ch == src_ch, (i, ch, src_ch, node)
        else:
            assert text[a] in "\\'", (i, text[a:b])


# ---------------------------------------------------------------------------
# Loading


def test_uses_libyaml() -> None:
    assert backend() == "libyaml"


def test_yaml_parser_not_imported_until_load() -> None:
    import subprocess

    code = (
        "import sys, sentra_lint.yamlmodel as y;"
        "assert 'yaml' not in sys.modules, 'eager';"
        "from sentra_lint.source import SourceFile;"
        "y.load_yaml(SourceFile('a', 'a: 1'));"
        "assert 'yaml._yaml' in sys.modules;"
        "assert 'ruamel.yaml' not in sys.modules, 'analysis needs no ruamel'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_basic_offsets_and_styles() -> None:
    text = "a: plain\nb: 'single'\nc: \"double\"\nd: |\n  lit\ne: >\n  fold\n"
    src, root = root_map(text)
    styles = {k: scalar(root.get(k)).style for k in "abcde"}
    assert styles == {"a": None, "b": "'", "c": '"', "d": "|", "e": ">"}
    a = scalar(root.get("a"))
    assert text[a.start : a.end] == "plain"
    b = scalar(root.get("b"))
    assert text[b.start : b.end] == "'single'"
    key = scalar(root.key_node("c"))
    assert (key.start, key.end) == (text.index("c:"), text.index("c:") + 1)
    assert scalar(root.get("d")).span(src).line == 4


def test_offsets_after_non_ascii_and_astral() -> None:
    text = "é: ü\n€€: '😀x'\nk: 😀😀 tail\n"
    src, root = root_map(text)
    v = scalar(root.get("k"))
    assert text[v.start : v.end] == "😀😀 tail"
    assert src.position(v.start) == (3, 4)
    q = scalar(root.get("€€"))
    assert text[q.start : q.end] == "'😀x'"
    check_map(src, q)


def test_bom_is_accounted_for() -> None:
    text = "\ufeffa: é\nb: x\n"
    _, root = root_map(text)
    a = scalar(root.key_node("a"))
    assert text[a.start] == "a"
    v = scalar(root.get("a"))
    assert text[v.start : v.end] == "é"
    assert text[scalar(root.get("b")).start] == "x"


def test_bom_error_position() -> None:
    src = SourceFile("t.yml", "\ufeffa: [1, 2\n")
    doc = load_yaml(src)
    assert doc.root is None and len(doc.problems) == 1


def test_keys_stay_strings() -> None:
    _, root = root_map("on: push\nyes: 1\ntrue: 2\nno: 3\noff: 4\n")
    assert root.keys() == ["on", "yes", "true", "no", "off"]
    assert scalar(root.get("on")).value == "push"
    assert scalar(root.key_node("yes")).tag == TAG_STR
    assert scalar(root.key_node("true")).tag == TAG_BOOL


def test_core_schema_tags() -> None:
    _, root = root_map("a: 1\nb: ~\nc:\nd: 'true'\ne: true\nf: 0x1F\ng: 1.5\nh: .inf\ni: yes\n")
    tags = {k: scalar(root.get(k)).tag for k in "abcdefghi"}
    assert tags["a"] == TAG_INT and tags["b"] == TAG_NULL and tags["c"] == TAG_NULL
    assert tags["d"] == TAG_STR and tags["e"] == TAG_BOOL and tags["i"] == TAG_STR
    assert to_python(root) == {
        "a": 1,
        "b": None,
        "c": None,
        "d": "true",
        "e": True,
        "f": 31,
        "g": 1.5,
        "h": float("inf"),
        "i": "yes",
    }


def test_python_tags_are_never_constructed() -> None:
    text = "a: !!python/object/apply:os.system ['echo pwned']\nb: !!python/name:os.system\n"
    _, root = root_map(text)
    a = root.get("a")
    assert isinstance(a, SeqNode)
    assert a.tag == "tag:yaml.org,2002:python/object/apply:os.system"
    b = scalar(root.get("b"))
    assert b.value == "" and b.tag.endswith("python/name:os.system")
    assert to_python(root) == {"a": ["echo pwned"], "b": ""}


def test_node_with_anchor_or_tag_starts_at_content() -> None:
    text = "a: &x 'v'\nb: !!str 12\nc: &m\n  k: 1\nd: !custom\n  - 1\n"
    _, root = root_map(text)
    assert text[scalar(root.get("a")).start] == "'"
    assert text[scalar(root.get("b")).start :].startswith("12")
    assert text[root.get("c").start :].startswith("k: 1")  # type: ignore[union-attr]
    assert text[root.get("d").start :].startswith("- 1")  # type: ignore[union-attr]


def test_syntax_error_is_one_problem_at_parser_position() -> None:
    src = SourceFile("t.yml", "a: b\n c: d\n")
    doc = load_yaml(src)
    assert doc.root is None
    (p,) = doc.problems
    assert p.span.line == 2 and p.span.column == 3
    assert "mapping values are not allowed" in p.message


def test_error_context_is_kept() -> None:
    doc = load_yaml(SourceFile("t.yml", "é: [1, 2\nb: 3\n"))
    (p,) = doc.problems
    assert "did not find expected" in p.message
    assert "flow sequence that starts at line 1, column 4" in p.message


def test_reader_error_position_is_a_character_offset() -> None:
    doc = load_yaml(SourceFile("t.yml", "é: é\nb: \x01\n"))
    (p,) = doc.problems
    assert (p.span.line, p.span.column) == (2, 4)
    assert "control characters" in p.message


@pytest.mark.parametrize(
    "text",
    ["a: *nope\n", "a: &x [*x]\n", "\tx: 1", "a: 'x\n", "[", "]", "{a: [}", "- a\nb: c\n"],
)
def test_bad_input_never_raises(text: str) -> None:
    doc = load_yaml(SourceFile("t.yml", text))
    assert doc.root is None
    assert len(doc.problems) == 1


def test_empty_and_comment_only() -> None:
    for text in ("", "# just a comment\n", "---\n"):
        doc = load_yaml(SourceFile("t.yml", text))
        assert doc.problems == ()
        assert doc.root is None or (isinstance(doc.root, ScalarNode) and doc.root.is_null)


def test_multi_document_takes_first() -> None:
    doc = load_yaml(SourceFile("t.yml", "a: 1\n---\nb: 2\n---\n[c]\n"))
    assert isinstance(doc.root, MapNode) and doc.root.keys() == ["a"]
    assert doc.document_count == 3 and doc.problems == ()


def test_multi_document_error_later_keeps_first() -> None:
    doc = load_yaml(SourceFile("t.yml", "a: 1\n--- [\n"))
    assert isinstance(doc.root, MapNode)
    assert len(doc.problems) == 1


def _nested(kind: str, n: int) -> str:
    if kind == "flow":
        return "[" * n + "]" * n
    if kind == "flowmap":
        return "{a: " * n + "x" + "}" * n
    if kind == "seq":
        return "- " * n + "x\n"
    return "".join(" " * i + "a:\n" for i in range(n)) + " " * n + "end\n"


@pytest.mark.parametrize(
    ("kind", "n"), [("flow", 900), ("flowmap", 900), ("seq", 900), ("map", 900)]
)
def test_deep_nesting_does_not_recurse(kind: str, n: int) -> None:
    src = SourceFile("t.yml", _nested(kind, n))
    doc = load_yaml(src)
    assert doc.problems == ()
    assert doc.root is not None
    nodes = list(walk(doc.root))
    assert len(nodes) >= n
    to_python(doc.root, max_nodes=10 * n)
    for node in nodes:
        node.span(src)


@pytest.mark.parametrize("kind", ["flow", "flowmap", "seq", "map"])
def test_too_deep_is_a_problem_not_a_crash(kind: str) -> None:
    doc = load_yaml(SourceFile("t.yml", _nested(kind, 30_000 if kind != "map" else 1_500)))
    assert doc.root is None
    assert "nesting" in doc.problems[0].message


def test_billion_laughs_stays_small_and_fast() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    t0 = time.perf_counter()
    _, root = root_map("\n".join(lines) + "\n")
    assert time.perf_counter() - t0 < 0.5
    i = root.get("i")
    h = root.get("h")
    assert isinstance(i, SeqNode)
    assert all(item is h for item in i.items)
    assert sum(1 for _ in walk(root)) < 200
    with pytest.raises(TooLarge):
        to_python(root, max_nodes=10)
    data = to_python(root)  # shared nodes become shared objects: cheap
    assert data["i"][0] is data["i"][1]


# ---------------------------------------------------------------------------
# Mapping access


def test_duplicates_last_wins_and_recorded() -> None:
    src = SourceFile("t.yml", "a: 1\nb: 2\na: 3\n")
    doc = load_yaml(src)
    root = doc.root
    assert isinstance(root, MapNode)
    assert scalar(root.get("a")).value == "3"
    assert [scalar(k).value for k, _ in root.pairs()] == ["a", "b"]
    ((first, later),) = doc.duplicates
    assert (first.start, later.start) == (0, 10)
    assert root.duplicates == (later,)
    assert root.key_node("a") is later


def test_merge_single_and_list() -> None:
    text = (
        "base: &base {x: 1, y: 1}\n"
        "other: &other {y: 2, z: 2, w: 2}\n"
        "one:\n  <<: *base\n  y: own\n"
        "many:\n  <<: [*base, *other]\n  w: own\n"
    )
    _, root = root_map(text)
    one = root.get("one")
    many = root.get("many")
    assert isinstance(one, MapNode) and isinstance(many, MapNode)
    assert to_python(one) == {"y": "own", "x": "1" if False else 1}
    assert to_python(many) == {"w": "own", "x": 1, "y": 1, "z": 2}
    assert scalar(many.get("y")).value == "1"  # earlier merge source wins
    assert "<<" not in many
    assert many.keys()[0] == "w"


def test_nested_merges_and_quoted_merge_key() -> None:
    text = (
        "a: &a {k: a, deep: a}\n"
        "b: &b {<<: *a, k: b}\n"
        "c:\n  <<: *b\n"
        "d: {'<<': *a}\n"
        "e: &e {x: 1}\n"
        "f: &f {<<: *e}\n"
    )
    _, root = root_map(text)
    assert to_python(root.get("c")) == {"k": "b", "deep": "a"}  # type: ignore[arg-type]
    d = root.get("d")
    assert isinstance(d, MapNode) and isinstance(d.get("<<"), MapNode)


def test_merge_with_wrong_types_is_ignored() -> None:
    _, root = root_map("a:\n  <<: 1\n  <<: [1, [2]]\n  k: v\n")
    assert to_python(root.get("a")) == {"k": "v"}  # type: ignore[arg-type]


def test_value_helpers() -> None:
    _, root = root_map("s: hi\nn: ~\ne:\nt: 'TRUE'\nf: false\ni: '42'\ny: yes\nm: {}\nq: [1]\n")
    assert scalar_text(root.get("s")) == "hi"
    assert scalar_text(root.get("n")) == "~"
    assert scalar_text(root.get("m")) is None
    assert as_str(root.get("n")) is None and as_str(root.get("e")) is None
    assert as_str(root.get("s")) == "hi"
    assert as_bool(root.get("t")) is True
    assert as_bool(root.get("t"), strings=False) is None
    assert as_bool(root.get("f")) is False
    assert as_bool(root.get("y")) is None
    assert as_bool(root.get("y"), yaml11=True) is True
    assert as_bool(root.get("q")) is None
    assert as_int(root.get("i")) == 42
    assert as_int(root.get("s")) is None
    assert root.get("missing") is None and root.key_node("missing") is None


def test_spans_exclude_trailing_breaks_and_comments() -> None:
    text = "job:\n  run: |\n    echo hi\n\n  # a comment\nnext: 1\n"
    src, root = root_map(text)
    run = scalar(root.get("job").get("run"))  # type: ignore[union-attr]
    assert run.span(src).end_line == 3
    job = root.get("job")
    assert isinstance(job, MapNode)
    assert job.span(src).end_line == 3


# ---------------------------------------------------------------------------
# Scalar position maps


def test_folded_block_maps_flag_to_file() -> None:
    text = (
        "jobs:\n  a:\n    container:\n      options: >-\n        --cpus 2\n        --privileged\n"
    )
    src, root = root_map(text)
    opts = scalar(root.get("jobs").get("a").get("container").get("options"))  # type: ignore[union-attr]
    assert opts.value == "--cpus 2 --privileged"
    i = opts.value.index("--privileged")
    span = opts.value_span(src, i, i + len("--privileged"))
    assert (span.line, span.column, span.end_line, span.end_column) == (6, 9, 6, 21)
    offsets = opts.value_offsets(src)
    assert text[offsets[i - 1]] == "\n"  # the folded space maps to the line break


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("k: |\n  a\n  b\n", "a\nb\n"),
        ("k: |-\n  a\n  b\n\n", "a\nb"),
        ("k: |+\n  a\n\n\n", "a\n\n\n"),
        ("k: >\n  a\n  b\n\n  c\n", "a b\nc\n"),
        ("k: >\n  a\n    indented\n  b\n", "a\n  indented\nb\n"),
        ("k: |2\n    two extra\n  base\n", "  two extra\nbase\n"),
        ("- |1\n  x\n", " x\n"),
        ("k: >-2\n     deep\n   more\n", "   deep\n more"),
        ("k: |  # comment\n  a\n", "a\n"),
        ("k: >\n\n  first after blank\n", "\nfirst after blank\n"),
        ("k:\n  - |\n    in seq\n", "in seq\n"),
        ("k: plain\n  continued\n\n  para\n", "plain continued\npara"),
        ("k: 'it''s\n  folded  '\n", "it's folded  "),
        ('k: "tab\\there \\u00e9 \\x41\\\n   joined \\\n  \n  x"\n', "tab\there é Ajoined \nx"),
        ('k: "a\n\n\n  b"\n', "a\n\nb"),
        ("k: [a b\n  c, 'd\n  e']\n", None),
        ("k: |\n  tab\there\n", "tab\there\n"),
        ("k: |\n  é😀\n  z\n", "é😀\nz\n"),
    ],
)
def test_scalar_maps(text: str, value: str | None) -> None:
    src, root = load(text)
    scalars = [n for n in walk(root) if isinstance(n, ScalarNode) and n.value != "k"]
    if value is not None:
        assert scalars[-1].value == value
    for node in scalars:
        check_map(src, node)


def test_double_quoted_escape_spans() -> None:
    text = 'k: "a\\nb\\u00e9"\n'
    src, root = root_map(text)
    v = scalar(root.get("k"))
    vm = v.value_map(src)
    assert v.value == "a\nbé"
    assert text[vm.starts[1] : vm.ends[1]] == "\\n"
    assert text[vm.starts[3] : vm.ends[3]] == "\\u00e9"
    assert vm.range(0, 4) == (text.index('"') + 1, text.rindex('"'))


def test_value_map_inexact_falls_back_to_start() -> None:
    src = SourceFile("t.yml", "k: v\n")
    node = ScalarNode("something else", 3, 4)
    vm = node.value_map(src)
    assert not vm.exact
    assert set(vm.starts) == {3}


# Property test: dump arbitrary strings in every style, nested at some
# depth, reload, and check each value character against the file.

_chars = st.characters(
    blacklist_categories=("Cs", "Cc"),
    blacklist_characters="\ufeff\x85\u2028\u2029",
) | st.sampled_from([" ", "\t", "\n", "'", '"', "\\", "#", ":", "-", "|", ">"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    value=st.text(_chars, max_size=60),
    style=st.sampled_from([None, "'", '"', "|", ">"]),
    depth=st.integers(0, 3),
    width=st.sampled_from([12, 40, 200]),
    in_seq=st.booleans(),
)
def test_property_value_maps(
    value: str, style: str | None, depth: int, width: int, in_seq: bool
) -> None:
    from ruamel.yaml import YAML

    data: object = value
    for i in range(depth):
        data = [data] if in_seq and i % 2 == 0 else {f"k{i}": data}
    data = {"key": data}
    yaml = YAML(typ="safe", pure=True)
    yaml.default_style = style  # type: ignore[assignment]
    yaml.width = width
    yaml.allow_unicode = True
    yaml.default_flow_style = False
    out = io.StringIO()
    yaml.dump(data, out)
    text = out.getvalue()
    src = SourceFile("t.yml", text)
    doc = load_yaml(src)
    # ruamel's emitter writes a few forms libyaml rejects (a tab right after
    # a block scalar's indentation, ``0?`` in flow context): not our concern.
    assume(not doc.problems)
    assert doc.root is not None
    to_python(doc.root)
    for node in walk(doc.root):
        if isinstance(node, ScalarNode):
            check_map(src, node)


# Hand-built block and multi-line scalars: explicit indentation indicators,
# chomping, more-indented lines, blank lines, nested at various indentations.

_line = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff\x85\u2028\u2029")
    | st.sampled_from([" ", "\t", "#", ":", "'", '"', "\\"]),
    max_size=12,
)


@settings(max_examples=400, deadline=None)
@given(
    lines=st.lists(_line, min_size=1, max_size=6),
    indicator=st.sampled_from(["|", ">"]),
    chomp=st.sampled_from(["", "-", "+"]),
    explicit=st.integers(0, 3),
    base=st.integers(0, 3),
    extra=st.integers(1, 3),
    trailing_blank=st.integers(0, 2),
    in_seq=st.booleans(),
)
def test_property_block_scalars(
    lines: list[str],
    indicator: str,
    chomp: str,
    explicit: int,
    base: int,
    extra: int,
    trailing_blank: int,
    in_seq: bool,
) -> None:
    parent = " " * base
    lead = parent + ("- " if in_seq else "") + "key: "
    parent_indent = base + (2 if in_seq else 0)
    indent = parent_indent + (explicit or extra)
    header = indicator + chomp + (str(explicit) if explicit else "")
    body = "".join((" " * indent + ln if ln else "") + "\n" for ln in lines)
    text = (
        ("x: 0\n" if not base else "top:\n") + lead + header + "\n" + body + "\n" * trailing_blank
    )
    if base:
        text += "z: 1\n"
    src = SourceFile("t.yml", text)
    doc = load_yaml(src)
    assume(not doc.problems)
    assert doc.root is not None
    for node in walk(doc.root):
        if isinstance(node, ScalarNode):
            check_map(src, node)


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(
        st.text(st.characters(whitelist_categories=("L", "N", "P", "S")), min_size=1, max_size=8),
        min_size=1,
        max_size=6,
    ),
    seps=st.lists(
        st.sampled_from([" ", "  ", "\n", "\n\n", " \n  ", "\t\n", "\n \n"]), min_size=5, max_size=5
    ),
    quote=st.sampled_from(["", "'", '"']),
    indent=st.integers(1, 4),
)
def test_property_multiline_flow_scalars(
    words: list[str], seps: list[str], quote: str, indent: int
) -> None:
    pad = " " * indent
    parts = [words[0]]
    for i, w in enumerate(words[1:]):
        parts.append(seps[i % len(seps)].replace("\n", "\n" + pad) + w)
    body = "".join(parts)
    if quote == "'":
        body = body.replace("'", "''")
    elif quote == '"':
        body = body.replace("\\", "\\\\").replace('"', '\\"')
    text = "k: " + quote + body + quote + "\n"
    src = SourceFile("t.yml", text)
    doc = load_yaml(src)
    assume(not doc.problems)
    assert doc.root is not None
    for node in walk(doc.root):
        if isinstance(node, ScalarNode):
            check_map(src, node)


# ---------------------------------------------------------------------------
# JSON with comments (devcontainer.json) into the same nodes


def test_jsonc_comments_trailing_commas_offsets() -> None:
    from sentra_lint.yamlmodel.jsonc import load_jsonc

    text = '// top\n{\n  "a": [1, 2.5, true, null,], /* c */\n  "b": {"c": "x\\u00e9\\ud83d\\ude00",},\n}\n'
    src = SourceFile("d.json", text)
    doc = load_jsonc(src)
    assert doc.problems == ()
    root = doc.root
    assert isinstance(root, MapNode)
    assert to_python(root) == {"a": [1, 2.5, True, None], "b": {"c": "xé😀"}}
    a = root.get("a")
    assert isinstance(a, SeqNode) and text[a.start : a.end] == "[1, 2.5, true, null,]"
    c = scalar(root.get("b").get("c"))  # type: ignore[union-attr]
    assert c.style == '"'
    check_map(src, c)
    vm = c.value_map(src)
    assert text[vm.starts[2] : vm.ends[2]] == "\\ud83d\\ude00"
    assert scalar(root.key_node("b")).span(src).line == 4


def test_jsonc_duplicates_and_deep_nesting() -> None:
    from sentra_lint.yamlmodel.jsonc import load_jsonc

    doc = load_jsonc(SourceFile("d.json", '{"a": 1, "a": 2}'))
    assert isinstance(doc.root, MapNode) and scalar(doc.root.get("a")).value == "2"
    assert len(doc.duplicates) == 1
    deep = "[" * 15_000 + "]" * 15_000
    doc = load_jsonc(SourceFile("d.json", deep))
    assert doc.problems == () and doc.root is not None


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("{", 1, 2, "expected a string key or '}', found the end of the file"),
        ('{"a": 1,,}', 1, 9, "expected a string key or '}', found ','"),
        ("[1 2]", 1, 4, "expected ',' or ']', found '2'"),
        ('{"a" 1}', 1, 6, "expected ':' after the key, found '1'"),
        ('{\n  "x": "abc\n"}', 2, 12, "line break inside a string (use \\n)"),
        ("/* x", 1, 1, "comment '/*' is never closed"),
        ('{"a": tru}', 1, 7, "expected a value, found 'tru'"),
        ("{} x", 1, 4, "unexpected text after the top-level value"),
        ('{"a": "\\q"}', 1, 8, "invalid escape '\\q'"),
        ("{'a': 1}", 1, 2, "expected a string key or '}', found \"'\""),
    ],
)
def test_jsonc_errors(text: str, line: int, column: int, message: str) -> None:
    from sentra_lint.yamlmodel.jsonc import load_jsonc

    doc = load_jsonc(SourceFile("d.json", text))
    assert doc.root is None
    (p,) = doc.problems
    assert (p.span.line, p.span.column, p.message) == (line, column, message)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(
    data=_json, indent=st.sampled_from([None, 2]), ascii_only=st.booleans(), comments=st.booleans()
)
def test_property_jsonc(data: object, indent: int | None, ascii_only: bool, comments: bool) -> None:
    import json

    from sentra_lint.yamlmodel.jsonc import load_jsonc

    text = json.dumps(data, indent=indent, ensure_ascii=ascii_only)
    if comments:
        text = "// lead\n/* block */" + text.replace("\n", " // tail\n") + "\n// end"
    src = SourceFile("d.json", text)
    doc = load_jsonc(src)
    assert doc.problems == (), text
    assert doc.root is not None
    assert to_python(doc.root) == data
    for node in walk(doc.root):
        if isinstance(node, ScalarNode):
            check_map(src, node)


def test_devcontainer_model() -> None:
    from sentra_lint.devcontainer import parse_devcontainer

    text = """\
// a dev container
{
  "name": "agent",
  "image": "mcr.microsoft.com/devcontainers/python:3",
  "build": {"dockerfile": "Dockerfile", "context": ".."},
  "runArgs": ["--cap-drop=ALL", "--privileged", 5, "--security-opt", "no-new-privileges",],
  "capAdd": ["SYS_PTRACE"],
  "privileged": true,
  "securityOpt": ["seccomp=unconfined"],
  "mounts": ["source=/var/run/docker.sock,target=/var/run/docker.sock,type=bind",
             {"source": "vol", "target": "/data", "type": "volume"}, 7],
  "containerUser": "root",
  "remoteUser": "vscode",
  "containerEnv": {"TOKEN": "${localEnv:TOKEN}"},
  "init": true,
}
"""
    src = SourceFile(".devcontainer/devcontainer.json", text)
    dc = parse_devcontainer(src)
    assert dc.problems == ()
    assert [a.value for a in dc.run_args] == [
        "--cap-drop=ALL",
        "--privileged",
        "--security-opt",
        "no-new-privileges",
    ]
    span = dc.run_args[1].value_span(src, 0, len("--privileged"))
    assert (span.line, span.column, span.end_column) == (6, 34, 46)
    assert [c.value for c in dc.cap_add] == ["SYS_PTRACE"]
    assert dc.privileged is not None and as_bool(dc.privileged) is True
    assert [s.value for s in dc.security_opt] == ["seccomp=unconfined"]
    assert len(dc.mounts) == 2
    assert dc.container_user is not None and dc.container_user.value == "root"
    assert dc.remote_user is not None and dc.remote_user.value == "vscode"
    assert dc.image is not None and dc.build_dockerfile is not None and dc.build_context is not None
    assert dc.container_env is not None and "TOKEN" in dc.container_env
    assert not dc.uses_compose


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[]",
        '{"runArgs": "--privileged", "capAdd": {}, "mounts": 3, "build": "x"}',
        "{",
        '{"dockerFile": "D"}',
    ],
)
def test_devcontainer_tolerates_wrong_types(text: str) -> None:
    from sentra_lint.devcontainer import parse_devcontainer

    dc = parse_devcontainer(SourceFile("devcontainer.json", text))
    assert dc.run_args == () and dc.cap_add == () and dc.mounts == ()
    if text == '{"dockerFile": "D"}':
        assert dc.build_dockerfile is not None and dc.build_dockerfile.value == "D"


def test_merge_amplification_is_bounded() -> None:
    """Many mappings merging one large anchor, or a long chain of merges,
    must not multiply memory or time."""
    big = "x-big: &big\n" + "".join(f"  k{i}: v\n" for i in range(3000))
    users = "".join(f"u{i}:\n  <<: *big\n  own: {i}\n" for i in range(3000))
    t0 = time.perf_counter()
    _, root = root_map(big + users)
    u = root.get("u2999")
    assert isinstance(u, MapNode)
    assert scalar(u.get("k2999")).value == "v" and scalar(u.get("own")).value == "2999"
    for i in range(3000):
        m = root.get(f"u{i}")
        assert isinstance(m, MapNode) and m.get("k0") is not None
    assert time.perf_counter() - t0 < 5
    with pytest.raises(TooLarge):
        to_python(root)
    chain = "c0: &c0 {k0: 1}\n" + "".join(
        f"c{i}: &c{i} {{<<: *c{i - 1}, k{i}: 1}}\n" for i in range(1, 5000)
    )
    _, root = root_map(chain)
    last = root.get("c4999")
    assert isinstance(last, MapNode)
    assert last.get("k4999") is not None and last.get("k4000") is not None
    assert len(last) <= 1 + MAX_MERGE_SOURCES
