from __future__ import annotations

import dataclasses
import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sentra_lint.container.flags import (
    FLAGS,
    Token,
    canonical_flag,
    lookup_flag,
    match_docker_run,
    parse_go_bool,
    parse_options,
    parse_run_args,
    tokenize,
    tokens_from_words,
)
from sentra_lint.container.from_argv import (
    spec_from_command_text,
    spec_from_docker_words,
    spec_from_options_text,
    spec_from_tokens,
)
from sentra_lint.container.sizes import GIB, MIB, UNLIMITED
from sentra_lint.container.spec import (
    ContainerSpec,
    Field,
    SpecBuilder,
    normalise_capability,
    split_outside_expansions,
    user_is_root,
)
from sentra_lint.images import parse_image_ref
from sentra_lint.source import SourceFile, Span

# --------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------


def words(text: str) -> list[str]:
    result = tokenize(text)
    assert result.error is None, result.error
    return [t.value for t in result.tokens]


def test_whitespace_of_any_kind_separates_words() -> None:
    assert words("  --rm\t-it \n --cpus  1\r\n") == ["--rm", "-it", "--cpus", "1"]


def test_quotes_and_escapes() -> None:
    assert words("""--label 'a b' --env "X=1 2" --name a\\ b""") == [
        "--label",
        "a b",
        "--env",
        "X=1 2",
        "--name",
        "a b",
    ]
    assert words("""'it''s' "say \\"hi\\"" 'back\\slash'""") == ["its", 'say "hi"', "back\\slash"]
    assert words('"a\\b"') == ["a\\b"]  # in double quotes only $ ` " \\ newline are escapes
    assert words("a'b'\"c\"d") == ["abcd"]
    assert words("''") == [""]


def test_line_continuation() -> None:
    assert words("--rm \\\n  --cpus 1 --na\\\nme x") == ["--rm", "--cpus", "1", "--name", "x"]


def test_offsets_cover_the_raw_word() -> None:
    text = "--label   'a b'  x"
    toks = tokenize(text).tokens
    assert [(t.start, t.end) for t in toks] == [(0, 7), (10, 15), (17, 18)]
    assert [text[t.start : t.end] for t in toks] == [t.raw for t in toks]
    assert toks[1].raw == "'a b'"
    assert toks[1].value_range(0, 1) == (11, 12)  # the "a" inside the quotes


def test_expression_with_spaces_is_one_word() -> None:
    toks = tokenize("--memory ${{ inputs.memory || '2g' }} --cpus 1").tokens
    assert [t.value for t in toks] == ["--memory", "${{ inputs.memory || '2g' }}", "--cpus", "1"]
    assert not toks[1].literal and toks[1].splittable
    assert toks[0].literal and toks[2].literal


def test_expression_holding_braces_in_a_string() -> None:
    toks = tokenize("-e X=${{ format('}} {0}', 'it''s') }} next").tokens
    assert [t.value for t in toks] == ["-e", "X=${{ format('}} {0}', 'it''s') }}", "next"]
    assert toks[1].first_unknown == 2


def test_expression_in_quotes_is_unknown_but_not_splittable() -> None:
    (tok,) = tokenize('"${{ inputs.image }}"').tokens
    assert not tok.literal and not tok.splittable
    (tok,) = tokenize("'${{ inputs.image }}'").tokens
    assert not tok.literal  # substituted before any shell reads it


@pytest.mark.parametrize(
    "text", ["$VAR", "${VAR}", "${VAR:-a b}", "$(cat f)", "`cat f`", "x$1", '"$HOME/x"']
)
def test_shell_expansions_are_not_literal(text: str) -> None:
    (tok,) = tokenize(text).tokens
    assert not tok.literal


def test_shell_expansion_with_spaces_stays_one_word() -> None:
    assert words("-v ${SRC:-a b}:/x $(echo a b) z") == ["-v", "${SRC:-a b}:/x", "$(echo a b)", "z"]


def test_single_quoted_dollar_is_literal_and_shell_vars_off() -> None:
    (tok,) = tokenize("'$HOME'").tokens
    assert tok.literal and tok.value == "$HOME"
    (tok,) = tokenize("$HOME", shell_vars=False).tokens
    assert tok.literal
    (tok,) = tokenize("${{ x }}", shell_vars=False).tokens
    assert not tok.literal


def test_comments_when_asked() -> None:
    assert [t.value for t in tokenize("a # b c\nd", comments=True).tokens] == ["a", "d"]
    assert [t.value for t in tokenize("a#b", comments=True).tokens] == ["a#b"]
    assert [t.value for t in tokenize("a # b").tokens] == ["a", "#", "b"]


@pytest.mark.parametrize(
    ("text", "offset", "message"),
    [
        ("--rm --label 'a b", 13, "single quote"),
        ('--rm -e "X=1', 8, "double quote"),
        ("--rm ${{ inputs.x", 5, "expression"),
        ("a $(echo", 2, "$( expansion"),
        ("a ${X", 2, "${ expansion"),
        ("a `x", 2, "backquote"),
        ("'${{ a }}", 0, "single quote"),
    ],
)
def test_unbalanced_quotes_are_errors_with_offsets(text: str, offset: int, message: str) -> None:
    result = tokenize(text)
    assert result.error is not None
    assert result.error.offset == offset
    assert message in result.error.message
    assert all(t.end <= offset for t in result.tokens)


def test_tokens_is_iterable() -> None:
    result = tokenize("a b")
    assert [t.value for t in result] == ["a", "b"]
    assert len(result) == 2


_WORD = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="$`")
    | st.sampled_from(list(" \t\n'\"\\")),
    max_size=12,
)


@given(st.lists(_WORD, max_size=8))
def test_round_trip_with_shlex_join(argv: list[str]) -> None:
    text = shlex.join(argv)
    result = tokenize(text)
    assert result.error is None
    assert [t.value for t in result.tokens] == argv
    for t in result.tokens:
        assert text[t.start : t.end] == t.raw
        assert t.literal
        assert len(t.offsets) == len(t.value)


@given(st.text(max_size=40))
def test_tokenize_never_raises(text: str) -> None:
    result = tokenize(text)
    for t in result.tokens:
        assert text[t.start : t.end] == t.raw
    if result.error is not None:
        assert 0 <= result.error.offset < len(text)


@given(st.lists(st.text(alphabet="abc -=/:", min_size=1, max_size=6), max_size=8))
def test_parsers_never_raise(argv: list[str]) -> None:
    toks = tokenize(shlex.join(argv)).tokens
    parse_run_args(toks)
    parse_options(toks)


# --------------------------------------------------------------------------
# Flag grammar
# --------------------------------------------------------------------------


def run(text: str):  # type: ignore[no-untyped-def]
    return parse_run_args(tokenize(text).tokens)


def opts(text: str):  # type: ignore[no-untyped-def]
    return parse_options(tokenize(text).tokens)


def named(parsed, name: str) -> list[str | None]:  # type: ignore[no-untyped-def]
    return [o.value for o in parsed.get(name)]


def test_table_covers_the_reference() -> None:
    for name in [
        "--volume", "--env", "--name", "--user", "--workdir", "--memory", "--network",
        "--entrypoint", "--publish", "--mount", "--tmpfs", "--label", "--device", "--cap-add",
        "--cap-drop", "--security-opt", "--ulimit", "--shm-size", "--cpus", "--cpu-quota",
        "--cpu-period", "--cpuset-cpus", "--pids-limit", "--memory-swap", "--memory-reservation",
        "--runtime", "--ipc", "--pid", "--uts", "--userns", "--cgroupns", "--platform", "--pull",
        "--restart", "--log-driver", "--log-opt", "--add-host", "--dns", "--hostname",
        "--group-add", "--volumes-from", "--env-file", "--gpus", "--health-cmd", "--sysctl",
        "--annotation", "--attach", "--cpu-shares", "--stop-signal", "--storage-opt",
    ]:  # fmt: skip
        assert FLAGS[name].takes_value, name
    for name in [
        "--detach", "--interactive", "--tty", "--rm", "--privileged", "--read-only", "--init",
        "--oom-kill-disable", "--publish-all", "--no-healthcheck", "--quiet", "--sig-proxy",
        "--use-api-socket", "--disable-content-trust", "--help",
    ]:  # fmt: skip
        assert not FLAGS[name].takes_value, name


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("-m", "--memory"), ("-u", "--user"), ("-v", "--volume"), ("-e", "--env"),
        ("-w", "--workdir"), ("-p", "--publish"), ("-h", "--hostname"), ("-l", "--label"),
        ("--net", "--network"), ("--net-alias", "--network-alias"), ("--dns-opt", "--dns-option"),
        ("-d", "--detach"), ("-i", "--interactive"), ("-t", "--tty"), ("-P", "--publish-all"),
        ("-q", "--quiet"), ("-a", "--attach"), ("-c", "--cpu-shares"),
        ("--security-opt", "--security-opt"), ("--bogus", "--bogus"),
    ],
)  # fmt: skip
def test_canonical_names(written: str, canonical: str) -> None:
    assert canonical_flag(written) == canonical


def test_lookup_unknown() -> None:
    assert lookup_flag("-Z") is None
    assert lookup_flag("memory") is None


def test_image_and_command_are_found_after_value_flags() -> None:
    p = run(
        "-v /a:/b -e X=1 --env Y=2 --name n -u 1001 --user 1001 -w /w -m 2g --memory 2g "
        "--network none --entrypoint sh -p 80:80 --mount type=tmpfs,dst=/t --tmpfs /tmp "
        "--label a=b -l c=d --device /dev/fuse --cap-add NET_RAW --cap-drop ALL "
        "--security-opt no-new-privileges --ulimit nofile=1024 --shm-size 64m --cpus 1 "
        "--cpu-quota 50000 --cpu-period 100000 --cpuset-cpus 0 --pids-limit 64 "
        "--memory-swap 2g --memory-reservation 1g --runtime runc --ipc private --pid private "
        "--uts private --userns host --cgroupns private --platform linux/amd64 --pull always "
        "--restart no --log-driver none --log-opt x=y --add-host h:1.2.3.4 --dns 1.1.1.1 "
        "--hostname h -h h --group-add g --volumes-from c --env-file f --gpus all "
        "--health-cmd true image:1 cmd -x --y"
    )
    assert p.image is not None and p.image.value == "image:1"
    assert [t.value for t in p.command] == ["cmd", "-x", "--y"]
    assert not p.unknown_flags and not p.problems and not p.uncertain


def test_short_clusters() -> None:
    for text in ("-it img", "-itd img", "-dit img", "-i -t -d img"):
        p = run(text)
        names = {o.name for o in p.options}
        assert names >= {"--interactive", "--tty"}, text
        assert p.image is not None and p.image.value == "img"


def test_cluster_ending_in_a_value_flag() -> None:
    p = run("-itu1001 img")
    assert named(p, "--user") == ["1001"]
    p = run("-itu 1001 img")
    assert named(p, "--user") == ["1001"]
    assert p.image is not None and p.image.value == "img"


@pytest.mark.parametrize(
    ("text", "name", "value"),
    [
        ("-m2g", "--memory", "2g"),
        ("-m=2g", "--memory", "2g"),
        ("-m 2g", "--memory", "2g"),
        ("--memory=2g", "--memory", "2g"),
        ("--memory 2g", "--memory", "2g"),
        ("-u1001", "--user", "1001"),
        ("-eFOO=bar", "--env", "FOO=bar"),
        ("-v/a:/b", "--volume", "/a:/b"),
        ("--memory-swap -1", "--memory-swap", "-1"),
        ("--memory-swap=-1", "--memory-swap", "-1"),
        ("--env=", "--env", ""),
        ('--label "a=b c"', "--label", "a=b c"),
        ("--label='a=b c'", "--label", "a=b c"),
    ],
)
def test_value_forms(text: str, name: str, value: str) -> None:
    p = run(text + " img")
    assert named(p, name) == [value]
    assert p.image is not None and p.image.value == "img"


def test_attached_value_offsets() -> None:
    text = "-m2g --memory=3g --memory '4g'"
    p = opts(text)
    spans = [(o.start, o.end, o.value_start, o.value_end) for o in p.options]
    assert [text[a:b] for a, b, _, _ in spans] == ["-m2g", "--memory=3g", "--memory '4g'"]
    assert [text[c:d] for _, _, c, d in spans if c is not None and d is not None] == [
        "2g",
        "3g",
        "'4g'",
    ]
    o = p.options[0]
    assert text[o.name_start : o.name_end] == "-m"


def test_cluster_offsets_point_at_each_flag() -> None:
    text = "-itd"
    p = opts(text)
    assert [text[o.start : o.end] for o in p.options] == ["-i", "t", "d"]


@pytest.mark.parametrize(
    ("text", "enabled"),
    [
        ("--privileged", True),
        ("--privileged=true", True),
        ("--privileged=false", False),
        ("--privileged=1", True),
        ("--privileged=0", False),
        ("--privileged=True", True),
        ("--privileged=FALSE", False),
        ("--privileged=yes", None),
        ("--privileged=${{ inputs.p }}", None),
    ],
)
def test_boolean_values(text: str, enabled: bool | None) -> None:
    (o,) = opts(text).options
    assert o.name == "--privileged"
    assert o.enabled is enabled


def test_short_boolean_with_value() -> None:
    p = opts("-d=false -it=false")
    assert [(o.name, o.enabled) for o in p.options] == [
        ("--detach", False),
        ("--interactive", True),
        ("--tty", False),
    ]


def test_boolean_does_not_take_the_next_word() -> None:
    p = run("--rm false")
    assert p.image is not None and p.image.value == "false"
    assert parse_go_bool("t") is True and parse_go_bool("no") is None


def test_repeated_flags_are_all_kept() -> None:
    p = opts("--cap-drop ALL --cap-drop=NET_RAW -e A=1 -e B=2 --memory 1g --memory 2g")
    assert named(p, "--cap-drop") == ["ALL", "NET_RAW"]
    assert named(p, "-e") == ["A=1", "B=2"]
    last = p.last("--memory")
    assert last is not None and last.value == "2g"
    assert p.has("-m") and not p.has("--cpus")


def test_double_dash_ends_options() -> None:
    p = run("--rm -- --image-looking-like-a-flag cmd")
    assert p.image is not None and p.image.value == "--image-looking-like-a-flag"
    assert [t.value for t in p.command] == ["cmd"]
    p = opts("--rm -- stray")
    assert [t.value for t in p.unexpected] == ["stray"]


def test_options_after_the_image_belong_to_the_command() -> None:
    p = run("img --privileged")
    assert not p.has("--privileged")
    assert [t.value for t in p.command] == ["--privileged"]


def test_unknown_flags() -> None:
    p = opts("--bogus --weird=1 -Z --rm")
    assert [(o.written, o.value) for o in p.unknown_flags] == [
        ("--bogus", None),
        ("--weird", "1"),
        ("-Z", None),
    ]
    assert p.has("--rm")
    assert not p.uncertain
    # In options, a word after an unknown flag is taken as its value.
    p = opts("--new-flag 5 --cpus 1 -Z z stray")
    assert [(o.written, o.value) for o in p.unknown_flags] == [("--new-flag", "5"), ("-Z", "z")]
    assert [t.value for t in p.unexpected] == ["stray"]
    assert named(p, "--cpus") == ["1"]
    # In a docker run line, an unknown flag may have eaten the image.
    p = run("--bogus x img")
    assert p.uncertain
    assert not run("--bogus=x img").uncertain


def test_missing_value_is_a_problem() -> None:
    p = opts("--rm --memory")
    assert p.problems and "--memory" in p.problems[0].message
    p = opts("-m")
    assert p.problems


def test_options_mode_records_positionals() -> None:
    p = opts("--rm stray --cpus 1")
    assert [t.value for t in p.unexpected] == ["stray"]
    assert named(p, "--cpus") == ["1"]
    assert p.image is None


def test_expressions_where_flags_are_expected_are_opaque() -> None:
    p = opts("--cpus 1 ${{ inputs.container-options }}")
    assert [t.value for t in p.opaque] == ["${{ inputs.container-options }}"]
    assert p.uncertain
    p = opts("--${{ inputs.flag }}=1 -${{ x }}")
    assert len(p.opaque) == 2 and not p.options
    p = run("--rm $DOCKER_OPTS img")
    assert [t.value for t in p.opaque] == ["$DOCKER_OPTS"]
    assert p.image is not None and p.image.value == "img"
    for name in ("$dockerArgs", "${{ inputs.extra-flags }}", "${RUN_PARAMS}", "$OPTS"):
        assert run(f"{name} img").opaque, name
    for name in ("$TARGET_IMAGE", "${{ env.IMAGE }}", "$TAG", "$ARGENTINA"):
        p = run(f"{name} cmd")
        assert not p.opaque and p.image is not None, name


def test_expression_image() -> None:
    p = run("--rm ${{ env.IMAGE }} cmd")
    assert p.image is not None and not p.image.literal
    assert not p.uncertain
    p = run('--rm "$IMAGE_ARGS" cmd')  # quoted: one word, so the image
    assert p.image is not None and p.image.value == "$IMAGE_ARGS"


def test_expression_values_are_not_literal() -> None:
    p = opts("--memory ${{ inputs.mem }} --cpus=$CPUS -m${X}")
    assert [o.literal for o in p.options] == [False, False, False]
    assert not p.uncertain


def test_match_docker_run() -> None:
    for text, sub in [
        ("docker run --rm img", "run"),
        ("docker create img", "create"),
        ("docker container run img", "run"),
        ("docker container create img", "create"),
        ("sudo docker run img", "run"),
        ("sudo -E -u root docker run img", "run"),
        ("/usr/bin/docker --context ci -D run img", "run"),
        ("docker -H=tcp://x run img", "run"),
        ("podman run img", "run"),
        ("FOO=1 exec docker run img", "run"),
        ("env A=b docker run img", "run"),
    ]:
        found = match_docker_run(tokenize(text).tokens)
        assert found is not None, text
        assert found.subcommand == sub
        assert [t.value for t in found.args][-1] == "img"
    for text in ["docker build .", "docker ps", "echo docker run", "docker", "$D run img"]:
        assert match_docker_run(tokenize(text).tokens) is None, text


@dataclasses.dataclass(frozen=True)
class _Word:
    text: str
    raw: str
    start: int
    end: int
    literal: bool = True


def test_tokens_from_words_keep_file_offsets() -> None:
    line = 'sudo docker run --memory="2g" -e T=$TOKEN img'
    pieces = [("sudo", 0), ("docker", 5), ("run", 12), ('--memory="2g"', 16), ("-e", 30)]
    ws = [_Word(raw.replace('"', ""), raw, at, at + len(raw)) for raw, at in pieces]
    ws.append(_Word("T=$TOKEN", "T=$TOKEN", 33, 41, literal=False))
    ws.append(_Word("img", "img", 42, 45))
    toks = tokens_from_words(ws)
    assert [t.value for t in toks][3] == "--memory=2g"
    assert toks[3].value_range(9) == (26, 28)
    assert not toks[5].literal and toks[5].first_unknown == 2
    f = SourceFile("s.sh", line)
    s = spec_from_docker_words(toks, label="docker run", path="s.sh", to_span=f.span)
    assert s is not None and s.memory.value == 2 * GIB
    assert s.memory.span == Span(1, 17, 1, 30)
    assert s.anchor_span == Span(1, 6, 1, 12)
    assert s.env[0].name == "T" and not s.env[0].known and s.env[0].value == "$TOKEN"
    # A word whose raw text does not read back as one word falls back to its text.
    (odd,) = tokens_from_words([_Word("a b", "a b", 5, 8, literal=False)])
    assert odd.value == "a b" and odd.start == 5 and not odd.literal


def test_plain_token() -> None:
    tok = Token.plain("--rm", 10)
    assert (tok.start, tok.end, tok.literal) == (10, 14, True)
    assert tok.value_range(1, 3) == (11, 13)


# --------------------------------------------------------------------------
# ContainerSpec from options
# --------------------------------------------------------------------------

ANCHOR = Span.point(1)


def spec(text: str, **kw: object) -> ContainerSpec:
    sf = SourceFile("w.yml", text)
    return spec_from_options_text(
        text,
        source_kind="workflow-container",
        anchor_span=ANCHOR,
        label="job build's container",
        path="w.yml",
        to_span=sf.span,
        **kw,  # type: ignore[arg-type]
    )


def docker(text: str) -> ContainerSpec:
    sf = SourceFile("s.sh", text)
    found = spec_from_command_text(text, label="docker run", path="s.sh", to_span=sf.span)
    assert found is not None
    return found


def test_missing_controls_have_no_span() -> None:
    s = spec("--rm")
    assert s.memory.missing and s.memory.span is None and s.memory.known
    assert not s.cap_drop and s.privileged.missing and s.read_only.missing
    assert not s.unknown_options
    assert s.anchor_span == ANCHOR


@pytest.mark.parametrize(
    "text",
    [
        "--cap-drop=ALL",
        "--cap-drop all",
        "--cap-drop='All'",
    ],
)
def test_capabilities_any_case_and_prefix(text: str) -> None:
    (cap,) = spec(text).cap_drop
    assert cap.value == "ALL" and cap.known and cap.span is not None


def test_cap_all_is_not_all() -> None:
    # Docker rejects CAP_ALL instead of reading it as ALL.
    s = spec("--cap-drop cap_all")
    assert [c.value for c in s.cap_drop] == ["CAP_ALL"]
    assert any("CAP_ALL" in p.message for p in s.problems)


@pytest.mark.parametrize(
    "text", ["--cap-drop NET_RAW", "--cap-drop=cap_net_raw", "--cap-drop Cap_Net_Raw"]
)
def test_capability_case_and_prefix(text: str) -> None:
    assert [c.value for c in spec(text).cap_drop] == ["NET_RAW"]


def test_cap_add_normalised_with_spans() -> None:
    text = "--cap-add sys_admin --cap-add=CAP_NET_ADMIN"
    s = spec(text)
    assert [c.value for c in s.cap_add] == ["SYS_ADMIN", "NET_ADMIN"]
    assert s.cap_add[0].span == Span(1, 1, 1, 20)
    assert normalise_capability(" cap_chown ") == "CHOWN"


def test_capability_from_expression_is_unknown() -> None:
    (cap,) = spec("--cap-drop ${{ inputs.caps }}").cap_drop
    assert cap.value is None and not cap.known and cap.present


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("--security-opt=no-new-privileges", True),
        ("--security-opt no-new-privileges", True),
        ("--security-opt=no-new-privileges:true", True),
        ("--security-opt=no-new-privileges=true", True),
        ("--security-opt=no-new-privileges:false", False),
        ("--security-opt=no-new-privileges=false", False),
        ("--security-opt=no-new-privileges=maybe", None),
    ],
)
def test_no_new_privileges(text: str, value: bool | None) -> None:
    s = spec(text)
    assert s.no_new_privileges.value is value
    assert s.no_new_privileges.known and s.no_new_privileges.span is not None


def test_no_new_privileges_unknown() -> None:
    s = spec("--security-opt ${{ inputs.secopt }}")
    # The whole option is an expression: it may set no-new-privileges.
    assert s.no_new_privileges.present and not s.no_new_privileges.known
    assert not s.security_opts[0].known
    s = spec("--security-opt no-new-privileges=${{ inputs.nnp }}")
    assert s.no_new_privileges.present and not s.no_new_privileges.known


@pytest.mark.parametrize(
    ("text", "key", "value", "old"),
    [
        ("--security-opt seccomp=unconfined", "seccomp", "unconfined", False),
        ("--security-opt=seccomp:unconfined", "seccomp", "unconfined", True),
        ("--security-opt apparmor=unconfined", "apparmor", "unconfined", False),
        ("--security-opt label=disable", "label", "disable", False),
        ("--security-opt label:disable", "label", "disable", True),
        ("--security-opt systempaths=unconfined", "systempaths", "unconfined", False),
        ("--security-opt seccomp=/p/profile.json", "seccomp", "/p/profile.json", False),
    ],
)
def test_security_opts(text: str, key: str, value: str, old: bool) -> None:
    (o,) = spec(text).security_opts
    assert (o.key, o.value, o.old_syntax, o.known) == (key, value, old, True)
    assert o.span is not None
    assert spec(text).security_opt(key) == (o,)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("--read-only", True),
        ("--read-only=true", True),
        ("--read-only=false", False),
    ],
)
def test_read_only(text: str, value: bool) -> None:
    assert spec(text).read_only.value is value


def test_privileged_and_oom() -> None:
    s = spec("--privileged --oom-kill-disable")
    assert s.privileged.value is True and s.oom_kill_disable.value is True
    s = spec("--oom-kill-disable=false")
    assert s.oom_kill_disable.value is False
    s = spec("--privileged=maybe")
    assert s.privileged.present and s.privileged.value is None and s.problems


@pytest.mark.parametrize(
    ("text", "memory"),
    [
        ("-m 2g", 2 * GIB),
        ("-m2G", 2 * GIB),
        ("--memory=2048m", 2 * GIB),
        ("--memory 512k", 512 * 1024),
        ("--memory=1073741824", GIB),
        ("--memory 1.5g", int(1.5 * GIB)),
        ("--memory 2GiB", 2 * GIB),
        ("--memory 0", UNLIMITED),
    ],
)
def test_memory(text: str, memory: object) -> None:
    s = spec(text)
    assert s.memory.value == memory and s.memory.certain


def test_memory_swap_and_last_wins() -> None:
    s = spec("--memory 1g --memory 2g --memory-swap -1")
    assert s.memory.value == 2 * GIB
    assert s.memory_swap.value is UNLIMITED
    assert s.memory.span == Span(1, 13, 1, 24)
    s = spec("--memory-swap=4g --memory-reservation 1g")
    assert s.memory_swap.value == 4 * GIB and s.memory_reservation.value == GIB


def test_invalid_size_is_present_but_none() -> None:
    s = spec("--memory lots")
    assert s.memory.present and s.memory.known and s.memory.value is None
    assert any("lots" in p.message for p in s.problems)


def test_memory_from_expression() -> None:
    s = spec("--memory ${{ inputs.memory }}")
    assert s.memory.present and not s.memory.known and s.memory.value is None
    assert s.memory.raw == "${{ inputs.memory }}"
    assert not s.problems


def test_cpu_limits() -> None:
    s = spec("--cpus 1.5")
    assert s.cpus.value == 1.5
    s = spec("--cpu-quota 50000 --cpu-period=100000")
    assert s.cpu_quota.value == 50000 and s.cpu_period.value == 100000 and s.cpus.missing
    s = spec("--cpus=0.5 --pids-limit 128")
    assert s.cpus.value == 0.5 and s.pids_limit.value == 128


@pytest.mark.parametrize(
    ("text", "value"), [("--pids-limit 0", UNLIMITED), ("--pids-limit=-1", UNLIMITED)]
)
def test_unlimited_pids(text: str, value: object) -> None:
    assert spec(text).pids_limit.value is value


def test_tmpfs_flag() -> None:
    (t,) = spec("--tmpfs /tmp:rw,size=64m,mode=1777").tmpfs
    assert (t.target, t.size, t.size_raw, t.mode, t.read_only, t.via) == (
        "/tmp", 64 * MIB, "64m", "1777", False, "tmpfs",
    )  # fmt: skip
    (t,) = spec("--tmpfs /run").tmpfs
    assert t.target == "/run" and t.size is None and t.size_raw is None
    (t,) = spec("--tmpfs /tmp/:ro,size=50%").tmpfs
    assert t.read_only and t.size is None and t.size_raw == "50%" and t.path == "/tmp"


@pytest.mark.parametrize(
    "text",
    [
        "--mount type=tmpfs,destination=/tmp,tmpfs-size=67108864",
        "--mount type=tmpfs,dst=/tmp,tmpfs-size=64m",
        "--mount=type=tmpfs,target=/tmp,tmpfs-size=64m,tmpfs-mode=1770",
        "--mount 'type=tmpfs,\"target=/tmp\",tmpfs-size=64m'",
    ],
)
def test_mount_tmpfs(text: str) -> None:
    s = spec(text)
    (t,) = s.tmpfs
    assert t.target == "/tmp" and t.size == 64 * MIB and t.via == "mount"
    assert not s.volumes


@pytest.mark.parametrize(
    ("text", "kind", "source", "target", "ro"),
    [
        ("--mount type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock", "bind",
         "/var/run/docker.sock", "/var/run/docker.sock", False),
        ("--mount type=bind,src=/etc,dst=/host-etc,readonly", "bind", "/etc", "/host-etc", True),
        ("--mount type=bind,src=/etc,dst=/e,ro=true", "bind", "/etc", "/e", True),
        ("--mount type=bind,src=/etc,dst=/e,readonly=false", "bind", "/etc", "/e", False),
        ("--mount type=bind,src=/etc,dst=/e,readonly=1", "bind", "/etc", "/e", True),
        ("--mount Type=BIND,Source=/etc,Target=/e", "bind", "/etc", "/e", False),
        ("--mount type=volume,source=cache,target=/cache", "volume", "cache", "/cache", False),
        ("--mount source=cache,target=/cache", "volume", "cache", "/cache", False),
        ("--mount type=volume,target=/anon", "volume", None, "/anon", False),
        ("--mount type=image,source=img,target=/i", "image", "img", "/i", False),
    ],
)  # fmt: skip
def test_mount_bind_and_volume(
    text: str, kind: str, source: str | None, target: str, ro: bool
) -> None:
    (v,) = spec(text).volumes
    assert (v.kind, v.source, v.target, v.read_only, v.via) == (kind, source, target, ro, "mount")


@pytest.mark.parametrize(
    ("text", "kind", "source", "target", "mode", "ro"),
    [
        ("-v /var/run/docker.sock:/var/run/docker.sock:ro", "bind", "/var/run/docker.sock",
         "/var/run/docker.sock", "ro", True),
        ("-v /var/run/docker.sock:/var/run/docker.sock", "bind", "/var/run/docker.sock",
         "/var/run/docker.sock", None, False),
        ("--volume=/:/host:ro,rslave", "bind", "/", "/host", "ro,rslave", True),
        ("-v ~/.ssh:/root/.ssh", "bind", "~/.ssh", "/root/.ssh", None, False),
        ("-v ./data:/data:rw", "bind", "./data", "/data", "rw", False),
        ("-v cache:/cache", "volume", "cache", "/cache", None, False),
        ("-v /anon", "volume", None, "/anon", None, False),
        ("-v /anon:ro", "volume", None, "/anon", "ro", True),
    ],
)  # fmt: skip
def test_volumes(
    text: str, kind: str, source: str | None, target: str, mode: str | None, ro: bool
) -> None:
    (v,) = spec(text).volumes
    assert (v.kind, v.source, v.target, v.mode, v.read_only, v.known) == (
        kind,
        source,
        target,
        mode,
        ro,
        True,
    )


def test_volume_host_path_normalised() -> None:
    (v,) = spec("-v //var/run//docker.sock/:/s").volumes
    assert v.host_path == "/var/run/docker.sock"


def test_volume_from_expression() -> None:
    (v,) = spec("-v ${{ github.workspace }}:/w").volumes
    assert not v.source_known and v.target == "/w" and v.host_path is None
    (v,) = spec('-v "${HOME:-/root}/.ssh:/s"').volumes
    assert v.source == "${HOME:-/root}/.ssh" and v.kind == "bind" and not v.source_known
    assert split_outside_expansions("${A:-x}:${{ b }}:/c", ":") == ["${A:-x}", "${{ b }}", "/c"]


def test_namespaces() -> None:
    s = spec("--network host --pid=host --ipc host --uts=host --userns host --cgroupns=host")
    assert [(k, f.value) for k, f in s.namespaces.items()] == [
        (k, "host") for k in ("network", "pid", "ipc", "uts", "userns", "cgroupns")
    ]
    s = spec("--net=host")
    assert s.namespaces.network.value == "host" and s.namespaces.network.span == Span(1, 1, 1, 11)
    assert spec("--network none").namespaces.network.value == "none"
    assert spec("--rm").namespaces.pid.missing


def test_devices_runtime_gpus_user() -> None:
    s = spec("--device /dev/sda:/dev/xvda:rwm --device=/dev/fuse --device /dev/kvm:rw "
             "--runtime=runsc --gpus all -u 0:0 --use-api-socket")  # fmt: skip
    assert [(d.host, d.container, d.permissions) for d in s.devices] == [
        ("/dev/sda", "/dev/xvda", "rwm"),
        ("/dev/fuse", None, None),
        ("/dev/kvm", None, "rw"),
    ]
    assert s.runtime.value == "runsc" and s.gpus.value == "all"
    assert s.user.value == "0:0" and user_is_root(s.user.value)
    assert s.use_api_socket.value is True
    assert not user_is_root("1001") and user_is_root("root") and user_is_root("root:root")
    assert user_is_root("00") and not user_is_root("rootless")


def test_env() -> None:
    s = spec(
        "-e GITHUB_TOKEN=${{ secrets.GITHUB_TOKEN }} -e API_KEY=${{ github.token }} "
        "-e PLAIN=1 -e DB_PASSWORD --env=X=${{ env.X }} -e my_private_key=abc --env-file .env"
    )
    got = [(e.name, e.value, e.known, e.from_secret, e.secret_like_name) for e in s.env]
    assert got == [
        ("GITHUB_TOKEN", "${{ secrets.GITHUB_TOKEN }}", False, True, True),
        ("API_KEY", "${{ github.token }}", False, True, True),
        ("PLAIN", "1", True, False, False),
        ("DB_PASSWORD", None, True, False, True),
        ("X", "${{ env.X }}", False, False, False),
        ("my_private_key", "abc", True, False, True),
    ]
    assert s.env[3].passthrough
    assert [f.value for f in s.env_files] == [".env"]


def test_whole_options_from_an_expression() -> None:
    s = spec("${{ inputs.container-options }}")
    assert s.unknown_options and s.memory.missing


def test_unterminated_quote_marks_options_unknown() -> None:
    s = spec("--memory 2g --label 'oops")
    assert s.unknown_options
    assert s.memory.value == 2 * GIB
    assert any("single quote" in p.message and p.span == Span(1, 21, 1, 22) for p in s.problems)


def test_unexpected_positional_is_a_problem() -> None:
    s = spec("--rm ubuntu")
    assert any("ubuntu" in p.message for p in s.problems)
    assert not s.unknown_options


def test_unknown_flags_recorded() -> None:
    s = spec("--bogus --rm")
    assert [f.value for f in s.unknown_flags] == ["--bogus"]


def test_spans_map_through_to_span() -> None:
    # Offsets are relative to the options string; the caller maps them into the file.
    file = SourceFile(
        "w.yml", "jobs:\n  b:\n    container:\n      options: --cpus 1 --privileged\n"
    )
    base = file.text.index("--cpus")
    text = "--cpus 1 --privileged"
    s = spec_from_options_text(
        text,
        source_kind="workflow-container",
        anchor_span=file.span(base - 9, base - 2),
        label="job b's container",
        path="w.yml",
        to_span=lambda a, b: file.span(base + a, base + b),
    )
    assert s.privileged.span == Span(4, 25, 4, 37)
    assert s.cpus.span == Span(4, 16, 4, 24)


def test_image_passed_by_the_caller() -> None:
    image = Field(parse_image_ref("node:20"), Span.point(3), True, "node:20")
    s = spec("--cpus 1", image=image)
    assert s.image.value is not None and s.image.value.tag == "20"


# --------------------------------------------------------------------------
# docker run lines
# --------------------------------------------------------------------------


def test_docker_run_line() -> None:
    s = docker("docker run --rm -it --cap-drop=ALL -m 2g ghcr.io/o/app:1.2 --privileged")
    assert s.source_kind == "docker-run"
    assert s.anchor_span == Span(1, 1, 1, 7)
    assert s.image.value is not None and s.image.value.registry == "ghcr.io"
    assert s.image.span == Span(1, 42, 1, 59)
    assert s.privileged.missing  # after the image: an argument of the command
    assert s.memory.value == 2 * GIB


def test_docker_run_with_expression_image() -> None:
    s = docker("docker run --rm ${{ env.IMAGE }} make test")
    assert s.image.present and not s.image.known
    assert s.image.value is not None and s.image.value.unknown
    assert not s.unknown_options


def test_docker_run_with_opaque_options() -> None:
    s = docker("docker run $DOCKER_ARGS img")
    assert s.unknown_options
    assert s.image.value is not None and s.image.value.repository == "img"


def test_docker_run_without_image() -> None:
    s = docker("docker run --rm")
    assert s.image.missing
    assert any("no image" in p.message for p in s.problems)


def test_not_a_docker_run() -> None:
    assert (
        spec_from_command_text(
            "docker ps", label="x", path="p", to_span=SourceFile("p", "docker ps").span
        )
        is None
    )


def test_spec_from_tokens_mode_defaults() -> None:
    toks = tokenize("--rm img").tokens
    f = SourceFile("p", "--rm img")
    s = spec_from_tokens(
        toks, source_kind="devcontainer", anchor_span=ANCHOR, label="l", path="p", to_span=f.span
    )
    assert s.image.value is not None and s.image.value.repository == "img"
    s = spec_from_tokens(
        toks,
        source_kind="devcontainer",
        anchor_span=ANCHOR,
        label="l",
        path="p",
        to_span=f.span,
        mode="options",
    )
    assert s.image.missing and s.problems


# --------------------------------------------------------------------------
# Builder (what the compose adapter uses)
# --------------------------------------------------------------------------


def test_builder_matches_the_spec_fields() -> None:
    spec_fields = {f.name for f in dataclasses.fields(ContainerSpec)} - {"namespaces"}
    builder_fields = {f.name for f in dataclasses.fields(SpecBuilder)}
    namespace_fields = {"network", "pid", "ipc", "uts", "userns", "cgroupns"}
    assert builder_fields == spec_fields | namespace_fields


def test_builder_from_plain_values() -> None:
    b = SpecBuilder("compose", "compose service web", "compose.yml", Span.point(2))
    b.memory = Field(2 * GIB, Span.point(5), raw="2g")
    b.add_cap_drop("all", Span.point(6))
    b.add_security_opt("no-new-privileges:true", Span.point(7))
    b.add_volume("/var/run/docker.sock:/var/run/docker.sock", Span.point(8))
    b.add_tmpfs("/tmp:size=64m", Span.point(9))
    b.add_env_pair("API_TOKEN", "${{ secrets.X }}", Span.point(10))
    b.add_device("/dev/fuse", Span.point(11))
    b.network = Field("host", Span.point(12))
    s = b.build()
    assert s.memory.value == 2 * GIB and s.cap_drop[0].value == "ALL"
    assert s.no_new_privileges.value is True
    assert s.volumes[0].host_path == "/var/run/docker.sock"
    assert s.tmpfs[0].size == 64 * MIB
    assert s.env[0].from_secret and s.env[0].secret_like_name
    assert s.namespaces.network.value == "host"
    assert isinstance(s.cap_drop, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.memory = Field()  # type: ignore[misc]


def test_field_states() -> None:
    missing: Field[int] = Field()
    assert missing.missing and not missing.present and not missing.certain
    unknown: Field[int] = Field(None, Span.point(1), False, "${{ x }}")
    assert unknown.present and not unknown.certain
    invalid: Field[int] = Field(None, Span.point(1), True, "lots")
    assert invalid.present and not invalid.certain
    ok = Field(3, Span.point(1))
    assert ok.certain


def test_mount_at() -> None:
    s = spec("--tmpfs /tmp/ -v cache:/home/u/.cache --mount type=bind,src=/x,dst=/w")
    m = s.mount_at("/tmp")
    assert m is not None and m.path == "/tmp"
    assert s.mount_at("/home/u/.cache/") is not None
    assert s.mount_at("/w") is not None and s.mount_at("/nope") is None
    assert not s.has_unknown_mounts
    assert spec("-v ${{ inputs.v }}").has_unknown_mounts
    s = spec("--mount type=${{ inputs.t }},dst=/tmp")
    assert s.has_unknown_mounts and s.volumes[0].kind == "unknown"


_OPTION_WORD = st.sampled_from(
    ["--rm", "-it", "-m", "2g", "--memory-swap=-1", "--cap-drop", "ALL", "--tmpfs", "/tmp:size=1m",
     "--mount", "type=tmpfs,dst=/t", "-v", "/a:/b:ro", "--security-opt", "seccomp:unconfined",
     "${{ inputs.x }}", "$VAR", "'", '"', "--", "-e", "A=${{ secrets.B }}", "img", "--bogus=1",
     "--device", "/dev/x:/dev/y:rwm", "-u0", "--pids-limit", "-1", "--cpus", "x"]
)  # fmt: skip


@given(st.lists(_OPTION_WORD, max_size=12))
def test_building_specs_never_raises(parts: list[str]) -> None:
    text = " ".join(parts)
    spec(text)
    f = SourceFile("s", "docker run " + text)
    spec_from_command_text(f.text, label="l", path="s", to_span=f.span)
