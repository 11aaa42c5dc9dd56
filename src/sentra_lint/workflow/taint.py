"""Which expression values can carry attacker-controlled text.

Template injection happens when the runner pastes an expression's *value*
into a script before the shell (or ``actions/github-script``) reads it. This
module answers one question about an expression: can its value, rendered as
a string, contain text an attacker chose? It works on the parsed AST
(:mod:`.expressions`), never on the expression's spelling.

How values are modelled
-----------------------
An expression's value is tracked as a set of *flows*: a :class:`TaintSource`
(where the text comes from) and the depth at which that text sits in the
value. Depth 0 means the value is (or contains, as a substring) the text;
depth 1 means it is a member of an object or array; ``ANY`` means unknown
structure (after ``fromJSON``). Only depth 0 and ``ANY`` survive rendering:
the runner renders an object as ``Object`` and an array as ``Array``, so
``${{ github.event.commits.*.message }}`` prints ``Array`` while
``${{ join(github.event.commits.*.message) }}`` prints the messages.

Operators and functions:

* ``a && b`` yields ``b``, or ``a`` when ``a`` is falsy. A falsy value is
  ``null``, ``false``, ``0``, ``NaN`` or ``''``: none carries attacker text,
  so only ``b`` flows. ``a || b`` yields ``a`` when truthy, else ``b``: both
  flow. Hence ``cond && '--flag' || ''`` is safe whatever ``cond`` is, and
  ``cond && github.event.issue.title || ''`` is not.
* ``!``, ``== != < <= > >=``, ``contains``, ``startsWith``, ``endsWith``,
  ``hashFiles``, ``success()``, ``always()``, ``cancelled()``, ``failure()``
  produce booleans, numbers or hashes: safe whatever their arguments.
* ``format`` and ``join`` render their arguments (``join`` renders the members
  of an array; the model does not tell an object from an array, so
  ``join(object)``, which GitHub renders as ``Object``, is still reported);
  ``toJSON`` serialises everything, nested text included;
  ``fromJSON`` of tainted text may produce anything; ``case`` yields one of its
  value arguments.

Which contexts carry attacker text (and why)
--------------------------------------------
``github.event`` fields are looked up in :data:`EVENT_FIELDS`. Three levels:

* HIGH (:attr:`TaintKind.ARBITRARY`): free text that any GitHub user can set
  without permissions on the repository: issue, comment, review and
  discussion text; pull request title, body, head branch and label; the head
  repository's description, homepage and default branch; commit messages and
  author/committer names and emails (git accepts anything there, and a
  ``push`` after a merge carries the contributor's commits); file paths
  touched by commits; wiki page names; the ``workflow_run``, ``merge_group``
  and ``check_suite`` head branch, title and commit; ``github.head_ref``.
* MEDIUM (:attr:`TaintKind.PRIVILEGED`): free text only someone with write
  access can send, but which is routinely relayed from elsewhere:
  ``repository_dispatch`` ``client_payload`` and string inputs of
  ``workflow_dispatch``.
* LOW: text set only by users with triage or write access (label names and
  descriptions, milestones, release name/body/tag), values an attacker
  chooses from a restricted alphabet (fork repository ``name`` and
  ``full_name``: GitHub allows only letters, digits, ``.``, ``-`` and ``_``,
  so they cannot carry shell syntax, but they are attacker-chosen), string
  inputs of ``workflow_call`` and of composite actions (whatever the caller
  passes), and ``github.event`` fields that none of the tables know
  (:attr:`TaintKind.UNKNOWN`).

Safe: numbers, ids, SHAs (``github.sha``, ``*.sha``, ``*_sha``), booleans,
URLs and timestamps; logins (``github.actor``, ``*.login``: GitHub restricts
them to letters, digits and ``-``); ``github.repository`` and every other
``github.*`` field except ``head_ref`` and ``event`` (``github.ref`` and
``ref_name`` are branch names, but only users who can push choose them, and
for pull requests they are ``refs/pull/N/merge``); the base side of a pull
request; ``needs.*.result``, ``steps.*.outcome``/``conclusion``, ``job``,
``runner``, ``strategy``, ``vars`` (maintainer-set) and ``secrets`` (not
attacker-controlled: leaking them is a different problem). ``matrix``,
``env``, ``steps.*.outputs`` and ``needs.*.outputs`` are safe unless the
caller records them as carrying tainted values (:class:`TaintContext`).

Triggers matter: a payload field exists only under the events that send it.
When the workflow's triggers are known and none of them sends a field (for
example ``github.event.issue.title`` in a workflow that only runs on
``push``), the field evaluates to ``null`` and nothing is reported. A
reusable workflow (``workflow_call``) sees its caller's event, so any field
is possible there. With no triggers given, every event is assumed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import field, replace
from enum import IntEnum
from typing import Final, TypeAlias

from sentra_lint._compat import StrEnum
from sentra_lint._dataclass import dataclass

from .expressions import (
    STAR,
    Access,
    Binary,
    Call,
    ContextPath,
    Expr,
    ExprError,
    ExprSpan,
    Literal,
    PathPart,
    Unary,
    find_expressions,
    parse_expression,
)

__all__ = [
    "EVENT_FIELDS",
    "SAFE",
    "Confidence",
    "EventField",
    "InputDecl",
    "Taint",
    "TaintContext",
    "TaintKind",
    "TaintSource",
    "taint_of",
    "taint_of_template",
    "template_taints",
]


class Confidence(IntEnum):
    """How sure we are that an attacker can put text there (ordered)."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: object, default: Confidence | None = None) -> Confidence:
        """A ``min-confidence`` option (``high``, ``medium``, ``low``); anything
        else is ``default`` (``HIGH`` when not given)."""
        if isinstance(value, str):
            for c in cls:
                if c.name.lower() == value.strip().lower():
                    return c
        return default if default is not None else cls.HIGH


class TaintKind(StrEnum):
    """Who controls the text."""

    ARBITRARY = "arbitrary"
    """Free text any GitHub user can set."""
    PRIVILEGED = "privileged"
    """Free text that only users with triage or write access (or their tokens) set."""
    RESTRICTED = "restricted"
    """Attacker-chosen, but from an alphabet without shell syntax."""
    CALLER = "caller"
    """Whatever the calling workflow or step passes (reusable workflows, actions)."""
    UNKNOWN = "unknown"
    """An event field the tables do not know."""


@dataclass(frozen=True, slots=True)
class TaintSource:
    """Where attacker text comes from.

    ``path`` is the context path that reads it, as written in the expression
    (``github.event.issue.title``) or, for values carried through ``env`` and
    outputs, the original path; ``via`` lists the names it travelled through,
    nearest first (``("env.TITLE",)``).
    """

    path: str
    confidence: Confidence
    kind: TaintKind
    reason: str
    via: tuple[str, ...] = ()

    def describe(self) -> str:
        """``github.event.issue.title`` or ``env.TITLE (from github.event.issue.title)``."""
        if not self.via:
            return self.path
        chain = " <- ".join((*self.via[1:], self.path))
        return f"{self.via[0]} (from {chain})"


@dataclass(frozen=True, slots=True)
class Taint:
    """What :func:`taint_of` found.

    ``sources`` is empty when the value cannot carry attacker text. A
    malformed expression has ``malformed=True`` and the parser's ``error``;
    callers report it as malformed rather than guess what it meant.
    """

    sources: tuple[TaintSource, ...] = ()
    malformed: bool = False
    error: ExprError | None = None

    @property
    def tainted(self) -> bool:
        return bool(self.sources)

    @property
    def confidence(self) -> Confidence | None:
        """The highest confidence of any source, or ``None`` when untainted."""
        return max((s.confidence for s in self.sources), default=None)

    @property
    def paths(self) -> tuple[str, ...]:
        """The offending context paths, for messages."""
        return tuple(dict.fromkeys(s.describe() for s in self.sources))

    def at_least(self, confidence: Confidence) -> Taint:
        """Only the sources at or above ``confidence``."""
        return replace(self, sources=tuple(s for s in self.sources if s.confidence >= confidence))

    def union(self, *others: Taint) -> Taint:
        sources = list(self.sources)
        malformed = self.malformed
        error = self.error
        for other in others:
            sources.extend(other.sources)
            malformed = malformed or other.malformed
            error = error or other.error
        return Taint(_dedupe(sources), malformed, error)


SAFE: Final = Taint()


@dataclass(frozen=True, slots=True)
class InputDecl:
    """A declared input: ``on.workflow_dispatch.inputs``, ``on.workflow_call.inputs``
    or a composite action's ``inputs`` (``source="action"``, always strings)."""

    name: str
    type: str = "string"
    source: str = "workflow_dispatch"


# --------------------------------------------------------------------------
# Event payload fields
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventField:
    """A rule for ``github.*`` paths.

    ``pattern`` is lower-case path segments after ``github``; ``*`` matches any
    one key or index, a final ``**`` any subtree. ``kind`` is ``None`` for a
    known-safe field. ``events`` are the triggers whose payload has the field
    (``None``: always present).
    """

    pattern: tuple[str, ...]
    kind: TaintKind | None
    confidence: Confidence
    reason: str
    events: frozenset[str] | None = None


_ISSUE = frozenset({"issues", "issue_comment"})
_PR = frozenset(
    {"pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment"}
)
_COMMENT = frozenset(
    {"issue_comment", "pull_request_review_comment", "discussion_comment", "commit_comment"}
)
_DISCUSSION = frozenset({"discussion", "discussion_comment"})
_PUSH = frozenset({"push"})
_LABELLED = frozenset({"label", "issues", "pull_request", "pull_request_target", "discussion"})
_EDITED = _ISSUE | _PR | _DISCUSSION | _COMMENT


def _fields(
    kind: TaintKind | None,
    confidence: Confidence,
    reason: str,
    events: Iterable[str] | None,
    *paths: str,
) -> list[EventField]:
    ev = None if events is None else frozenset(events)
    return [EventField(tuple(p.split(".")), kind, confidence, reason, ev) for p in paths]


_A, _P, _R = TaintKind.ARBITRARY, TaintKind.PRIVILEGED, TaintKind.RESTRICTED
_HIGH, _MEDIUM, _LOW = Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW
_GIT_META = ("message", "author.name", "author.email", "committer.name", "committer.email")


def _commit(prefix: str) -> list[str]:
    return [f"{prefix}.{f}" for f in _GIT_META]


EVENT_FIELDS: Final[tuple[EventField, ...]] = tuple(
    [
        *_fields(_A, _HIGH, "branch names are chosen by the pull request author", _PR, "head_ref"),
        *_fields(
            _A,
            _HIGH,
            "issue text is written by anyone who can open an issue",
            _ISSUE,
            "event.issue.title",
            "event.issue.body",
        ),
        *_fields(
            _A,
            _HIGH,
            "comments are written by anyone who can comment",
            _COMMENT,
            "event.comment.body",
        ),
        *_fields(
            _A,
            _HIGH,
            "review comments quote file paths and diffs from the pull request",
            {"pull_request_review_comment"},
            "event.comment.path",
            "event.comment.diff_hunk",
        ),
        *_fields(
            _A,
            _HIGH,
            "reviews are written by anyone who can review",
            {"pull_request_review"},
            "event.review.body",
        ),
        *_fields(
            _A,
            _HIGH,
            "pull request text and head branch are chosen by its author, "
            "who may be anyone with a fork",
            _PR,
            "event.pull_request.title",
            "event.pull_request.body",
            "event.pull_request.head.ref",
            "event.pull_request.head.label",
            "event.pull_request.head.repo.description",
            "event.pull_request.head.repo.homepage",
            "event.pull_request.head.repo.default_branch",
            "event.pull_request.auto_merge.commit_title",
            "event.pull_request.auto_merge.commit_message",
        ),
        *_fields(
            _R,
            _LOW,
            "a fork's repository name is chosen by its owner, from letters, "
            "digits, '.', '-' and '_' only",
            _PR,
            "event.pull_request.head.repo.name",
            "event.pull_request.head.repo.full_name",
        ),
        *_fields(
            _A,
            _HIGH,
            "the previous text of an edit was written by its author",
            _EDITED,
            "event.changes.title.from",
            "event.changes.body.from",
        ),
        *_fields(
            _A,
            _HIGH,
            "commit messages, author names and emails are arbitrary git metadata "
            "written by whoever made the commits, merged contributions included",
            _PUSH,
            *_commit("event.head_commit"),
            *_commit("event.commits.*"),
        ),
        *_fields(
            _A,
            _HIGH,
            "file paths are chosen by whoever made the commits",
            _PUSH,
            "event.commits.*.added.*",
            "event.commits.*.removed.*",
            "event.commits.*.modified.*",
            "event.head_commit.added.*",
            "event.head_commit.removed.*",
            "event.head_commit.modified.*",
        ),
        *_fields(
            _A,
            _HIGH,
            "discussions are written by anyone who can start one",
            _DISCUSSION,
            "event.discussion.title",
            "event.discussion.body",
        ),
        *_fields(
            _A,
            _HIGH,
            "wiki pages are named by whoever edits the wiki",
            {"gollum"},
            "event.pages.*.page_name",
            "event.pages.*.title",
            "event.pages.*.summary",
        ),
        *_fields(
            _A,
            _HIGH,
            "the triggering run's branch, title and commit can come from a "
            "pull request author's fork",
            {"workflow_run"},
            "event.workflow_run.head_branch",
            "event.workflow_run.display_title",
            *_commit("event.workflow_run.head_commit"),
            "event.workflow_run.head_repository.description",
            "event.workflow_run.pull_requests.*.head.ref",
        ),
        *_fields(
            _R,
            _LOW,
            "a fork's repository name is chosen by its owner, from letters, "
            "digits, '.', '-' and '_' only",
            {"workflow_run"},
            "event.workflow_run.head_repository.name",
            "event.workflow_run.head_repository.full_name",
        ),
        *_fields(
            _A,
            _HIGH,
            "merge queue commits carry pull request titles and authors' metadata",
            {"merge_group"},
            *_commit("event.merge_group.head_commit"),
        ),
        *_fields(
            _A,
            _HIGH,
            "the checked branch and commit can come from a pull request author",
            {"check_suite"},
            "event.check_suite.head_branch",
            *_commit("event.check_suite.head_commit"),
        ),
        *_fields(
            _A,
            _HIGH,
            "the checked branch can come from a pull request author",
            {"check_run"},
            "event.check_run.check_suite.head_branch",
        ),
        *_fields(
            _P,
            _MEDIUM,
            "repository_dispatch payloads are sent by any holder of a token "
            "with write access, often relaying other systems' data",
            {"repository_dispatch"},
            "event.client_payload.**",
        ),
        *_fields(
            _P,
            _LOW,
            "labels are created by users with triage or write access",
            _LABELLED,
            "event.label.name",
            "event.label.description",
        ),
        *_fields(
            _P,
            _LOW,
            "labels are created by users with triage or write access",
            _ISSUE | _PR,
            "event.issue.labels.*.name",
            "event.issue.labels.*.description",
            "event.pull_request.labels.*.name",
            "event.pull_request.labels.*.description",
        ),
        *_fields(
            _P,
            _LOW,
            "milestones are created by users with triage or write access",
            {"milestone"} | _ISSUE | _PR,
            "event.milestone.title",
            "event.milestone.description",
            "event.issue.milestone.title",
            "event.issue.milestone.description",
            "event.pull_request.milestone.title",
            "event.pull_request.milestone.description",
        ),
        *_fields(
            _P,
            _LOW,
            "releases are written by users with write access",
            {"release"},
            "event.release.name",
            "event.release.body",
            "event.release.tag_name",
        ),
        *_fields(
            _P,
            _LOW,
            "deployments are created by users with write access",
            {"deployment", "deployment_status"},
            "event.deployment.payload.**",
            "event.deployment.description",
            "event.deployment_status.description",
        ),
        *_fields(
            _P,
            _LOW,
            "the previous name was set by users with triage or write access",
            {"label", "milestone"},
            "event.changes.name.from",
            "event.changes.description.from",
        ),
        *_fields(
            _P,
            _LOW,
            "discussion categories are created by maintainers",
            _DISCUSSION,
            "event.discussion.category.name",
        ),
        # Known safe: fixed by the repository, GitHub, or restricted to safe characters.
        *_fields(
            None,
            _LOW,
            "not attacker-controlled",
            None,
            "event.repository.**",
            "event.sender.**",
            "event.organization.**",
            "event.installation.**",
            "event.enterprise.**",
            "event.pusher.**",
            "event.pull_request.base.**",
            "event.workflow_run.repository.**",
            "event.workflow_run.workflow.**",
            "event.workflow_run.name",
            "event.workflow_run.path",
            "event.workflow_run.event",
            "event.workflow.**",
            "event.ref",
            "event.base_ref",
            "event.ref_type",
            "event.master_branch",
            "event.head_commit.author.username",
            "event.head_commit.committer.username",
            "event.commits.*.author.username",
            "event.commits.*.committer.username",
            "event.merge_group.head_ref",
            "event.merge_group.base_ref",
        ),
    ]
)
"""The table of ``github.*`` fields (see the module docstring for the choices)."""

# Field names that never carry free text, for event fields not in the table.
_SAFE_LEAVES: Final = frozenset(
    [
        "id",
        "node_id",
        "number",
        "sha",
        "url",
        "login",
        "state",
        "action",
        "merged",
        "draft",
        "locked",
        "private",
        "fork",
        "size",
        "type",
        "additions",
        "deletions",
        "changed_files",
        "comments",
        "commits",
        "review_comments",
        "position",
        "line",
        "original_line",
        "start_line",
        "original_start_line",
        "original_position",
        "run_attempt",
        "run_number",
        "conclusion",
        "status",
        "event",
        "visibility",
        "author_association",
        "state_reason",
        "mergeable",
        "rebaseable",
        "mergeable_state",
        "maintainer_can_modify",
        "site_admin",
        "user",
        "owner",
        "sender",
        "repository",
        "organization",
        "assignee",
        "assignees",
        "requested_reviewers",
        "requested_teams",
        "reactions",
        "_links",
        "created",
        "deleted",
        "forced",
        "distinct",
        "before",
        "after",
        "timestamp",
        "archived",
        "disabled",
        "is_template",
        "default",
        "color",
        "side",
        "start_side",
        "subject_type",
        "head",
        "base",
        "installation",
        "enterprise",
        "app",
    ]
)
_SAFE_SUFFIXES: Final = ("_id", "_url", "_at", "_sha", "_count", "_number")

# --------------------------------------------------------------------------
# Context
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaintContext:
    """What a workflow tells us about where attacker text can come from.

    * ``triggers``: the workflow's event names (empty: unknown, all assumed);
    * ``inputs``: declared inputs (``None``: unknown; then any ``inputs.X`` is
      treated as a caller-supplied string of low confidence);
    * ``carried``: names known to hold tainted text, lower-case dotted keys
      (``env.title``, ``steps.meta.outputs.branch``,
      ``needs.build.outputs.tag``, ``matrix.pkg``; ``*`` matches any one key)
      mapped to the sources they carry.

    Rules fill ``carried`` with :meth:`with_env`, :meth:`with_step_outputs`,
    :meth:`with_job_outputs` or :meth:`with_carried` while walking a
    workflow: each returns a new context.
    """

    triggers: frozenset[str] = frozenset()
    inputs: tuple[InputDecl, ...] | None = None
    carried: Mapping[str, tuple[TaintSource, ...]] = field(default_factory=dict, hash=False)

    @classmethod
    def for_workflow(
        cls, triggers: Iterable[str] = (), inputs: Iterable[InputDecl] | None = None
    ) -> TaintContext:
        return cls(
            frozenset(t.lower() for t in triggers), None if inputs is None else tuple(inputs)
        )

    def with_carried(self, name: str, taint: Taint) -> TaintContext:
        """Record that ``name`` (``env.X``, ``steps.s.outputs.o``, …) now holds
        the value whose taint is ``taint``; an untainted value shadows (removes)
        an earlier tainted one of the same name."""
        return self._with({name: taint})

    def with_env(self, env: Mapping[str, str]) -> TaintContext:
        """Add an ``env:`` block: name -> value text (which may hold ``${{ }}``).

        Values are evaluated in this context (an ``env:`` block cannot read
        its own entries), and every name in the block shadows outer ones.
        """
        return self._with({f"env.{k}": taint_of_template(v, self) for k, v in env.items()})

    def with_step_outputs(self, step_id: str, outputs: Mapping[str, str | Taint]) -> TaintContext:
        """Outputs of step ``step_id``: name -> value text (evaluated here) or a
        :class:`Taint` the caller computed (``*`` as name: every output)."""
        return self._with(
            {f"steps.{step_id}.outputs.{k}": self._as_taint(v) for k, v in outputs.items()}
        )

    def with_job_outputs(
        self, job_id: str, outputs: Mapping[str, str | Taint], context: str = "needs"
    ) -> TaintContext:
        """Outputs of job ``job_id`` as seen by a dependent job (``needs.<job>.outputs``)
        or by a reusable workflow's ``on.workflow_call.outputs`` (``context="jobs"``).

        Compute the values with :meth:`evaluate_outputs` in the producing job's
        context, then add them to the consuming job's context."""
        return self._with(
            {f"{context}.{job_id}.outputs.{k}": self._as_taint(v) for k, v in outputs.items()}
        )

    def evaluate_outputs(self, outputs: Mapping[str, str]) -> dict[str, Taint]:
        """Evaluate ``name -> value text`` in this context."""
        return {k: taint_of_template(v, self) for k, v in outputs.items()}

    def _as_taint(self, value: str | Taint) -> Taint:
        return value if isinstance(value, Taint) else taint_of_template(value, self)

    def _with(self, entries: Mapping[str, Taint]) -> TaintContext:
        if not entries:
            return self  # most steps set no env: the same (immutable) context
        carried = dict(self.carried)
        for name, taint in entries.items():
            key = name.lower()
            if taint.tainted:
                carried[key] = tuple(replace(s, via=(name, *s.via)) for s in taint.sources)
            else:
                carried.pop(key, None)
        return TaintContext(self.triggers, self.inputs, carried)

    def _gated(self, events: frozenset[str] | None) -> bool:
        """True when no trigger of this workflow sends a payload with the field."""
        if events is None or not self.triggers or "workflow_call" in self.triggers:
            return False
        return not (self.triggers & events)


# --------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------

ANY: Final = -1
"""Depth of text in a value of unknown structure (after ``fromJSON``)."""

BEYOND: Final = -2
"""Match result for a path that reads past the end of a string field."""

_Flow: TypeAlias = tuple[TaintSource, int]
_Seg: TypeAlias = tuple[str | None, bool]  # (lower-case key or None for any, is filter)

_BOOLEAN_FUNCTIONS: Final = frozenset(
    {"contains", "startswith", "endswith", "hashfiles", "success", "always", "cancelled", "failure"}
)


def _segments(parts: Sequence[PathPart]) -> list[_Seg]:
    segs: list[_Seg] = []
    for part in parts:
        if part == STAR:
            segs.append((None, True))
        elif isinstance(part, str):
            segs.append((part.lower(), False))
        else:
            segs.append((None, False))
    return segs


def _match(segs: Sequence[_Seg], pattern: Sequence[str]) -> int | None:
    """Depth of the pattern's text inside the value at ``segs``, or ``None``.

    ``segs`` excludes the context name. A path shorter than the pattern
    reaches an object that holds the text (depth > 0); a longer one reads a
    property of a string, which is ``null`` (:data:`BEYOND`), unless the
    pattern ends in ``**``.
    """
    deep = bool(pattern) and pattern[-1] == "**"
    fixed = pattern[:-1] if deep else pattern
    for (key, _), want in zip(segs, fixed, strict=False):
        if key is not None and want != "*" and key != want:
            return None
    if len(segs) > len(fixed):
        return ANY if deep else BEYOND
    depth = len(fixed) - len(segs) + (1 if deep else 0)
    return depth + sum(1 for _, is_filter in segs if is_filter)


def _input_fields(ctx: TaintContext) -> list[EventField]:
    out: list[EventField] = []
    if ctx.inputs is None:
        reason = "input of undeclared type: whatever the caller passes"
        out.append(EventField(("*",), TaintKind.CALLER, _LOW, reason))
        out.append(
            EventField(
                ("event", "inputs", "*"),
                TaintKind.CALLER,
                _LOW,
                reason,
                frozenset({"workflow_dispatch"}),
            )
        )
        return out
    for decl in ctx.inputs:
        name = decl.name.lower()
        typ = (decl.type or "string").lower()
        source = decl.source.lower()
        kind: TaintKind | None = None
        conf = _LOW
        reason = f"{typ} input: not free text"
        if typ == "string":
            if source == "workflow_dispatch":
                kind, conf = TaintKind.PRIVILEGED, _MEDIUM
                reason = "workflow_dispatch string input: free text typed by whoever runs it"
            else:
                kind = TaintKind.CALLER
                reason = f"{source} string input: whatever the caller passes"
        out.append(EventField((name,), kind, conf, reason))
        if source == "workflow_dispatch":
            out.append(
                EventField(
                    ("event", "inputs", name), kind, conf, reason, frozenset({"workflow_dispatch"})
                )
            )
    # Undeclared inputs are null.
    out.append(EventField(("**",), None, _LOW, "undeclared input"))
    out.append(EventField(("event", "inputs", "**"), None, _LOW, "undeclared input"))
    return out


def _unknown_event_field(segs: Sequence[_Seg]) -> bool:
    """Whether ``github.<segs>`` is an event field nobody vouched for."""
    if len(segs) < 2 or segs[0][0] not in ("event", None):
        return False
    named = [k for k, _ in segs if k is not None]
    if not named:
        return True
    last = named[-1]
    return last not in _SAFE_LEAVES and not last.endswith(_SAFE_SUFFIXES)


def _path_flows(path: ContextPath, ctx: TaintContext) -> list[_Flow]:
    root = path.root.lower()
    segs = _segments(path.parts[1:])
    written = path.dotted()

    if root in ("github", "inputs"):
        # These depend on the path and the workflow's triggers and inputs only.
        key = (root, written, tuple(segs), ctx.triggers, ctx.inputs)
        found = _EVENT_FLOWS.get(key)
        if found is None:
            found = tuple(_event_flows(root, segs, written, ctx))
            if len(_EVENT_FLOWS) >= _EVENT_FLOWS_MAX:
                _EVENT_FLOWS.clear()
            _EVENT_FLOWS[key] = found
        return list(found)

    flows: list[_Flow] = []
    for key_, sources in ctx.carried.items():
        pattern = key_.split(".")
        if pattern[0] != root:
            continue
        depth = _match(segs, pattern[1:])
        if depth is None or depth == BEYOND:
            continue
        if pattern[-1] == "*" and root in ("steps", "needs", "jobs") and _numeric_name(segs):
            # Only "some output" of the step is known to carry the text; one
            # named like a number, id, URL or SHA (`pull-request-number`) does not.
            continue
        flows.extend((s, depth) for s in sources)
    return flows


def _numeric_name(segs: Sequence[_Seg]) -> bool:
    """Whether the last named part of a path names a number, id, URL, SHA or time."""
    named = [k for k, _ in segs if k is not None]
    if not named:
        return False
    last = named[-1].replace("-", "_")
    return last in _SAFE_LEAVES or last.endswith(_SAFE_SUFFIXES)


_EVENT_FLOWS: dict[
    tuple[str, str, tuple[_Seg, ...], frozenset[str], tuple[InputDecl, ...] | None],
    tuple[_Flow, ...],
] = {}
_EVENT_FLOWS_MAX = 4096


def _event_flows(root: str, segs: list[_Seg], written: str, ctx: TaintContext) -> list[_Flow]:
    """The flows of a ``github.…`` or ``inputs.…`` path: the event and input tables."""
    flows: list[_Flow] = []
    table: Iterable[EventField]
    if root == "github":
        inputs = [f for f in _input_fields(ctx) if f.pattern[0] == "event"]
        table = (*inputs, *EVENT_FIELDS)
    else:
        table = [f for f in _input_fields(ctx) if f.pattern[0] != "event"]
    matched = False
    for rule in table:
        depth = _match(segs, rule.pattern)
        if depth is None:
            continue
        matched = True
        if depth == BEYOND or rule.kind is None or ctx._gated(rule.events):
            continue
        reason = rule.reason
        if depth > 0:
            reason = f"holds {root}.{'.'.join(rule.pattern)}: {reason}"
        source = TaintSource(written, rule.confidence, rule.kind, reason)
        flows.append((source, depth))
    if root == "github" and not matched and _unknown_event_field(segs):
        reason = "an event field sentra-lint does not know: it may carry attacker text"
        depth = sum(1 for _, f in segs if f)
        flows.append((TaintSource(written, _LOW, TaintKind.UNKNOWN, reason), depth))
    return flows


def _render(flows: Iterable[_Flow]) -> list[_Flow]:
    """The flows that survive conversion to a string (as text at depth 0)."""
    return [(s, 0) for s, d in flows if d in (0, ANY)]


def _descend(flows: Iterable[_Flow], parts: Sequence[PathPart]) -> list[_Flow]:
    out = list(flows)
    for part in parts:
        nxt: list[_Flow] = []
        for s, d in out:
            if d == ANY:
                nxt.append((s, ANY))
            elif d >= 1:
                # A filter maps over members (depth - 1) and wraps them (+ 1).
                nxt.append((s, d if part == STAR else d - 1))
        out = nxt
    return out


def _flows(expr: Expr, ctx: TaintContext) -> list[_Flow]:
    if isinstance(expr, Literal):
        return []
    if isinstance(expr, ContextPath):
        return _path_flows(expr, ctx)
    if isinstance(expr, Access):
        return _descend(_flows(expr.target, ctx), expr.parts)
    if isinstance(expr, Unary):
        return []
    if isinstance(expr, Binary):
        if expr.op == "&&":
            return _flows(expr.right, ctx)
        if expr.op == "||":
            return _flows(expr.left, ctx) + _flows(expr.right, ctx)
        return []
    return _call_flows(expr, ctx)


def _call_flows(call: Call, ctx: TaintContext) -> list[_Flow]:
    name, args = call.name, call.args
    if name in _BOOLEAN_FUNCTIONS:
        return []
    if name == "tojson":
        return [(s, 0) for arg in args for s, _ in _flows(arg, ctx)]
    if name == "fromjson":
        return [(s, ANY) for arg in args for s, _ in _render(_flows(arg, ctx))]
    if name == "join":
        out: list[_Flow] = []
        if args:
            out.extend((s, 0) for s, d in _flows(args[0], ctx) if d in (0, 1, ANY))
        for arg in args[1:]:
            out.extend(_render(_flows(arg, ctx)))
        return out
    if name == "case":
        values = [*args[1:-1:2], args[-1]] if args else []
        return [f for arg in values for f in _flows(arg, ctx)]
    # format() and functions we do not know: their arguments are rendered.
    return [f for arg in args for f in _render(_flows(arg, ctx))]


def _dedupe(sources: Iterable[TaintSource]) -> tuple[TaintSource, ...]:
    """One source per (path, via), keeping the most confident, in first-seen order."""
    best: dict[tuple[str, tuple[str, ...]], TaintSource] = {}
    for s in sources:
        key = (s.path, s.via)
        if key not in best or s.confidence > best[key].confidence:
            best[key] = s
    return tuple(best.values())


def taint_of(expr: Expr | ExprError | str, ctx: TaintContext | None = None) -> Taint:
    """Whether the value of one expression can carry attacker-controlled text.

    ``expr`` is a parsed expression, a parse error, or the text between
    ``${{`` and ``}}`` (parsed here). A parse error yields a malformed
    :class:`Taint` with no sources.
    """
    if isinstance(expr, str):
        expr = parse_expression(expr)
    if isinstance(expr, ExprError):
        return Taint(malformed=True, error=expr)
    ctx = ctx if ctx is not None else TaintContext()
    return Taint(_dedupe(s for s, _ in _render(_flows(expr, ctx))))


def template_taints(
    text: str, ctx: TaintContext | None = None, base: int = 0
) -> list[tuple[ExprSpan, Taint]]:
    """The taint of every ``${{ … }}`` in ``text`` (a ``run:`` script, an env value).

    Error offsets are absolute, like the spans: offsets into ``text`` plus
    ``base``. An unclosed ``${{`` is malformed whatever follows it.
    """
    out: list[tuple[ExprSpan, Taint]] = []
    for span in find_expressions(text, base):
        if not span.closed:
            error = ExprError("'${{' is not closed by '}}'", span.start)
            out.append((span, Taint(malformed=True, error=error)))
            continue
        parsed = parse_expression(span.inner)
        if isinstance(parsed, ExprError):
            parsed = ExprError(parsed.message, span.inner_start + parsed.offset)
        out.append((span, taint_of(parsed, ctx)))
    return out


def taint_of_template(text: str, ctx: TaintContext | None = None) -> Taint:
    """The combined taint of all expressions in ``text`` (its rendered value)."""
    return SAFE.union(*(t for _, t in template_taints(text, ctx)))
