"""What an agent step is configured to do, who can start it, and what it can reach.

Facts the SA rules share, computed once per workflow beside the detection
(:mod:`.detect`) and the inventory (:mod:`.inventory`):

* :func:`agent_runs` - every agent step with its configuration read the way
  the inventory says: the action's inputs by role (prompt, tools, settings,
  allowlists) or the program's command line split into flags, prompt
  arguments and standard input, each value with its place in the file;
* :func:`outsider_reach` - whether people without write access can start the
  step (the triggers outside users can fire, narrowed by the gates the job's
  and step's ``if:`` and the action's own permission check write);
* :func:`job_powers` - what a step could use on the runner: the token's write
  permissions, the secrets in scope and a persisted checkout credential.

Nothing here reports anything; the rule modules decide what a finding is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import field
from typing import TYPE_CHECKING, Any

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.agents.inventory import AgentAction, AgentCli, Inventory
from sentra_lint.filecache import file_cache
from sentra_lint.source import Span
from sentra_lint.workflow.reach import OUTSIDER_TRIGGERS as _REACH_OUTSIDER_TRIGGERS
from sentra_lint.yamlmodel import MapNode, Node, ScalarNode, SeqNode

if TYPE_CHECKING:
    from sentra_lint.agents.detect import AgentStep
    from sentra_lint.shell.model import Command, ShellScript
    from sentra_lint.workflow.model import Job, Step, Workflow
    from sentra_lint.workflow.taint import TaintContext

__all__ = [
    "OUTSIDER_TRIGGERS",
    "AgentRun",
    "Powers",
    "Reach",
    "Value",
    "agent_runs",
    "job_powers",
    "outsider_reach",
]

# The triggers people without write access can fire: the workflow engine's one list.
OUTSIDER_TRIGGERS = _REACH_OUTSIDER_TRIGGERS
# Under these, a run started from a fork gets no secrets and a read-only token.
LIMITED_TRIGGERS = frozenset({"pull_request"})
# Events whose actor is the author of the text the run reads: a check of the actor's access is a gate.
_AUTHOR_FIRES = frozenset({"issues", "issue_comment", "pull_request_review", "pull_request_review_comment",
                           "discussion", "discussion_comment", "pull_request_target", "pull_request"})


@dataclass(frozen=True, slots=True)
class Value:
    """One configuration value of an agent run, with where it is written.

    ``key`` is the input name (``prompt``) or the flag (``--allowedTools``;
    ``""`` for a positional argument, ``"<stdin>"`` for piped text).
    ``text`` is the value as the program receives it when it is literal;
    ``raw`` is how it is written. ``span`` covers the value (or the flag when
    it takes none), ``key_span`` the input key or the flag word. ``node`` and
    ``offset`` locate ``raw`` inside a YAML scalar's value, for expressions.
    """

    key: str
    text: str
    raw: str
    span: Span
    key_span: Span
    literal: bool = True
    node: ScalarNode | None = None
    offset: int = 0
    where: str = ""
    """How messages name it: ``the `prompt` input``, ``the `claude -p` argument``."""


@dataclass(frozen=True, slots=True)
class AgentRun:
    """An agent step read through the inventory."""

    found: AgentStep
    job: Job | None
    step: Step
    uses_span: Span | None
    action: AgentAction | None = None
    cli: AgentCli | None = None
    name: str = ""
    """How messages name the run: ``anthropics/claude-code-action``, ``claude -p``."""
    span: Span | None = None
    """The evidence: the ``uses:`` value or the command word."""
    inputs: dict[str, ScalarNode] = field(default_factory=dict)
    flags: tuple[Value, ...] = ()
    """Flags of the program (for an action: those given in its arguments input)."""
    prompts: tuple[Value, ...] = ()
    """Every value that becomes part of the prompt."""
    command: Command | None = None
    script: ShellScript | None = None

    def flag_values(self, *names: str) -> list[Value]:
        return [f for f in self.flags if f.key in names]

    def input(self, *names: str) -> list[tuple[str, ScalarNode]]:
        return [(n, self.inputs[n]) for n in names if n in self.inputs]

    @property
    def inference_only(self) -> bool:
        return self.found.inference_only

    @property
    def contained(self) -> bool:
        return self.found.contained

    @property
    def own_mode(self) -> bool:
        """The action decides what to read from the event (no prompt given)."""
        if self.action is None or not self.action.own_mode_events:
            return False
        given = [n for n in ("prompt", "direct_prompt", "override_prompt") if n in self.inputs
                 and self.inputs[n].value.strip()]
        return not given


# --------------------------------------------------------------------------
# Reading values


def _scalar(node: Node | None) -> ScalarNode | None:
    return node if isinstance(node, ScalarNode) and not node.is_null else None


def _step_inputs(step: Step) -> dict[str, ScalarNode]:
    out: dict[str, ScalarNode] = {}
    if step.with_ is None:
        return out
    for name, _key, value in step.with_.str_items():
        s = _scalar(value)
        if s is not None:
            out[name] = s
    return out


def _input_key_span(wf: Workflow, step: Step, name: str) -> Span | None:
    if step.with_ is None:
        return None
    for key, _value in step.with_.pairs():
        if isinstance(key, ScalarNode) and key.value == name:
            return key.span(wf.source)
    return None


_TOKEN = lazy_compile(r"""(?:[^\s'"\\]|\\.|'[^']*'|"(?:[^"\\]|\\.)*")+""", re.S)


def _unquote(raw: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == "'":
            j = raw.find("'", i + 1)
            j = len(raw) if j < 0 else j
            out.append(raw[i + 1 : j])
            i = j + 1
        elif c == '"':
            j = i + 1
            while j < len(raw) and raw[j] != '"':
                if raw[j] == "\\" and j + 1 < len(raw):
                    out.append(raw[j + 1])
                    j += 2
                    continue
                out.append(raw[j])
                j += 1
            i = j + 1
        elif c == "\\" and i + 1 < len(raw):
            if raw[i + 1] != "\n":
                out.append(raw[i + 1])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


@dataclass(frozen=True, slots=True)
class _Word:
    """A word of a command line, as written and as the shell reads it."""

    text: str
    raw: str
    start: int
    end: int
    literal: bool


def _split_args(text: str) -> list[_Word]:
    """Shell-like words of an arguments input (``claude_args``), with offsets into ``text``."""
    words: list[_Word] = []
    for m in _TOKEN.finditer(text):
        raw = m.group(0)
        if raw.startswith("#"):
            # a comment runs to the end of the line
            continue
        words.append(_Word(_unquote(raw), raw, m.start(), m.end(), "$" not in raw))
    return words


def _read_flags(
    cli: AgentCli, words: Sequence[_Word], to_span: Any, where: str, node: ScalarNode | None,
) -> tuple[list[Value], list[Value]]:
    """Split a program's arguments into flags and prompt values."""
    flags: list[Value] = []
    prompts: list[Value] = []
    i = 0
    positional_seen = False
    subcommand_done = not cli.run_subcommands
    n = len(words)
    while i < n:
        w = words[i]
        text = w.text
        if text == "--":
            i += 1
            continue
        if text.startswith("-") and len(text) > 1 and w.literal:
            flag, eq, inline = text.partition("=")
            if eq and flag.startswith("--"):
                fspan = to_span(w.start, w.start + len(flag))
                vspan = to_span(w.start + len(flag) + 1, w.end)
                value = Value(flag, inline, w.raw[len(flag) + 1 :], vspan, fspan, True, node,
                              w.start + len(flag) + 1, where)
                flags.append(value)
                if flag in cli.prompt_flags or flag in cli.system_prompt_flags:
                    prompts.append(value)
                i += 1
                continue
            if cli.takes_value(text) and i + 1 < n:
                v = words[i + 1]
                value = Value(text, v.text, v.raw, to_span(v.start, v.end), to_span(w.start, w.end), v.literal,
                              node, v.start, where)
                flags.append(value)
                if text in cli.prompt_flags or text in cli.system_prompt_flags:
                    prompts.append(value)
                i += 2
                continue
            flags.append(Value(text, "", "", to_span(w.start, w.end), to_span(w.start, w.end), True, node,
                               w.start, where))
            i += 1
            continue
        if not subcommand_done:
            subcommand_done = True
            i += 1
            continue
        if cli.prompt_positional and not positional_seen:
            positional_seen = True
            prompts.append(Value("", w.text, w.raw, to_span(w.start, w.end), to_span(w.start, w.end),
                                 w.literal, node, w.start, where))
        elif not w.literal:
            # later words still reach the program (``claude -p "$A" "$B"`` joins nothing, but
            # an unknown flag's value may be the prompt): keep expansions as prompt text
            prompts.append(Value("", w.text, w.raw, to_span(w.start, w.end), to_span(w.start, w.end),
                                 w.literal, node, w.start, where))
        i += 1
    return flags, prompts


def _action_run(wf: Workflow, found: AgentStep, action: AgentAction, inv: Inventory) -> AgentRun:
    step = found.step
    inputs = _step_inputs(step)
    src = wf.source
    name = action.uses
    flags: list[Value] = []
    prompts: list[Value] = []
    for key in (*action.prompt_inputs, *action.prompt_file_inputs):
        node = inputs.get(key)
        if node is None:
            continue
        kspan = _input_key_span(wf, step, key) or node.span(src)
        prompts.append(Value(key, node.value, node.value, node.span(src), kspan, "${{" not in node.value, node, 0,
                             f"the `{key}` input of {name}"))
    agent = inv.agent(action.agent)
    cli = agent.clis[0] if agent is not None and agent.clis else None
    for key in action.args_inputs:
        node = inputs.get(key)
        if node is None or cli is None:
            continue
        vmap = node.value_map(src)
        f, p = _read_flags(
            _args_only(cli), _split_args(node.value), lambda i, j, v=vmap: v.span(src, i, j),
            f"the `{key}` input of {name}", node,
        )
        flags.extend(f)
        prompts.extend(x for x in f if x.key in cli.system_prompt_flags or x.key in cli.prompt_flags)
        prompts.extend(p)
    return AgentRun(found, found.job, step, step.uses_span, action, cli, name, step.uses_span, inputs,
                    tuple(flags), tuple(prompts))


def _args_only(cli: AgentCli) -> AgentCli:
    """The program read for an arguments input: no subcommand, no positional prompt."""
    from dataclasses import replace

    return replace(cli, run_subcommands=(), prompt_positional=False)


def _cli_runs(wf: Workflow, found: AgentStep, inv: Inventory) -> Iterator[AgentRun]:
    """The program runs of a step's own ``run:`` script, with their command lines."""
    from sentra_lint.agents.detect import argv_agent
    from sentra_lint.shell import parse_shell

    step = found.step
    run = _scalar(step.run)
    if run is None:
        return
    src = wf.source
    vmap = run.value_map(src)
    script = parse_shell(run.value)

    def to_span(i: int, j: int) -> Span:
        return vmap.span(src, i, j)

    for cmd in script.commands:
        literal: list[str] = []
        for w in cmd.argv:
            if not w.literal:
                break
            literal.append(w.text)
        if not literal:
            continue
        match = argv_agent(literal)
        if match is None:
            continue
        word = cmd.argv[match.last].text
        cli = inv.cli_for_command(word) or inv.cli_for_package(word)
        if cli is None:
            agent = inv.agent(match.agent)
            cli = agent.clis[0] if agent is not None and agent.clis else None
        if cli is None:
            continue
        first, last = cmd.argv[match.first], cmd.argv[match.last]
        words = [_Word(w.text, w.raw, w.start, w.end, w.literal) for w in cmd.argv[match.last + 1 :]]
        name = cli.name + (" " + next((w.text for w in words if w.text in cli.mode_flags), "")).rstrip()
        flags, prompts = _read_flags(cli, words, to_span, f"the `{name}` argument", run)
        if cli.prompt_stdin:
            prompts.extend(_stdin_values(script, cmd, to_span, run, name))
        yield AgentRun(found, found.job, step, step.uses_span, None, cli, name,
                       to_span(first.start, last.end), {}, tuple(flags), tuple(prompts), cmd, script)


def _stdin_values(script: ShellScript, cmd: Command, to_span: Any, node: ScalarNode, name: str) -> list[Value]:
    """Text piped or redirected into the program: ``echo "$X" | claude -p``, ``<<< "$X"``, heredocs."""
    out: list[Value] = []
    where = f"the text piped to `{name}`"
    if cmd.pipe_index > 0:
        members = script.pipe_members(cmd)
        prev = members[cmd.pipe_index - 1] if cmd.pipe_index - 1 < len(members) else None
        if prev is not None and prev.name in ("echo", "printf", "cat"):
            for w in prev.argv[1:]:
                out.append(Value("<stdin>", w.text, w.raw, to_span(w.start, w.end), to_span(w.start, w.end),
                                 w.literal, node, w.start, where))
    for r in cmd.redirects:
        if r.op == "<<<" and r.target is not None:
            w = r.target
            out.append(Value("<stdin>", w.text, w.raw, to_span(w.start, w.end), to_span(w.start, w.end), w.literal,
                             node, w.start, where))
        elif r.is_heredoc and r.body is not None and r.body_start is not None:
            quoted = r.target is not None and any(q in r.target.raw for q in ("'", '"', "\\"))
            out.append(Value("<stdin>", r.body, r.body, to_span(r.body_start, r.body_start + len(r.body)),
                             to_span(r.start, r.end), quoted, node, r.body_start, where))
    return out


_CACHE = file_cache()


def agent_runs(wf: Workflow, inv: Inventory) -> tuple[AgentRun, ...]:
    """Every agent run of the workflow, read through the inventory (cached per workflow)."""
    key = ("agent_runs", id(wf), id(inv))
    cached = _CACHE.get(key)
    if cached is not None and cached[0] is wf:
        runs: tuple[AgentRun, ...] = cached[1]
        return runs
    from sentra_lint.agents.detect import agent_steps
    from sentra_lint.workflow.reach import read_condition

    out: list[AgentRun] = []
    for found in agent_steps(wf):
        step = found.step
        if read_condition(wf, step.if_).disabled or (
                found.job is not None and read_condition(wf, found.job.if_).disabled):
            continue  # `if: false`: it never runs
        action = inv.action(step.uses) if step.uses else None
        if action is not None and action.installs_only:
            continue
        if action is not None:
            out.append(_action_run(wf, found, action, inv))
            continue
        runs_here = list(_cli_runs(wf, found, inv))
        if runs_here:
            out.extend(runs_here)
        else:
            e = found.primary
            out.append(AgentRun(found, found.job, step, step.uses_span, None, None, e.text, e.span))
    result = tuple(out)
    _CACHE[key] = (wf, result)
    return result


# --------------------------------------------------------------------------
# Settings JSON


def settings_json(value: str) -> Any:
    """The settings an input or flag holds, when it is JSON written inline (not a path)."""
    text = value.strip()
    if not text.startswith("{"):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def json_path(data: Any, dotted: str) -> Any:
    cur = data
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


# --------------------------------------------------------------------------
# Who can start it


@dataclass(frozen=True, slots=True)
class Reach:
    """Whether outside users can start a step, and what narrows it."""

    triggers: tuple[Any, ...]
    """The workflow's triggers outside users can fire (:class:`~sentra_lint.workflow.model.Trigger`)."""
    gate: str | None = None
    gate_span: Span | None = None
    through: tuple[Any, ...] = ()
    """For a reusable workflow, the callers' triggers it inherits
    (:class:`~sentra_lint.workflow.reach.Inherited`; their ``uses:`` are in the calling files)."""

    @property
    def all_names(self) -> tuple[str, ...]:
        """The names of the triggers, its own and its callers'."""
        own = (t.name for t in self.triggers)
        return tuple(dict.fromkeys((*own, *(n for b in self.through for n in b.triggers))))

    @property
    def outsiders(self) -> bool:
        return bool(self.triggers or self.through) and self.gate is None

    @property
    def limited(self) -> bool:
        """Only ``pull_request``: a fork's run has no secrets and a read-only token."""
        return all(name in LIMITED_TRIGGERS for name in self.all_names)

    def names(self) -> str:
        own = list(dict.fromkeys(t.name for t in self.triggers))
        own.extend(f"{', '.join(b.triggers)} through the caller {b.route}" for b in self.through)
        return ", ".join(own)


_RUN_EVENT_GATE = lazy_compile(r"workflow_run\.event\s*==\s*'(?:push|schedule|workflow_dispatch|release|merge_group)'",
                             re.I)
def _if_text(node: Node | None) -> str:
    s = _scalar(node)
    return s.value if s is not None else ""


def outsider_reach(wf: Workflow, job: Job | None, step: Step | None = None, run: AgentRun | None = None) -> Reach:
    """The triggers outside users can fire for this job (or step), and the gate that narrows them.

    The workflow engine's reachability (:mod:`sentra_lint.workflow.reach`: gates in ``if:``,
    environments, permission-check steps) is the one answer; on top of it come the gates only agent
    actions have (the action's own refusal of actors without write access) and a ``workflow_run`` job
    that admits only runs a push started.
    """
    if wf.is_action or job is None:
        return Reach(())
    from sentra_lint.workflow.reach import inherited, job_reach, step_reach

    triggers = tuple(t for t in wf.triggers if t.name in OUTSIDER_TRIGGERS)
    if not triggers and not inherited(wf):
        return Reach(())
    shared = step_reach(wf, job, step) if step is not None else job_reach(wf, job)
    if shared.disabled:
        return Reach(())
    open_names = set(shared.open_triggers)
    if not open_names:
        gates = list(shared.gates)
        for b in shared.through:
            gates.extend(g for g in b.gates if g not in gates)
        own_gate = gates[0].span if shared.gates else None  # a caller's gate is in another file
        return Reach(triggers, "gated by " + "; ".join(g.describe() for g in gates), own_gate, shared.through)
    own_open = set(shared.open_own)
    triggers = tuple(t for t in triggers if t.name in own_open)
    result = Reach(triggers, through=shared.open_through)
    names = result.all_names
    run_gate = _RUN_EVENT_GATE.search(_if_text(job.if_))
    if run_gate is not None and all(n == "workflow_run" for n in names) and job.if_ is not None:
        return Reach(triggers, "its `if:` admits only runs that a push (or a maintainer) started",
                     wf.span(job.if_), shared.open_through)
    if run is not None and run.action is not None and run.action.checks_actor:
        allow = [v for _, v in run.input(*run.action.allow_user_inputs) if v.value.strip()]
        opened = all(n in _AUTHOR_FIRES for n in names)
        if not allow and opened:
            return Reach(triggers, f"{run.action.uses} runs only for users with write access", run.uses_span,
                         shared.open_through)
    return result


# --------------------------------------------------------------------------
# What it can reach


@dataclass(frozen=True, slots=True)
class Powers:
    """What a step on the runner can use."""

    writes: tuple[tuple[str, Span], ...] = ()
    """Write permissions of the job token (``contents: write``), where written."""
    declared: bool = True
    """Whether a ``permissions:`` block applies (else the repository's default token)."""
    secrets: tuple[tuple[str, Span], ...] = ()
    """Secrets in the step's and job's env and inputs (``GITHUB_TOKEN`` left out)."""
    checkout: Span | None = None
    """A checkout earlier in the job that keeps its credentials in ``.git/config``."""

    def describe(self, model_secrets: frozenset[str] = frozenset()) -> list[str]:
        parts: list[str] = []
        if self.writes:
            parts.append("the job token's " + ", ".join(f"`{w}`" for w, _ in self.writes))
        elif not self.declared:
            parts.append("the job token with the repository's default permissions")
        names = [n for n, _ in self.secrets]
        if names:
            shown = ", ".join(f"`{n.removeprefix('secrets.')}`" for n in dict.fromkeys(names[:4]))
            parts.append(f"secrets {shown}" + (" ..." if len(set(names)) > 4 else ""))
        if self.checkout is not None:
            parts.append("the checkout's persisted credentials")
        return parts


def _write_scopes(wf: Workflow, job: Job) -> tuple[tuple[tuple[str, Span], ...], bool]:
    perms = job.permissions or wf.permissions
    if perms is None:
        return (), False
    if perms.is_write_all:
        return (("write-all", perms.span),), True
    out = []
    for name, level, key, _value in perms.scopes():
        if level == "write":
            out.append((f"{name}: write", key.span(wf.source)))
    return tuple(out), True


def _secrets_in(wf: Workflow, node: Node | None) -> list[tuple[str, Span]]:
    from sentra_lint.workflow.analysis import node_secret_refs

    return [(name, n.span(wf.source)) for name, n in node_secret_refs(node)]


def step_secrets(wf: Workflow, job: Job | None, step: Step) -> list[tuple[str, Span]]:
    """Secrets the step receives: workflow, job and step ``env:`` and its ``with:``."""
    out = _secrets_in(wf, wf.env)
    if job is not None:
        out += _secrets_in(wf, job.env)
    out += _secrets_in(wf, step.env) + _secrets_in(wf, step.with_)
    return out


def _persisted_checkout(wf: Workflow, job: Job, before: Step) -> Span | None:
    for step in job.steps:
        if step is before:
            return None
        ref = step.uses_ref
        if ref is not None and ref.slug == "actions/checkout":
            persist = _scalar(step.input("persist-credentials"))
            if persist is None or persist.value.strip().lower() != "false":
                return step.uses_span
    return None


def job_powers(wf: Workflow, job: Job | None, step: Step) -> Powers:
    if job is None:
        return Powers(declared=True)
    writes, declared = _write_scopes(wf, job)
    return Powers(writes, declared, tuple(step_secrets(wf, job, step)), _persisted_checkout(wf, job, step))


def step_contexts(wf: Workflow) -> dict[int, TaintContext]:
    """The taint context every step sees (by the step's identity)."""
    from sentra_lint.workflow.analysis import all_scopes

    return {id(scope.step): scope.ctx for scope in all_scopes(wf)}


def iter_seq_strings(node: Node | None) -> Iterator[ScalarNode]:
    if isinstance(node, ScalarNode):
        yield node
    elif isinstance(node, SeqNode):
        for item in node.items:
            if isinstance(item, ScalarNode):
                yield item
    elif isinstance(node, MapNode):
        return


# --------------------------------------------------------------------------
# Files written from event data


@dataclass(frozen=True, slots=True)
class TaintedFile:
    """A file an earlier step of the job wrote with text outside users control."""

    path: str
    source: str
    """Where the text came from: ``github.event.issue.body``, ``env.BODY (from ...)``, ``gh issue view``."""
    span: Span
    """The write (the redirect target)."""


_VARREF = lazy_compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_GH_READS = frozenset({("issue", "view"), ("pr", "view"), ("pr", "diff")})


def _env_literals(*maps: MapNode | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in maps:
        if m is None:
            continue
        for name, _key, value in m.str_items():
            if isinstance(value, ScalarNode) and "${{" not in value.value and "$" not in value.value:
                out[name] = value.value.strip()
    return out


def resolve_path(text: str, env: dict[str, str]) -> str | None:
    """A file path as written (``/tmp/x``, ``$PROMPT``, ``${{ env.PROMPT }}``), when its value is known."""
    t = text.strip().strip("'\"")
    m = re.fullmatch(r"\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}", t)
    if m:
        return env.get(m.group(1))
    m = re.fullmatch(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", t)
    if m:
        return env.get(m.group(1))
    if "$" in t or not t:
        return None
    return t


def _text_taint(text: str, ctx: TaintContext, shell_vars: bool) -> str | None:
    from sentra_lint.workflow.expressions import find_expressions, parse_expression
    from sentra_lint.workflow.taint import Confidence, taint_of

    for es in find_expressions(text):
        if not es.closed:
            continue
        taint = taint_of(parse_expression(es.inner), ctx)
        best = [s for s in taint.sources if s.confidence >= Confidence.HIGH]
        if best:
            return best[0].describe()
    if shell_vars:
        for m in _VARREF.finditer(text):
            sources = ctx.carried.get(f"env.{(m.group(1) or m.group(2)).lower()}")
            best = [s for s in sources or () if s.confidence >= Confidence.HIGH]
            if best:
                return best[0].describe()
    return None


def tainted_files(wf: Workflow, job: Job, before: Step, contexts: dict[int, TaintContext]) -> list[TaintedFile]:
    """Files the job's steps before ``before`` write from outsider text (event fields, ``gh issue view``)."""
    from sentra_lint.shell import parse_shell

    out: list[TaintedFile] = []
    src = wf.source
    for step in job.steps:
        if step is before:
            break
        run = _scalar(step.run)
        ctx = contexts.get(id(step))
        if run is None or ctx is None:
            continue
        env = _env_literals(wf.env, job.env, step.env)
        vmap = run.value_map(src)
        script = parse_shell(run.value)
        for cmd in script.commands:
            writes = [r for r in cmd.redirects if r.op in (">", ">>") and r.target is not None and r.fd in (None, "1")]
            targets = [(resolve_path(r.target.raw, env), r.target) for r in writes if r.target is not None]
            if cmd.name == "tee":
                targets += [(resolve_path(w.raw, env), w) for w in cmd.argv[1:] if not w.text.startswith("-")]
            targets = [(p, w) for p, w in targets if p]
            if not targets:
                continue
            source: str | None = None
            words = [w.text for w in cmd.argv[1:] if not w.text.startswith("-")]
            if cmd.name == "gh" and len(words) >= 2 and (
                (words[0], words[1]) in _GH_READS
                or (words[0] == "api" and re.search(r"/(issues|pulls|comments|discussions)\b", words[1]))
            ):
                source = f"`gh {' '.join(words[:2])}` (text outside users write)"
            if source is None:
                pieces = [w.raw for w in cmd.argv[1:]]
                for r in cmd.redirects:
                    if r.is_heredoc and r.body:
                        pieces.append(r.body)
                    elif r.op == "<<<" and r.target is not None:
                        pieces.append(r.target.raw)
                for piece in pieces:
                    found = _text_taint(piece, ctx, shell_vars=not piece.startswith("'"))
                    if found:
                        source = f"`{found}`"
                        break
            if source is None and cmd.pipe_index > 0:
                for prev in script.pipe_members(cmd)[: cmd.pipe_index]:
                    for w in prev.argv[1:]:
                        found = _text_taint(w.raw, ctx, shell_vars=not w.raw.startswith("'"))
                        if found:
                            source = f"`{found}`"
                            break
            if source is None:
                continue
            for path, word in targets:
                assert path is not None
                out.append(TaintedFile(path, source, vmap.span(src, word.start, word.end)))
    return out
