"""Build a ContainerSpec from Docker CLI words.

Used for a workflow's ``container.options`` / ``services.*.options``, for
``docker run`` / ``docker create`` command lines, and for a dev container's
``runArgs``. The caller owns the file: it hands over words whose offsets
are relative to some string and a ``to_span(start, end)`` that maps those
offsets to a :class:`~sentra_lint.source.Span` in the file (for a block
scalar, through its line mapping). Nothing here knows about YAML.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Literal, TypeVar

from sentra_lint.container.flags import (
    Opt,
    ParsedRun,
    Token,
    match_docker_run,
    parse_options,
    parse_run_args,
    tokenize,
)
from sentra_lint.container.sizes import (
    parse_bytes,
    parse_cpus,
    parse_int,
    parse_memory,
    parse_memory_swap,
    parse_pids_limit,
)
from sentra_lint.container.spec import ContainerSpec, Field, SourceKind, SpecBuilder, SpecProblem
from sentra_lint.images import ImageRef, parse_image_ref
from sentra_lint.source import Span

__all__ = [
    "ToSpan",
    "apply_options",
    "spec_from_command_text",
    "spec_from_docker_words",
    "spec_from_options_text",
    "spec_from_tokens",
]

ToSpan = Callable[[int, int], Span]
N = TypeVar("N")

_NAMESPACE_FLAGS = {
    "--network": "network",
    "--pid": "pid",
    "--ipc": "ipc",
    "--uts": "uts",
    "--userns": "userns",
    "--cgroupns": "cgroupns",
}
_BOOL_FLAGS = {
    "--privileged": "privileged",
    "--read-only": "read_only",
    "--oom-kill-disable": "oom_kill_disable",
    "--use-api-socket": "use_api_socket",
}
_STRING_FLAGS = {
    "--user": "user",
    "--runtime": "runtime",
    "--gpus": "gpus",
    "--workdir": "workdir",
    "--entrypoint": "entrypoint",
    "--cpuset-cpus": "cpuset_cpus",
}


def spec_from_tokens(
    tokens: Sequence[Token],
    *,
    source_kind: SourceKind,
    anchor_span: Span,
    label: str,
    path: str,
    to_span: ToSpan,
    options_span: Span | None = None,
    image: Field[ImageRef] | None = None,
    mode: Literal["run", "options"] | None = None,
    incomplete: bool = False,
) -> ContainerSpec:
    """A ContainerSpec from Docker CLI words.

    ``mode="run"`` reads ``OPTIONS IMAGE [COMMAND]`` (the words after
    ``docker run``); ``mode="options"`` reads options only (a workflow's
    ``container.options``). By default it is ``"options"`` when ``image`` is
    given and ``"run"`` otherwise. ``incomplete`` says the words are not the
    whole options (an unterminated quote, an expression around them): the
    spec is then marked ``unknown_options``.
    """
    if mode is None:
        mode = "options" if image is not None else "run"
    parsed = parse_options(tokens) if mode == "options" else parse_run_args(tokens)
    b = SpecBuilder(source_kind, label, path, anchor_span, options_span)
    if image is not None:
        b.image = image
    apply_options(b, parsed, to_span)
    if mode == "run":
        if parsed.image is not None:
            tok = parsed.image
            b.image = Field(
                parse_image_ref(tok.value), to_span(tok.start, tok.end), tok.literal, tok.value
            )
        elif not parsed.uncertain:
            b.problem(anchor_span, "no image given")
        for tok in parsed.command:
            b.command.append(
                Field(tok.value if tok.literal else None, to_span(tok.start, tok.end), tok.literal, tok.value)
            )
    if incomplete:
        b.unknown_options = True
    return b.build()


def spec_from_options_text(
    text: str,
    *,
    source_kind: SourceKind,
    anchor_span: Span,
    label: str,
    path: str,
    to_span: ToSpan,
    options_span: Span | None = None,
    image: Field[ImageRef] | None = None,
    shell_vars: bool = True,
) -> ContainerSpec:
    """Tokenize an options string and build its spec (see :func:`spec_from_tokens`).

    ``to_span`` maps offsets into ``text``. An unterminated quote becomes a
    problem at its offset, and the spec is ``unknown_options``.
    """
    result = tokenize(text, shell_vars=shell_vars)
    spec = spec_from_tokens(
        result.tokens,
        source_kind=source_kind,
        anchor_span=anchor_span,
        label=label,
        path=path,
        to_span=to_span,
        options_span=options_span,
        image=image,
        mode="options",
        incomplete=result.error is not None,
    )
    if result.error is not None:
        err = result.error
        spec = _with_error(spec, to_span(err.offset, err.offset + 1), err.message)
    return spec


def spec_from_command_text(
    text: str,
    *,
    label: str,
    path: str,
    to_span: ToSpan,
    source_kind: SourceKind = "docker-run",
) -> ContainerSpec | None:
    """The spec of one ``docker run|create`` command (the text of one simple command).

    ``None`` when the text is not such a command. The anchor is the
    ``docker`` word.
    """
    result = tokenize(text)
    spec = spec_from_docker_words(
        result.tokens, label=label, path=path, to_span=to_span, source_kind=source_kind
    )
    if spec is not None and result.error is not None:
        err = result.error
        spec = _with_error(spec, to_span(err.offset, err.offset + 1), err.message)
    return spec


def spec_from_docker_words(
    words: Sequence[Token],
    *,
    label: str,
    path: str,
    to_span: ToSpan,
    source_kind: SourceKind = "docker-run",
) -> ContainerSpec | None:
    """The spec of a command already split into words (``[sudo] docker [container] run|create …``).

    For words from the shell model, convert them with
    :func:`~sentra_lint.container.flags.tokens_from_words` first. ``None``
    when the words are not a ``docker run`` / ``docker create``.
    """
    found = match_docker_run(words)
    if found is None:
        return None
    word = found.command_word
    if label.startswith("docker run") and (found.tool, found.subcommand) != ("docker", "run"):
        # Name the tool that runs it: ``podman run in job 'x'``, not "docker run".
        label = f"{found.tool} {found.subcommand}{label[len('docker run') :]}"
    spec = spec_from_tokens(
        found.args,
        source_kind=source_kind,
        anchor_span=to_span(word.start, word.end),
        label=label,
        path=path,
        to_span=to_span,
        mode="run",
    )
    if found.compose:
        # ``docker compose run SERVICE``: the word in the image's place is a
        # service of the Compose file, which holds the launch's posture (linted
        # with that file). Only what the command line itself writes is judged.
        service = spec.image.raw
        if service and spec.label.startswith("docker compose run"):
            label = f"docker compose run of service '{service}'{spec.label[len('docker compose run') :]}"
        spec = dataclasses.replace(
            spec,
            label=label if service else spec.label,
            image=Field(),
            unknown_options=True,
            problems=tuple(p for p in spec.problems if p.message != "no image given"),
        )
    sub = words[len(words) - len(found.args) - 1]
    return dataclasses.replace(spec, command_span=to_span(sub.start, sub.end))


def apply_options(b: SpecBuilder, parsed: ParsedRun, to_span: ToSpan) -> None:
    """Record every option of ``parsed`` in ``b`` (repeated single-valued flags: last wins)."""
    for opt in parsed.options:
        _apply(b, opt, to_span)
    for opt in parsed.unknown_flags:
        b.unknown_flags.append(Field(opt.written, to_span(opt.start, opt.end), True, opt.written))
    for tok in parsed.unexpected:
        b.problem(
            to_span(tok.start, tok.end), f"unexpected argument {tok.value!r} among the options"
        )
    for prob in parsed.problems:
        b.problem(to_span(prob.start, prob.end), prob.message)
    if parsed.uncertain:
        b.unknown_options = True


# Flags whose values are read by the grammar the builder shares with Compose.
_ADDERS: dict[str, Callable[[SpecBuilder, str, Span, bool], None]] = {
    "--cap-drop": SpecBuilder.add_cap_drop,
    "--cap-add": SpecBuilder.add_cap_add,
    "--security-opt": SpecBuilder.add_security_opt,
    "--volume": SpecBuilder.add_volume,
    "--mount": SpecBuilder.add_mount,
    "--tmpfs": SpecBuilder.add_tmpfs,
    "--device": SpecBuilder.add_device,
    "--env": SpecBuilder.add_env,
}


# Flags with a numeric value: the builder attribute, the parser and what a bad value is not.
_NUMBERS: dict[str, tuple[str, Callable[[str], object], str]] = {
    "--memory": ("memory", parse_memory, "a memory size"),
    "--memory-swap": ("memory_swap", parse_memory_swap, "a memory size or -1"),
    "--memory-reservation": ("memory_reservation", parse_bytes, "a memory size"),
    "--cpus": ("cpus", parse_cpus, "a number of CPUs"),
    "--cpu-quota": ("cpu_quota", parse_int, "a whole number"),
    "--cpu-period": ("cpu_period", parse_int, "a whole number"),
    "--pids-limit": ("pids_limit", parse_pids_limit, "a whole number"),
}


def _apply(b: SpecBuilder, opt: Opt, to_span: ToSpan) -> None:
    span = to_span(opt.start, opt.end)
    name = opt.name
    if name in _BOOL_FLAGS:
        enabled = opt.enabled
        f = Field(enabled, span, opt.literal, opt.value)
        if enabled is None and opt.literal:
            b.problem(span, f"{opt.written} takes true or false, not {opt.value!r}")
        setattr(b, _BOOL_FLAGS[name], f)
        return
    value = opt.value
    if value is None:
        return  # a value flag without its value: already a problem
    known = opt.literal
    if name in _STRING_FLAGS:
        setattr(b, _STRING_FLAGS[name], Field(value if known else None, span, known, value))
    elif name in _NAMESPACE_FLAGS:
        setattr(
            b, _NAMESPACE_FLAGS[name], Field(value.strip() if known else None, span, known, value)
        )
    elif name in _ADDERS:
        _ADDERS[name](b, value, span, known)
    elif name == "--label":
        b.labels.append(Field(value if known else None, span, known, value))
    elif name == "--env-file":
        b.env_files.append(Field(value if known else None, span, known, value))
    elif name == "--device-cgroup-rule":
        b.device_cgroup_rules.append(Field(value if known else None, span, known, value))
    elif name == "--volumes-from":
        b.volumes_from.append(Field(value if known else None, span, known, value))
    elif name in _NUMBERS:
        attr, parse, what = _NUMBERS[name]
        setattr(b, attr, _number(b, span, known, value, parse(value) if known else None, what))


def _number(
    b: SpecBuilder, span: Span, known: bool, raw: str, parsed: N | None, what: str
) -> Field[N]:
    if known and parsed is None:
        b.problem(span, f"{raw!r} is not {what}")
    return Field(parsed, span, known, raw)


def _with_error(spec: ContainerSpec, span: Span, message: str) -> ContainerSpec:
    return dataclasses.replace(
        spec, problems=(*spec.problems, SpecProblem(span, message)), unknown_options=True
    )
