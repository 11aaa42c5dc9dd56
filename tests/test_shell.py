"""Shell analysis: commands, words, offsets, wrappers, pipelines, nesting."""

from __future__ import annotations

import pytest

from sentra_lint.shell import (
    Command,
    HeredocText,
    ShellScript,
    Word,
    parse_argv,
    parse_fallback,
    parse_mapped,
    parse_shell,
    split_words,
    unquote,
    unwrap,
)


def names(script: ShellScript) -> list[str]:
    return [c.name for c in script.commands]


def only(script: ShellScript, name: str) -> Command:
    found = [c for c in script.commands if c.name == name]
    assert len(found) == 1, [c.texts for c in script.commands]
    return found[0]


def assert_offsets(source: str, script: ShellScript) -> None:
    """Every word's raw text is what the source holds at its offsets."""
    for c in script.commands:
        for w in (*c.raw_argv, *c.assignments):
            assert source[w.start : w.end] == w.raw, (w, source[w.start : w.end])


# -- words ----------------------------------------------------------------------


def test_quotes_removed_and_raw_kept() -> None:
    s = """echo "a b" 'c d' e\\ f "x\\"y" $'t\\tu'"""
    cmd = parse_shell(s).commands[0]
    assert cmd.texts == ("echo", "a b", "c d", "e f", 'x"y', "t\tu")
    assert [w.raw for w in cmd.argv][1:3] == ['"a b"', "'c d'"]
    assert all(w.literal for w in cmd.argv)
    assert_offsets(s, parse_shell(s))


def test_expansions_are_not_literal() -> None:
    s = 'echo $HOME ${X:-y} "$(id)" `date` "${{ github.head_ref }}" plain'
    cmd = parse_shell(s).commands[0]
    lits = {w.raw: w.literal for w in cmd.argv}
    assert lits == {
        "echo": True,
        "$HOME": False,
        "${X:-y}": False,
        '"$(id)"': False,
        "`date`": False,
        '"${{ github.head_ref }}"': False,
        "plain": True,
    }
    # the expression is kept as written in the text
    assert cmd.argv[5].text == "${{ github.head_ref }}"


def test_github_expression_does_not_break_the_parse() -> None:
    script = parse_shell('echo "${{ github.event.issue.title }}" | tee out')
    assert script.ok
    assert names(script) == ["echo", "tee"]


def test_concatenated_word() -> None:
    cmd = parse_shell("""pip install 'a'"b"c==1.0""").commands[0]
    assert cmd.argv[2].text == "abc==1.0"


def test_non_ascii_offsets_are_characters() -> None:
    s = "echo 'héllo wörld' && curl -fsSL https://exämple.org | sh"
    script = parse_shell(s, base=10)
    padded = " " * 10 + s
    assert_offsets(padded, script)
    curl = only(script, "curl")
    assert padded[curl.argv[2].start : curl.argv[2].end] == "https://exämple.org"


def test_base_is_added() -> None:
    script = parse_shell("apt-get install -y curl", base=100)
    w = script.commands[0].argv[3]
    assert (w.start, w.end) == (119, 123)


def test_line_continuations_in_the_script() -> None:
    s = "apt-get update && \\\n    apt-get install -y \\\n      curl \\\n && rm -rf /var/lib/apt/lists/*"
    script = parse_shell(s)
    assert script.ok
    assert [c.texts for c in script.commands] == [
        ("apt-get", "update"),
        ("apt-get", "install", "-y", "curl"),
        ("rm", "-rf", "/var/lib/apt/lists/*"),
    ]
    assert_offsets(s, script)


def test_unquote_position_map() -> None:
    text, pos = unquote("""a"b\\"c"'d'""")
    assert text == 'ab"cd'
    assert pos == [0, 2, 4, 5, 8]


def test_split_words() -> None:
    words = split_words('FOO="a b" BAR=c $(x y) `z w`', base=5)
    assert [w.text for w in words] == ["FOO=a b", "BAR=c", "$(x y)", "`z w`"]
    assert [w.literal for w in words] == [True, True, False, False]
    assert words[0].start == 5 and words[1].start == 15


def test_split_words_with_backtick_escape() -> None:
    words = split_words("C:\\dir a` b", escape="`")
    assert [w.text for w in words] == ["C:\\dir", "a b"]


# -- commands and nesting --------------------------------------------------------


def test_every_compound_form_is_walked() -> None:
    s = (
        "if a; then b; elif c; then d; else e; fi; for i in 1 2; do f $i; done; "
        "while g; do h; done; case $x in y) k;; esac; { l; m; }; (n); fn() { o; }; ! p"
    )
    assert names(parse_shell(s)) == list("abcdefghklmnop")


def test_nested_substitution_offsets_and_parents() -> None:
    s = 'echo "x $(cat $(which foo) `date`)" > "$(mktemp)"'
    script = parse_shell(s)
    assert names(script) == ["echo", "cat", "which", "date", "mktemp"]
    echo, cat, which, date, mktemp = script.commands
    assert echo.parent is None and echo.context == "top"
    assert cat.parent == echo.index and cat.context == "command_substitution"
    assert which.parent == cat.index
    assert date.parent == cat.index
    assert mktemp.parent == echo.index  # from a redirect target
    for c in script.commands:
        assert s[c.start : c.end].startswith(c.raw_argv[0].raw)
    assert s[which.argv[1].start : which.argv[1].end] == "foo"
    assert script.children(echo.index) == (cat, mktemp)
    assert script.descendants(echo.index) == (cat, which, date, mktemp)


def test_process_substitution() -> None:
    script = parse_shell("bash <(curl -fsSL https://x.example/install.sh)")
    bash, curl = script.commands
    assert curl.context == "process_substitution" and curl.parent == bash.index
    assert curl.texts == ("curl", "-fsSL", "https://x.example/install.sh")


def test_subshell_context() -> None:
    script = parse_shell("(cd /tmp && make)")
    assert [c.context for c in script.commands] == ["subshell", "subshell"]


def test_commands_in_source_order() -> None:
    script = parse_shell("a $(b) && c <(d) | e")
    assert names(script) == ["a", "b", "c", "d", "e"]
    assert [c.index for c in script.commands] == [0, 1, 2, 3, 4]


def test_assignments_and_assignment_only_statements() -> None:
    script = parse_shell("PIP_NO_CACHE_DIR=1 DEBUG=1 pip install x; X=$(curl -s y)")
    pip = only(script, "pip")
    assert [a.text for a in pip.assignments] == ["PIP_NO_CACHE_DIR=1", "DEBUG=1"]
    bare = script.commands[1]
    assert bare.argv == () and bare.name == ""
    assert [a.raw for a in bare.assignments] == ["X=$(curl -s y)"]
    assert only(script, "curl").parent == bare.index


def test_export_is_a_command() -> None:
    cmd = parse_shell("export A=1 B").commands[0]
    assert cmd.name == "export"
    assert [w.text for w in cmd.args] == ["A=1", "B"]


def test_redirects() -> None:
    script = parse_shell("foo a >out 2>&1 b < in >> log; bar <<< 'here'")
    cmd = script.commands[0]
    assert cmd.texts == ("foo", "a", "b")
    got = [(r.op, r.fd, r.target.text if r.target else None) for r in cmd.redirects]
    assert got == [(">", None, "out"), (">&", "2", "1"), ("<", None, "in"), (">>", None, "log")]
    here = script.commands[1].redirects[0]
    assert (here.op, here.target.text if here.target else None) == ("<<<", "here")


def test_redirect_after_and_list_belongs_to_last_command() -> None:
    script = parse_shell("a && b > f")
    assert script.commands[0].redirects == ()
    assert [r.op for r in script.commands[1].redirects] == [">"]


def test_heredoc_redirect_keeps_body_and_offset() -> None:
    s = "cat > /etc/x.conf <<'EOF'\nkey=value\nEOF\necho done"
    script = parse_shell(s)
    cat = only(script, "cat")
    doc = next(r for r in cat.redirects if r.is_heredoc)
    assert doc.op == "<<" and doc.target is not None and doc.target.text == "EOF"
    assert doc.body == "key=value\n"
    assert doc.body_start is not None and s[doc.body_start :].startswith("key=value")
    assert names(script) == ["cat", "echo"]


def test_heredoc_followed_by_and_and_pipe() -> None:
    script = parse_shell("cat <<EOF | sh && echo ok\ncurl x\nEOF\n")
    assert names(script) == ["cat", "sh", "echo"]
    cat, sh, echo = script.commands
    assert script.next_in_pipe(cat) is sh
    assert sh.pipe_index == 1 and sh.pipe_length == 2
    assert echo.parent is None and echo.pipe_length == 1


def test_shell_reading_heredoc_from_stdin_is_parsed() -> None:
    s = "bash -e <<'EOF'\npip install --user x\nEOF\n"
    script = parse_shell(s)
    bash, pip = script.commands
    assert pip.context == "shell_c" and pip.parent == bash.index
    assert s[pip.argv[2].start : pip.argv[2].end] == "--user"


def test_python_heredoc_is_not_shell() -> None:
    script = parse_shell("python3 <<EOF\nimport os\nos.system('x')\nEOF\n")
    assert names(script) == ["python3"]


def test_given_heredocs_replace_plain_redirects() -> None:
    # what the Dockerfile layer does for "RUN <<A cat && bash <<B"
    cmdline = "< A cat && bash < B"
    script = parse_shell(
        cmdline,
        0,
        [HeredocText(0, "A", "x\n", 100), HeredocText(16, "B", "apt-get update\n", 200)],
    )
    cat, bash, apt = script.commands
    assert cat.redirects[0].op == "<<" and cat.redirects[0].body == "x\n"
    assert apt.context == "shell_c" and apt.parent == bash.index
    assert apt.argv[0].start == 200


# -- pipelines -------------------------------------------------------------------


def test_pipeline_ids_and_next_in_pipe() -> None:
    script = parse_shell("curl -fsSL u | sudo -E bash - && wget -qO- v | tar xz; ls")
    curl, bash, wget, tar, ls = script.commands
    assert curl.pipeline == bash.pipeline != wget.pipeline
    assert (curl.pipe_index, curl.pipe_length) == (0, 2)
    assert script.next_in_pipe(curl) is bash
    assert script.next_in_pipe(bash) is None
    assert script.next_in_pipe(wget) is tar
    assert ls.pipe_length == 1 and len({c.pipeline for c in script.commands}) == 3
    assert bash.name == "bash" and bash.wrappers == ("sudo",)


def test_pipe_lookups_on_a_long_pipeline() -> None:
    n = 3000
    script = parse_shell(" | ".join(f"c{i} x" for i in range(n)) + "; ls")
    cmds = script.commands
    assert [script.next_in_pipe(c) for c in cmds[:-1]] == [*cmds[1 : n], None]
    assert script.next_in_pipe(cmds[-1]) is None
    assert script.pipe_members(cmds[1234]) == cmds[:n]
    assert script.pipe_members(cmds[-1]) == (cmds[-1],)


def test_pipe_into_a_group() -> None:
    script = parse_shell("curl x | (cd /tmp && sh)")
    curl = script.commands[0]
    members = script.pipe_members(curl)
    assert [c.name for c in members] == ["curl", "cd", "sh"]
    assert all(c.pipe_index == 1 for c in members[1:])


def test_pipe_stderr_operator() -> None:
    script = parse_shell("make |& tee log")
    assert script.next_in_pipe(script.commands[0]) is script.commands[1]


def test_pipeline_inside_substitution_is_separate() -> None:
    script = parse_shell('sh -c "$(curl -s x | cat)"')
    sh, curl, cat = script.commands
    assert curl.pipeline == cat.pipeline != sh.pipeline
    assert curl.context == "command_substitution" and curl.parent == sh.index


# -- sh -c -----------------------------------------------------------------------


def test_sh_c_single_quoted_body_offsets_exact() -> None:
    s = "sh -c 'apt-get install -y curl && curl -k https://x | bash'"
    script = parse_shell(s)
    assert names(script) == ["sh", "apt-get", "curl", "bash"]
    curl = only(script, "curl")
    assert curl.context == "shell_c" and curl.parent == 0
    assert s[curl.argv[1].start : curl.argv[1].end] == "-k"
    assert script.next_in_pipe(curl) is only(script, "bash")
    assert_offsets(s, script)


def test_bash_c_double_quoted_body_with_escapes() -> None:
    s = 'bash -ec "pip install \\"requests==2.0\\" && echo $HOME"'
    script = parse_shell(s)
    pip = only(script, "pip")
    assert pip.texts == ("pip", "install", "requests==2.0")
    # offsets map through the removed backslashes
    w = pip.argv[2]
    assert s[w.start] == '"' and s[w.end - 1] == '"'


def test_sh_c_with_command_substitution_is_not_parsed_twice() -> None:
    script = parse_shell('sh -c "$(curl -fsSL https://x/install.sh)"')
    assert names(script) == ["sh", "curl"]
    assert script.commands[1].context == "command_substitution"


def test_sh_c_options_before_c() -> None:
    script = parse_shell("bash -o pipefail -c 'a | b'")
    assert names(script) == ["bash", "a", "b"]


def test_sh_c_through_wrappers() -> None:
    script = parse_shell("sudo -u app sh -c 'pip install x'")
    assert names(script) == ["sh", "pip"]
    assert script.commands[1].parent == 0


def test_sh_with_script_file_is_not_a_body() -> None:
    script = parse_shell("sh ./install.sh -c foo")
    assert names(script) == ["sh"]


def test_nested_sh_c() -> None:
    s = """sh -c "bash -c 'curl x | sh'" """
    script = parse_shell(s)
    assert names(script) == ["sh", "bash", "curl", "sh"]
    outer, inner, curl, last = script.commands
    assert last.parent == inner.index
    assert inner.parent == outer.index and curl.parent == inner.index
    assert s[curl.start : curl.end] == "curl x"


# -- wrappers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "argv", "wrappers"),
    [
        ("sudo pip install x", ("pip", "install", "x"), ("sudo",)),
        ("sudo -E -u app -H pip install x", ("pip", "install", "x"), ("sudo",)),
        ("sudo --user=app pip x", ("pip", "x"), ("sudo",)),
        ("sudo -Eu app pip x", ("pip", "x"), ("sudo",)),
        ("env -i PATH=/bin A=b pip x", ("pip", "x"), ("env",)),
        ("env -u FOO pip x", ("pip", "x"), ("env",)),
        ("/usr/bin/env python3 -m pip x", ("python3", "-m", "pip", "x"), ("env",)),
        ("nohup nice -n 10 pip x", ("pip", "x"), ("nohup", "nice")),
        ("exec -a name pip x", ("pip", "x"), ("exec",)),
        ("time pip x", ("pip", "x"), ("time",)),
        ("command -p pip x", ("pip", "x"), ("command",)),
        ("xargs -r -n1 -I{} pip install {}", ("pip", "install", "{}"), ("xargs",)),
        ("xargs -0 -P 4 chmod 777", ("chmod", "777"), ("xargs",)),
        ("sudo env FOO=1 xargs pip", ("pip",), ("sudo", "env", "xargs")),
        ("sudo -- pip x", ("pip", "x"), ("sudo",)),
        ("sudo -l", ("sudo", "-l"), ()),
        ("env", ("env",), ()),
        ("xargs", ("xargs",), ()),
    ],
)
def test_unwrapping(line: str, argv: tuple[str, ...], wrappers: tuple[str, ...]) -> None:
    cmd = parse_shell(line).commands[0]
    assert cmd.texts == argv
    assert cmd.wrappers == wrappers
    assert cmd.raw_argv[0].text == line.split()[0]


def test_env_assignments_are_collected() -> None:
    cmd = parse_shell("X=1 sudo env GIT_SSL_NO_VERIFY=1 git clone u").commands[0]
    assert [a.text for a in cmd.assignments] == ["X=1", "GIT_SSL_NO_VERIFY=1"]
    assert cmd.name == "git"


def test_unwrap_on_words() -> None:
    words = tuple(Word(t, t, 0, 0) for t in ["sudo", "-u", "x", "pip"])
    argv, wrappers, assignments = unwrap(words)
    assert [w.text for w in argv] == ["pip"] and wrappers == ("sudo",) and assignments == ()


def test_dynamic_wrapper_is_not_unwrapped() -> None:
    cmd = parse_shell("$SUDO pip install x").commands[0]
    assert cmd.argv[0].raw == "$SUDO" and cmd.wrappers == ()


# -- exec-form and mapped parsing -----------------------------------------------


def test_parse_argv_with_sh_c() -> None:
    words = (
        Word("sh", '"sh"', 1, 5),
        Word("-c", '"-c"', 7, 11),
        Word("curl x | sh", '"curl x | sh"', 13, 26),
    )
    script = parse_argv(words, maps=[None, None, list(range(14, 25))])
    assert names(script) == ["sh", "curl", "sh"]
    curl = script.commands[1]
    assert curl.start == 14 and curl.context == "shell_c" and curl.parent == 0


def test_parse_argv_plain() -> None:
    script = parse_argv((Word("sudo", "sudo", 0, 4), Word("pip", "pip", 5, 8)))
    assert script.commands[0].name == "pip"


def test_parse_mapped() -> None:
    posmap = [10, 11, 12, 20, 21, 22, 23]
    script = parse_mapped("ls a b\n", posmap)
    ls = script.commands[0]
    assert ls.argv[1].start == 20 and ls.argv[2].start == 22


# -- robustness --------------------------------------------------------------------


def test_syntax_error_still_gives_commands() -> None:
    script = parse_shell("if [ x ]; then\n  apt-get install y\n")
    assert not script.ok
    assert "apt-get" in names(script)


def test_empty_and_blank() -> None:
    assert parse_shell("").commands == ()
    assert parse_shell("   \n\n").commands == ()
    assert parse_shell("# only a comment").commands == ()


def test_deep_nesting_does_not_recurse() -> None:
    depth = 3000
    s = "echo " + "$(" * depth + "id" + ")" * depth
    script = parse_shell(s)
    assert script.commands[0].name == "echo"
    s2 = "( " * depth + "id" + " )" * depth
    assert "id" in names(parse_shell(s2))
    s3 = "{ " * 500 + "id; " + "}; " * 500
    assert "id" in names(parse_shell(s3))


def test_long_script_is_fast_enough() -> None:
    s = " && \\\n    ".join(f"apt-get install -y pkg{i}" for i in range(2000))
    script = parse_shell(s)
    assert len(script.commands) == 2000


def test_binary_junk_does_not_raise() -> None:
    parse_shell("\x00\x01$(((((( '\"`")
    parse_shell("echo $'\\x")


def test_fallback_tokenizer() -> None:
    s = "FOO=1 sudo pip install 'a b' 2>/dev/null | sh && cat < in > out; echo \"q w\""
    script = parse_fallback(s)
    assert script.parser == "fallback" and not script.ok
    assert [c.texts for c in script.commands] == [
        ("pip", "install", "a b"),
        ("sh",),
        ("cat",),
        ("echo", "q w"),
    ]
    pip, sh, cat, _ = script.commands
    assert [a.text for a in pip.assignments] == ["FOO=1"] and pip.wrappers == ("sudo",)
    assert script.next_in_pipe(pip) is sh
    assert [(r.op, r.target.text if r.target else "") for r in cat.redirects] == [
        ("<", "in"),
        (">", "out"),
    ]
    assert_offsets(s, script)


def test_fallback_when_tree_sitter_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    from sentra_lint.shell import parser

    monkeypatch.setattr(parser, "_ts_parser", lambda: None)
    script = parse_shell("curl x | bash")
    assert script.parser == "fallback"
    assert script.next_in_pipe(script.commands[0]) is script.commands[1]


def test_import_does_not_load_tree_sitter() -> None:
    import subprocess
    import sys

    code = (
        "import sys, sentra_lint.shell, sentra_lint.dockerfile; print('tree_sitter' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_heredoc_redirect_span_is_the_marker() -> None:
    s = "cat <<EOF | sh\ncurl x\nEOF\n"
    cat = parse_shell(s).commands[0]
    (doc,) = cat.redirects
    assert s[doc.start : doc.end] == "<<EOF"
    assert s[cat.start : cat.end] == "cat <<EOF"


def test_test_brackets_are_commands() -> None:
    s = '[ -f "$(which pip)" ] && [[ $X == y ]]'
    script = parse_shell(s)
    assert [c.name for c in script.commands] == ["[", "which", "[["]
    test, which, _ = script.commands
    assert test.texts[0] == "[" and test.texts[-1] == "]"
    assert which.parent == test.index
    assert_offsets(s, script)


def test_backquoted_comment_idiom() -> None:
    s = "apt-get update && \\\n  `# the tools` \\\n  apt-get install -y curl"
    script = parse_shell(s)
    assert script.ok
    assert [c.name for c in script.commands] == ["apt-get", "apt-get"]


@pytest.mark.parametrize(
    "s",
    [
        "if a; then \\\n  if b; then c; fi \\\nfi",
        "for x in y; do if z; then q; fi done",
        "if a; then ( b ) else c; fi",
    ],
)
def test_closers_without_separator_are_accepted_like_bash(s: str) -> None:
    script = parse_shell(s)
    assert script.ok, s
    assert_offsets(s, script)


@pytest.mark.parametrize("seed", range(200))
def test_random_scripts_never_raise(seed: int) -> None:
    import random

    rng = random.Random(seed)
    pieces = [
        "sudo ",
        "env A=1 ",
        "sh -c '",
        'bash -c "',
        "$(",
        ")",
        "`",
        "<<EOF\n",
        "EOF\n",
        " | ",
        " && ",
        "\\\n",
        "'",
        '"',
        "${{ x }}",
        "é",
        "<(",
        "xargs -I{} ",
        "; ",
    ]
    text = "".join(
        rng.choice(pieces) if rng.random() < 0.5 else rng.choice("ab -=$\n\t")
        for _ in range(rng.randint(0, 80))
    )
    for script in (parse_shell(text, 7), parse_fallback(text, 7)):
        for cmd in script.commands:
            assert cmd.parent is None or cmd.parent < cmd.index
            for w in cmd.raw_argv:
                assert 7 <= w.start <= w.end <= 7 + len(text)
