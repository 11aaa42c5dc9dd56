"""`ACTIONS_ALLOW_UNSECURE_COMMANDS` re-enables `set-env` and `add-path`.

## What it does
Reports `ACTIONS_ALLOW_UNSECURE_COMMANDS` set to `true` (any case, as the
runner parses it) in a workflow's, job's or step's `env:` (composite action
steps too), at the variable's name, and a `run:` script that appends
`ACTIONS_ALLOW_UNSECURE_COMMANDS=true` to `$GITHUB_ENV`. A value from an
expression is unknown and not reported; `false` is fine.

## Why is this bad?
The `::set-env::` and `::add-path::` workflow commands were disabled in
2020 because any text a step prints is parsed for them: a log line from a
test, an issue title echoed by a script or a dependency's output could set
`LD_PRELOAD`, `NODE_OPTIONS` or `PATH` for every later step
(CVE-2020-15228). The variable turns them back on.

## Example
```yaml
env:
  ACTIONS_ALLOW_UNSECURE_COMMANDS: true
steps:
  - run: echo "::set-env name=FOO::bar"
```

## Use instead
```yaml
steps:
  - run: echo "FOO=bar" >> "$GITHUB_ENV"
```
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.workflow.analysis import env_file_of
from sentra_lint.workflow.model import Workflow, scalar_entries
from sentra_lint.yamlmodel import MapNode

META = RuleMeta(
    id="SW008",
    slug="unsecure-commands",
    title="ACTIONS_ALLOW_UNSECURE_COMMANDS enables set-env and add-path",
    severity=Severity.ERROR,
    security_severity=8.0,
    area="workflow",
    precision="very-high",
)

NAME = "ACTIONS_ALLOW_UNSECURE_COMMANDS"


def _enabled(value: str) -> bool:
    return value.strip().lower() == "true"


def _env(wf: Workflow, env: MapNode | None, where: str) -> Iterator[Violation]:
    if env is None:
        return
    for name, key, value in scalar_entries(env):
        if name != NAME or value is None or "${{" in value.value:
            continue
        if _enabled(value.value):
            yield Violation(
                key.span(wf.source),
                f"{NAME} is true in {where}: any step's output can run the set-env and "
                "add-path commands; remove it and write to $GITHUB_ENV / $GITHUB_PATH",
            )


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    yield from _env(wf, wf.env, "the workflow env")
    for job in wf.jobs:
        yield from _env(wf, job.env, f"the env of job '{job.id}'")
    for _owner, step in wf.iter_steps():
        yield from _env(wf, step.env, f"the env of step '{step.label}'")
        run = step.run
        if run is None or NAME not in run.value:
            continue
        script = step.script
        if script is None:
            continue
        for cmd in script.commands:
            if not any(
                r.target is not None and env_file_of(r.target.text) == "GITHUB_ENV"
                for r in cmd.redirects
            ):
                continue
            for word in cmd.args:
                name, eq, value = word.text.partition("=")
                if eq and name.strip() == NAME and _enabled(value):
                    yield Violation(
                        run.value_span(wf.source, word.start, word.end),
                        f"this step sets {NAME}=true for every later step: any step's output "
                        "can then run the set-env and add-path commands",
                    )
