"""Hypothesis strategies: structured inputs for each parser, and mutations of seeds.

Every test here runs under :data:`FUZZ`, a derandomized profile with a
bounded number of examples and no per-example deadline (timing is checked by
the product's own per-file budget, never by a flaky deadline).
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from sentra_lint.fuzz import TOKENS, mutate

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
"""The profile for CI: the same examples on every run, a few seconds per target."""

# Text a read can produce: any code point but lone surrogates.
chars = st.characters(exclude_categories=["Cs"])
noise = st.text(chars, max_size=200)
syntax = st.sampled_from(TOKENS)


def mixed(parts: st.SearchStrategy[str], max_size: int = 40) -> st.SearchStrategy[str]:
    """Text made of structured parts, syntax tokens and noise."""
    return st.lists(st.one_of(parts, parts, syntax, noise), max_size=max_size).map("".join)


_words = st.sampled_from(
    ("curl", "wget", "pip", "apt-get", "sudo", "sh", "bash", "-c", "install", "-y", "-fsSL", "|", "&&", "||",
     ";", ">", "2>&1", "$HOME", "${A:-b}", "$(id -u)", "`x`", "'q q'", '"d $x"', "\\", "\\\n", "<<EOF", "EOF",
     "https://x/y.sh", "--privileged", "docker", "run", "-v", "/:/h", "chmod", "777", "useradd", "USER")
)
shell_text = st.lists(st.one_of(_words, syntax), max_size=40).map(" ".join)

_keywords = st.sampled_from(
    ("FROM", "RUN", "USER", "ARG", "ENV", "COPY", "ADD", "CMD", "ENTRYPOINT", "SHELL", "HEALTHCHECK", "ONBUILD",
     "WORKDIR", "EXPOSE", "LABEL", "VOLUME", "STOPSIGNAL", "MAINTAINER", "from", "# escape=`", "# syntax=x", "#")
)
_df_args = st.one_of(
    shell_text,
    st.sampled_from(("ubuntu:22.04 AS b", "--from=b /a /b", '["sh", "-c", "x"]', '["a"', "<<EOF\nx\nEOF",
                     "<<-A cat\n\tA", "--mount=type=cache,target=/c pip install x", "${A:-b}", "\\")),
)
dockerfile_line = st.tuples(_keywords, st.sampled_from((" ", "\t", "")), _df_args).map("".join)
dockerfile = st.lists(dockerfile_line, max_size=15).map("\n".join)


def _yaml_scalar() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(("x", "'q'", '"d\\u0041"', "|\n  block", ">-\n  folded", "~", "null", "yes", "0x1F", "1e3",
                         "&a v", "*a", "!!python/object/apply:os.system ['true']", "!!binary aGk=", "[a, b]",
                         "{a: b}", "${{ github.event.issue.title }}", "echo ${{ inputs.x }}",
                         "[no-new-privileges:true]", "[a:b, ? k : v]", "{? lone}", "\t1", "[*a, *b]",
                         "{{ templated }}", "'{% if x %}'")),
        noise.map(repr),
    )


_yaml_keys = st.sampled_from(("on", "jobs", "a", "runs-on", "steps", "run", "uses", "with", "container", "options",
                              "services", "image", "privileged", "cap_add", "<<", "? x", "permissions", "env"))


@st.composite
def yaml_doc(draw: st.DrawFn, depth: int = 0) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        key = draw(_yaml_keys)
        indent = "  " * depth
        if depth < 4 and draw(st.booleans()):
            lines.append(f"{indent}{key}:")
            child = draw(yaml_doc(depth + 1))
            if draw(st.booleans()):
                child = "\n".join(f"{'  ' * (depth + 1)}- {ln.strip()}" for ln in child.splitlines() if ln.strip())
            lines.append(child)
        else:
            lines.append(f"{indent}{key}: {draw(_yaml_scalar())}")
    return "\n".join(lines)


flag_text = st.lists(
    st.one_of(
        st.sampled_from(("--privileged", "--cap-add", "ALL", "--cap-drop=ALL", "-m", "1g", "--memory=", "-itd",
                         "--user", "0", "-u=root", "--security-opt", "seccomp=unconfined", "--tmpfs",
                         "/tmp:size=1m", "--mount", "type=bind,src=/,dst=/h", "-v", "/var/run/docker.sock:/s",
                         "--pids-limit=-1", "--cpus", "1/0", "--", "image", "sh", "-c", "${{ matrix.o }}",
                         "$OPTS", "'a b'", '"c', "docker", "run", "--network=host", "-e", "A=$(x)")),
        syntax,
    ),
    max_size=30,
).map(" ".join)

size_text = st.one_of(
    st.from_regex(r"\A\s?[+-]?\d{0,30}(\.\d{0,5})?\s?([bkmgtpBKMGTP]i?[bB]?)?\s?\Z"),
    st.from_regex(r"\A\d{1,6}/\d{1,6}\Z"),
    st.sampled_from(("-1", "0", "inf", "nan", "1e400", "0x10", "0o7", "0b1", "010", "08", "9" * 5000, "1" * 5000 + "/1")),
    noise,
)

_expr_atoms = st.sampled_from(
    ("github.event.issue.title", "inputs.x", "matrix.os", "steps.a.outputs['b']", "github.event.commits.*.message",
     "'str''q'", "1", "0x1F", "-2.5e3", "true", "null", "env.A", "secrets.T", "fromJSON(", "toJSON(", "format(",
     "contains(", "startsWith(", "join(", "hashFiles(", "success()", "(", ")", "[", "]", "*", ".", ",", "!", "&&",
     "||", "==", "!=", "<=", ">", "${{", "}}")
)
expression = st.lists(st.one_of(_expr_atoms, _expr_atoms, syntax), max_size=30).map(" ".join)

interpolation = mixed(st.sampled_from(("${", "}", "$$", "$", "A", ":-", "-", ":?", "?", ":+", "+", "err", "${A}")))

_json_parts = st.sampled_from(('{', '}', '[', ']', '"runArgs"', ': ', ',', '"--privileged"', '"-m"', '"1g"', "//c\n",
                               "/* b */", "/*", "true", "null", "1e9", '"\\u00e9"', '"\\', '"a": 1', '"a": 1'))
devcontainer = mixed(_json_parts, max_size=60)


@st.composite
def mutated(draw: st.DrawFn, seeds: list[str], rounds: int = 4) -> str:
    """One seed after up to ``rounds`` mutations chosen by hypothesis (shrinks to fewer)."""
    text = draw(st.sampled_from(seeds)) if seeds else ""
    for _ in range(draw(st.integers(0, rounds))):
        rng = random.Random(draw(st.integers(0, 2**32 - 1)))
        text = mutate(rng, text, seeds)
    return text.encode("utf-8", "replace").decode("utf-8")
