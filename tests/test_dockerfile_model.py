"""The Dockerfile lexer and model: positions, continuations, heredocs, stages."""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path

import pytest

from sentra_lint.dockerfile import (
    Dockerfile,
    Instruction,
    parse_dockerfile,
    run_script,
    substitute,
)
from sentra_lint.source import SourceFile, Span, normalise_newlines

CORPUS = Path("/work/shared/corpus/dockerfiles")


def parse(text: str) -> Dockerfile:
    return parse_dockerfile(SourceFile("Dockerfile", normalise_newlines(text)))


def at(df: Dockerfile, start: int, end: int) -> str:
    return df.source.text[start:end]


def first(df: Dockerfile, keyword: str) -> Instruction:
    return next(i for i in df.instructions if i.keyword == keyword)


def problems(df: Dockerfile) -> list[tuple[int, str]]:
    return [(p.span.line, p.message) for p in df.problems]


# -- basics ------------------------------------------------------------------------


def test_simple_file() -> None:
    df = parse("FROM python:3.12-slim\nRUN pip install x\nUSER app\n")
    assert [i.keyword for i in df.instructions] == ["FROM", "RUN", "USER"]
    assert [i.line for i in df.instructions] == [1, 2, 3]
    run = df.instructions[1]
    assert run.keyword_span == Span(2, 1, 2, 4)
    assert run.span == Span(2, 1, 2, 18)
    assert at(df, run.args_start, run.args_end) == "pip install x"
    assert run.args == "pip install x"
    assert df.problems == ()


def test_empty_file() -> None:
    df = parse("")
    assert df.instructions == () and df.stages == () and df.problems == ()
    assert df.final_stage is None


def test_lowercase_keywords_and_indent() -> None:
    df = parse("from alpine\n  run  apk add curl\n")
    run = df.instructions[1]
    assert run.keyword == "RUN" and run.raw_keyword == "run"
    assert run.keyword_span == Span(2, 3, 2, 6)
    assert at(df, run.args_start, run.args_end) == "apk add curl"


def test_crlf_input() -> None:
    df = parse("FROM alpine\r\nRUN echo a \\\r\n  b\r\nUSER app\r\n")
    assert [i.line for i in df.instructions] == [1, 2, 4]
    script = run_script(df.instructions[1])
    assert script is not None and script.commands[0].texts == ("echo", "a", "b")


def test_unknown_instruction_does_not_hide_the_rest() -> None:
    df = parse("FROM alpine\nFOO bar\nRUN apk add x\n")
    assert problems(df) == [(2, "unknown instruction 'FOO'")]
    assert [i.keyword for i in df.instructions] == ["FROM", "FOO", "RUN"]
    assert run_script(df.instructions[2]) is not None


def test_instruction_before_from() -> None:
    df = parse("ARG V=1\nRUN echo\nFROM alpine\n")
    assert problems(df) == [
        (2, "RUN before the first FROM: only ARG and parser directives may come first")
    ]
    assert df.instructions[0].stage == -1 and df.instructions[1].stage == -1


def test_no_from() -> None:
    df = parse("RUN echo hi\n")
    assert (1, "no FROM instruction") in problems(df)


def test_missing_arguments() -> None:
    df = parse("FROM alpine\nRUN\nUSER app\n")
    assert problems(df) == [(2, "RUN needs arguments")]


# -- directives and comments ----------------------------------------------------------


def test_directives() -> None:
    df = parse("# syntax=docker/dockerfile:1.7\n# escape=`\n# check=skip=all\nFROM alpine\n")
    assert df.syntax == "docker/dockerfile:1.7"
    assert df.escape == "`"
    assert df.check_directive == "skip=all"
    assert [c.text for c in df.comments][:2] == ["# syntax=docker/dockerfile:1.7", "# escape=`"]


def test_directive_after_a_comment_is_a_comment() -> None:
    df = parse("# hello\n# escape=`\nFROM alpine\n")
    assert df.escape == "\\"
    assert df.directives == ()


def test_directive_after_blank_line_is_ignored() -> None:
    df = parse("\n# escape=`\nFROM alpine\n")
    assert df.escape == "\\"


def test_invalid_escape() -> None:
    df = parse("# escape=x\nFROM alpine\n")
    assert df.escape == "\\"
    assert problems(df)[0][0] == 1 and "invalid escape" in problems(df)[0][1]


def test_comments_have_spans() -> None:
    df = parse("FROM alpine\n  # sentra-lint: ignore[SD001]\nUSER root\n")
    (c,) = df.comments
    assert c.text == "# sentra-lint: ignore[SD001]"
    assert c.span == Span(2, 3, 2, 31)
    assert at(df, c.start, c.end) == c.text


def test_hash_inside_arguments_is_not_a_comment() -> None:
    df = parse("FROM alpine\nRUN echo # not a comment\n")
    assert df.comments == ()
    assert df.instructions[1].args == "echo # not a comment"


# -- continuations ------------------------------------------------------------------


def test_continuation_lines() -> None:
    text = "FROM alpine\nRUN apk add \\\n      curl \\\n      git\nUSER app\n"
    df = parse(text)
    run = df.instructions[1]
    assert run.span == Span(2, 1, 4, 10)
    assert [w.text for w in run.words] == ["apk", "add", "curl", "git"]
    assert [i.line for i in df.instructions] == [1, 2, 5]
    script = run_script(run)
    assert script is not None and script.ok
    cmd = script.commands[0]
    assert cmd.texts == ("apk", "add", "curl", "git")
    assert df.source.span(cmd.argv[3].start, cmd.argv[3].end) == Span(4, 7, 4, 10)


def test_comment_and_blank_lines_inside_continuation_are_dropped() -> None:
    text = (
        "FROM debian\n"
        "RUN apt-get update && \\\n"
        "    # install the tools\n"
        "\n"
        "    apt-get install -y \\\n"
        "    # the client\n"
        "      curl\n"
        "USER app\n"
    )
    df = parse(text)
    assert [i.keyword for i in df.instructions] == ["FROM", "RUN", "USER"]
    assert [c.text for c in df.comments] == ["# install the tools", "# the client"]
    script = run_script(df.instructions[1])
    assert script is not None
    assert [c.texts for c in script.commands] == [
        ("apt-get", "update"),
        ("apt-get", "install", "-y", "curl"),
    ]
    curl = script.commands[1].argv[3]
    assert df.source.span(curl.start, curl.end) == Span(7, 7, 7, 11)


def test_continuation_with_trailing_blanks() -> None:
    df = parse("FROM alpine\nRUN apk add \\  \n    curl\n")
    script = run_script(df.instructions[1])
    assert script is not None and script.commands[0].texts == ("apk", "add", "curl")


def test_continuation_at_end_of_file() -> None:
    df = parse("FROM alpine\nENV A=1 \\\n    B=2 \\\n")
    env = df.instructions[1]
    assert [w.text for w in env.words] == ["A=1", "B=2"]


def test_lone_escape_line() -> None:
    df = parse("FROM alpine\n \\\nRUN echo hi\n")
    assert [i.keyword for i in df.instructions] == ["FROM", "RUN"]
    assert df.problems == ()


def test_escaped_escape_does_not_continue() -> None:
    df = parse("FROM alpine\nCOPY a C:\\\\dir\\\\\nRUN echo\n")
    assert [i.keyword for i in df.instructions] == ["FROM", "COPY", "RUN"]


def test_backtick_escape() -> None:
    text = (
        "# escape=`\nFROM alpine\nCOPY app C:\\app\\\nRUN echo one `\n    two\nUSER ContainerUser\n"
    )
    df = parse(text)
    assert [i.keyword for i in df.instructions] == ["FROM", "COPY", "RUN", "USER"]
    copy = df.instructions[1]
    assert [w.text for w in copy.words] == ["app", "C:\\app\\"]
    run = df.instructions[2]
    assert run.span.end_line == 5
    script = run_script(run)
    assert script is not None and script.commands[0].texts == ("echo", "one", "two")


# -- exec form, flags --------------------------------------------------------------


def test_exec_form_and_shell_form() -> None:
    df = parse(
        'FROM alpine\nCMD ["python", "-m", "app"]\nENTRYPOINT /bin/run --x\n'
        "RUN [ -f /etc/x ] && echo yes\n"
    )
    cmd, entry, run = df.instructions[1:]
    assert cmd.exec_form == ("python", "-m", "app")
    assert entry.exec_form is None and entry.is_shell_form
    assert run.exec_form is None and df.problems == ()
    script = run_script(run)
    assert script is not None and [c.name for c in script.commands] == ["[", "echo"]


def test_exec_form_over_continuation_lines() -> None:
    df = parse('FROM alpine\nCMD ["a", \\\n     "b"]\n')
    assert df.instructions[1].exec_form == ("a", "b")


def test_unterminated_json_array_is_shell_form() -> None:
    # BuildKit runs `CMD ["echo", "hi"` (no closing bracket) in shell form, without an error
    df = parse('FROM alpine\nCMD ["echo", "hi"\nUSER app\n')
    assert problems(df) == []
    assert df.instructions[1].exec_form is None and df.instructions[1].is_shell_form
    assert df.instructions[2].keyword == "USER"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("ENV PATH", "ENV PATH has no value: write `ENV PATH=<value>`"),
        ("ENV A=1 B", "ENV 'B' is not of the form NAME=value"),
        ("COPY app.py", "COPY needs a source and a destination (`COPY <src>... <dest>`)"),
        ('COPY ["app.py"]', "COPY needs a source and a destination (`COPY <src>... <dest>`)"),
        (
            "RUN --foo echo",
            "unknown flag --foo for RUN (known: --device, --mount, --network, --security)",
        ),
        (
            "FROM x AS a AS b",
            "FROM takes an image and optionally `AS <name>`: 'AS a AS b' is not that",
        ),
        ("FROM x y", "FROM takes an image and optionally `AS <name>`: 'y' is not that"),
    ],
)
def test_errors_buildkit_reports(line: str, message: str) -> None:
    df = parse(f"FROM alpine\n{line}\nUSER app\n")
    assert problems(df) == [(2, message)]
    assert df.instructions[-1].keyword == "USER"  # the rest is still read


@pytest.mark.parametrize(
    "line",
    [
        "ENV PATH /usr/bin",
        "ENV A=1 B=2",
        'ENV A="x y" B=$C',
        "COPY <<EOF /x",
        "COPY a b",
        "RUN --mount=type=cache,target=/x --network=none --security=sandbox echo",
        "ADD --checksum=sha256:00 --keep-git-dir --link --unpack=true a b",
        "FROM x AS a",
        "FROM --platform=$BUILDPLATFORM x",
    ],
)
def test_shapes_buildkit_accepts(line: str) -> None:
    df = parse(f"FROM alpine\n{line}\nEOF\n" if "<<" in line else f"FROM alpine\n{line}\n")
    assert problems(df) == []


def test_run_exec_form_sh_c() -> None:
    text = 'FROM alpine\nRUN ["sh", "-c", "curl -fsSL https://x | sh"]\n'
    df = parse(text)
    script = run_script(df.instructions[1])
    assert script is not None
    assert [c.name for c in script.commands] == ["sh", "curl", "sh"]
    curl = script.commands[1]
    assert curl.context == "shell_c"
    assert at(df, curl.argv[1].start, curl.argv[1].end) == "-fsSL"
    assert at(df, curl.start, curl.end) == "curl -fsSL https://x"


def test_run_exec_form_without_shell() -> None:
    df = parse('FROM alpine\nRUN ["pip", "install", "x"]\n')
    script = run_script(df.instructions[1])
    assert script is not None
    (pip,) = script.commands
    assert pip.texts == ("pip", "install", "x")
    assert at(df, pip.argv[0].start, pip.argv[0].end) == '"pip"'


def test_flags() -> None:
    text = (
        "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"
        "RUN --mount=type=cache,target=/root/.cache/pip --mount=type=secret,id=npm "
        "--network=host --security=insecure pip install x\n"
        "COPY --from=build --chown=app:app --chmod=0755 --link /out /usr/bin/\n"
        "ADD --checksum=sha256:abc https://x/y.tgz /tmp/\n"
    )
    df = parse(text)
    frm, run, copy, add = df.instructions
    assert frm.flag("platform") is not None and frm.flag("--platform").value == "$BUILDPLATFORM"  # type: ignore[union-attr]
    assert [w.text for w in frm.words] == ["golang:1.22", "AS", "build"]
    mounts = run.flags_named("mount")
    assert [m.options for m in mounts] == [
        {"type": "cache", "target": "/root/.cache/pip"},
        {"type": "secret", "id": "npm"},
    ]
    assert at(df, mounts[1].start, mounts[1].end) == "--mount=type=secret,id=npm"
    assert mounts[0].span == Span(2, 5, 2, 47)
    assert run.flag("network").value == "host"  # type: ignore[union-attr]
    assert run.flag("security").value == "insecure"  # type: ignore[union-attr]
    assert run.args == "pip install x"
    assert at(df, run.args_start, run.args_end) == "pip install x"
    assert copy.flag("link") is not None and copy.flag("link").value is None  # type: ignore[union-attr]
    assert copy.flag("from").value == "build"  # type: ignore[union-attr]
    assert copy.flag("chown").value == "app:app"  # type: ignore[union-attr]
    assert [w.text for w in copy.words] == ["/out", "/usr/bin/"]
    assert add.flag("checksum").value == "sha256:abc"  # type: ignore[union-attr]
    assert df.stages[0].platform == "$BUILDPLATFORM"


def test_flags_over_continuation_lines() -> None:
    df = parse("FROM alpine\nRUN --mount=type=cache,target=/var/cache/apk \\\n    apk add curl\n")
    run = df.instructions[1]
    assert len(run.flags) == 1
    assert at(df, run.args_start, run.args_end) == "apk add curl"


def test_double_dash_inside_command_is_not_a_flag() -> None:
    df = parse("FROM alpine\nRUN pip install --user x\n")
    assert df.instructions[1].flags == ()


def test_words_for_env_and_label() -> None:
    df = parse('FROM alpine\nENV A=1 B="two words" C=\'x y\'\nLABEL "a.b"="c d"\n')
    env, label = df.instructions[1:]
    assert [w.text for w in env.words] == ["A=1", "B=two words", "C=x y"]
    assert [w.text for w in label.words] == ["a.b=c d"]
    b = env.words[1]
    assert at(df, b.start, b.end) == 'B="two words"'


def test_onbuild_words() -> None:
    df = parse("FROM alpine\nONBUILD RUN curl x | sh\n")
    assert [w.text for w in df.instructions[1].words][:2] == ["RUN", "curl"]


# -- heredocs -----------------------------------------------------------------------


def test_heredoc_body_is_the_script() -> None:
    text = "FROM alpine\nRUN <<EOF\nset -e\ncurl -fsSL https://x | sh\nEOF\nUSER app\n"
    df = parse(text)
    run = df.instructions[1]
    (doc,) = run.heredocs
    assert doc.delimiter == "EOF" and not doc.quoted and not doc.strip_tabs and doc.terminated
    assert doc.body == "set -e\ncurl -fsSL https://x | sh\n"
    assert at(df, doc.body_start, doc.body_start + 6) == "set -e"
    assert run.span == Span(2, 1, 5, 4)
    assert [i.keyword for i in df.instructions] == ["FROM", "RUN", "USER"]
    script = run_script(run)
    assert script is not None
    assert [c.name for c in script.commands] == ["set", "curl", "sh"]
    curl = script.commands[1]
    assert df.source.span(curl.start, curl.end) == Span(4, 1, 4, 21)
    assert script.next_in_pipe(curl) is script.commands[2]


def test_heredoc_directly_followed_by_instruction() -> None:
    df = parse("FROM alpine\nRUN <<EOF\necho hi\nEOF\nRUN <<EOF\necho two\nEOF\nCMD x\n")
    assert [(i.keyword, i.line) for i in df.instructions] == [
        ("FROM", 1),
        ("RUN", 2),
        ("RUN", 5),
        ("CMD", 8),
    ]


def test_heredoc_strip_tabs_and_quoted() -> None:
    df = parse("FROM alpine\nRUN <<-'END'\n\techo $HOME\n\tEND\nUSER app\n")
    (doc,) = df.instructions[1].heredocs
    assert doc.strip_tabs and doc.quoted and doc.delimiter == "END"
    assert doc.text == "echo $HOME\n"
    assert df.instructions[2].keyword == "USER"
    script = run_script(df.instructions[1])
    assert script is not None and script.commands[0].texts == ("echo", "$HOME")


def test_heredoc_double_quoted_delimiter() -> None:
    df = parse('FROM alpine\nRUN <<"EOF"\necho\nEOF\n')
    (doc,) = df.instructions[1].heredocs
    assert doc.quoted and doc.delimiter == "EOF"


def test_several_heredocs_on_one_line() -> None:
    text = (
        "FROM alpine\n"
        "RUN cat <<A > /etc/a.conf && bash <<B\n"
        "x=1\n"
        "A\n"
        "pip install --user requests\n"
        "B\n"
        "USER app\n"
    )
    df = parse(text)
    run = df.instructions[1]
    assert [d.delimiter for d in run.heredocs] == ["A", "B"]
    assert [d.body for d in run.heredocs] == ["x=1\n", "pip install --user requests\n"]
    script = run_script(run)
    assert script is not None
    assert [c.name for c in script.commands] == ["cat", "bash", "pip"]
    cat, bash, pip = script.commands
    assert cat.redirects[0].body == "x=1\n" and cat.redirects[1].target.text == "/etc/a.conf"  # type: ignore[union-attr]
    assert pip.context == "shell_c" and pip.parent == bash.index
    assert df.source.span(pip.argv[2].start, pip.argv[2].end) == Span(5, 13, 5, 19)
    assert df.instructions[2].line == 7


def test_heredoc_fed_to_bash_after_marker() -> None:
    df = parse("FROM alpine\nRUN <<EOT bash\nset -ex\napt-get install -y curl\nEOT\n")
    script = run_script(df.instructions[1])
    assert script is not None
    assert [c.name for c in script.commands] == ["bash", "set", "apt-get"]
    assert script.commands[2].argv[0].start == df.source.offset(4, 1)


def test_heredoc_with_python_shebang_is_not_shell() -> None:
    df = parse("FROM alpine\nRUN <<EOF\n#!/usr/bin/env python3\nimport os\nEOF\n")
    assert run_script(df.instructions[1]) is None


def test_python_reading_heredoc() -> None:
    df = parse("FROM alpine\nRUN python3 <<EOF\nimport os\nEOF\n")
    script = run_script(df.instructions[1])
    assert script is not None and [c.name for c in script.commands] == ["python3"]


def test_copy_heredoc() -> None:
    df = parse("FROM alpine\nCOPY <<EOF /etc/app.conf\nkey=1\nEOF\nUSER app\n")
    copy = df.instructions[1]
    assert copy.heredocs[0].body == "key=1\n"
    assert [w.text for w in copy.words] == ["<<EOF", "/etc/app.conf"]
    assert df.instructions[2].keyword == "USER"


def test_unterminated_heredoc() -> None:
    df = parse("FROM alpine\nRUN <<EOF\necho hi\n")
    assert problems(df) == [(2, "heredoc <<EOF is never closed: no line with just 'EOF' follows")]
    assert not df.instructions[1].heredocs[0].terminated


def test_heredoc_marker_in_quotes_or_herestring_is_not_a_heredoc() -> None:
    df = parse("FROM alpine\nRUN echo '<<EOF' && cat <<< hi\nUSER app\n")
    assert df.instructions[1].heredocs == ()
    assert df.instructions[2].keyword == "USER"


def test_heredoc_only_for_run_copy_add() -> None:
    df = parse("FROM alpine\nENV X=<<EOF\nUSER app\n")
    assert df.instructions[1].heredocs == ()
    assert [i.keyword for i in df.instructions] == ["FROM", "ENV", "USER"]


# -- stages and ARG substitution -------------------------------------------------------


def test_stages() -> None:
    text = (
        "ARG BASE=python\n"
        "ARG TAG=3.12\n"
        "FROM ${BASE}:${TAG}-slim AS Builder\n"
        "RUN pip wheel .\n"
        "FROM builder AS test\n"
        "FROM gcr.io/distroless/python3@sha256:" + "a" * 64 + "\n"
        "COPY --from=builder /w /w\n"
    )
    df = parse(text)
    assert df.global_args == (("BASE", "python"), ("TAG", "3.12"))
    b, t, final = df.stages
    assert b.name == "builder" and b.label == "builder"
    assert b.base.repository == "python" and b.base.tag == "3.12-slim" and not b.base.unknown
    assert b.base_raw == "${BASE}:${TAG}-slim"
    assert b.base_span == Span(3, 6, 3, 25)
    assert t.base_stage == 0 and t.name == "test"
    assert final.name is None and final.label == "#2"
    assert final.base.registry == "gcr.io" and final.base.digest is not None
    assert df.final_stage is final
    assert df.stage_by_name("BUILDER") is b and df.stage_by_name("2") is final
    assert [i.stage for i in df.instructions] == [-1, -1, 0, 0, 1, 2, 2]
    assert b.instructions[0] is b.from_instruction
    assert [i.keyword for i in b.instructions] == ["FROM", "RUN"]


def test_arg_without_default_is_unknown() -> None:
    df = parse("ARG BASE\nFROM ${BASE}\n")
    assert df.stages[0].base.unknown


def test_arg_declared_after_from_is_not_used() -> None:
    df = parse("FROM alpine\nARG V=3\nFROM python:$V\n")
    assert df.stages[1].base.unknown


def test_arg_default_operators() -> None:
    env: dict[str, str | None] = {"A": "x", "E": "", "N": None}
    assert substitute("${A:-y}", env) == "x"
    assert substitute("${E:-y}", env) == "y"
    assert substitute("${E-y}", env) == ""
    assert substitute("${A:+z}", env) == "z"
    assert substitute("${E:+z}", env) == ""
    assert substitute("img:$A", env) == "img:x"
    assert substitute("${N:-y}", env) is None
    assert substitute("${MISSING}", env) is None
    assert substitute("plain", env) == "plain"


def test_substitution_without_a_closing_brace() -> None:
    env: dict[str, str | None] = {"A": "x", "B": "y"}
    assert substitute("${A}-$B", env) == "x-y"
    assert substitute("${A:-q}/$B:${B", env) is None  # the unclosed ${ is left, so uncertain
    assert substitute("$A/${B:-z}/$A", env) == "x/y/x"
    # Linear: each unclosed ${B:- used to rescan to the end of the text.
    assert substitute("A=${B:-" * 2000 + "x" * 200_000 + "$A", env) is None


def test_arg_referring_to_arg() -> None:
    df = parse("ARG V=3.12\nARG IMG=python:${V}\nFROM $IMG\n")
    assert df.stages[0].base.tag == "3.12"


def test_shell_instruction() -> None:
    text = (
        "FROM mcr.microsoft.com/windows/servercore\n"
        'SHELL ["powershell", "-Command"]\n'
        "RUN Invoke-WebRequest https://x -OutFile y\n"
        "FROM alpine\n"
        "RUN echo posix\n"
        'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
        "RUN curl x | bash\n"
    )
    df = parse(text)
    ps_run = df.instructions[2]
    assert ps_run.shell == ("powershell", "-Command")
    assert run_script(ps_run) is None
    assert ps_run.words[0].text == "Invoke-WebRequest"
    assert df.instructions[4].shell == ("/bin/sh", "-c")
    assert run_script(df.instructions[4]) is not None
    last = df.instructions[6]
    assert last.shell == ("/bin/bash", "-o", "pipefail", "-c")
    script = run_script(last)
    assert script is not None and [c.name for c in script.commands] == ["curl", "bash"]


def test_run_script_is_cached() -> None:
    df = parse("FROM alpine\nRUN echo hi\n")
    assert run_script(df.instructions[1]) is run_script(df.instructions[1])
    assert run_script(df.instructions[0]) is None


def test_run_script_offsets_match_the_file() -> None:
    text = (
        "FROM alpine\n"
        "RUN set -eux; \\\n"
        '    export PATH="/opt/bin:$PATH"; \\\n'
        '    wget -qO- "https://example.org/é/install.sh" | sh -s -- --yes; \\\n'
        "    echo $(id -u) > /tmp/uid\n"
    )
    df = parse(text)
    script = run_script(df.instructions[1])
    assert script is not None and script.ok
    for cmd in script.commands:
        for w in cmd.raw_argv:
            assert at(df, w.start, w.end) == w.raw
    wget = next(c for c in script.commands if c.name == "wget")
    assert df.source.span(wget.argv[2].start, wget.argv[2].end).line == 4
    idc = next(c for c in script.commands if c.name == "id")
    assert idc.context == "command_substitution"
    assert at(df, idc.start, idc.end) == "id -u"


def test_template_file_is_one_problem() -> None:
    text = (
        "FROM {{ base_image }}\n"
        "{% if browser %}\n"
        "RUN install-browser\n"
        "{% endif %}\n"
        "UNKNOWN {{ x }}\n"
    )
    df = parse(text)
    assert len(df.problems) == 1
    assert df.problems[0].span == Span(1, 6, 1, 8)
    assert "template" in df.problems[0].message
    assert df.template == Span(1, 6, 1, 8)


def test_go_template_in_run_is_not_a_template_file() -> None:
    df = parse("FROM alpine\nRUN docker inspect -f '{{.Id}}' x\n")
    assert df.problems == ()


def test_parse_never_raises_on_junk() -> None:
    for text in [
        "\x00\x01\x02",
        "FROM",
        "RUN <<",
        "RUN <<'",
        "FROM a\nRUN [",
        "FROM a\nRUN \\",
        "# escape=",
        "\\\n\\\n",
        "FROM a\nRUN <<EOF <<EOF\nEOF\n",
        "FROM a AS\nCOPY --from= x y\n",
        "FROM a\nRUN " + "$(" * 200,
    ]:
        df = parse(text)
        for instr in df.instructions:
            run_script(instr)


# -- the real-world corpus ------------------------------------------------------------


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not available")
def test_corpus_parses_and_agrees_with_dockerfile_parse() -> None:
    from dockerfile_parse import DockerfileParser

    logging.getLogger("dockerfile_parse").setLevel(logging.CRITICAL)
    files = sorted(os.listdir(CORPUS))
    assert len(files) > 2000
    compared = agreed = 0
    runs = ok = 0
    disagreements: list[str] = []
    for name in files:
        raw = (CORPUS / name).read_bytes()
        text = normalise_newlines(raw.decode("utf-8", "replace"))
        df = parse_dockerfile(SourceFile(name, text))
        for instr in df.instructions:
            assert text[instr.start :].upper().startswith(instr.keyword) or "\\" in instr.keyword
            if instr.keyword == "RUN":
                runs += 1
                script = run_script(instr)
                ok += bool(script is not None and script.ok)
        templated = any("template" in p.message for p in df.problems)
        if templated or any(i.heredocs for i in df.instructions):
            continue
        oracle = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")))
        theirs = [s["startline"] + 1 for s in oracle.structure if s["instruction"] != "COMMENT"]
        ours = [i.line for i in df.instructions]
        compared += 1
        if ours == theirs:
            agreed += 1
        else:
            disagreements.append(name)
    # The rest differ where dockerfile-parse departs from BuildKit: blank or
    # comment lines inside a continued instruction, a continuation at the end
    # of the file, a lone "\" line.
    assert agreed / compared > 0.99, disagreements
    assert ok / runs > 0.95


def test_quoted_flag_value() -> None:
    df = parse('FROM alpine\nRUN --mount="type=cache,target=/root/.cache" pip install x\n')
    mount = df.instructions[1].flag("mount")
    assert mount is not None and mount.value == "type=cache,target=/root/.cache"
    assert df.instructions[1].args == "pip install x"


def test_template_line_inside_continuation() -> None:
    df = parse("FROM alpine\nRUN set -eux; \\\n    {{ if .alpine then ( -}}\n    apk add x\n")
    assert len(df.problems) == 1 and df.problems[0].span.line == 3


def test_exec_spans() -> None:
    df = parse('FROM alpine\nCOPY ["a b", "/dst/"]\n')
    copy = df.instructions[1]
    assert [at(df, s, e) for s, e in copy.exec_spans] == ['"a b"', '"/dst/"']


_ALPHABET = "FROM RUN COPY ARG USER <<EOF EOF\n\\`'\"$(){}[]#=- \t\né|&;"


@pytest.mark.parametrize("seed", range(200))
def test_random_input_never_raises(seed: int) -> None:
    import random

    rng = random.Random(seed)
    pieces = [
        "FROM a\n",
        "RUN ",
        "<<EOF\n",
        "EOF\n",
        "\\\n",
        "# c\n",
        '["x",',
        " sh -c '",
        "$(",
        "`",
    ]
    text = "".join(
        rng.choice(pieces) if rng.random() < 0.3 else rng.choice(_ALPHABET)
        for _ in range(rng.randint(0, 120))
    )
    df = parse(text)
    n = len(df.source.text)
    for instr in df.instructions:
        assert 0 <= instr.start <= instr.end <= n
        assert instr.args_start <= instr.args_end <= n
        script = run_script(instr)
        if script is None:
            continue
        for cmd in script.commands:
            for w in cmd.argv:
                assert 0 <= w.start <= w.end <= n


@pytest.mark.parametrize(
    ("image", "windows"),
    [
        ("mcr.microsoft.com/windows/servercore:ltsc2022", True),
        ("mcr.microsoft.com/windows/nanoserver:ltsc2025", True),
        ("golang:1.26-windowsservercore-ltsc2025", True),
        ("microsoft/windowsservercore", True),
        ("mcr.microsoft.com/dotnet/runtime:8.0-nanoserver-1809", True),
        ("dockcross/windows-static-x64", False),
        ("debian:bookworm", False),
    ],
)
def test_windows_base_image_defaults_to_cmd(image: str, windows: bool) -> None:
    df = parse(f"FROM {image} AS base\nRUN echo hi\nFROM base\nRUN echo again\n")
    runs = df.instructions_named("RUN")
    for run in runs:
        assert (run.shell == ("cmd", "/S", "/C")) is windows
        assert (run_script(run) is None) is windows
    df2 = parse(f'FROM {image}\nSHELL ["powershell", "-Command"]\nRUN x\n')
    assert run_script(df2.instructions[2]) is None


def test_onbuild_trigger_is_parsed_in_place() -> None:
    text = "FROM alpine\nONBUILD RUN curl -fsSL https://x/i.sh \\\n    | sh\nONBUILD COPY . /app\n"
    df = parse(text)
    run, copy = df.instructions[1].trigger, df.instructions[2].trigger
    assert run is not None and run.keyword == "RUN" and run.stage == 0
    assert text[run.start : run.start + 3] == "RUN" and run.line == 2
    assert run.script is not None and [c.name for c in run.script.commands] == ["curl", "sh"]
    assert copy is not None and copy.keyword == "COPY" and [w.text for w in copy.words] == [".", "/app"]
    assert problems(df) == []


def test_onbuild_cannot_chain() -> None:
    df = parse("FROM alpine\nONBUILD ONBUILD RUN x\nONBUILD FROM y\n")
    assert problems(df) == [
        (2, "ONBUILD is not allowed as an ONBUILD trigger"),
        (3, "FROM is not allowed as an ONBUILD trigger"),
    ]
