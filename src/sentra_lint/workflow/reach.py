"""Who can start a job: the triggers outsiders can fire, and the gates that narrow them.

One answer for every rule that asks "can someone without write access make
this job run?" (SW004, SW010, SW011, SW012 and the agent rules). A *gate* is
a condition in the job's (or the step's) ``if:`` or a job setting that
keeps outsiders out:

* ``author-association``: ``…author_association`` restricted to ``OWNER``,
  ``MEMBER`` and ``COLLABORATOR`` (``==`` one of them, or
  ``contains(fromJSON('["OWNER", "MEMBER"]'), …author_association)``);
* ``not-fork``: ``github.event.pull_request.head.repo.fork == false`` (or
  ``!…fork``);
* ``same-repository``: ``…head.repo.full_name == github.repository`` (also
  ``workflow_run.head_repository.full_name``);
* ``label``: a label check (``github.event.label.name == 'safe'``,
  ``contains(github.event.pull_request.labels.*.name, 'safe')``): only
  people with triage access set labels;
* ``actor``: ``github.actor`` (or ``triggering_actor``, or the login of the
  comment's, issue's or pull request's author) equal to a fixed login that
  is not a bot (a ``[bot]`` actor can be spoofed: SW012);
* ``environment``: the job deploys to an ``environment:``, which can require
  a reviewer's approval (the repository settings decide; the workflow
  cannot show it);
* ``permission-check``: a step of the job, or of a job it needs, asks GitHub
  for the user's permission (``collaborators/<user>/permission``,
  ``getCollaboratorPermissionLevel``, a check-permission action) and is
  taken to fail the run for users without write access.

A reusable workflow (``on: workflow_call``) runs with its caller's event:
the run's pre-pass (:mod:`sentra_lint.crossfile.callers`) puts on its
model what it inherits from the workflows of the run that call it
(:class:`Inherited`: the callers' triggers, their gates, the route of
``uses:``), and :func:`job_reach` answers from both.

A condition gates when every way of making it true goes through the gate:
``a && b`` is gated by the gates of either side, ``a || b`` only by gates
both sides share. ``if: false`` (and ``${{ false }}``) disables the job.
Nothing here reports anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.filecache import file_cache
from sentra_lint.source import Span
from sentra_lint.workflow.expressions import (
    Binary,
    Call,
    ContextPath,
    Expr,
    ExprError,
    Literal,
    Unary,
    find_expressions,
    parse_expression,
)
from sentra_lint.workflow.model import Job, Step, Workflow
from sentra_lint.yamlmodel import MapNode, Node, ScalarNode, as_str
from sentra_lint.yamlmodel.nodes import TAG_BOOL

# Triggers someone without write access to the repository can cause.
OUTSIDER_TRIGGERS = frozenset(
    {
        "issues",
        "issue_comment",
        "pull_request",
        "pull_request_target",
        "pull_request_review",
        "pull_request_review_comment",
        "discussion",
        "discussion_comment",
        "workflow_run",
        "fork",
        "watch",
    }
)
# Of those, the ones whose runs get the base repository's secrets and a
# writable token (a fork's `pull_request` run gets neither).
PRIVILEGED_TRIGGERS = OUTSIDER_TRIGGERS - {"pull_request"}

_MEMBERS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
_HEAD_REPO_NAMES = (
    ("github", "event", "pull_request", "head", "repo", "full_name"),
    ("github", "event", "workflow_run", "head_repository", "full_name"),
    ("github", "event", "workflow_run", "head_repository", "owner", "login"),
    ("github", "event", "pull_request", "head", "repo", "owner", "login"),
)
_REPO_NAMES = (("github", "repository"), ("github", "repository_owner"))
_FORK_FLAGS = (
    ("github", "event", "pull_request", "head", "repo", "fork"),
    ("github", "event", "workflow_run", "head_repository", "fork"),
)
_ACTORS = (("github", "actor"), ("github", "triggering_actor"))


def _author(expr: Expr) -> bool:
    """The login of who wrote the event's comment, issue, pull request or review
    (``github.event.comment.user.login``, ``github.event.sender.login``):
    unlike ``github.actor`` nobody else can make it theirs."""
    parts = _parts(expr)
    return (
        parts is not None
        and parts[:2] == ("github", "event")
        and parts[-1] == "login"
        and (parts[-2] == "user" or parts[-2:] == ("sender", "login"))
    )

GATE_WORDS = {
    "author-association": "an author_association check (members only)",
    "not-fork": "a check that the head is not a fork",
    "same-repository": "a check that the head is this repository",
    "label": "a label check (only people with triage access set labels)",
    "actor": "a check of who triggered it",
    "environment": "an environment, which can require a reviewer",
    "permission-check": "a step that checks the user's permission on the repository",
}


@dataclass(frozen=True, slots=True)
class Gate:
    """A condition (or setting) that keeps outsiders from starting a job."""

    kind: str
    """``author-association``, ``not-fork``, ``same-repository``, ``label``,
    ``actor`` or ``environment``."""
    text: str
    """The condition as written (``github.event.pull_request.head.repo.fork == false``)."""
    span: Span
    events: frozenset[str] | None = None
    """The triggers it holds under (``None``: all). ``…head.repo.fork == false``
    is true when there is no pull request (``null == false``), so under
    ``issue_comment`` it keeps nobody out; a comparison with a string is
    false on ``null`` and holds everywhere."""

    def holds(self, trigger: str) -> bool:
        return self.events is None or trigger in self.events

    def describe(self) -> str:
        return f"{GATE_WORDS.get(self.kind, self.kind)} ('{self.text}')"


@dataclass(frozen=True, slots=True)
class Atom:
    """A comparison inside a condition, located in the file."""

    expr: Expr
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Condition:
    """What an ``if:`` says about reachability."""

    gates: tuple[Gate, ...] = ()
    disabled: bool = False
    """``false``: the job or step never runs."""
    always_true: bool = False
    """Text mixed with ``${{ }}``: a non-empty string, true whatever the expression says."""
    bot_checks: tuple[Atom, ...] = ()
    """``github.actor == '…[bot]'`` comparisons that can make the condition true."""


@dataclass(frozen=True, slots=True)
class Hop:
    """A job of another workflow of the repository that calls this one (``jobs.<id>.uses``)."""

    path: str
    """The calling file, as the run reports it."""
    job: str
    span: Span
    """The calling job's ``uses:`` value, in the calling file."""

    def describe(self) -> str:
        return f"{self.path} job '{self.job}'"


@dataclass(frozen=True, slots=True)
class HeadInput:
    """An input of a reusable workflow that its caller sets to the pull request's head."""

    name: str
    """The input's name, lower case (``ref`` for ``${{ inputs.ref }}``)."""
    head: str
    """What names the head where the event starts (``github.event.pull_request.head.sha``)."""
    path: str
    """The calling file that passes it to this workflow, as the run reports it."""
    span: Span
    """The ``with:`` value in that file."""


@dataclass(frozen=True, slots=True)
class Inherited:
    """Triggers outsiders fire in a caller, which a reusable workflow inherits.

    A reusable workflow (``on: workflow_call``) runs with its caller's event
    and token: when a job of a ``pull_request_target`` workflow calls it,
    every job of it runs under ``pull_request_target``. ``gates`` are the
    gates of every calling job on the way (their ``if:``, environment,
    permission check); they sit in the calling files.
    """

    hops: tuple[Hop, ...]
    """The calling jobs, the direct caller first, the workflow the event starts last."""
    triggers: tuple[str, ...]
    gates: tuple[Gate, ...] = ()
    heads: tuple[HeadInput, ...] = ()
    """The inputs the direct caller sets to the pull request's head (written
    there, or passed on from an input its own caller sets to it)."""

    def head_input(self, name: str) -> HeadInput | None:
        """What the caller passes to input ``name`` when it is the head."""
        key = name.lower()
        return next((h for h in self.heads if h.name == key), None)

    @property
    def route(self) -> str:
        """``.github/workflows/mid.yml job 'x', called by .github/workflows/pr.yml job 'build'``."""
        return self.hops[0].describe() + "".join(f", called by {h.describe()}" for h in self.hops[1:])

    def describe(self) -> str:
        """``through the caller .github/workflows/pr.yml job 'build' (pull_request_target)``."""
        return f"through the caller {self.route} ({', '.join(self.triggers)})"

    def only(self, keep: frozenset[str]) -> Inherited:
        return Inherited(self.hops, tuple(t for t in self.triggers if t in keep), self.gates, self.heads)


@dataclass(frozen=True, slots=True)
class Reach:
    """Whether outsiders can start a job (or reach a step), and through what."""

    own: tuple[str, ...]
    """The workflow's own triggers outsiders can fire (of the set asked about)."""
    gates: tuple[Gate, ...] = ()
    """The job's (and the step's) gates."""
    disabled: bool = False
    through: tuple[Inherited, ...] = ()
    """For a reusable workflow, the callers' triggers it inherits (see
    :class:`Inherited`); each is narrowed by its callers' gates and by ``gates``."""

    @property
    def triggers(self) -> tuple[str, ...]:
        """Every trigger outsiders can fire to start it: its own and its callers'."""
        return tuple(dict.fromkeys((*self.own, *(t for b in self.through for t in b.triggers))))

    def _open_in(self, branch: Inherited) -> tuple[str, ...]:
        gates = (*branch.gates, *self.gates)
        return tuple(t for t in branch.triggers if not any(g.holds(t) for g in gates))

    @property
    def open_own(self) -> tuple[str, ...]:
        """Its own triggers through which outsiders get past every gate."""
        if self.disabled:
            return ()
        return tuple(t for t in self.own if not any(g.holds(t) for g in self.gates))

    @property
    def open_triggers(self) -> tuple[str, ...]:
        """The triggers through which outsiders get past every gate."""
        if self.disabled:
            return ()
        found = [*self.open_own, *(t for b in self.through for t in self._open_in(b))]
        return tuple(dict.fromkeys(found))

    @property
    def open_through(self) -> tuple[Inherited, ...]:
        """The callers through which outsiders get past every gate (narrowed to those triggers)."""
        if self.disabled:
            return ()
        out = []
        for b in self.through:
            opened = self._open_in(b)
            if opened:
                out.append(b.only(frozenset(opened)))
        return tuple(out)

    @property
    def outsiders(self) -> bool:
        """Outsiders can make it run: a trigger they fire that no gate covers."""
        return bool(self.open_triggers)

    @property
    def gated(self) -> bool:
        """Outsiders could fire it, but gates keep them out."""
        return bool(self.triggers) and not self.disabled and not self.open_triggers

    def describe(self) -> str:
        """For messages: ``outsiders can start it (issue_comment) and no gate
        keeps them out``, or which gate does; a trigger inherited from a
        caller names the calling file and job."""
        if self.disabled:
            return "it is disabled (if: false)"
        if not self.triggers:
            return "no trigger outsiders can fire starts it"
        if self.open_triggers:
            own = self.open_own
            through = self.open_through
            gates = list(self.gates) if own else []
            for b in through:
                gates.extend(g for g in (*b.gates, *self.gates) if g not in gates)
            pieces = [f"({', '.join(own)})"] if own else []
            pieces.extend(b.describe() for b in through)
            shown = ", and ".join(pieces)
            if gates:
                words = "; ".join(g.describe() for g in gates)
                return f"outsiders can start it {shown}: {words} does not hold there"
            return f"outsiders can start it {shown} and no gate keeps them out"
        gates = list(self.gates)
        for b in self.through:
            gates.extend(g for g in b.gates if g not in gates)
        pieces = [", ".join(self.own)] if self.own else []
        pieces.extend(f"{', '.join(b.triggers)} through the caller {b.route}" for b in self.through)
        return f"it runs on {', and '.join(pieces)}, gated by " + "; ".join(
            g.describe() for g in gates
        )

    def only(self, triggers: Iterable[str]) -> Reach:
        """The same answer for a subset of triggers."""
        keep = frozenset(triggers)
        through = tuple(b.only(keep) for b in self.through)
        return Reach(
            tuple(t for t in self.own if t in keep),
            self.gates,
            self.disabled,
            tuple(b for b in through if b.triggers),
        )


# ---------------------------------------------------------------------------
# Conditions


def _parts(path: Expr) -> tuple[str, ...] | None:
    if not isinstance(path, ContextPath):
        return None
    return tuple(p.lower() if isinstance(p, str) else "#" for p in path.parts)


def _is(path: Expr, wants: Iterable[tuple[str, ...]]) -> bool:
    parts = _parts(path)
    return parts is not None and parts in set(wants)


def _strings(expr: Expr) -> list[str] | None:
    """The literal strings a membership test lists: ``'OWNER'``,
    ``fromJSON('["OWNER","MEMBER"]')``, ``'OWNER,MEMBER'`` (split on
    commas and spaces, the way ``contains`` on a string matches)."""
    import json

    if isinstance(expr, Literal) and isinstance(expr.value, str):
        text = expr.value
        if text.strip().startswith("["):
            try:
                data = json.loads(text)
            except ValueError:
                return None
            return [str(x) for x in data] if isinstance(data, list) else None
        return [w for w in text.replace(",", " ").split() if w]
    if isinstance(expr, Call) and expr.name == "fromjson" and len(expr.args) == 1:
        return _strings(expr.args[0])
    return None


_PR_EVENTS = frozenset(
    {"pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment"}
)


def _fork_events(path: Expr) -> frozenset[str]:
    parts = _parts(path) or ()
    return frozenset({"workflow_run"}) if "workflow_run" in parts else _PR_EVENTS


def _association(expr: Expr) -> bool:
    parts = _parts(expr)
    return parts is not None and parts[-1] == "author_association"


class _Reader:
    def __init__(self, wf: Workflow, node: ScalarNode, inner_start: int, inner: str) -> None:
        self.wf = wf
        self.node = node
        self.base = inner_start
        self.inner = inner
        self.vmap = node.value_map(wf.source)

    def span(self, e: Expr) -> Span:
        return self.vmap.span(self.wf.source, self.base + e.start, self.base + e.end)

    def text(self, e: Expr) -> str:
        return self.inner[e.start : e.end]

    def gate(self, kind: str, e: Expr, events: frozenset[str] | None = None) -> Gate:
        return Gate(kind, self.text(e), self.span(e), events)

    def atom_gates(self, e: Expr) -> list[Gate]:
        if isinstance(e, Unary) and e.op == "!" and _is(e.operand, _FORK_FLAGS):
            return [self.gate("not-fork", e, _fork_events(e.operand))]
        if isinstance(e, Call) and e.name == "contains" and len(e.args) == 2:
            hay, needle = e.args
            if _association(needle):
                listed = _strings(hay)
                if listed and {s.upper() for s in listed} <= _MEMBERS:
                    return [self.gate("author-association", e)]
            parts = _parts(hay)
            if parts is not None and parts[-1] == "name" and "labels" in parts:
                return [self.gate("label", e)]
            return []
        if not isinstance(e, Binary) or e.op != "==":
            return []
        for a, b in ((e.left, e.right), (e.right, e.left)):
            literal = b.value if isinstance(b, Literal) and isinstance(b.value, str) else None
            if _association(a) and literal is not None and literal.upper() in _MEMBERS:
                return [self.gate("author-association", e)]
            if _is(a, _FORK_FLAGS) and isinstance(b, Literal) and b.value is False:
                return [self.gate("not-fork", e, _fork_events(a))]
            if _is(a, _HEAD_REPO_NAMES) and _is(b, _REPO_NAMES):
                return [self.gate("same-repository", e)]
            parts = _parts(a)
            if parts == ("github", "event", "label", "name") and isinstance(b, Literal):
                return [self.gate("label", e)]
            actor = _is(a, _ACTORS) or _author(a)
            if actor and literal is not None and not literal.lower().endswith("[bot]"):
                return [self.gate("actor", e)]
        return []

    def gates(self, e: Expr) -> list[Gate]:
        if isinstance(e, Binary) and e.op == "&&":
            return self.gates(e.left) + self.gates(e.right)
        if isinstance(e, Binary) and e.op == "||":
            left, right = self.gates(e.left), self.gates(e.right)
            kinds = {g.kind for g in right}
            return [g for g in left if g.kind in kinds]
        return self.atom_gates(e)

    def bot_checks(self, e: Expr, positive: bool = True) -> Iterator[Atom]:
        """``github.actor == '…[bot]'`` comparisons that can make ``e`` true."""
        if isinstance(e, Binary) and e.op in ("&&", "||"):
            yield from self.bot_checks(e.left, positive)
            yield from self.bot_checks(e.right, positive)
            return
        if isinstance(e, Unary) and e.op == "!":
            yield from self.bot_checks(e.operand, not positive)
            return
        if isinstance(e, Binary) and e.op in ("==", "!="):
            if (e.op == "==") != positive:
                return
            for a, b in ((e.left, e.right), (e.right, e.left)):
                literal = b.value if isinstance(b, Literal) and isinstance(b.value, str) else ""
                if _is(a, _ACTORS) and literal.lower().endswith("[bot]"):
                    yield Atom(e, self.text(e), self.span(e))
                    return
        calls = ("contains", "startswith", "endswith")
        if (
            positive
            and isinstance(e, Call)
            and e.name in calls
            and len(e.args) == 2
            and any(_is(a, _ACTORS) for a in e.args)
        ):
            other = [a for a in e.args if not _is(a, _ACTORS)]
            listed = _strings(other[0]) if other else None
            if listed and any(s.lower().endswith("[bot]") for s in listed):
                yield Atom(e, self.text(e), self.span(e))


_CONDITIONS: dict[int, tuple[Node, Condition]] = file_cache()


def read_condition(wf: Workflow, node: Node | None) -> Condition:
    """What an ``if:`` value says: its gates, ``false``, an always-true template,
    spoofable bot checks. A value that is not a string, or an expression that
    does not parse, says nothing. Read once per node while the file is linted
    (several rules ask of every job)."""
    if node is None:
        return _NOTHING
    cached = _CONDITIONS.get(id(node))
    if cached is not None and cached[0] is node:
        return cached[1]
    found = _read_condition(wf, node)
    _CONDITIONS[id(node)] = (node, found)
    return found


_NOTHING = Condition()


def _read_condition(wf: Workflow, node: Node) -> Condition:
    if isinstance(node, ScalarNode) and node.tag == TAG_BOOL:
        return Condition(disabled=node.value.strip().lower() == "false")
    text = as_str(node)
    if text is None or not isinstance(node, ScalarNode):
        return Condition()
    found = find_expressions(text)
    if found:
        whole = len(found) == 1 and found[0].start == 0 and found[0].end == len(text)
        if not whole:
            return Condition(always_true=True)
        inner, inner_start = found[0].inner, found[0].inner_start
    else:
        inner, inner_start = text, 0
    parsed = parse_expression(inner, check_functions=False)
    if isinstance(parsed, ExprError):
        return Condition()
    if isinstance(parsed, Literal) and parsed.value is False:
        return Condition(disabled=True)
    reader = _Reader(wf, node, inner_start, inner)
    gates = tuple(reader.gates(parsed))
    return Condition(gates=gates, bot_checks=tuple(reader.bot_checks(parsed)))


# ---------------------------------------------------------------------------
# Jobs and steps


def _environment(wf: Workflow, job: Job) -> Gate | None:
    node = job.environment
    if node is None:
        return None
    name = as_str(node.get("name")) if isinstance(node, MapNode) else as_str(node)
    if name is None or not name.strip():
        return None
    return Gate("environment", name.strip(), node.span(wf.source))


# A step that asks GitHub for the commenter's or author's permission and
# fails the job (or the job this one needs) for anyone without write access.
_PERMISSION_CHECK = lazy_compile(
    r"collaborators/[^\s]*/permission|getCollaboratorPermissionLevel|checkCollaborator"
    r"|check-user-permission|check-actor-permission|actor-permission"
)


def _permission_check(wf: Workflow, job: Job, seen: set[str] | None = None) -> Gate | None:
    """A permission-check step in ``job`` or in a job it needs (transitively)."""
    seen = seen if seen is not None else set()
    if job.id in seen:
        return None
    seen.add(job.id)
    for step in job.steps:
        text = step.uses or ""
        if step.run is not None:
            text += "\n" + step.run.value
        script = step.input_scalar("script")
        if script is not None:
            text += "\n" + script.value
        if _PERMISSION_CHECK.search(text):
            return Gate("permission-check", step.label, step.span)
    for need in job.needs:
        other = wf.job(need)
        if other is not None:
            found = _permission_check(wf, other, seen)
            if found is not None:
                return found
    return None


def job_reach(wf: Workflow, job: Job, triggers: Iterable[str] = OUTSIDER_TRIGGERS) -> Reach:
    """Whether outsiders can start ``job`` through ``triggers`` (default: every
    trigger they can fire), with the gates found on the way."""
    wanted = frozenset(triggers)
    fired = tuple(dict.fromkeys(t.name for t in wf.triggers if t.name in wanted))
    through = inherited(wf, wanted)
    cond = read_condition(wf, job.if_)
    gates = list(cond.gates)
    env = _environment(wf, job)
    if env is not None:
        gates.append(env)
    if (fired or through) and not cond.disabled:
        check = _permission_check(wf, job)
        if check is not None:
            gates.append(check)
    return Reach(fired, tuple(gates), cond.disabled, through)


def inherited(wf: Workflow, triggers: Iterable[str] = OUTSIDER_TRIGGERS) -> tuple[Inherited, ...]:
    """The callers' triggers (of ``triggers``) a reusable workflow inherits.

    The run's pre-pass records them on the model (``Workflow.callers``) for
    workflows that declare ``workflow_call`` and that a linted workflow calls.
    """
    if not wf.callers or "workflow_call" not in wf.trigger_names:
        return ()
    keep = frozenset(triggers)
    narrowed = (b.only(keep) for b in wf.callers)
    return tuple(b for b in narrowed if b.triggers)


def reachable_triggers(wf: Workflow, triggers: Iterable[str] = OUTSIDER_TRIGGERS) -> frozenset[str]:
    """The triggers (of ``triggers``) that can start some job of ``wf``: its
    own and those it inherits from callers (before any gate)."""
    keep = frozenset(triggers)
    own = {t.name for t in wf.triggers if t.name in keep}
    return frozenset(own | {t for b in inherited(wf, keep) for t in b.triggers})


def step_reach(
    wf: Workflow, job: Job | None, step: Step, triggers: Iterable[str] = OUTSIDER_TRIGGERS
) -> Reach:
    """:func:`job_reach` narrowed by the step's own ``if:``."""
    if job is None:
        return Reach(())
    base = job_reach(wf, job, triggers)
    cond = read_condition(wf, step.if_)
    return Reach(base.own, base.gates + cond.gates, base.disabled or cond.disabled, base.through)
