"""The engine's pre-pass: what reusable workflows inherit from the workflows that call them.

A reusable workflow (``on: workflow_call``) runs with its caller's event and
token. When a job of a ``pull_request_target`` workflow calls
``./.github/workflows/build.yml``, every job of ``build.yml`` runs under
``pull_request_target``, yet ``build.yml`` alone shows only
``workflow_call``. Before the files are linted, this pass finds the calls
among the workflows of the run and gives each called workflow the outsider
triggers of its callers, each with the gates of the calling job (its
``if:``, environment, permission check), through chains of calls (A calls
B calls C) with cycles cut. It also records, per call, the ``with:`` inputs
the caller sets to the pull request's head (``ref: ${{
github.event.pull_request.head.sha }}``, ``refs/pull/<n>/head``, a job
output that carries it, or an input its own caller sets to it), so that the
called workflow's ``ref: ${{ inputs.ref }}`` is known to be the head
(:class:`~sentra_lint.workflow.reach.HeadInput`). The per-file lint receives the answer on the
model (``Workflow.callers``), so rules stay pure functions of one file, and
the result cache keys the called workflow's entry by it.

It costs nothing in the common repository: a workflow is parsed here only
when its bytes hold a local ``uses:`` of a workflow
(``./.github/workflows/…`` or ``$/.github/workflows/…``) that the run
lints (a warm cached run pays this pass every time), and only when the
run lints at least two workflows. A caller that is not among the files
linted is not followed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from sentra_lint._dataclass import dataclass
from sentra_lint.source import Kind, Span

if TYPE_CHECKING:
    from sentra_lint.discover import Candidate
    from sentra_lint.workflow.head import CallInput
    from sentra_lint.workflow.model import Workflow
    from sentra_lint.workflow.reach import Gate, Inherited

# A job's `uses:` of a workflow of the same repository, in the file's bytes, with its path.
_LOCAL_WORKFLOW_USE = re.compile(rb"uses['\"]?[ \t]*:[ \t]*['\"]?([.$]/\.github/workflows/[^\s'\"]*)")
# More callers than this for one workflow are not followed (a generated repository).
_MAX_BRANCHES = 64


@dataclass(frozen=True, slots=True)
class _Call:
    """One job that calls a local reusable workflow."""

    job: str
    callee: str
    """The called file's normalised absolute path."""
    hop_span: Span
    own: tuple[str, ...]
    """The caller's own outsider triggers (before gates)."""
    gates: tuple[Gate, ...]
    disabled: bool
    inputs: tuple[CallInput, ...] = ()
    """The ``with:`` inputs that carry the pull request's head or pass on one of the caller's."""


def inherited_reach(
    candidates: list[Candidate], max_bytes: int, shown: Callable[[Candidate], str]
) -> dict[str, tuple[Inherited, ...]]:
    """For each workflow of the run that a workflow of the run calls, what it inherits
    (keyed by normalised absolute path; only non-empty answers)."""
    workflows = [
        c for c in candidates if c.kind is Kind.WORKFLOW and str(c.path) != "-"
    ]
    if len(workflows) < 2:
        return {}
    here = {os.path.normcase(os.path.abspath(c.path)) for c in workflows}
    calls: dict[str, tuple[str, list[_Call], bool]] = {}
    for cand in workflows:
        try:
            if os.path.getsize(cand.path) > max_bytes:
                continue
            with open(cand.path, "rb") as fh:
                data = fh.read()
        except OSError:
            continue
        if not _names_one_of(cand, data, here):
            continue  # no call of a workflow of the run: nothing to parse for
        found = _calls_of(cand, shown(cand), here)
        if found is not None:
            key = os.path.normcase(os.path.abspath(cand.path))
            calls[key] = found
    if not calls:
        return {}
    return _propagate(calls)


def _names_one_of(cand: Candidate, data: bytes, here: set[str]) -> bool:
    """Whether the file's bytes hold a local ``uses:`` of a workflow that is linted in this run."""
    from sentra_lint.crossfile.repository import called_paths

    abspath = os.path.abspath(cand.path)
    for m in _LOCAL_WORKFLOW_USE.finditer(data):
        target = m.group(1).decode("utf-8", "replace")
        if any(os.path.normcase(p) in here for p in called_paths(abspath, target, "workflow")):
            return True
    return False


def _calls_of(
    cand: Candidate, display: str, here: set[str]
) -> tuple[str, list[_Call], bool] | None:
    """``(shown path, its calls of workflows of the run, whether it is callable)``."""
    from sentra_lint import io as sio
    from sentra_lint.crossfile.repository import called_paths
    from sentra_lint.workflow.head import call_inputs
    from sentra_lint.workflow.model import build_workflow, parse_uses
    from sentra_lint.workflow.reach import job_reach
    from sentra_lint.yamlmodel import load_yaml

    try:
        src = sio.read_source(cand.path, display, Kind.WORKFLOW)
        doc = load_yaml(src)
        if doc.root is None:
            return None
        wf: Workflow = build_workflow(src, doc)
    except (sio.Skip, OSError, RecursionError):
        return None
    except Exception:  # a parser problem: the file's own lint reports it
        return None
    abspath = os.path.abspath(cand.path)
    out: list[_Call] = []
    for job in wf.jobs:
        if job.uses is None or job.uses_span is None or parse_uses(job.uses).kind != "local":
            continue
        for path in called_paths(abspath, job.uses.strip(), "workflow"):
            key = os.path.normcase(path)
            if key not in here:
                continue
            reach = job_reach(wf, job)
            inputs = call_inputs(wf, job)
            out.append(
                _Call(job.id, key, job.uses_span, reach.own, reach.gates, reach.disabled, inputs)
            )
    callable_ = "workflow_call" in wf.trigger_names
    return display, out, callable_


def _propagate(calls: dict[str, tuple[str, list[_Call], bool]]) -> dict[str, tuple[Inherited, ...]]:
    """Every called workflow's inherited triggers, through chains of callers, cycles cut."""
    from sentra_lint.workflow.reach import HeadInput, Hop, Inherited

    callers_of: dict[str, list[tuple[str, _Call]]] = {}
    for caller, (_shown, found, _callable) in calls.items():
        for call in found:
            callers_of.setdefault(call.callee, []).append((caller, call))
    done: dict[str, tuple[Inherited, ...]] = {}

    def of(target: str, stack: frozenset[str]) -> tuple[Inherited, ...]:
        if target in done:
            return done[target]
        branches: list[Inherited] = []
        for caller, call in callers_of.get(target, ()):
            if call.disabled or caller in stack:
                continue  # `if: false`, or a cycle: nothing new comes around it
            shown, _found, callable_ = calls[caller]
            hop = Hop(shown, call.job, call.hop_span)
            if call.own:
                branches.append(Inherited((hop,), call.own, call.gates, _heads(shown, call, ())))
            if callable_:
                for b in of(caller, stack | {target}):
                    heads = _heads(shown, call, b.heads)
                    branches.append(
                        Inherited((hop, *b.hops), b.triggers, (*b.gates, *call.gates), heads)
                    )
        unique = tuple(dict.fromkeys(branches))[:_MAX_BRANCHES]
        if not stack:
            done[target] = unique
        return unique

    def _heads(shown: str, call: _Call, given: tuple[HeadInput, ...]) -> tuple[HeadInput, ...]:
        """The inputs ``call`` sets to the head: written in its ``with:``, or passed
        on from an input its own caller sets to the head (``given``)."""
        out: list[HeadInput] = []
        for inp in call.inputs:
            if inp.head is not None:
                out.append(HeadInput(inp.name, inp.head, shown, inp.span))
                continue
            origin = next((h for h in given if h.name in inp.forwards), None)
            if origin is not None:
                out.append(HeadInput(inp.name, origin.head, shown, inp.span))
        return tuple(out)

    out: dict[str, tuple[Inherited, ...]] = {}
    for target in sorted(callers_of):
        branches = of(target, frozenset())
        if branches:
            out[target] = branches
    return out


__all__ = ["inherited_reach"]
