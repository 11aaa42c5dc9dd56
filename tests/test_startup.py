"""``check`` imports only what the files it lints need.

Start-up is most of the cost of a pre-commit run on one file, and the heavy
dependencies take tens to hundreds of milliseconds each to import (see
``docs/architecture.md``). Each case runs ``check`` on one small file in a
fresh interpreter and lists ``sys.modules`` at exit: the modules that run
needs must be there (so the case really linted something) and the ones it
does not need must not. This is a check on imports, not on time.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

# Runs the console entry point as `sentra-lint` would, then writes the names of
# every imported module to the file named by the first argument.
PROBE = """
import atexit, sys
out = sys.argv[1]
def dump():
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("\\n".join(sorted(sys.modules)))
atexit.register(dump)
sys.argv = ["sentra-lint", *sys.argv[2:]]
from sentra_lint.cli import main
main()
"""

DOCKERFILE = """\
FROM ubuntu:22.04
RUN apt-get update && apt-get install -y curl \\
    && curl -fsSL https://example.com/install.sh | bash
USER 1000
"""

WORKFLOW = """\
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    container:
      image: node:20
      options: --privileged
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.head_ref }}"
"""

COMPOSE = """\
services:
  web:
    image: nginx:1.27
    privileged: true
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
"""

# Never needed by `check` without a config file: jsonschema validates config
# files only; bashlex and dockerfile-parse are not runtime dependencies.
NEVER = ("jsonschema", "bashlex", "dockerfile_parse")

CASES = {
    # kind: (file name, text, modules that must be imported, modules that must not)
    "dockerfile": (
        "Dockerfile",
        DOCKERFILE,
        ("sentra_lint.dockerfile",),
        (*NEVER, "sentra_lint.yamlmodel", "sentra_lint.workflow", "sentra_lint.compose"),
    ),
    "workflow": (
        ".github/workflows/ci.yml",
        WORKFLOW,
        ("sentra_lint.workflow", "sentra_lint.yamlmodel"),
        (*NEVER, "sentra_lint.dockerfile", "sentra_lint.compose"),
    ),
    "compose": (
        "compose.yml",
        COMPOSE,
        ("sentra_lint.compose", "sentra_lint.yamlmodel"),
        (*NEVER, "tree_sitter", "tree_sitter_bash", "sentra_lint.dockerfile", "sentra_lint.workflow"),
    ),
}


def imported_by_check(tmp_path: Path, name: str, text: str) -> set[str]:
    target = tmp_path / "repo" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    (tmp_path / "repo" / ".git").mkdir()  # stop config discovery at this folder
    listing = tmp_path / "modules.txt"
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(listing), "check", "--format", "json", "--fail-on", "never", name],
        cwd=tmp_path / "repo",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    assert report["summary"]["files"] == 1
    assert not report.get("errors"), report["errors"]
    return set(listing.read_text(encoding="utf-8").split())


def loaded(modules: set[str], name: str) -> bool:
    return name in modules or any(m.startswith(name + ".") for m in modules)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_check_imports_only_what_the_kind_needs(tmp_path: Path, kind: str) -> None:
    name, text, needed, unneeded = CASES[kind]
    modules = imported_by_check(tmp_path, name, text)
    missing = [m for m in needed if not loaded(modules, m)]
    assert not missing, f"the {kind} run did not load {missing}: did it lint anything?"
    extra = sorted(m for m in unneeded if loaded(modules, m))
    assert not extra, f"`check` of one {kind} imported {extra}, which it does not need"


def test_dockerfile_check_does_not_import_the_yaml_library(tmp_path: Path) -> None:
    name, text, _, _ = CASES["dockerfile"]
    modules = imported_by_check(tmp_path, name, text)
    assert not loaded(modules, "ruamel"), "`check` of one Dockerfile imported ruamel.yaml"


def test_check_does_not_import_pydantic(tmp_path: Path) -> None:
    name, text, _, _ = CASES["dockerfile"]
    modules = imported_by_check(tmp_path, name, text)
    assert not loaded(modules, "pydantic"), "`check` imported pydantic (through typer)"


def test_check_does_not_import_tomllib_package_metadata_or_argparse(tmp_path: Path) -> None:
    name, text, _, _ = CASES["dockerfile"]
    modules = imported_by_check(tmp_path, name, text)
    extra = sorted(m for m in ("tomllib", "tomli", "importlib.metadata", "argparse") if loaded(modules, m))
    assert not extra, f"`check` of one Dockerfile imported {extra}, which a plain command line does not need"


# ---------------------------------------------------------------- the dataclass code cache

MODELS = """\
from __future__ import annotations
from dataclasses import field
from sentra_lint._dataclass import dataclass

@dataclass(frozen=True, slots=True)
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = field(default=(), compare=False)

@dataclass(slots=True, order=True)
class Box:
    items: list[int] = field(default_factory=list)
"""


def _build_models(tmp_path: Path, name: str) -> object:
    import importlib.util

    path = tmp_path / f"{name}.py"
    path.write_text(MODELS, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


def _behaviour(module: object) -> list[object]:
    import dataclasses

    point, box = module.Point, module.Box  # type: ignore[attr-defined]
    p = point(1, tags=("a",))
    out: list[object] = [
        repr(p), p == point(1, 0, ("b",)), hash(p) == hash(point(1)), dataclasses.replace(p, y=2),
        [f.name for f in dataclasses.fields(p)], point.__match_args__, point.__slots__,
        box([2]) < box([3]), repr(box()), box().items is not box().items,
    ]
    try:
        p.x = 3  # type: ignore[misc]
    except dataclasses.FrozenInstanceError as exc:
        out.append(type(exc).__name__)
    return [repr(o) for o in out]


def test_dataclass_cache_builds_the_classes_the_standard_decorator_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from sentra_lint import _dataclass

    monkeypatch.setattr(_dataclass, "_cache_root", str(tmp_path / "xdg" / "sentra-lint"))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(_dataclass, "_codes", {})
    monkeypatch.setattr(_dataclass, "_dirty", set())
    first = _build_models(tmp_path, "cache_models_a")
    assert "exec" not in vars(dataclasses), "the stand-in for exec must not outlive the decorator"
    _dataclass._save()
    stored = list((tmp_path / "xdg" / "sentra-lint").glob("dataclass-code-*/cache_models_a.marshal"))
    assert len(stored) == 1

    # a new process: the code comes from the file, and nothing is compiled
    monkeypatch.setattr(_dataclass, "_codes", {})
    compiled: list[str] = []
    real_compile = compile
    monkeypatch.setattr(
        "builtins.compile", lambda src, *a, **k: compiled.append(src) or real_compile(src, *a, **k)
    )
    (tmp_path / "cache_models_b.py").write_text(MODELS, encoding="utf-8")
    stored[0].rename(stored[0].with_name("cache_models_b.marshal"))
    second = _build_models(tmp_path, "cache_models_b")
    monkeypatch.undo()
    assert not [s for s in compiled if isinstance(s, str) and "__create_fn__" in s]

    # the standard decorator, for comparison
    plain = _build_models_plain(tmp_path)
    assert _behaviour(first) == _behaviour(second) == _behaviour(plain)


def _build_models_plain(tmp_path: Path) -> object:
    import importlib.util

    path = tmp_path / "cache_models_plain.py"
    path.write_text(MODELS.replace("from sentra_lint._dataclass import dataclass", "from dataclasses import dataclass"))
    spec = importlib.util.spec_from_file_location("cache_models_plain", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["cache_models_plain"] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["cache_models_plain"]
    return module


def test_a_damaged_dataclass_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sentra_lint import _dataclass

    monkeypatch.setattr(_dataclass, "_cache_root", str(tmp_path / "xdg" / "sentra-lint"))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(_dataclass, "_codes", {})
    monkeypatch.setattr(_dataclass, "_dirty", set())
    path = Path(_dataclass._cache_path("cache_models_c"))
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00not marshal data")
    module = _build_models(tmp_path, "cache_models_c")
    assert _behaviour(module) == _behaviour(_build_models_plain(tmp_path))


def test_every_model_class_uses_the_cached_decorator() -> None:
    package = Path(__file__).resolve().parent.parent / "src" / "sentra_lint"
    direct = sorted(
        str(p.relative_to(package))
        for p in package.rglob("*.py")
        if p.name != "_dataclass.py" and re.search(r"^from dataclasses import .*\bdataclass\b", p.read_text(encoding="utf-8"), re.M)
    )
    assert not direct, f"import dataclass from sentra_lint._dataclass (its code is kept between runs): {direct}"


# ---------------------------------------------------------------- patterns compiled on first use


def test_lazy_pattern_compiles_on_first_use_and_then_is_the_pattern() -> None:
    from sentra_lint._lazy_re import lazy_compile

    pattern = lazy_compile(r"(?P<word>[a-z]+)-(\d+)", re.IGNORECASE)
    assert "search" not in vars(pattern)
    m = pattern.search("x ABC-12")
    assert m is not None and m.group("word") == "ABC" and m.span() == (2, 8)
    assert "search" in vars(pattern)  # later calls find the bound method directly
    real = re.compile(r"(?P<word>[a-z]+)-(\d+)", re.IGNORECASE)
    assert pattern.pattern == real.pattern and pattern.flags == real.flags
    assert pattern.groups == 2 and dict(pattern.groupindex) == {"word": 1}
    assert pattern.sub("_", "a-1 b-2") == "_ _" and pattern.findall("a-1") == [("a", "1")]
    assert [x.group() for x in pattern.finditer("a-1 b-2")] == ["a-1", "b-2"]
    assert pattern.fullmatch("a-1") and not pattern.match(" a-1")
    assert pattern.split("x a-1 y") == real.split("x a-1 y") and pattern.subn("", "a-1") == ("", 1)


def test_pyyaml_imported_by_the_loader_still_resolves_with_its_own_patterns() -> None:
    """The loader imports PyYAML with its patterns compiled on first use; PyYAML's own loaders still work."""
    code = """
import datetime, re, sys
from sentra_lint.yamlmodel.loader import _import_pyyaml
_import_pyyaml()
assert re.compile.__module__ == "re", "re.compile must be restored"
import yaml
assert "search" not in vars(yaml.reader.Reader.NON_PRINTABLE), "compiled at import"
doc = yaml.safe_load("a: 2001-12-14\\nb: 0x1F\\nc: yes\\nd: ~\\ne: 1.5e+3\\n")
assert doc == {"a": datetime.date(2001, 12, 14), "b": 31, "c": True, "d": None, "e": 1500.0}, doc
try:
    yaml.safe_load("a: \\x07")
except yaml.reader.ReaderError:
    pass
else:
    raise AssertionError("the reader's printable check did not run")
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_the_shell_parser_loads_the_bash_grammar_without_importlib_resources(tmp_path: Path) -> None:
    name, text, _, _ = CASES["dockerfile"]
    modules = imported_by_check(tmp_path, name, text)
    assert loaded(modules, "tree_sitter"), "the case has RUN scripts: the shell parser should have run"
    assert not loaded(modules, "importlib.resources"), "tree_sitter_bash's __init__ (importlib.resources) was imported"


def test_a_dataclass_cache_file_others_may_write_is_not_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import marshal

    from sentra_lint import _dataclass

    monkeypatch.setattr(_dataclass, "_cache_root", str(tmp_path / "xdg" / "sentra-lint"))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = Path(_dataclass._cache_path("cache_models_d"))
    path.parent.mkdir(parents=True)
    path.write_bytes(marshal.dumps({"def f(): pass": compile("x = 1", "<string>", "exec")}))
    path.chmod(0o600)
    assert len(_dataclass._load("cache_models_d")) == 1
    path.chmod(0o666)
    assert _dataclass._load("cache_models_d") == {}


def test_every_model_class_has_a_docstring() -> None:
    """dataclasses writes a missing class docstring from inspect.signature, a cost paid at every import."""
    import ast

    package = Path(__file__).resolve().parent.parent / "src" / "sentra_lint"
    missing = []
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and not ast.get_docstring(node):
                decorators = [d.func if isinstance(d, ast.Call) else d for d in node.decorator_list]
                if any(isinstance(d, ast.Name) and d.id == "dataclass" for d in decorators):
                    missing.append(f"{path.relative_to(package)}: {node.name}")
    assert not missing, f"give these dataclasses a docstring: {sorted(missing)}"


def test_the_dataclass_cache_is_beside_the_bytecode_and_follows_its_switch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache lives in the package's own ``__pycache__`` (no other folder's content
    becomes code), and like bytecode it is not written under ``PYTHONDONTWRITEBYTECODE``."""
    import sentra_lint
    from sentra_lint import _dataclass

    package = Path(sentra_lint.__file__).resolve().parent
    assert Path(_dataclass._cache_path("m")).resolve().is_relative_to(package / "__pycache__")

    monkeypatch.setattr(_dataclass, "_cache_root", str(tmp_path / "root"))
    monkeypatch.setattr(_dataclass, "_codes", {})
    monkeypatch.setattr(_dataclass, "_dirty", set())
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    _build_models(tmp_path, "cache_models_e")
    _dataclass._save()
    assert not (tmp_path / "root").exists()
