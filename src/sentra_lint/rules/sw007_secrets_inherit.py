"""Reusable workflow called with `secrets: inherit`.

## What it does
Reports `secrets: inherit` on a job that calls a reusable workflow, at the
`inherit` value.

## Why is this bad?
`inherit` hands the called workflow every secret the caller can see
(repository, environment and organisation secrets), not just the ones it
uses. If the called workflow, or any action it runs, is compromised or
later changed, all of them leak. Passing secrets by name keeps the blast
radius to what the workflow needs and documents it.

## Example
```yaml
jobs:
  release:
    uses: my-org/workflows/.github/workflows/release.yml@0123456789abcdef0123456789abcdef01234567
    secrets: inherit
```

## Use instead
```yaml
jobs:
  release:
    uses: my-org/workflows/.github/workflows/release.yml@0123456789abcdef0123456789abcdef01234567
    secrets:
      PYPI_TOKEN: ${{ secrets.PYPI_TOKEN }}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.workflow.model import Workflow

META = RuleMeta(
    id="SW007",
    slug="secrets-inherit",
    title="Every secret passed to a reusable workflow (secrets: inherit)",
    severity=Severity.WARNING,
    security_severity=5.0,
    area="workflow",
    precision="very-high",
)


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    for job in wf.jobs:
        if job.secrets_inherit and job.secrets is not None:
            called = job.uses or "the called workflow"
            yield Violation(
                job.secrets.span(wf.source),
                f"job '{job.id}' passes every secret to {called.strip()}; pass only the "
                "secrets it needs by name",
            )
