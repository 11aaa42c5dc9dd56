"""`actions/checkout` leaves the token in `.git/config`.

## What it does
Reports every `actions/checkout` step that does not set
`persist-credentials: false`: at the `persist-credentials` value when it
is set to something else, otherwise at the step's `uses:`. A value given
by an expression is unknown and not reported.

## Why is this bad?
By default `actions/checkout` writes the job's `GITHUB_TOKEN` (or the
`token:` input) into the checked-out repository's git configuration
(from v6 into a file under `$RUNNER_TEMP` that the repository's git
configuration includes), where every later step can read it, including third-party actions and build
scripts from the repository. Uploading the workspace as an artifact
publishes the token ("ArtiPACKED"). Few jobs need git to push after the
checkout.

## Example
```yaml
steps:
  - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
  - run: make
```

## Use instead
```yaml
steps:
  - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
    with:
      persist-credentials: false
  - run: make
```
A job that must push can pass the token to that one `git push` command
through `env:` instead.

## Fix
Adds `persist-credentials: false` to the step's `with:` (creating `with:`
right after `uses:` when the step has none), or rewrites a literal value
that is not false as `false`. Unsafe: a later step that pushes with git
using the checkout's token stops working until it is given credentials of
its own.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.findings import Edit, Fix, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._fix import add_keys, indent_unit, span_offsets
from sentra_lint.workflow.analysis import is_checkout
from sentra_lint.workflow.model import Workflow, null_or_missing
from sentra_lint.yamlmodel import MapNode, as_bool

META = RuleMeta(
    id="SW005",
    slug="persist-credentials",
    title="actions/checkout persists the token in the git configuration",
    severity=Severity.WARNING,
    security_severity=5.5,
    area="workflow",
    precision="very-high",
    fixable=True,
)

_DESCRIPTION = "set persist-credentials: false"


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    for _job, step in wf.iter_steps():
        if not is_checkout(step) or step.uses_span is None:
            continue
        node = step.input("persist-credentials")
        scalar = step.input_scalar("persist-credentials")
        entry = step.input_entry("persist-credentials")
        if null_or_missing(node):
            yield Violation(
                step.uses_span,
                "actions/checkout keeps the token in the git configuration for every later "
                "step; "
                "set persist-credentials: false",
                fixes=_add_input(wf, step.node, step.with_, node),
            )
            continue
        if scalar is not None and "${{" in scalar.value:
            continue
        if as_bool(node) is False:
            continue
        span = entry[1].span(wf.source) if entry is not None else step.uses_span
        fixes: tuple[Fix, ...] = ()
        if entry is not None and scalar is not None:
            start, end = span_offsets(wf.source, span)
            fixes = (Fix(_DESCRIPTION, (Edit(start, end, "false"),), safe=False),)
        yield Violation(
            span,
            "persist-credentials is not false: actions/checkout keeps the token in "
            "the git configuration for every later step; set it to false",
            fixes=fixes,
        )


def _add_input(wf: Workflow, step: MapNode, with_: MapNode | None, node: object) -> tuple[Fix, ...]:
    """``persist-credentials: false`` added to ``with:``, or a new ``with:`` after ``uses:``."""
    src = wf.source
    if node is not None:
        return ()  # written but null: leave it to the reader
    if with_ is None:
        if step.get("with") is not None:
            return ()
        unit = indent_unit(src.text)
        edits = add_keys(src, step, ["with:", f"{unit}persist-credentials: false"], after="uses")
    elif with_.flow or not with_.items:
        return ()
    else:
        edits = add_keys(src, with_, ["persist-credentials: false"])
    if not edits:
        return ()
    return (Fix(_DESCRIPTION, tuple(edits), safe=False),)
