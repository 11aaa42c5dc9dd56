"""sentra_lint.compose: services, extends, extension fields, interpolation."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from sentra_lint.compose import ComposeFile, build_compose, interpolate, parse_interpolation
from sentra_lint.source import SourceFile
from sentra_lint.yamlmodel import MapNode, ScalarNode, load_yaml


def compose(text: str) -> ComposeFile:
    src = SourceFile("compose.yml", text)
    return build_compose(src, load_yaml(src))


def values(nodes: Sequence[object]) -> list[str]:
    return [n.value for n in nodes if isinstance(n, ScalarNode)]


TEXT = """\
name: demo
x-hardening: &hardening
  read_only: true
  cap_drop: [ALL]
  security_opt:
    - no-new-privileges:true
x-limits: &limits
  deploy:
    resources:
      limits:
        memory: 512m
        cpus: "1.0"
services:
  base:
    image: python:3.12
    user: "1001"
    cap_add: [NET_BIND_SERVICE]
    environment:
      A: base
      B: base
    deploy:
      resources:
        limits:
          pids: 100
  web:
    <<: [*hardening, *limits]
    extends:
      service: base
    image: web:${TAG:-1.0}
    cap_add:
      - SYS_PTRACE
    environment:
      - B=web
      - C
    tmpfs: /tmp
  worker:
    extends: web
    privileged: true
  other:
    extends:
      file: common.yml
      service: thing
volumes:
  data: {}
"""


def test_services_and_fields() -> None:
    cf = compose(TEXT)
    assert cf.problems == ()
    assert cf.name == "demo"
    assert [s.name for s in cf.services] == ["base", "web", "worker", "other"]
    assert [k for k, _ in cf.extensions] == ["x-hardening", "x-limits"]
    assert cf.volumes is not None and "data" in cf.volumes
    web = cf.service("web")
    assert web is not None
    assert web.name_span.line == 25 and web.name_span.column == 3
    assert web.extends_name == "base" and web.chain_names == ("web", "base")
    # merge keys from x- fields
    read_only = web.get("read_only")
    assert isinstance(read_only, ScalarNode) and read_only.value == "true"
    assert values(web.items("cap_drop")) == ["ALL"]
    # nested mappings merge along extends: memory from the anchor, pids from base
    assert web.get_path("deploy", "resources", "limits", "memory").value == "512m"  # type: ignore[union-attr]
    assert web.get_path("deploy", "resources", "limits", "pids").value == "100"  # type: ignore[union-attr]
    # scalars: nearest wins; lists: appended, base first
    assert web.image is not None and web.image.value == "web:${TAG:-1.0}"
    assert web.get("user").value == "1001"  # type: ignore[union-attr]
    assert web.origin("user") == "base" and web.origin("image") == "web"
    assert values(web.items("cap_add")) == ["NET_BIND_SERVICE", "SYS_PTRACE"]
    assert values(web.items("tmpfs")) == ["/tmp"]
    env = {e.name: (e.value, e.service) for e in web.environment()}
    assert env == {"A": ("base", "base"), "B": ("web", "web"), "C": (None, "web")}
    assert web.own("user") is None
    key = web.key_node("user")
    assert isinstance(key, ScalarNode) and web.span(key).line == 16


def test_extends_chain_and_other_file() -> None:
    cf = compose(TEXT)
    worker = cf.service("worker")
    assert worker is not None
    assert worker.chain_names == ("worker", "web", "base")
    assert values(worker.items("cap_add")) == ["NET_BIND_SERVICE", "SYS_PTRACE"]
    assert worker.get("privileged").value == "true"  # type: ignore[union-attr]
    assert worker.image.value == "web:${TAG:-1.0}"  # type: ignore[union-attr]
    other = cf.service("other")
    assert other is not None
    assert other.extends_file == "common.yml" and other.extends_name is None
    assert other.chain_names == ("other",)


def test_extends_problems() -> None:
    cf = compose(
        "services:\n"
        "  a:\n    extends: b\n"
        "  b:\n    extends: {service: a}\n"
        "  c:\n    extends: missing\n"
        "  d:\n    extends: [x]\n"
    )
    messages = [p.message for p in cf.problems]
    assert "services.a: extends forms a cycle through 'a'" in messages
    assert "services.b: extends forms a cycle through 'b'" in messages
    assert "services.c extends 'missing', which is not a service in this file" in messages
    a = cf.service("a")
    assert a is not None and a.chain_names == ("a", "b")
    d = cf.service("d")
    assert d is not None and d.chain_names == ("d",)


def test_build_forms() -> None:
    cf = compose(
        "services:\n"
        "  a:\n    build: ./app\n"
        "  b:\n    build:\n      context: ctx\n      dockerfile: Dockerfile.prod\n"
        "  c:\n    build:\n      dockerfile: D\n"
        "  d:\n    image: x\n"
    )
    got = [(s.build_context, s.build_dockerfile) for s in cf.services]
    assert got == [("./app", None), ("ctx", "Dockerfile.prod"), (".", "D"), (None, None)]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[1, 2]\n",
        "services: [a]\n",
        "services:\n  a: [x]\n  b: text\n  c:\n",
        "services:\n  a:\n    environment: 5\n    cap_add: {x: 1}\n",
        "version: '3'\n",
    ],
)
def test_wrong_types_never_raise(text: str) -> None:
    cf = compose(text)
    for s in cf.services:
        s.environment()
        s.items("cap_add")
        s.get_path("deploy", "resources", "limits", "memory")
        assert s.image is None


def test_wrong_type_problems() -> None:
    assert [p.message for p in compose("services: [a]\n").problems] == [
        "services must be a mapping"
    ]
    assert [p.message for p in compose("services:\n  a: [x]\n  c:\n").problems] == [
        "services.a must be a mapping"
    ]
    assert "top level" in compose("- a\n").problems[0].message


def test_environment_forms() -> None:
    cf = compose(
        "services:\n  a:\n    environment:\n      - X=1=2\n      - Y\n      - Z=\n"
        "  b:\n    environment:\n      X: ~\n      Y: ''\n      Z: {a: 1}\n"
    )
    a, b = cf.services
    assert [(e.name, e.value) for e in a.environment()] == [("X", "1=2"), ("Y", None), ("Z", "")]
    assert [(e.name, e.value) for e in b.environment()] == [("X", None), ("Y", ""), ("Z", None)]
    assert isinstance(b.environment()[2].node, MapNode)


@pytest.mark.parametrize(
    ("value", "text", "certain"),
    [
        ("plain", "plain", True),
        ("a$$b", "a$b", True),
        ("$$VAR", "$VAR", True),
        ("${VAR}", "${VAR}", False),
        ("$VAR/x", "$VAR/x", False),
        ("img:${TAG:-1.0}", "img:1.0", False),
        ("img:${TAG-1.0}", "img:1.0", False),
        ("${A:-${B:-deep}}", "deep", False),
        ("${A:?must be set}", "${A:?must be set}", False),
        ("${A:+alt}", "${A:+alt}", False),
        ("price $5", "price $5", True),
        ("end$", "end$", True),
        ("${unclosed", "${unclosed", False),
        ("${1BAD}", "${1BAD}", False),
        ("${A:-}", "", False),
    ],
)
def test_interpolate(value: str, text: str, certain: bool) -> None:
    assert interpolate(value) == (text, certain)


def test_interpolation_details() -> None:
    r = parse_interpolation("x ${A:-1} $B ${C:?err} $$D")
    assert [(v.name, v.operator, v.argument) for v in r.variables] == [
        ("A", ":-", "1"),
        ("B", None, None),
        ("C", ":?", "err"),
    ]
    a, b, c = r.variables
    assert "x ${A:-1} $B ${C:?err} $$D"[a.start : a.end] == "${A:-1}"
    assert "x ${A:-1} $B ${C:?err} $$D"[b.start : b.end] == "$B"
    assert a.default == "1" and b.default is None and c.required
    assert not r.defaults_only
    assert parse_interpolation("${A:-x}${B-y}").defaults_only
    assert parse_interpolation("${unclosed").errors
    deep = "${A:-" * 100 + "x" + "}" * 100
    parse_interpolation(deep)  # bounded nesting, no recursion error


# ---------------------------------------------------------------------------
# The real-world corpus: every Compose file loads and models without an exception.

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "compose"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not available")
def test_corpus_compose_load(capsys: pytest.CaptureFixture[str]) -> None:
    from sentra_lint.io import Skip, read_source
    from sentra_lint.source import Kind
    from sentra_lint.yamlmodel import walk

    files = sorted(CORPUS.iterdir())
    assert len(files) > 300
    stats = {"files": 0, "skipped": 0, "yaml_problems": 0, "model_problems": 0, "services": 0}
    inexact = []
    for path in files:
        try:
            src = read_source(path, path.name, Kind.COMPOSE)
        except Skip:
            stats["skipped"] += 1
            continue
        stats["files"] += 1
        doc = load_yaml(src)
        stats["yaml_problems"] += bool(doc.problems)
        cf = build_compose(src, doc)
        stats["model_problems"] += bool(cf.problems)
        stats["services"] += len(cf.services)
        for s in cf.services:
            s.environment()
            s.items("volumes")
            s.get_path("deploy", "resources", "limits", "memory")
        if doc.root is not None:
            for node in walk(doc.root):
                if isinstance(node, ScalarNode):
                    if not node.value_map(src).exact:
                        inexact.append((path.name, node))
                    if "$" in node.value:
                        parse_interpolation(node.value)
    with capsys.disabled():
        print(f"\ncompose corpus: {stats}")
    assert inexact == []
