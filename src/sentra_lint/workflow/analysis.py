"""Workflow analysis: taint scopes, writes to the environment files, actions, triggers.

Nothing here reports anything; the rule modules decide what a finding is.
Everything works on the :class:`~sentra_lint.workflow.model.Workflow` model
and never raises on odd input (a value of the wrong type is skipped).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.filecache import file_cache
from sentra_lint.source import Span
from sentra_lint.workflow.expressions import (
    ContextPath,
    ExprError,
    ExprSpan,
    context_paths,
    find_expressions,
    parse_expression,
)
from sentra_lint.workflow.model import Job, Step, Workflow
from sentra_lint.workflow.taint import (
    InputDecl,
    Taint,
    TaintContext,
    taint_of,
    taint_of_template,
)
from sentra_lint.yamlmodel import MapNode, Node, ScalarNode, SeqNode, as_str

if TYPE_CHECKING:
    from sentra_lint.shell import Command

# Triggers through which someone without write access can start a run.
UNTRUSTED_TRIGGERS = frozenset(
    {
        "issues",
        "issue_comment",
        "pull_request_target",
        "discussion",
        "discussion_comment",
        "pull_request_review",
        "pull_request_review_comment",
        "workflow_run",
        "fork",
        "watch",
    }
)

# Triggers a fork (or any GitHub user) can cause, for the self-hosted runner rule.
FORK_REACHABLE_TRIGGERS = UNTRUSTED_TRIGGERS | {"pull_request"}


# ---------------------------------------------------------------------------
# Small readers


def scalar(node: Node | None) -> ScalarNode | None:
    """A non-null scalar node."""
    return node if isinstance(node, ScalarNode) and not node.is_null else None


def env_strings(env: MapNode | None) -> dict[str, str]:
    """``name -> value text`` of an ``env:`` mapping (non-scalar values skipped)."""
    out: dict[str, str] = {}
    if env is None:
        return out
    for name, _key, value in env.str_items():
        text = as_str(value)
        if text is not None:
            out[name] = text
    return out


def action_slug(step: Step) -> str | None:
    """``owner/repo`` (lower case, path dropped) of a step's repository action."""
    ref = step.uses_ref
    if ref is None or ref.kind != "repository":
        return None
    return ref.slug


def action_path(step: Step) -> str | None:
    """``owner/repo[/path]`` (lower case) of a step's repository action."""
    ref = step.uses_ref
    if ref is None or ref.kind != "repository" or ref.slug is None:
        return None
    return f"{ref.slug}/{ref.path}".lower() if ref.path else ref.slug


def is_checkout(step: Step) -> bool:
    return action_path(step) == "actions/checkout"


def matrix_literals(job: Job, keys: tuple[str, ...]) -> list[ScalarNode]:
    """Literal values the matrix gives ``matrix.<keys…>``: items of the matrix
    list and of ``include`` entries, followed through nested mappings."""
    strategy = job.strategy
    matrix = strategy.get("matrix") if isinstance(strategy, MapNode) else None
    if not isinstance(matrix, MapNode) or not keys:
        return []
    values: list[Node] = []
    for name, _k, value in matrix.str_items():
        if name.lower() == keys[0] and isinstance(value, SeqNode):
            values.extend(value.items)
    include = matrix.get("include")
    if isinstance(include, SeqNode):
        for item in include.items:
            if isinstance(item, MapNode):
                values.extend(v for n, _k, v in item.str_items() if n.lower() == keys[0])
    for key in keys[1:]:
        nested: list[Node] = []
        for value in values:
            if isinstance(value, MapNode):
                nested.extend(v for n, _k, v in value.str_items() if n.lower() == key)
        values = nested
    out: list[ScalarNode] = []
    for value in values:
        items = value.items if isinstance(value, SeqNode) else (value,)
        for item in items:
            if isinstance(item, ScalarNode) and not item.is_null and "${{" not in item.value:
                out.append(item)
    return out


# ---------------------------------------------------------------------------
# Taint contexts


def _input_decls(node: Node | None, source: str) -> list[InputDecl]:
    out: list[InputDecl] = []
    if not isinstance(node, MapNode):
        return out
    for name, _key, value in node.str_items():
        typ = "string"
        if isinstance(value, MapNode):
            typ = (as_str(value.get("type")) or "string").strip().lower()
        out.append(InputDecl(name, typ, source))
    return out


def workflow_context(wf: Workflow) -> TaintContext:
    """The taint context at the top of a workflow (or action): its triggers and inputs."""
    if wf.is_action:
        inputs = _input_decls(wf.action_inputs, "action")
        return TaintContext.for_workflow((), inputs)
    decls: list[InputDecl] = []
    known = True
    for trigger in wf.triggers:
        if trigger.name in ("workflow_dispatch", "workflow_call"):
            cfg = trigger.config_map
            decls.extend(_input_decls(cfg.get("inputs") if cfg is not None else None, trigger.name))
    if not wf.triggers:
        known = False
    ctx = TaintContext.for_workflow([t.name for t in wf.triggers], decls if known else None)
    return ctx.with_env(env_strings(wf.env))


def _matrix_context(job: Job, ctx: TaintContext) -> TaintContext:
    """Record matrix values that carry tainted text (``matrix.x: ${{ … }}``)."""
    strategy = job.strategy
    matrix = strategy.get("matrix") if isinstance(strategy, MapNode) else None
    if isinstance(matrix, ScalarNode) and not matrix.is_null:
        taint = taint_of_template(matrix.value, ctx)
        if taint.tainted:
            ctx = ctx.with_carried("matrix.*", taint)
        return ctx
    if not isinstance(matrix, MapNode):
        return ctx
    for name, _key, value in matrix.str_items():
        if name in ("include", "exclude"):
            continue
        texts: list[str] = []
        if isinstance(value, ScalarNode):
            texts.append(value.value)
        elif isinstance(value, SeqNode):
            texts.extend(v.value for v in value.items if isinstance(v, ScalarNode))
        taint = Taint().union(*(taint_of_template(t, ctx) for t in texts))
        if taint.tainted:
            ctx = ctx.with_carried(f"matrix.{name}", taint)
    include = matrix.get("include")
    if isinstance(include, SeqNode):
        for item in include.items:
            if isinstance(item, MapNode):
                for name, _key, value in item.str_items():
                    text = as_str(value)
                    taint = taint_of_template(text, ctx) if text is not None else Taint()
                    if taint.tainted:
                        ctx = ctx.with_carried(f"matrix.{name}", taint)
    return ctx


@dataclass(frozen=True, slots=True)
class StepScope:
    """A step with the taint context its ``run:`` and ``with:`` see."""

    job: Job | None
    step: Step
    ctx: TaintContext


_PAYLOAD = lazy_compile(r"\bcontext\.payload((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])+)")


def _step_outputs(wf: Workflow, job: Job | None, step: Step, ctx: TaintContext) -> Taint:
    """The taint a step's outputs may carry (any output name): what a ``run:``
    step writes to ``$GITHUB_OUTPUT``; for an action, what its inputs carry
    (an action can hand an input back as an output) and, for
    ``actions/github-script``, the event fields its script reads from
    ``context.payload`` (its ``result`` is whatever the script returns)."""
    sources: list[Taint] = []
    if step.run is not None:
        for write in env_file_writes(wf, job, step, ctx):
            if write.file == "GITHUB_OUTPUT":
                sources.append(write.taint)
    elif step.uses is not None and step.with_ is not None:
        for _name, _key, value in step.with_.str_items():
            text = as_str(value)
            if text is not None and "${{" in text:
                sources.append(taint_of_template(text, ctx))
        script = as_str(step.with_.get("script"))
        if script is not None and action_path(step) == "actions/github-script":
            for m in _PAYLOAD.finditer(script):
                sources.append(taint_of(f"github.event{m.group(1)}", ctx))
    return Taint().union(*sources)


def _env_writes_context(
    wf: Workflow, job: Job | None, step: Step, step_ctx: TaintContext, ctx: TaintContext
) -> TaintContext:
    """``ctx`` after a step's writes to ``$GITHUB_ENV``: later steps read the
    names it sets as ``env.NAME``. A tainted value keeps the write in its
    path, so a later ``${{ env.NAME }}`` names it; a clean one shadows."""
    if step.run is None:
        return ctx
    writes = [w for w in env_file_writes(wf, job, step, step_ctx) if w.file == "GITHUB_ENV" and w.names]
    if not writes:
        return ctx
    # An `env:` block of the workflow or job wins over $GITHUB_ENV.
    declared = set(env_strings(wf.env)) | set(env_strings(job.env if job is not None else None))
    for write in writes:
        line = write_line(wf, step, write)
        hop = f"$GITHUB_ENV written on line {line}"
        taint = Taint(tuple(replace(src, via=(hop, *src.via)) for src in write.taint.sources))
        for name in write.names:
            if name not in declared:
                ctx = ctx.with_carried(f"env.{name}", taint)
    return ctx


def write_line(wf: Workflow, step: Step, write: EnvFileWrite) -> int:
    """The file line of an environment-file write."""
    assert step.run is not None
    vmap = step.run.value_map(wf.source)
    return vmap.span(wf.source, write.start, write.end).line


def job_scopes(
    wf: Workflow, job: Job | None, base: TaintContext | None = None
) -> Iterator[StepScope]:
    """Every step of a job (or of a composite action when ``job`` is ``None``)
    with the context it sees: workflow env, job env and matrix, earlier
    steps' outputs and ``$GITHUB_ENV`` writes, then the step's own ``env:``."""
    return iter(_job_walk(wf, job, base)[0])


def _job_walk(
    wf: Workflow, job: Job | None, base: TaintContext | None = None
) -> tuple[tuple[StepScope, ...], TaintContext]:
    """:func:`job_scopes`, and the context after the last step (what the
    job's ``outputs:`` are evaluated in)."""
    ctx = base if base is not None else workflow_context(wf)
    steps = job.steps if job is not None else wf.action_steps
    if job is not None:
        ctx = _matrix_context(job, ctx)
        ctx = ctx.with_env(env_strings(job.env))
    scopes: list[StepScope] = []
    for step in steps:
        step_ctx = ctx.with_env(env_strings(step.env))
        scopes.append(StepScope(job, step, step_ctx))
        if step.id:
            outputs = _step_outputs(wf, job, step, step_ctx)
            if outputs.tainted:
                ctx = ctx.with_step_outputs(step.id, {"*": outputs})
        ctx = _env_writes_context(wf, job, step, step_ctx, ctx)
    return tuple(scopes), ctx


def job_contexts(wf: Workflow) -> dict[str, TaintContext]:
    """The base context of each job: the workflow context plus the tainted
    outputs of the jobs it ``needs``. Jobs are taken in dependency order;
    cycles and unknown needs are ignored."""
    return _job_contexts(wf, {})


def _job_contexts(
    wf: Workflow, walked: dict[int, tuple[TaintContext, tuple[StepScope, ...]]]
) -> dict[str, TaintContext]:
    """:func:`job_contexts`; ``walked`` receives, by job identity, the base
    context each job was walked with and its step scopes."""
    top = workflow_context(wf)
    done: dict[str, TaintContext] = {}
    outputs: dict[str, dict[str, Taint]] = {}
    by_id = {j.id: j for j in wf.jobs}
    pending = list(wf.jobs)
    for _round in range(len(pending) + 1):
        if not pending:
            break
        rest: list[Job] = []
        for job in pending:
            if any(
                n in by_id and n not in done and n != job.id for n in job.needs
            ) and _round < len(wf.jobs):
                rest.append(job)
                continue
            ctx = top
            for need in job.needs:
                if outputs.get(need):
                    ctx = ctx.with_job_outputs(need, dict(outputs[need]))
            done[job.id] = ctx
            scopes, last = _job_walk(wf, job, ctx)
            walked[id(job)] = (ctx, scopes)
            raw = env_strings(job.outputs)
            outputs[job.id] = {k: v for k, v in last.evaluate_outputs(raw).items() if v.tainted}
        if len(rest) == len(pending):
            for job in rest:
                done.setdefault(job.id, top)
            break
        pending = rest
    for job in wf.jobs:
        done.setdefault(job.id, top)
    return done


def all_scopes(wf: Workflow) -> Iterator[StepScope]:
    """Every step of the workflow or composite action, with its context.

    Computed once per workflow (several rules ask for it)."""
    memo = _memo(wf)
    if memo.scopes is None:
        memo.scopes = _all_scopes(wf)
    return iter(memo.scopes)


def _all_scopes(wf: Workflow) -> tuple[StepScope, ...]:
    if wf.is_action:
        return tuple(job_scopes(wf, None))
    walked: dict[int, tuple[TaintContext, tuple[StepScope, ...]]] = {}
    contexts = _job_contexts(wf, walked)
    out: list[StepScope] = []
    for job in wf.jobs:
        ctx = contexts.get(job.id)
        done = walked.get(id(job))
        if done is not None and done[0] is ctx:
            out.extend(done[1])  # the walk job_contexts made with this very context
        else:
            out.extend(job_scopes(wf, job, ctx))
    return tuple(out)


class _WorkflowMemo:
    """What the rules of one workflow share: its step scopes and env-file writes.

    Only the last workflow is kept (rules run file by file); entries are
    keyed by the identity of the step and context objects, which the memo
    keeps alive, so an identity is never reused while it is a key.
    """

    __slots__ = ("scopes", "wf", "writes")

    def __init__(self, wf: Workflow | None) -> None:
        self.wf = wf
        self.scopes: tuple[StepScope, ...] | None = None
        self.writes: dict[tuple[int, int], tuple[Step, TaintContext, list[EnvFileWrite]]] = {}


# A file cache: the engine empties it when the file is done, so the memo
# does not keep the last workflow's model (a 5 MB workflow is a million
# objects) alive for the garbage collector to walk through later.
_MEMO = file_cache()


def _memo(wf: Workflow) -> _WorkflowMemo:
    memo: _WorkflowMemo | None = _MEMO.get("memo")
    if memo is None or memo.wf is not wf:
        memo = _MEMO["memo"] = _WorkflowMemo(wf)
    return memo


# ---------------------------------------------------------------------------
# Expressions inside a scalar, located in the file


@dataclass(frozen=True, slots=True)
class LocatedExpr:
    """One ``${{ … }}`` inside a scalar's value, with its span in the file."""

    expr: ExprSpan
    """Offsets into the scalar's value."""
    span: Span
    taint: Taint


def expressions_in(text: str) -> tuple[ExprSpan, ...]:
    """The ``${{ }}`` expressions of a value, in order (offsets into ``text``), for rules."""
    return tuple(find_expressions(text))


def expression_taint(inner: str, ctx: TaintContext) -> Taint:
    """What outsider text the expression ``inner`` (the text between ``${{`` and ``}}``) carries."""
    return taint_of(parse_expression(inner), ctx)


def scalar_expressions(wf: Workflow, node: ScalarNode, ctx: TaintContext) -> list[LocatedExpr]:
    """Every expression in a scalar with its taint and its span in the file
    (through the scalar's value map, so block scalars point at the right line)."""
    out: list[LocatedExpr] = []
    value = node.value
    if "${{" not in value:
        return out
    vmap = node.value_map(wf.source)
    for es in find_expressions(value):
        if not es.closed:
            err = ExprError("'${{' is not closed by '}}'", 0)
            taint = Taint(malformed=True, error=err)
        else:
            taint = taint_of(parse_expression(es.inner), ctx)
        out.append(LocatedExpr(es, vmap.span(wf.source, es.start, es.end), taint))
    return out


def expression_paths(text: str) -> list[ContextPath]:
    """The context paths read by every well-formed expression in ``text``."""
    out: list[ContextPath] = []
    for es in find_expressions(text):
        if not es.closed:
            continue
        parsed = parse_expression(es.inner, check_functions=False)
        if not isinstance(parsed, ExprError):
            out.extend(context_paths(parsed))
    return out


def lower_parts(path: ContextPath) -> tuple[str, ...]:
    """The path's named parts in lower case (``*`` for filters and computed indexes)."""
    return tuple(p.lower() if isinstance(p, str) else "*" for p in path.parts)


# ---------------------------------------------------------------------------
# Writes to the environment files


_ENV_FILES = ("GITHUB_ENV", "GITHUB_PATH", "GITHUB_OUTPUT")
_PRINTERS = frozenset({"echo", "printf", "print"})
# ``${NAME...}`` with at most 1,000 characters before its ``}``: the bound keeps
# an unclosed ``${`` from rescanning the rest of a long line at every ``$``,
# and the default may still hold ``$`` (``${MSG%%$'\n'*}``).
_VAR_REF = lazy_compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)[^}]{0,1000}\}|([A-Za-z_][A-Za-z0-9_]*))")


def env_file_of(text: str) -> str | None:
    """Which environment file a shell word names (``$GITHUB_ENV``, ``"${GITHUB_ENV}"``)."""
    m = _VAR_REF.fullmatch(text.strip())
    if m is None:
        return None
    name = m.group(1) or m.group(2)
    return name if name in _ENV_FILES else None


@dataclass(frozen=True, slots=True)
class TaintedPiece:
    """Attacker text inside a write: an expression or a variable reference."""

    span: Span
    what: str
    """``${{ github.event.issue.title }}`` or ``$TITLE``."""
    taint: Taint
    split_safe: bool = False
    """The text cannot split an environment-file entry: it is cut to its first
    line (``${V%%$'\\n'*}``, ``… | head -n1``), or written between
    ``NAME<<$delim`` and a delimiter the attacker cannot guess."""


@dataclass(frozen=True, slots=True)
class EnvFileWrite:
    """A command that appends to an environment file, and the attacker text it writes."""

    file: str
    start: int
    end: int
    """Offsets into the run script's value."""
    pieces: tuple[TaintedPiece, ...]
    names: tuple[str, ...] = ()
    """The variable or output names the write sets (``NAME=…``, ``NAME<<EOF``),
    when they are written literally."""

    @property
    def taint(self) -> Taint:
        return Taint().union(*(p.taint for p in self.pieces))


def _shell_vars(ctx: TaintContext) -> dict[str, Taint]:
    """Environment variables (by exact name) that carry tainted text."""
    out: dict[str, Taint] = {}
    for key, sources in ctx.carried.items():
        if key.startswith("env.") and "*" not in key:
            out[key[4:]] = Taint(sources)
    return out


def env_file_writes(
    wf: Workflow, job: Job | None, step: Step, ctx: TaintContext
) -> list[EnvFileWrite]:
    """Commands of a ``run:`` step that write to ``$GITHUB_ENV``/``PATH``/``OUTPUT``.

    Recognised: a ``>``/``>>`` redirect to the file; ``tee [-a] FILE``, whose
    data is what the earlier commands of the pipeline print. The data is the
    words of the writing command (and of the earlier pipeline members) and any
    here-document body. Attacker text in them is an expression that can carry
    it, or a ``$VAR`` naming an ``env:`` entry (or a shell variable assigned
    earlier in the script) that holds such a value. POSIX-like shells are
    read through the shell parser; PowerShell (``pwsh``, ``powershell``)
    through :mod:`sentra_lint.shell.pwsh` (``>> $env:GITHUB_ENV``,
    ``Add-Content``, ``Out-File``, ``[IO.File]::AppendAllText``), where the
    attacker text is an expression, ``$env:NAME`` of a tainted ``env:``
    entry, or a variable assigned from such text.
    """
    run = step.run
    pwsh = run is not None and step.shell_name in _PWSH
    # Every write names one of the files by its variable: a script without
    # ``GITHUB_`` (in any case, for PowerShell) writes none, and is not parsed for it.
    text = "" if run is None else run.value.upper() if pwsh else run.value
    if "GITHUB_" not in text or (step.script is None and not pwsh):
        return []
    memo = _memo(wf)
    key = (id(step), id(ctx))
    hit = memo.writes.get(key)
    if hit is None or hit[0] is not step or hit[1] is not ctx:
        found = _pwsh_env_file_writes(wf, step, ctx) if pwsh else _env_file_writes(wf, step, ctx)
        hit = (step, ctx, found)
        memo.writes[key] = hit
    return list(hit[2])


# `NAME<<$delim` with a delimiter taken from a variable (a random one).
_VAR_DELIMITER = lazy_compile(r"[A-Za-z_][A-Za-z0-9_-]*<<[\"']?\$")
_NAME_SET = lazy_compile(r"(?:^|\n)\s*([A-Za-z_][A-Za-z0-9_-]*)(?:=|<<)")
# `${NAME%%$'\n'*}` (the value up to its first newline) and
# `${NAME//$'\n'/ }` (every newline replaced).
_FIRST_LINE = lazy_compile(
    r"\$\{[A-Za-z_][A-Za-z0-9_]*(?:%%\$'\\n'\*|//\$'\\n'/[^}]*)\}"
)
_HEAD_ONE = (("-n1",), ("-1",), ("-n", "1"), ("--lines=1",))


def _first_line_pipeline(members: list[Command]) -> bool:
    """A pipeline that keeps only the first line of what it prints
    (``printf '%s' "$X" | head -n1 | sed …``): ``head -n1`` and, after it,
    nothing that could write a newline back (``tr``, or a ``\\n`` in an argument)."""
    cut = False
    for cmd in members:
        if cmd.name == "head" and tuple(w.text for w in cmd.args) in _HEAD_ONE:
            cut = True
        elif cut and (cmd.name == "tr" or any("\\n" in w.text for w in cmd.args)):
            cut = False
    return cut


# `sed 's/[^0-9A-Za-z-]/-/g'`: every character outside a safe class replaced.
_SED_WHITELIST = lazy_compile(r"^s(.)\[\^[A-Za-z0-9_.\\-]+\]\+?\*?\1[A-Za-z0-9_.\\-]*\1g?$")


def _sanitising_pipeline(members: list[Command]) -> bool:
    """A pipeline whose last stage keeps only a safe alphabet (``tr -cd
    '0-9'``, ``sed 's/[^0-9A-Za-z-]/-/g'``): what it prints cannot carry
    shell syntax or a newline, whatever went in."""
    if not members:
        return False
    last = members[-1]
    args = [w.text for w in last.args]
    if last.name == "tr" and args and args[0] in ("-cd", "-dc", "-cds"):
        return len(args) == 2 and "\\n" not in args[1] and all(
            c.isalnum() or c in "-_.[]:" for c in args[1]
        )
    if last.name == "sed" and len(args) == 1:
        return bool(_SED_WHITELIST.match(args[0]))
    return False


def _env_file_writes(wf: Workflow, step: Step, ctx: TaintContext) -> list[EnvFileWrite]:
    run, parsed = step.run, step.script
    assert run is not None and parsed is not None
    script = run.value
    vmap = run.value_map(wf.source)
    tainted_vars = _shell_vars(ctx)
    single_vars: set[str] = set()
    insensitive = {k.lower(): v for k, v in tainted_vars.items()}
    writes: list[EnvFileWrite] = []
    children: dict[int, list[Command]] = {}
    for c in parsed.commands:
        if c.parent is not None and c.context == "command_substitution":
            children.setdefault(c.parent, []).append(c)
    groups = _group_targets(script)

    def substituted(
        owner: Command, lo: int, hi: int
    ) -> tuple[list[tuple[int, int]], list[TaintedPiece]]:
        """The command substitutions inside ``owner``: their ranges, and what
        they print. A substitution's output is what its printers print, not
        its commands' arguments (``$(gh api … --jq .id)`` is a number
        whatever the request held)."""
        ranges: list[tuple[int, int]] = []
        printed: list[TaintedPiece] = []
        by_pipe: dict[int, list[Command]] = {}
        for sub in children.get(owner.index, ()):
            if sub.start < lo or sub.end > hi:
                continue
            ranges.append((sub.start, sub.end))
            by_pipe.setdefault(sub.pipeline, []).append(sub)
        for members in by_pipe.values():
            if _sanitising_pipeline(members):
                continue
            single = _first_line_pipeline(members)
            for sub in members:
                for piece in data_pieces(sub):
                    printed.append(replace(piece, split_safe=piece.split_safe or single))
        return ranges, printed

    def pieces_of(
        text: str, offset: int, expand: bool = True, owner: Command | None = None
    ) -> list[TaintedPiece]:
        found: list[TaintedPiece] = []
        ranges: list[tuple[int, int]] = []
        if owner is not None:
            ranges, printed = substituted(owner, offset, offset + len(text))
            found.extend(printed)
        masked = _mask(text, [(a - offset, b - offset) for a, b in ranges])
        for es in find_expressions(masked):
            if not es.closed:
                continue
            t = taint_of(parse_expression(es.inner), ctx)
            if t.tainted:
                a, b = offset + es.start, offset + es.end
                found.append(TaintedPiece(vmap.span(wf.source, a, b), text[es.start : es.end], t))
        if not expand:
            return found
        for m in _VAR_REF.finditer(_mask(masked)):
            name = m.group(1) or m.group(2)
            carried = tainted_vars.get(name) or insensitive.get(name.lower())
            if carried is not None and carried.tainted:
                a, b = offset + m.start(), offset + m.end()
                single = name in single_vars or bool(_FIRST_LINE.fullmatch(m.group(0)))
                found.append(
                    TaintedPiece(vmap.span(wf.source, a, b), m.group(0), carried, single)
                )
        return found

    def data_pieces(data: Command) -> list[TaintedPiece]:
        """What a command prints of its own text: the words of a printer
        (``echo``, ``printf``) and here-document bodies. What ``gh``, ``jq``
        or ``curl`` print is not their command line."""
        pieces: list[TaintedPiece] = []
        words = data.argv[1:] if data.name in _PRINTERS else ()
        for word in words:
            raw = script[word.start : word.end]
            pieces.extend(pieces_of(raw, word.start, expand=not _single_quoted(raw), owner=data))
        for redirect in data.redirects:
            if redirect.body is not None and redirect.body_start is not None:
                quoted = redirect.target is not None and redirect.target.raw[:1] in ("'", '"')
                pieces.extend(pieces_of(redirect.body, redirect.body_start, expand=not quoted))
        return pieces

    for cmd in parsed.commands:
        # Shell variables assigned from tainted text taint later reads of them.
        if not cmd.argv:
            for assign in cmd.assignments:
                name, eq, _value = assign.raw.partition("=")
                if eq and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                    found = pieces_of(assign.raw, assign.start, owner=cmd)
                    if found:
                        tainted_vars[name] = Taint().union(*(p.taint for p in found))
                        if all(p.split_safe for p in found):
                            single_vars.add(name)
                        else:
                            single_vars.discard(name)
                    else:
                        tainted_vars.pop(name, None)
                        single_vars.discard(name)
        target: str | None = None
        for redirect in cmd.redirects:
            if redirect.op in (">", ">>", ">|", "&>", "&>>") and redirect.target is not None:
                target = env_file_of(redirect.target.text) or target
            elif redirect.is_heredoc and redirect.target is not None:
                target = _heredoc_line_target(script, redirect.target.end) or target
        data_cmds = [cmd]
        if target is None and cmd.name == "tee":
            for word in cmd.args:
                target = env_file_of(word.text) or target
            data_cmds = [c for c in parsed.pipe_members(cmd) if c.pipe_index < cmd.pipe_index]
        delimited = False
        if target is None:
            # `{ echo …; printf …; } >> "$GITHUB_OUTPUT"`: the group's redirect.
            group = next((g for g in groups if g[0] <= cmd.start and cmd.end <= g[1]), None)
            if group is not None:
                target = group[2]
                delimited = bool(_VAR_DELIMITER.search(script[group[0] : group[1]]))
        if target is None:
            continue
        pieces: list[TaintedPiece] = []
        names: list[str] = []
        for data in data_cmds:
            pieces.extend(data_pieces(data))
            names.extend(_names_set(script, data))
        # `NAME<<$delim` with a random delimiter: the value cannot end the entry.
        delimited = delimited or any(
            _VAR_DELIMITER.search(text) for data in data_cmds for text in _data_texts(data)
        )
        if delimited:
            pieces = [replace(p, split_safe=True) for p in pieces]
        writes.append(
            EnvFileWrite(
                target, cmd.start, cmd.end, tuple(pieces), tuple(dict.fromkeys(names))
            )
        )
    return writes


_PWSH = frozenset({"pwsh", "powershell"})


def _pwsh_env_file_writes(wf: Workflow, step: Step, ctx: TaintContext) -> list[EnvFileWrite]:
    """:func:`env_file_writes` for a PowerShell script."""
    from sentra_lint.shell.pwsh import env_file_writes as pwsh_writes
    from sentra_lint.shell.pwsh import references

    run = step.run
    assert run is not None
    script = run.value
    vmap = run.value_map(wf.source)
    env_vars = {k.lower(): v for k, v in _shell_vars(ctx).items()}
    found_writes, assigns = pwsh_writes(script)
    variables: dict[str, Taint] = {}

    def pieces_of(lo: int, hi: int, expand: bool, upto: int) -> list[TaintedPiece]:
        text = script[lo:hi]
        out: list[TaintedPiece] = []
        for es in find_expressions(text):
            if not es.closed:
                continue
            t = taint_of(parse_expression(es.inner), ctx)
            if t.tainted:
                out.append(TaintedPiece(vmap.span(wf.source, lo + es.start, lo + es.end), text[es.start : es.end], t))
        if not expand:
            return out
        masked = _mask(text)
        for a, b, is_env, name in references(masked):
            if is_env:
                carried = env_vars.get(name.lower())
            else:
                carried = None
                for assign in assigns:
                    if assign.name == name.lower() and assign.at < lo + a and assign.at < upto:
                        carried = variables.get(f"{assign.name}@{assign.at}")
            if carried is not None and carried.tainted:
                out.append(TaintedPiece(vmap.span(wf.source, lo + a, lo + b), text[a:b], carried))
        return out

    for assign in assigns:
        value = script[assign.start : assign.end].strip()
        found = pieces_of(assign.start, assign.end, not value.startswith("'"), assign.at)
        variables[f"{assign.name}@{assign.at}"] = Taint().union(*(p.taint for p in found))
    writes: list[EnvFileWrite] = []
    for w in found_writes:
        pieces: list[TaintedPiece] = []
        texts: list[str] = []
        for d in w.data:
            pieces.extend(pieces_of(d.start, d.end, d.quoted != "'", w.start))
            texts.append(script[d.start : d.end].strip("'\""))
        names = [m.group(1) for t in texts[:1] for m in _NAME_SET.finditer(t)]
        if any(_VAR_DELIMITER.search(t) for t in texts):
            pieces = [replace(p, split_safe=True) for p in pieces]
        writes.append(EnvFileWrite(w.file, w.start, w.end, tuple(pieces), tuple(dict.fromkeys(names))))
    return writes


def _data_texts(data: Command) -> list[str]:
    """The raw words a printer prints and its here-document bodies."""
    texts = [w.raw for w in data.argv[1:]] if data.name in _PRINTERS else []
    texts.extend(r.body for r in data.redirects if r.body is not None)
    return texts


def _names_set(script: str, data: Command) -> list[str]:
    """Names a printer's words or a here-document set (``NAME=…``, ``NAME<<EOF``)."""
    texts: list[str] = []
    if data.name in _PRINTERS:
        words = [w for w in data.argv[1:] if not w.text.startswith("-")]
        if data.name == "printf" and words and "%" in words[0].text and len(words) > 1:
            words = words[1:]
        texts.extend(w.text for w in words[:1])
    for redirect in data.redirects:
        if redirect.body is not None:
            texts.append(redirect.body)
    return [m.group(1) for t in texts for m in _NAME_SET.finditer(t)]


_GROUP_REDIRECT = lazy_compile(
    r"([})])[ \t]*(?:>>|>\|?|&>>?)[ \t]*(\"?\$\{?GITHUB_(?:ENV|PATH|OUTPUT)\}?\"?)"
)


def _group_targets(script: str) -> list[tuple[int, int, str]]:
    """``(start, end, file)`` of ``{ …; }`` and ``( … )`` groups redirected to an
    environment file, found in the text: the shell model keeps a group's
    commands but not the group's own redirect."""
    out: list[tuple[int, int, str]] = []
    if "GITHUB_" not in script:
        return out
    for m in _GROUP_REDIRECT.finditer(script):
        target = env_file_of(m.group(2).strip('"'))
        if target is None:
            continue
        close = m.start(1)
        opener = "{" if m.group(1) == "}" else "("
        depth = 0
        i = close
        while i >= 0:
            ch = script[i]
            if ch == m.group(1):
                depth += 1
            elif ch == opener:
                depth -= 1
                if depth == 0:
                    out.append((i, close, target))
                    break
            i -= 1
    return out


def _heredoc_line_target(script: str, after: int) -> str | None:
    """The environment file a redirect written after a here-document's
    delimiter names (``cat <<EOF >> "$GITHUB_ENV"``), read from the rest of
    that line: the shell parser keeps only the here-document there."""
    from sentra_lint.shell import split_words

    eol = script.find("\n", after)
    line = script[after : eol if eol >= 0 else len(script)]
    words = split_words(line, operators=True)
    for i, word in enumerate(words):
        if word.raw in (">", ">>", ">|", "&>", "&>>"):
            return env_file_of(words[i + 1].text) if i + 1 < len(words) else None
        if word.raw.startswith(">") and len(word.raw) > 2:
            return env_file_of(word.text.lstrip(">|"))
        if not word.literal and word.raw in ("|", "&&", "||", ";"):
            break
    return None


def _single_quoted(raw: str) -> bool:
    """A word written entirely in single quotes: no expansion happens in it."""
    return len(raw) >= 2 and raw[0] == "'" and raw[-1] == "'"


def _mask(text: str, ranges: list[tuple[int, int]] | None = None) -> str:
    """``text`` with every ``${{ … }}`` (or, given ``ranges``, those ranges
    instead) blanked out (same length)."""
    if ranges is not None:
        if not ranges:
            return text
        out = list(text)
        for a, b in ranges:
            for i in range(max(a, 0), min(b, len(text))):
                out[i] = " "
        return "".join(out)
    if "${{" not in text:
        return text
    out = list(text)
    for es in find_expressions(text):
        for i in range(es.start, es.end):
            out[i] = " "
    return "".join(out)


# ---------------------------------------------------------------------------
# Secrets


def secret_refs(text: str) -> list[str]:
    """Names of the secrets an expression text reads (``secrets.X``);
    ``github.token`` and ``secrets.GITHUB_TOKEN`` are left out."""
    out: list[str] = []
    for path in expression_paths(text):
        parts = lower_parts(path)
        if parts and parts[0] == "secrets":
            name = path.dotted()
            if len(parts) >= 2 and parts[1] == "github_token":
                continue
            out.append(name)
    return out


def node_secret_refs(node: Node | None) -> list[tuple[str, ScalarNode]]:
    """Every secret read in the scalars under ``node``, with the scalar."""
    from sentra_lint.yamlmodel import walk

    out: list[tuple[str, ScalarNode]] = []
    if node is None:
        return out
    for n in walk(node):
        if isinstance(n, ScalarNode) and "${{" in n.value:
            out.extend((name, n) for name in secret_refs(n.value))
    return out
