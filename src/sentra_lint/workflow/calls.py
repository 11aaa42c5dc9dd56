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

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sentra_lint.source import Span
from sentra_lint.workflow.analysis import all_scopes, scalar_expressions
from sentra_lint.workflow.model import Workflow
from sentra_lint.workflow.reach import job_reach
from sentra_lint.workflow.taint import TaintKind, TaintSource, taint_of_template
from sentra_lint.yamlmodel import ScalarNode

_INPUT = re.compile(r"^inputs\.([A-Za-z_][A-Za-z0-9_-]*)$")


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
    """``${{ inputs.<name> }}`` (directly or through ``env``/outputs) expanded into a ``run:``."""

    name: str
    """The input name, lower case (input names are case-insensitive)."""
    span: Span
    label: str
    """``step 'Greet'``, for related-location messages."""


def local_calls(wf: Workflow) -> Iterator[LocalCall]:
    """Every call of a repository action or reusable workflow, with the tainted values passed."""
    if wf.is_action:
        return
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


def _passed(wf: Workflow, with_: object, ctx: object) -> Iterator[PassedValue]:
    from sentra_lint.workflow.taint import TaintContext
    from sentra_lint.yamlmodel import MapNode

    if not isinstance(with_, MapNode) or not isinstance(ctx, TaintContext):
        return
    for name, _key, value in with_.str_items():
        if not isinstance(value, ScalarNode) or "${{" not in value.value:
            continue
        taint = taint_of_template(value.value, ctx)
        if taint.tainted:
            yield PassedValue(name, value.span(wf.source), taint.sources)


def input_sinks(wf: Workflow) -> Iterator[InputSink]:
    """Every place an input reaches a ``run:`` script as an expanded expression."""
    for scope in all_scopes(wf):
        run = scope.step.run
        if run is None:
            continue
        for found in scalar_expressions(wf, run, scope.ctx):
            names = {
                m.group(1).lower()
                for s in found.taint.sources
                if s.kind is TaintKind.CALLER and (m := _INPUT.match(s.path)) is not None
            }
            for name in sorted(names):
                yield InputSink(name, found.span, scope.step.named)


__all__ = ["InputSink", "LocalCall", "PassedValue", "input_sinks", "local_calls"]
