"""YAML that GitHub Actions and Docker Compose accept must load, with its meaning.

Each case is a shape found in real workflow and Compose files that both
accept (GitHub's parser and compose-go's both read YAML 1.2-ish documents).
Every case must load with no parse problem and give the values written here;
plain ``on``/``yes``/``no``/``off`` stay strings (YAML 1.2 core schema), as
GitHub Actions reads the ``on:`` key.
"""

from __future__ import annotations

from typing import Any

import pytest

from sentra_lint.source import SourceFile
from sentra_lint.yamlmodel import MapNode, ScalarNode, load_yaml, to_python, walk

CASES: list[tuple[str, str, Any]] = [
    (
        "flow-seq-colon",
        "security_opt: [no-new-privileges:true]\n",
        {"security_opt": ["no-new-privileges:true"]},
    ),
    (
        "flow-seq-colons-several",
        "security_opt: [no-new-privileges:true, seccomp:unconfined, 'apparmor:x']\n",
        {"security_opt": ["no-new-privileges:true", "seccomp:unconfined", "apparmor:x"]},
    ),
    ("flow-seq-url", "urls: [http://a:80/x, https://b/y]\n", {"urls": ["http://a:80/x", "https://b/y"]}),
    ("flow-seq-ports", "ports: [8080:80, '127.0.0.1:53:53/udp']\n", {"ports": ["8080:80", "127.0.0.1:53:53/udp"]}),
    ("flow-seq-explicit-key", "a: [? k : v, x]\n", {"a": [{"k": "v"}, "x"]}),
    ("flow-map-explicit-key", "a: {? k : v, ? lone}\n", {"a": {"k": "v", "lone": None}}),
    ("flow-seq-single-pair", "a: [k: v, x]\n", {"a": [{"k": "v"}, "x"]}),
    ("flow-json-adjacent-value", 'a: {"k":1, "j":[2]}\n', {"a": {"k": 1, "j": [2]}}),
    ("flow-multiline", "a: [\n  x,\n  y:z,\n]\n", {"a": ["x", "y:z"]}),
    ("flow-dash-plain", "a: [-x, -y]\n", {"a": ["-x", "-y"]}),
    (
        "merge-key-list",
        "x-a: &a {cpus: 1}\nx-b: &b {mem_limit: 1g, cpus: 2}\ns:\n  <<: [*a, *b]\n  image: i\n",
        {"x-a": {"cpus": 1}, "x-b": {"mem_limit": "1g", "cpus": 2}, "s": {"cpus": 1, "mem_limit": "1g", "image": "i"}},
    ),
    (
        "merge-key-single",
        "x-common: &c\n  read_only: true\nservices:\n  app:\n    <<: *c\n    image: i\n",
        {"x-common": {"read_only": True}, "services": {"app": {"read_only": True, "image": "i"}}},
    ),
    (
        "anchors-across-documents",
        "a: &x 1\nb: *x\n---\nc: &x 2\nd: *x\n",
        {"a": 1, "b": 1},
    ),
    ("anchor-redefined", "a: &x 1\nb: &x 2\nc: *x\n", {"a": 1, "b": 2, "c": 2}),
    ("tab-after-colon", "a:\t1\nb: x\t# comment\n", {"a": 1, "b": "x"}),
    ("tab-in-flow", "a: [x,\ty]\n", {"a": ["x", "y"]}),
    ("tab-in-block-scalar", "run: |\n  echo\ta\n  \tb\n", {"run": "echo\ta\n\tb\n"}),
    ("tab-in-quoted", 'a: "x\ty"\nb: \'p\tq\'\n', {"a": "x\ty", "b": "p\tq"}),
    ("tab-in-plain", "a: x\ty\n", {"a": "x\ty"}),
    (
        "on-yes-no-strings",
        "on:\n  push:\nyes: 1\nno: 2\noff: 3\ny: 4\nn: 5\n",
        {"on": {"push": None}, "yes": 1, "no": 2, "off": 3, "y": 4, "n": 5},
    ),
    ("yes-no-values", "a: yes\nb: no\nc: on\nd: true\n", {"a": "yes", "b": "no", "c": "on", "d": True}),
    ("octal-like", "mode: 0755\nver: 1.10\n", {"mode": 755, "ver": 1.1}),
    ("multi-document", "---\na: 1\n...\n---\nb: 2\n...\n", {"a": 1}),
    ("document-start-only", "--- \nname: x\n", {"name": "x"}),
    ("yaml-1.2-directive", "%YAML 1.2\n---\na: 1\n", {"a": 1}),
    ("crlf", "a: 1\r\nb:\r\n  - x\r\n", {"a": 1, "b": ["x"]}),
    ("bom", "\ufeffa: 1\n", {"a": 1}),
    ("empty-value", "a:\nb: ~\n", {"a": None, "b": None}),
    ("hash-in-plain", "a: x#y\n", {"a": "x#y"}),
    ("colon-in-plain-value", "a: b:c\nurl: http://x\n", {"a": "b:c", "url": "http://x"}),
    (
        "expression-values",
        "if: ${{ github.event_name == 'push' }}\nrun: echo ${{ x }}\n",
        {"if": "${{ github.event_name == 'push' }}", "run": "echo ${{ x }}"},
    ),
    ("indentless-sequence", "a:\n- x\n- y\n", {"a": ["x", "y"]}),
    ("compact-nested-seq", "a:\n  - - x\n    - y\n", {"a": [["x", "y"]]}),
    ("non-ascii", "name: Ünïcödé ✓\nb: 'é'\n", {"name": "Ünïcödé ✓", "b": "é"}),
    ("tagged-str", "a: !!str 1\nb: !custom x\n", {"a": "1", "b": "x"}),
    ("folded-block", "a: >-\n  x\n  y\n", {"a": "x y"}),
    ("keep-block", "a: |+\n  x\n\nb: 1\n", {"a": "x\n\n", "b": 1}),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_accepted_yaml_loads(text: str, expected: Any) -> None:
    src = SourceFile("t.yml", text)
    doc = load_yaml(src)
    assert doc.problems == (), doc.problems
    assert doc.root is not None
    if expected is not None:
        assert to_python(doc.root) == expected
    # Every node keeps a position inside the file.
    for node in walk(doc.root):
        assert 0 <= node.start <= node.end <= len(text)
        node.span(src)


def test_flow_colon_keeps_positions() -> None:
    text = "services:\n  app:\n    security_opt: [no-new-privileges:true]\n"
    doc = load_yaml(SourceFile("c.yml", text))
    assert isinstance(doc.root, MapNode)
    app = doc.root.get("services")
    assert isinstance(app, MapNode)
    app = app.get("app")
    assert isinstance(app, MapNode)
    opts = app.get("security_opt")
    item = next(iter(to_python(opts)))
    assert item == "no-new-privileges:true"
    (scalar,) = [n for n in walk(opts) if isinstance(n, ScalarNode)]
    assert text[scalar.start : scalar.end] == "no-new-privileges:true"


def test_multi_document_count() -> None:
    doc = load_yaml(SourceFile("t.yml", "a: 1\n---\nb: &x 2\nc: *x\n---\n- z\n"))
    assert doc.document_count == 3 and doc.problems == ()


@pytest.mark.parametrize(
    "text",
    [
        "a: [b\n",  # unclosed flow sequence
        "a: b: c\n",  # mapping value in a plain scalar
        "a:\n\t- x\n",  # a tab as indentation
        "a: *nope\n",  # undefined alias
        "a: 'x\n",  # unclosed quote
    ],
)
def test_rejected_yaml_is_one_problem(text: str) -> None:
    doc = load_yaml(SourceFile("t.yml", text))
    assert doc.root is None
    assert len(doc.problems) == 1
    assert doc.problems[0].message
