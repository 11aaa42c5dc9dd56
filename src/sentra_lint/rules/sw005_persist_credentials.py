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
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._workflow import is_checkout
from sentra_lint.workflow.model import Workflow
from sentra_lint.yamlmodel import ScalarNode, as_bool

META = RuleMeta(
    id="SW005",
    slug="persist-credentials",
    title="actions/checkout persists the token in the git configuration",
    severity=Severity.WARNING,
    security_severity=5.5,
    area="workflow",
    target="workflow",
    precision="very-high",
)


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    for _job, step in wf.iter_steps():
        if not is_checkout(step) or step.uses_span is None:
            continue
        node = step.input("persist-credentials")
        entry = step.with_.entry("persist-credentials") if step.with_ is not None else None
        if node is None or (isinstance(node, ScalarNode) and node.is_null):
            yield Violation(
                step.uses_span,
                "actions/checkout keeps the token in the git configuration for every later "
                "step; "
                "set persist-credentials: false",
            )
            continue
        if isinstance(node, ScalarNode) and "${{" in node.value:
            continue
        if as_bool(node) is False:
            continue
        span = entry[1].span(wf.source) if entry is not None else step.uses_span
        yield Violation(
            span,
            "persist-credentials is not false: actions/checkout keeps the token in "
            "the git configuration for every later step; set it to false",
        )
