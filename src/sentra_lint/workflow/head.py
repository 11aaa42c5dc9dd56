"""What names the pull request's head: the refs and repositories a pwn request checks out.

One recogniser for SW004 (which reports a head checkout that runs code) and
for the run's pre-pass over callers (:mod:`sentra_lint.crossfile.callers`),
which records the inputs a caller gives the head when it calls a reusable
workflow of the repository (``with: ref: ${{ github.event.pull_request.head.sha }}``),
so that the called workflow's ``ref: ${{ inputs.ref }}`` is known to be the head.

The head is named by an expression path (``github.event.pull_request.head.sha``,
``github.head_ref``, the ``workflow_run`` head, …), by a pull request ref
(``refs/pull/<n>/head``, also built from ``github.event.issue.number``), by a
step output of the job that looked the head up (``gh pr view``, ``pulls.get``),
or, in a job's ``with:``, by a job output (``needs.<job>.outputs.<name>``)
whose value is one of those. Nothing here reports anything.
"""

from __future__ import annotations

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.source import Span
from sentra_lint.workflow.analysis import action_path, expression_paths, lower_parts
from sentra_lint.workflow.model import Job, Workflow
from sentra_lint.yamlmodel import ScalarNode

HEAD_PATHS: tuple[tuple[str, ...], ...] = (
    ("github", "head_ref"),
    ("github", "event", "pull_request", "head", "sha"),
    ("github", "event", "pull_request", "head", "ref"),
    ("github", "event", "pull_request", "head", "label"),
    ("github", "event", "pull_request", "head", "repo", "full_name"),
    ("github", "event", "pull_request", "merge_commit_sha"),
    ("github", "event", "workflow_run", "head_sha"),
    ("github", "event", "workflow_run", "head_branch"),
    ("github", "event", "workflow_run", "head_commit", "id"),
    ("github", "event", "workflow_run", "head_repository", "full_name"),
    ("github", "event", "workflow_run", "pull_requests", "*", "head", "sha"),
    ("github", "event", "workflow_run", "pull_requests", "*", "head", "ref"),
)
# What a step that looks up the pull request's head runs or calls.
_HEAD_LOOKUPS = lazy_compile(
    r"gh\s+pr\s+view|headRefOid|headRefName|pulls\.get\b|/pulls/|head\.sha|head\.ref\b"
)


def head_path(text: str) -> str | None:
    """The first expression path in ``text`` that names the pull request head."""
    for path in expression_paths(text):
        parts = lower_parts(path)
        for want in HEAD_PATHS:
            if len(parts) == len(want) and all(
                w == "*" or p == w for p, w in zip(parts, want, strict=True)
            ):
                return path.dotted()
    return None


def pull_ref(text: str) -> bool:
    """``refs/pull/<n>/merge`` or ``/head``, or ``pull/<n>/head`` as written in a fetch."""
    t = text.strip()
    for prefix in ("refs/pull/", "pull/", "+refs/pull/"):
        if t.startswith(prefix):
            return True
    return "refs/pull/" in t


def lookup_outputs(job: Job | None) -> dict[str, str]:
    """Steps of the job whose outputs name the pull request head: id -> step label."""
    out: dict[str, str] = {}
    if job is None:
        return out
    for step in job.steps:
        if not step.id:
            continue
        text = step.run.value if step.run is not None else ""
        if action_path(step) == "actions/github-script":
            script = step.input_scalar("script")
            text = script.value if script is not None else ""
        if _HEAD_LOOKUPS.search(text):
            out[step.id.lower()] = step.label
    return out


def output_head(text: str, lookups: dict[str, str]) -> str | None:
    """The first ``steps.<id>.outputs…`` path in ``text`` of a step that looked the head up."""
    for path in expression_paths(text):
        parts = lower_parts(path)
        if len(parts) >= 3 and parts[0] == "steps" and parts[1] in lookups:
            return path.dotted()
    return None


def value_head(text: str, lookups: dict[str, str]) -> str | None:
    """What in a ``ref:``-like value names the head (an expression path, a step
    output of a look-up, or the value itself when it is a pull request ref)."""
    found = head_path(text) or output_head(text, lookups)
    if found is None and pull_ref(text):
        found = text.strip()
    return found


def input_names(text: str) -> list[str]:
    """The workflow inputs read in ``text`` (``inputs.ref`` -> ``ref``), lower case."""
    out: list[str] = []
    for path in expression_paths(text):
        parts = lower_parts(path)
        if len(parts) >= 2 and parts[0] == "inputs" and parts[1] != "*":
            out.append(parts[1])
    return out


def _job_output_heads(wf: Workflow, job: Job) -> dict[tuple[str, str], str]:
    """``(job id, output name) -> head`` for the outputs of the jobs ``job`` needs
    whose value names the head."""
    out: dict[tuple[str, str], str] = {}
    for need in job.needs:
        other = wf.job(need)
        if other is None or other.outputs is None:
            continue
        lookups = lookup_outputs(other)
        for key, value in other.outputs.pairs():
            name = key.value if isinstance(key, ScalarNode) else None
            if name is None or not isinstance(value, ScalarNode):
                continue
            head = value_head(value.value, lookups)
            if head is not None:
                out[(need.lower(), name.lower())] = head
    return out


@dataclass(frozen=True, slots=True)
class CallInput:
    """An input a job's ``with:`` gives the reusable workflow it calls."""

    name: str
    """The input's name, lower case."""
    span: Span
    """The value, in the calling file."""
    head: str | None = None
    """What names the pull request head in the value (``github.event.pull_request.head.sha``)."""
    forwards: tuple[str, ...] = ()
    """The calling workflow's own inputs the value passes on (``${{ inputs.ref }}``)."""


def call_inputs(wf: Workflow, job: Job) -> tuple[CallInput, ...]:
    """The inputs of a reusable workflow call that carry the head, or pass on
    an input of the calling workflow (which may carry it from its own caller)."""
    if job.with_ is None:
        return ()
    needed: dict[tuple[str, str], str] | None = None
    out: list[CallInput] = []
    for key, value in job.with_.pairs():
        name = key.value if isinstance(key, ScalarNode) else None
        if name is None or not isinstance(value, ScalarNode):
            continue
        text = value.value
        head = value_head(text, {})
        if head is None and "needs." in text:
            needed = _job_output_heads(wf, job) if needed is None else needed
            for path in expression_paths(text):
                parts = lower_parts(path)
                output = len(parts) == 4 and parts[0] == "needs" and parts[2] == "outputs"
                if output and (parts[1], parts[3]) in needed:
                    head = path.dotted()
                    break
        forwards = tuple(dict.fromkeys(input_names(text)))
        if head is not None or forwards:
            out.append(CallInput(name.lower(), value.span(wf.source), head, forwards))
    return tuple(out)


__all__ = [
    "HEAD_PATHS",
    "CallInput",
    "call_inputs",
    "head_path",
    "input_names",
    "lookup_outputs",
    "output_head",
    "pull_ref",
    "value_head",
]
