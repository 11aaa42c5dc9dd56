"""Action or reusable workflow not pinned to a commit SHA.

## What it does
Checks every `uses:` (steps, composite action steps, and jobs that call a
reusable workflow) and reports references that are not pinned to a full
40-character commit SHA. Third-party actions are an error; actions owned by
`actions` and `github` (and owners listed in the `first-party-owners`
option) are a warning. Local actions (`./path`) and container actions
pinned by digest (`docker://image@sha256:…`) are fine. A `uses:` built
from an expression is not reported: its value is unknown.

## Why is this bad?
A tag or a branch is a pointer the action's owner (or whoever compromises
their account) can move at any time. Every run then executes whatever code
the pointer names today, with the job's token and secrets. The
`tj-actions/changed-files` compromise (2025) moved every tag of a popular
action to a commit that dumped secrets into build logs. A commit SHA names
exactly one tree of code.

## Example
```yaml
steps:
  - uses: actions/checkout@v4
  - uses: some-org/deploy-action@main
  - uses: docker://alpine:3.20
```

## Use instead
```yaml
steps:
  - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
  - uses: some-org/deploy-action@0123456789abcdef0123456789abcdef01234567 # v1.4.0
  - uses: docker://alpine:3.20@sha256:<digest>
```
Keep the tag in a comment for readers and let Dependabot or Renovate
update SHA and comment together.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.source import Span
from sentra_lint.workflow.model import UsesRef, Workflow

META = RuleMeta(
    id="SW001",
    slug="unpinned-uses",
    title="Action or reusable workflow not pinned to a full commit SHA",
    severity=Severity.ERROR,
    also=(Severity.WARNING,),
    security_severity=7.5,
    area="workflow",
    precision="very-high",
    options={
        "first-party-owners": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "Owners treated like actions/* and github/*: unpinned references "
            "to them are a warning, not an error.",
        }
    },
)

_FIRST_PARTY = ("actions", "github")


def _owners(ctx: RuleContext) -> frozenset[str]:
    extra = ctx.option("first-party-owners", []) or []
    owners = {o.strip().lower() for o in extra if isinstance(o, str) and o.strip()}
    return frozenset(owners | set(_FIRST_PARTY))


def _check_one(ref: UsesRef, span: Span, what: str, owners: frozenset[str]) -> Violation | None:
    written = ref.raw.strip()
    if ref.kind == "local":
        return None
    if ref.kind == "docker":
        image = ref.image or ""
        if "@sha256:" in image:
            return None
        return Violation(
            span,
            f"container action '{written}' is not pinned by digest; "
            "use docker://image@sha256:<digest>",
        )
    if ref.kind == "unknown":
        if "${{" in ref.raw:
            return None
        return Violation(
            span,
            f"{what} '{written}' names no version; pin it to a full commit SHA "
            "(owner/repo@<40-hex sha>)",
        )
    if ref.pinned_to_sha:
        return None
    first_party = (ref.owner or "").lower() in owners
    shown = ref.ref or ""
    message = (
        f"{what} '{written}' is pinned to '{shown}', which can be moved; "
        "pin it to a full 40-character commit SHA"
    )
    return Violation(span, message, severity=Severity.WARNING if first_party else None)


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    owners = _owners(ctx)
    for job in wf.jobs:
        if job.uses_ref is not None and job.uses_span is not None:
            v = _check_one(job.uses_ref, job.uses_span, "reusable workflow", owners)
            if v is not None:
                yield v
    for _job, step in wf.iter_steps():
        if step.uses_ref is not None and step.uses_span is not None:
            v = _check_one(step.uses_ref, step.uses_span, "action", owners)
            if v is not None:
                yield v
