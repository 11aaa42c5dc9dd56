"""Workflow token permissions not set, or set to write-all.

## What it does
Reports a job that runs with the default `GITHUB_TOKEN` permissions
because neither the job nor the workflow has a `permissions:` block
(warning, at the job id), and `permissions: write-all` at the workflow or
a job (error, at the value). Scoped grants such as `issues: write` are
fine, and so are `read-all` and `{}`. A workflow that is only a reusable
workflow (`on: workflow_call`) is not asked for `permissions:`: its token
is the caller's, already limited by the caller. Action files are not
checked.

## Why is this bad?
Without `permissions:` the token gets the repository's or organisation's
default, which for many repositories (all created before February 2023)
is read and write on contents, packages, pull requests, issues and more.
Any step that is compromised, or any injected command, can then push
code, publish packages or approve pull requests. `write-all` grants every
write scope explicitly.

## Example
```yaml
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
```

## Use instead
```yaml
on: push
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: make
```
Grant each job only the scopes it needs (`contents: write` for a release
job, `pull-requests: write` for a labeller).

## Fix
Adds `permissions:` with `contents: read` at the top level of the workflow,
right after `on:` (with a blank line around it when the file separates its
sections so). Only when no job and not the workflow sets permissions.
Unsafe: a job that writes (releases, comments, pushes) needs its scopes
added to its own `permissions:`. `write-all` is not changed.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.findings import Edit, Fix, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._fix import indent_unit, line_end, map_insert_point
from sentra_lint.workflow.model import Permissions, Workflow

META = RuleMeta(
    id="SW003",
    slug="token-permissions",
    title="GITHUB_TOKEN permissions not restricted",
    severity=Severity.WARNING,
    also=(Severity.ERROR,),
    security_severity=6.0,
    area="workflow",
    precision="very-high",
    fixable=True,
)


def _write_all(wf: Workflow, perms: Permissions, where: str) -> Violation | None:
    if not perms.is_write_all:
        return None
    return Violation(
        perms.span,
        f"{where} gives the token write access to every scope; list only the scopes "
        "it needs (for example contents: read)",
        severity=Severity.ERROR,
    )


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    if wf.is_action or wf.root is None:
        return
    if wf.permissions is not None:
        v = _write_all(wf, wf.permissions, "the workflow's permissions: write-all")
        if v is not None:
            yield v
    reusable_only = bool(wf.triggers) and wf.trigger_names <= {"workflow_call"}
    fixes: tuple[Fix, ...] | None = None
    for job in wf.jobs:
        if job.permissions is not None:
            v = _write_all(wf, job.permissions, f"permissions: write-all on job '{job.id}'")
            if v is not None:
                yield v
            continue
        if wf.permissions is None and not reusable_only:
            if fixes is None:
                fixes = _read_only_fix(wf)
            yield Violation(
                job.id_span,
                f"job '{job.id}' runs with the repository's default token permissions: "
                "no permissions: here or at the workflow level; add permissions: with "
                "only the scopes it needs",
                fixes=fixes,
            )


def _read_only_fix(wf: Workflow) -> tuple[Fix, ...]:
    """``permissions: contents: read`` at the top of the workflow, right after ``on:``.

    Every job's finding carries the same edit, so it is applied once.
    """
    if wf.root is None or wf.on_node is None or "permissions" in wf.root:
        return ()
    where = map_insert_point(wf.source, wf.root, after="on")
    if where is None or where[1]:
        return ()
    pos, _ = where
    text = wf.source.text
    nxt = line_end(text, pos + 1) if pos < len(text) else pos
    blank = pos < len(text) and not text[pos + 1 : nxt].strip()
    lead = "\n" if blank else ""
    unit = indent_unit(text)
    edit = Edit(pos, pos, f"{lead}\npermissions:\n{unit}contents: read")
    return (Fix("set permissions: contents: read for the workflow", (edit,), safe=False),)
