"""The shape of the house, kept by a test (docs/architecture.md, CONTRIBUTING.md).

* Rules import only models, ``rulebase``/``findings`` and their own helpers:
  never a parser, the engine, the command line or a reporter.
* Reporters read a finished result: they import neither rules nor the engine.
* ``crossfile/`` imports nothing from ``rules/``.
* No import cycle in ``src/sentra_lint`` (imports inside functions count too).

Imports are read from the source with :mod:`ast`, so nothing is executed.
An allow-list below names each exception that is still being moved out; it
may only shrink (a test fails when an entry no longer matches anything).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "sentra_lint"

# A rule never calls these: the model carries what they compute.
PARSER_MODULES = frozenset(
    {
        "sentra_lint.shell.parser",
        "sentra_lint.dockerfile.parser",
        "sentra_lint.dockerfile.script",
        "sentra_lint.yamlmodel.loader",
    }
)
PARSER_NAMES = frozenset(
    {
        "parse_shell", "parse_argv", "parse_fallback", "parse_mapped", "parse_dockerfile", "run_script",
        "substitute", "load_yaml", "parse_expression", "find_expressions", "split_words",
    }
)

# What a rule may import from sentra_lint (a module, or a package and everything in it).
RULE_MAY_IMPORT = (
    "sentra_lint.findings",
    "sentra_lint.rulebase",
    "sentra_lint.source",
    "sentra_lint.rules",  # its own helpers (rules/_*.py)
    # the models and what is computed on them
    "sentra_lint.dockerfile",
    "sentra_lint.shell",
    "sentra_lint.workflow",
    "sentra_lint.yamlmodel",
    "sentra_lint.container",
    "sentra_lint.compose",
    "sentra_lint.devcontainer",
    "sentra_lint.images",
    "sentra_lint.agents",  # agent detection and posture: facts on the launches and steps
    "sentra_lint.crossfile.repository",
    "sentra_lint.crossfile.facts",
    "sentra_lint.crossfile.image",
    "sentra_lint.crossfile.names",
    "sentra_lint.crossfile.wording",
    "sentra_lint.crossfile",
    "sentra_lint.filecache",
    "sentra_lint._dataclass",  # dataclasses.dataclass with its generated code kept between runs
    "sentra_lint._lazy_re",  # regular expressions compiled on first use
)

# (importing module, imported module, name or "") still to be moved out of rules/.
# Shrinks as the analysis moves beside its models; never grows.
ALLOWED_PARSER_IMPORTS: frozenset[tuple[str, str, str]] = frozenset()
# crossfile/ modules that still import Dockerfile analysis from rules/.
ALLOWED_CROSSFILE_TO_RULES: frozenset[tuple[str, str]] = frozenset()
# Import cycles still to be broken, each as the sorted modules of the cycle.
ALLOWED_CYCLES: frozenset[tuple[str, ...]] = frozenset()


@dataclass(frozen=True, slots=True)
class Import:
    source: str
    """The importing module."""
    target: str
    """The imported module (for ``from pkg import mod``, ``pkg.mod`` when it is a module)."""
    name: str
    """The name taken from ``target`` (``""`` for ``import x``)."""
    typing_only: bool = False
    """Inside ``if TYPE_CHECKING:``: never executed, so it cannot make a run-time cycle."""


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


def _resolve(source: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    is_package = MODULES[source].name == "__init__.py"
    base = source.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _typing_only_nodes(tree: ast.Module) -> set[int]:
    """ids of the import nodes under an ``if TYPE_CHECKING:`` block."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and (
            (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
            or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
        ):
            for stmt in node.body:
                out.update(id(n) for n in ast.walk(stmt))
    return out


def imports_of(source: str) -> Iterator[Import]:
    tree = ast.parse(MODULES[source].read_text(encoding="utf-8"))
    typing_only = _typing_only_nodes(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE):
                    yield Import(source, alias.name, "", id(node) in typing_only)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(source, node)
            if not target.startswith(PACKAGE):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield Import(source, sub if sub in MODULES else target, alias.name, id(node) in typing_only)


ALL_IMPORTS = [imp for m in MODULES for imp in imports_of(m)]


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _is_rule_module(module: str) -> bool:
    return _under(module, "sentra_lint.rules") and module != "sentra_lint.rules"


def _is_parser_import(imp: Import) -> bool:
    return imp.target in PARSER_MODULES or (imp.name in PARSER_NAMES and imp.target != imp.source)


def test_the_import_reader_sees_the_package() -> None:
    assert "sentra_lint.engine" in MODULES and "sentra_lint.rules.sd001_root_user" in MODULES
    assert any(i.source == "sentra_lint.engine" and i.target == "sentra_lint.result" for i in ALL_IMPORTS)


def test_rules_import_only_models_rulebase_findings_and_their_helpers() -> None:
    wrong = sorted(
        f"{i.source} imports {i.target}"
        for i in ALL_IMPORTS
        if _is_rule_module(i.source) and not any(_under(i.target, ok) for ok in RULE_MAY_IMPORT)
    )
    assert not wrong, "\n".join(wrong)


def test_rules_never_call_a_parser() -> None:
    found = {(i.source, i.target, i.name) for i in ALL_IMPORTS if _is_rule_module(i.source) and _is_parser_import(i)}
    new = sorted(found - ALLOWED_PARSER_IMPORTS)
    assert not new, "rules must read parsed facts from the model:\n" + "\n".join(map(str, new))
    gone = sorted(ALLOWED_PARSER_IMPORTS - found)
    assert not gone, "moved out: remove from ALLOWED_PARSER_IMPORTS:\n" + "\n".join(map(str, gone))


def test_rules_import_neither_engine_nor_cli_nor_reporters() -> None:
    forbidden = (
        "sentra_lint.engine", "sentra_lint.check", "sentra_lint.cli", "sentra_lint.cli_app",
        "sentra_lint.cli_check", "sentra_lint.reporters", "sentra_lint.config", "sentra_lint.selection",
    )
    wrong = sorted(
        f"{i.source} imports {i.target}"
        for i in ALL_IMPORTS
        if _is_rule_module(i.source) and any(_under(i.target, f) for f in forbidden)
    )
    assert not wrong, "\n".join(wrong)


def test_reporters_import_neither_rules_nor_the_engine() -> None:
    forbidden = ("sentra_lint.rules", "sentra_lint.engine", "sentra_lint.check", "sentra_lint.sources", "sentra_lint.io")
    wrong = sorted(
        f"{i.source} imports {i.target}"
        for i in ALL_IMPORTS
        if _under(i.source, "sentra_lint.reporters") and any(_under(i.target, f) for f in forbidden)
    )
    assert not wrong, "reporters read the RunResult only:\n" + "\n".join(wrong)


def test_crossfile_imports_nothing_from_rules() -> None:
    found = {
        (i.source, i.target)
        for i in ALL_IMPORTS
        if _under(i.source, "sentra_lint.crossfile") and _under(i.target, "sentra_lint.rules")
    }
    new = sorted(found - ALLOWED_CROSSFILE_TO_RULES)
    assert not new, "\n".join(map(str, new))
    gone = sorted(ALLOWED_CROSSFILE_TO_RULES - found)
    assert not gone, "moved out: remove from ALLOWED_CROSSFILE_TO_RULES:\n" + "\n".join(map(str, gone))


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for i in ALL_IMPORTS:
        if i.typing_only:
            continue
        target = i.target
        while target and target not in MODULES:
            target = target.rpartition(".")[0]
        # a package's face (__init__) re-exports: importing it is not importing its parent's users
        if target and target != i.source and not _under(i.source, target):
            graph[i.source].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[tuple[str, ...]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(tuple(sorted(comp)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles() -> None:
    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        found = set(_cycles(_graph()))
    finally:
        sys.setrecursionlimit(limit)
    new = sorted(found - ALLOWED_CYCLES)
    assert not new, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in new)
    gone = sorted(ALLOWED_CYCLES - found)
    assert not gone, "broken: remove from ALLOWED_CYCLES:\n" + "\n".join(map(str, gone))


@pytest.mark.parametrize("name", ["sentra_lint.cli", "sentra_lint.cli_app"])
def test_cli_and_cli_app_do_not_import_each_other(name: str) -> None:
    other = {"sentra_lint.cli": "sentra_lint.cli_app", "sentra_lint.cli_app": "sentra_lint.cli"}[name]
    if name == "sentra_lint.cli":
        # main() hands what its fast path does not take to the typer app: one way only.
        assert not any(i.source == other and i.target == name for i in ALL_IMPORTS)
    else:
        assert not any(i.source == name and i.target == other for i in ALL_IMPORTS)


def test_cli_functions_are_short() -> None:
    tree = ast.parse(MODULES["sentra_lint.cli"].read_text(encoding="utf-8"))
    long = [
        f"{n.name}: {n.end_lineno - n.lineno + 1} lines"
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.end_lineno and n.end_lineno - n.lineno + 1 > 60
    ]
    assert not long, "\n".join(long)
