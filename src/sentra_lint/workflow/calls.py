"""Calls into the repository's own actions and reusable workflows, as small per-file facts.

A caller passes values through ``with:`` to a local composite action
(``uses: ./.github/actions/x`` or ``$/...``) or a local reusable workflow
(``jobs.<id>.uses: ./.github/workflows/x.yml``); the called file expands
``${{ inputs.<name> }}`` into its ``run:`` scripts. Neither file alone shows
the injection: the caller's value is data, the callee's input is whatever
a caller passes. These facts are computed from one file's model (pure, no
I/O) and joined across files by the repository pass.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.source import Span
from sentra_lint.workflow.analysis import all_scopes, job_contexts, scalar_expressions
from sentra_lint.workflow.model import Workflow, parse_uses
from sentra_lint.workflow.reach import job_reach
from sentra_lint.workflow.taint import TaintContext, TaintKind, TaintSource, taint_of_template
from sentra_lint.yamlmodel import MapNode, ScalarNode

_INPUT = lazy_compile(r"^inputs\.([A-Za-z_][A-Za-z0-9_-]*)$")


@dataclass(frozen=True, slots=True)
class PassedValue:
    """One ``with:`` entry of a call whose value carries attacker text."""

    name: str
    """The input name as written."""
    span: Span
    """The value as written."""
    sources: tuple[TaintSource, ...]


@dataclass(frozen=True, slots=True)
class LocalCall:
    """A step (``action``) or job (``workflow``) that calls a file of the repository."""

    target: str
    """The ``uses:`` reference as written, stripped (``./.github/actions/x``, ``$/...``)."""
    kind: str
    """``action`` (a step's ``uses:``) or ``workflow`` (a job's ``uses:``)."""
    span: Span
    """The ``uses:`` value."""
    label: str
    """``job 'triage' step 'Greet'``, for messages."""
    passed: tuple[PassedValue, ...]
    outsiders: bool
    """Whether outsiders can start the calling job (through its triggers and gates)."""
    reach: str
    """The reachability answer in words."""


@dataclass(frozen=True, slots=True)
class InputSink:
    """``${{ inputs.<name> }}`` (directly or through ``env``/outputs) expanded into a ``run:``
    of a composite action or of a reusable workflow (its ``workflow_call`` string inputs)."""

    name: str
    """The input name, lower case (input names are case-insensitive)."""
    span: Span
    label: str
    """``step 'Greet'``, for related-location messages."""
    via: tuple[str, ...] = ()
    """Names the input travelled through in the called file, nearest first (``env.TITLE``)."""


def local_calls(wf: Workflow) -> Iterator[LocalCall]:
    """Every call of a repository action or reusable workflow, with the tainted values passed
    (in a reusable workflow or a composite action, its own inputs passed on are among them)."""
    if wf.is_action:
        for scope in all_scopes(wf):
            step = scope.step
            ref = step.uses_ref
            if ref is None or ref.kind != "local" or step.uses_span is None:
                continue
            yield LocalCall(
                (step.uses or "").strip(),
                "action",
                step.uses_span,
                step.named,
                tuple(_passed(wf, step.with_, scope.ctx)),
                False,
                "a composite action is started by its callers",
            )
        return
    contexts: dict[str, TaintContext] | None = None
    for caller in wf.jobs:
        if caller.uses is None or caller.uses_span is None:
            continue
        if parse_uses(caller.uses).kind != "local":
            continue
        if contexts is None:
            contexts = job_contexts(wf)
        reach = job_reach(wf, caller)
        yield LocalCall(
            caller.uses.strip(),
            "workflow",
            caller.uses_span,
            f"job '{caller.id}'",
            tuple(_passed(wf, caller.with_, contexts.get(caller.id))),
            reach.outsiders,
            reach.describe(),
        )
    for scope in all_scopes(wf):
        step, job = scope.step, scope.job
        ref = step.uses_ref
        if job is None or ref is None or ref.kind != "local" or step.uses_span is None:
            continue
        reach = job_reach(wf, job)
        passed = tuple(_passed(wf, step.with_, scope.ctx))
        yield LocalCall(
            (step.uses or "").strip(),
            "action",
            step.uses_span,
            f"job '{job.id}' {step.named}",
            passed,
            reach.outsiders,
            reach.describe(),
        )


def _passed(wf: Workflow, with_: MapNode | None, ctx: TaintContext | None) -> Iterator[PassedValue]:
    if with_ is None or ctx is None:
        return
    for name, _key, value in with_.str_items():
        if not isinstance(value, ScalarNode) or "${{" not in value.value:
            continue
        taint = taint_of_template(value.value, ctx)
        if taint.tainted:
            yield PassedValue(name, value.span(wf.source), taint.sources)


def is_callable(wf: Workflow) -> bool:
    """A composite action, or a workflow other workflows can call."""
    return wf.is_action or any(t.name == "workflow_call" for t in wf.triggers)


def input_sinks(wf: Workflow) -> Iterator[InputSink]:
    """Every place an input reaches a ``run:`` script as an expanded expression."""
    for scope in all_scopes(wf):
        run = scope.step.run
        if run is None:
            continue
        for found in scalar_expressions(wf, run, scope.ctx):
            names: dict[str, tuple[str, ...]] = {}
            for source in found.taint.sources:
                m = _INPUT.match(source.path)
                if source.kind is TaintKind.CALLER and m is not None:
                    names.setdefault(m.group(1).lower(), source.via)
            job = f"job '{scope.job.id}' " if scope.job is not None else ""
            for name in sorted(names):
                yield InputSink(name, found.span, f"{job}{scope.step.named}", names[name])


__all__ = ["InputSink", "LocalCall", "PassedValue", "input_sinks", "is_callable", "local_calls"]
