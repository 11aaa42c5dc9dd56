"""The result cache: the same output as an uncached run, and exactly the right files linted again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sentra_lint import cache
from tests.conftest import FIXTURES, run_cli

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture(autouse=True)
def _user_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # The signing key lives in the user's cache folder: a private one per test.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg")))


def lint(root: Path, *extra: str, cached: bool = True, fmt: str = "json") -> str:
    args = ["check", ".", "--profile", "all", "--jobs", "1", "--fail-on", "never", "--color", "never", "--format", fmt]
    args += ["--cache-dir", str(root / ".sentra-lint-cache")]
    if not cached:
        args.append("--no-cache")
    res = run_cli(*args, *extra, cwd=root)
    assert res.code == 0, res.out + res.err
    return res.out


def linted() -> list[str]:
    return sorted(cache.LAST.linted)


DOCKERFILE = "FROM python:3.12-slim\nRUN pip install requests\nUSER 1000\n"


def small_tree(root: Path) -> Path:
    for name in ("a", "b", "c"):
        (root / name).mkdir()
        (root / name / "Dockerfile").write_text(DOCKERFILE.replace("requests", f"requests-{name}"), encoding="utf-8")
    return root


def test_a_warm_run_lints_nothing_and_prints_the_same(tmp_path: Path) -> None:
    root = small_tree(tmp_path)
    uncached = lint(root, cached=False)
    assert not (root / ".sentra-lint-cache").exists()
    assert lint(root) == uncached
    assert linted() == ["a/Dockerfile", "b/Dockerfile", "c/Dockerfile"]
    assert lint(root) == uncached
    assert cache.LAST.hits == 3 and linted() == []
    folder = root / ".sentra-lint-cache"
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert (folder / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature: 8a477f597d28d172789f06886806bc55")


def test_a_changed_file_is_the_only_one_linted_again(tmp_path: Path) -> None:
    root = small_tree(tmp_path)
    lint(root)
    (root / "b" / "Dockerfile").write_text("FROM python:3.12-slim\nRUN useradd app\nUSER app\nRUN pip install x\n", encoding="utf-8")
    out = lint(root)
    assert linted() == ["b/Dockerfile"]
    assert out == lint(root, cached=False)
    assert "SD002" in out  # the new content's finding, not the stored one


def test_a_changed_configuration_lints_everything_again(tmp_path: Path) -> None:
    root = small_tree(tmp_path)
    lint(root)
    lint(root)
    assert linted() == []
    (root / ".sentra-lint.yaml").write_text("rules:\n  SD008:\n    enabled: false\n", encoding="utf-8")
    out = lint(root)
    assert linted() == ["a/Dockerfile", "b/Dockerfile", "c/Dockerfile"]
    assert out == lint(root, cached=False)
    lint(root)
    assert linted() == []
    # An option that changes the rules that run is a different key too.
    lint(root, "--select", "SD008")
    assert len(linted()) == 3


def test_a_changed_version_lints_everything_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = small_tree(tmp_path)
    lint(root)
    key = cache.version_key()
    monkeypatch.setattr(cache, "version_key", lambda: key + "-next")
    lint(root)
    assert linted() == ["a/Dockerfile", "b/Dockerfile", "c/Dockerfile"]


def test_a_changed_linked_dockerfile_changes_the_cross_file_finding(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "SX001" / "fail", root)
    first = lint(root, fmt="text")
    assert "SX001" in first
    assert lint(root, fmt="text") == first and linted() == []
    dockerfile = root / "docker" / "agent.Dockerfile"
    dockerfile.write_text(dockerfile.read_text(encoding="utf-8").replace("--user ", ""), encoding="utf-8")
    out = lint(root, fmt="text")
    assert "docker/agent.Dockerfile" in linted()
    assert out == lint(root, cached=False, fmt="text")
    # The cross-file finding now describes the Dockerfile as it is.
    assert "with `pip install --user`" in first
    assert "with `pip install --user`" not in out


def test_a_compose_override_that_appears_is_seen(tmp_path: Path) -> None:
    (tmp_path / "compose.yml").write_text("services:\n  app:\n    image: alpine:3.20\n", encoding="utf-8")
    lint(tmp_path)
    (tmp_path / "compose.override.yml").write_text("services:\n  app:\n    privileged: true\n", encoding="utf-8")
    out = lint(tmp_path)
    assert linted() == ["compose.override.yml", "compose.yml"]
    assert out == lint(tmp_path, cached=False)


def test_fix_is_not_served_a_stale_result(tmp_path: Path) -> None:
    root, twin = tmp_path / "cached", tmp_path / "uncached"
    for folder in (root, twin):
        folder.mkdir()
        (folder / "Dockerfile").write_text("FROM alpine:3.20\nRUN apt-get install -y curl\nUSER 1000\n", encoding="utf-8")
    lint(root)
    lint(root)  # warm
    fixed = lint(root, "--fix")
    assert fixed == lint(twin, "--fix", cached=False)
    text = (root / "Dockerfile").read_text(encoding="utf-8")
    assert "rm -rf /var/lib/apt/lists/*" in text
    assert text == (twin / "Dockerfile").read_text(encoding="utf-8")
    assert lint(root) == lint(root, cached=False)


def test_a_cache_file_not_signed_by_this_user_is_never_loaded(tmp_path: Path) -> None:
    root = small_tree(tmp_path)
    expected = lint(root)
    for stored in (root / ".sentra-lint-cache").rglob("*.pickle"):
        stored.write_bytes(b"\0" * 32 + b"cos\nsystem\n(S'false'\ntR.")
    assert lint(root) == expected
    assert len(linted()) == 3


def _corpus_slice(root: Path) -> int:
    count = 0
    for n, p in enumerate(sorted((CORPUS / "dockerfiles").iterdir())[::60]):
        (root / f"d{n}").mkdir(parents=True)
        shutil.copyfile(p, root / f"d{n}" / "Dockerfile")
        count += 1
    for n, p in enumerate(sorted((CORPUS / "workflows").iterdir())[::60]):
        (root / f"w{n}" / ".github" / "workflows").mkdir(parents=True)
        shutil.copyfile(p, root / f"w{n}" / ".github" / "workflows" / "ci.yml")
        count += 1
    for n, p in enumerate(sorted((CORPUS / "compose").iterdir())[::15]):
        (root / f"c{n}").mkdir(parents=True)
        shutil.copyfile(p, root / f"c{n}" / "compose.yml")
        count += 1
    return count


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not here")
@pytest.mark.parametrize("fmt", ["json", "text", "sarif"])
def test_a_corpus_slice_cached_is_byte_identical(tmp_path: Path, fmt: str) -> None:
    files = _corpus_slice(tmp_path)
    uncached = lint(tmp_path, cached=False, fmt=fmt)
    assert lint(tmp_path, fmt=fmt) == uncached
    cold_linted = len(linted())
    warm = lint(tmp_path, fmt=fmt)
    assert warm == uncached
    assert cache.LAST.hits + cache.LAST.misses == files
    # Only results that must not be kept (timeouts, skipped files, crashes) are linted again.
    assert len(linted()) <= max(1, cold_linted // 20)


CALLER = """on: {trigger}
permissions:
  contents: read
jobs:
  build:
    uses: ./.github/workflows/test.yml
"""
CALLEE = """on: workflow_call
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          ref: ${{ github.event.pull_request.head.sha }}
          persist-credentials: false
      - run: make test
"""


def _no_repository_images(monkeypatch: pytest.MonkeyPatch) -> None:
    """Images built by the repository's workflows make every workflow depend on
    all of them; without any, a called workflow depends on its callers only
    through what it inherits, which is what the caller tests are about."""
    from sentra_lint.container import adapters

    def none_built(root: object, skip: object = None) -> frozenset[str]:
        return frozenset()

    none_built.__sentra_cache_wrapped__ = True  # type: ignore[attr-defined]  # nothing read: nothing to record
    monkeypatch.setattr(adapters, "repository_built_images", none_built)


def _caller_and_callee_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caller: str, callee: str) -> Path:
    """A caller and the workflow it calls, linted twice: the callee is quiet, and the
    second run serves every entry from the cache. Returns the workflows folder."""
    _no_repository_images(monkeypatch)
    flows = tmp_path / ".github" / "workflows"
    flows.mkdir(parents=True)
    (flows / "pr.yml").write_text(caller, encoding="utf-8")
    (flows / "test.yml").write_text(callee, encoding="utf-8")
    quiet = lint(tmp_path, "--select", "SW004", fmt="text")
    assert "test.yml" not in quiet
    lint(tmp_path, "--select", "SW004", fmt="text")
    assert linted() == []  # an unchanged caller: the called workflow's entry is served
    return flows


def test_a_changed_caller_lints_the_reusable_workflow_it_calls_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flows = _caller_and_callee_cached(tmp_path, monkeypatch, CALLER.format(trigger="pull_request"), CALLEE)
    (flows / "pr.yml").write_text(CALLER.format(trigger="pull_request_target"), encoding="utf-8")
    out = lint(tmp_path, "--select", "SW004", fmt="text")
    # the caller changed, and the callee's inheritance with it: both linted again
    assert linted() == [".github/workflows/pr.yml", ".github/workflows/test.yml"]
    assert ".github/workflows/test.yml:11:16: SW004 [error]" in out
    assert "through the caller .github/workflows/pr.yml job 'build' (pull_request_target)" in out
    assert out == lint(tmp_path, "--select", "SW004", fmt="text", cached=False)
    # A change to the caller that leaves what the callee inherits alone: only the caller.
    (flows / "pr.yml").write_text(
        CALLER.format(trigger="pull_request_target") + "  other:\n    uses: ./.github/workflows/none.yml\n",
        encoding="utf-8",
    )
    lint(tmp_path, "--select", "SW004", fmt="text")
    assert linted() == [".github/workflows/pr.yml"]


REF_CALLER = """on: pull_request_target
permissions:
  contents: read
jobs:
  build:
    uses: ./.github/workflows/test.yml
    with:
      ref: {ref}
"""
REF_CALLEE = """on:
  workflow_call:
    inputs:
      ref:
        type: string
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with:
          ref: ${{ inputs.ref }}
          persist-credentials: false
      - run: make test
"""


def test_a_caller_that_starts_passing_the_head_lints_the_callee_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same triggers are inherited before and after: only the input the
    # caller sets to the head changes, and the callee's entry must follow it.
    flows = _caller_and_callee_cached(tmp_path, monkeypatch, REF_CALLER.format(ref="${{ github.sha }}"), REF_CALLEE)
    (flows / "pr.yml").write_text(
        REF_CALLER.format(ref="${{ github.event.pull_request.head.sha }}"), encoding="utf-8"
    )
    out = lint(tmp_path, "--select", "SW004", fmt="text")
    assert linted() == [".github/workflows/pr.yml", ".github/workflows/test.yml"]
    assert ".github/workflows/test.yml:15:16: SW004 [error]" in out
    assert "job 'build' passes 'github.event.pull_request.head.sha' to input 'ref'" in out
    assert out == lint(tmp_path, "--select", "SW004", fmt="text", cached=False)
