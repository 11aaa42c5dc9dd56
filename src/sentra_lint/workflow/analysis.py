"""Workflow analysis: taint scopes, writes to the environment files, actions, triggers.

Nothing here reports anything; the rule modules decide what a finding is.
Everything works on the :class:`~sentra_lint.workflow.model.Workflow` model
and never raises on odd input (a value of the wrong type is skipped).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

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


def _step_outputs(wf: Workflow, job: Job | None, step: Step, ctx: TaintContext) -> Taint:
    """The taint a ``run:`` step's outputs may carry: what it writes to
    ``$GITHUB_OUTPUT`` (any output name)."""
    if step.run is None:
        return Taint()
    sources: list[Taint] = []
    for write in env_file_writes(wf, job, step, ctx):
        if write.file == "GITHUB_OUTPUT":
            sources.append(write.taint)
    return Taint().union(*sources)


def job_scopes(
    wf: Workflow, job: Job | None, base: TaintContext | None = None
) -> Iterator[StepScope]:
    """Every step of a job (or of a composite action when ``job`` is ``None``)
    with the context it sees: workflow env, job env and matrix, earlier
    steps' outputs, then the step's own ``env:``."""
    ctx = base if base is not None else workflow_context(wf)
    steps = job.steps if job is not None else wf.action_steps
    if job is not None:
        ctx = _matrix_context(job, ctx)
        ctx = ctx.with_env(env_strings(job.env))
    for step in steps:
        step_ctx = ctx.with_env(env_strings(step.env))
        yield StepScope(job, step, step_ctx)
        if step.id:
            outputs = _step_outputs(wf, job, step, step_ctx)
            if outputs.tainted:
                ctx = ctx.with_step_outputs(step.id, {"*": outputs})


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
            last = ctx
            scopes = tuple(job_scopes(wf, job, ctx))
            walked[id(job)] = (ctx, scopes)
            for scope in scopes:
                last = scope.ctx
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
_VAR_REF = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)[^}]{0,1000}\}|([A-Za-z_][A-Za-z0-9_]*))")


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


@dataclass(frozen=True, slots=True)
class EnvFileWrite:
    """A command that appends to an environment file, and the attacker text it writes."""

    file: str
    start: int
    end: int
    """Offsets into the run script's value."""
    pieces: tuple[TaintedPiece, ...]

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
    earlier in the script) that holds such a value. Only POSIX-like shells are
    analysed.
    """
    if step.script is None:
        return []
    memo = _memo(wf)
    key = (id(step), id(ctx))
    hit = memo.writes.get(key)
    if hit is None or hit[0] is not step or hit[1] is not ctx:
        hit = (step, ctx, _env_file_writes(wf, step, ctx))
        memo.writes[key] = hit
    return list(hit[2])


def _env_file_writes(wf: Workflow, step: Step, ctx: TaintContext) -> list[EnvFileWrite]:
    run, parsed = step.run, step.script
    assert run is not None and parsed is not None
    script = run.value
    vmap = run.value_map(wf.source)
    tainted_vars = _shell_vars(ctx)
    insensitive = {k.lower(): v for k, v in tainted_vars.items()}
    writes: list[EnvFileWrite] = []

    def pieces_of(text: str, offset: int, expand: bool = True) -> list[TaintedPiece]:
        found: list[TaintedPiece] = []
        for es in find_expressions(text):
            if not es.closed:
                continue
            t = taint_of(parse_expression(es.inner), ctx)
            if t.tainted:
                a, b = offset + es.start, offset + es.end
                found.append(TaintedPiece(vmap.span(wf.source, a, b), text[es.start : es.end], t))
        if not expand:
            return found
        for m in _VAR_REF.finditer(_mask(text)):
            name = m.group(1) or m.group(2)
            carried = tainted_vars.get(name) or insensitive.get(name.lower())
            if carried is not None and carried.tainted:
                a, b = offset + m.start(), offset + m.end()
                found.append(TaintedPiece(vmap.span(wf.source, a, b), m.group(0), carried))
        return found

    for cmd in parsed.commands:
        # Shell variables assigned from tainted text taint later reads of them.
        if not cmd.argv:
            for assign in cmd.assignments:
                name, eq, _value = assign.raw.partition("=")
                if eq and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                    found = pieces_of(assign.raw, assign.start)
                    if found:
                        tainted_vars[name] = Taint().union(*(p.taint for p in found))
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
        if target is None:
            continue
        pieces: list[TaintedPiece] = []
        for data in data_cmds:
            # Only commands that print their arguments write them; what `gh`,
            # `jq` or `curl` print is not their command line.
            words = data.argv[1:] if data.name in _PRINTERS else ()
            for word in words:
                raw = script[word.start : word.end]
                pieces.extend(pieces_of(raw, word.start, expand=not _single_quoted(raw)))
            for redirect in data.redirects:
                if redirect.body is not None and redirect.body_start is not None:
                    quoted = redirect.target is not None and redirect.target.raw[:1] in ("'", '"')
                    pieces.extend(pieces_of(redirect.body, redirect.body_start, expand=not quoted))
        writes.append(EnvFileWrite(target, cmd.start, cmd.end, tuple(pieces)))
    return writes


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


def _mask(text: str) -> str:
    """``text`` with every ``${{ … }}`` blanked out (same length)."""
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
