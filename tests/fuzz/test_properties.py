"""Every parser and tokenizer: a result or an SE finding, never an exception.

Structured inputs (hypothesis strategies) and mutations of the built-in seeds
and of a fixed sample of the shared corpus go through the same targets as
``python -m sentra_lint.fuzz``. The budget per input is generous (the
product's default per-file budget); a slow input fails as ``slow``.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sentra_lint.container.sizes import format_bytes, parse_bytes
from sentra_lint.fuzz import TARGETS, check_one, corpus_files, lint_text
from sentra_lint.io import decode
from sentra_lint.source import Kind, normalise_newlines
from tests.conftest import CORPUS
from tests.fuzz import strategies as s

BUDGET = 30.0


def holds(target: str, text: str) -> None:
    failure = check_one(TARGETS[target], text, BUDGET)
    assert failure is None, f"{failure.kind}: {failure.summary}\n{failure.detail}"


@s.FUZZ
@given(s.dockerfile)
def test_dockerfile_model_and_heredocs(text: str) -> None:
    holds("dockerfile", text)


@s.FUZZ
@given(s.shell_text)
def test_shell_analysis(text: str) -> None:
    holds("shell", text)


@s.FUZZ
@given(s.yaml_doc())
def test_yaml_loading(text: str) -> None:
    holds("yaml", text)


@s.FUZZ
@given(s.flag_text)
def test_docker_flag_grammar(text: str) -> None:
    holds("flags", text)


@s.FUZZ
@given(s.size_text)
def test_size_units(text: str) -> None:
    holds("sizes", text)


@s.FUZZ
@given(s.expression)
def test_actions_expressions(text: str) -> None:
    holds("expressions", text)


@s.FUZZ
@given(s.interpolation)
def test_compose_interpolation(text: str) -> None:
    holds("interpolation", text)


@s.FUZZ
@given(s.devcontainer)
def test_devcontainer_json_with_comments(text: str) -> None:
    holds("devcontainer", text)


@s.FUZZ
@given(s.yaml_doc())
def test_whole_engine_on_generated_workflows_and_compose(text: str) -> None:
    holds("lint-workflow", text)
    holds("lint-compose", text)


@s.FUZZ
@given(s.dockerfile)
def test_whole_engine_on_generated_dockerfiles(text: str) -> None:
    holds("lint-dockerfile", text)


@s.FUZZ
@given(s.devcontainer)
def test_whole_engine_on_generated_devcontainers(text: str) -> None:
    holds("lint-devcontainer", text)


# Mutations of seeds: the built-in ones for every target, the corpus for the engine.

@pytest.mark.parametrize("name", sorted(TARGETS))
@s.FUZZ
@given(data=st.data())
def test_mutated_seeds(name: str, data: st.DataObject) -> None:
    target = TARGETS[name]
    holds(name, data.draw(s.mutated(list(target.seeds))))


_SAMPLE: dict[str, list[str]] = {}


def _corpus_sample(name: str) -> list[str]:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    if name not in _SAMPLE:
        _SAMPLE[name] = corpus_files(CORPUS, TARGETS[name].corpus, limit=40, rng=random.Random(name))
    return _SAMPLE[name]


@pytest.mark.parametrize("name", ["lint-dockerfile", "lint-workflow", "lint-compose"])
@s.FUZZ
@given(data=st.data())
def test_mutated_corpus_files(name: str, data: st.DataObject) -> None:
    holds(name, data.draw(s.mutated(_corpus_sample(name), rounds=3)))


# Properties beyond "no exception".

@s.FUZZ
@given(st.integers(0, 2**50), st.sampled_from([1, 1024, 1024**2, 1024**3, 1024**4, 1024**5]))
def test_format_bytes_reads_back(n: int, unit: int) -> None:
    size = min(n * unit, 2**63 - 1)  # Docker reads sizes into an int64
    assert parse_bytes(format_bytes(size)) == size


@s.FUZZ
@given(s.dockerfile, st.sampled_from(["\r\n", "\r"]), st.booleans())
def test_line_endings_and_bom_keep_line_numbers(text: str, newline: str, bom: bool) -> None:
    text = text.replace("\r", "").replace("\x00", "")  # NUL makes it a binary file
    raw = ("\ufeff" if bom else "") + text.replace("\n", newline)
    decoded = normalise_newlines(decode(raw.encode("utf-8")))
    assert decoded == text
    plain = lint_text(text, Kind.DOCKERFILE, "Dockerfile")
    other = lint_text(decoded, Kind.DOCKERFILE, "Dockerfile")
    assert [(f.rule, f.span) for f in plain.findings] == [(f.rule, f.span) for f in other.findings]


@s.FUZZ
@given(s.yaml_doc())
def test_utf16_reads_like_utf8(text: str) -> None:
    for encoding in ("utf-16", "utf-16-le", "utf-16-be"):
        data = text.encode(encoding)
        if encoding != "utf-16":
            data = ("\ufeff").encode(encoding) + data
        assert decode(data) == text
