"""`pull_request_target` or `workflow_run` that runs the untrusted head.

## What it does
Looks at workflows triggered by `pull_request_target` or `workflow_run`.
These run with the base repository's token and secrets even when a fork
caused them. A job that checks out the pull request's head is an error, at
the place that checks it out:

- `actions/checkout` with a `ref:` of `github.event.pull_request.head.sha`
  or `.head.ref`, `github.head_ref`, `refs/pull/<n>/merge` or `/head`, the
  `workflow_run` head (`github.event.workflow_run.head_sha`,
  `.head_branch`, `.head_commit.id`, `.pull_requests.*.head.*`), or a
  `repository:` of the head repository;
- `gh pr checkout`, `git fetch … pull/…` and `git checkout`/`git switch`/
  `git fetch` of one of those expressions in a `run:` script.

When no such checkout is found the trigger itself is a warning, at the
trigger key: the workflow is one edit away from the dangerous pattern.

## Why is this bad?
Code from the pull request (its build scripts, tests, `package.json`
hooks, even a `Makefile`) then runs with write access to the base
repository and its secrets: a "pwn request". The trigger alone is risky
because every expression and artifact it touches comes from the fork.

## Example
```yaml
on: pull_request_target
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: npm ci && npm test
```

## Use instead
```yaml
on: pull_request
jobs:
  test:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
      - run: npm ci && npm test
```
If the job needs secrets or write access, split it: test the head under
`pull_request`, and do the privileged part in a `workflow_run` job that
reads only the results, never the code.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.findings import Related, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.workflow.analysis import expression_paths, is_checkout, lower_parts
from sentra_lint.workflow.model import Step, Workflow
from sentra_lint.yamlmodel import ScalarNode

META = RuleMeta(
    id="SW004",
    slug="dangerous-trigger",
    title="Privileged trigger that runs code from the pull request",
    severity=Severity.ERROR,
    security_severity=9.0,
    area="workflow",
    precision="high",
)

DANGEROUS = ("pull_request_target", "workflow_run")

_HEAD_PATHS: tuple[tuple[str, ...], ...] = (
    ("github", "head_ref"),
    ("github", "event", "pull_request", "head", "sha"),
    ("github", "event", "pull_request", "head", "ref"),
    ("github", "event", "pull_request", "head", "label"),
    ("github", "event", "pull_request", "head", "repo", "full_name"),
    ("github", "event", "pull_request", "merge_commit_sha"),
    ("github", "event", "workflow_run", "head_sha"),
    ("github", "event", "workflow_run", "head_branch"),
    ("github", "event", "workflow_run", "head_commit", "id"),
    ("github", "event", "workflow_run", "head_repository", "full_name"),
    ("github", "event", "workflow_run", "pull_requests", "*", "head", "sha"),
    ("github", "event", "workflow_run", "pull_requests", "*", "head", "ref"),
)


def _head_path(text: str) -> str | None:
    """The first expression path in ``text`` that names the pull request head."""
    for path in expression_paths(text):
        parts = lower_parts(path)
        for want in _HEAD_PATHS:
            if len(parts) == len(want) and all(
                w == "*" or p == w for p, w in zip(parts, want, strict=True)
            ):
                return path.dotted()
    return None


def _pull_ref(text: str) -> bool:
    """``refs/pull/<n>/merge`` or ``/head``, or ``pull/<n>/head`` as written in a fetch."""
    t = text.strip()
    for prefix in ("refs/pull/", "pull/", "+refs/pull/"):
        if t.startswith(prefix):
            return True
    return "refs/pull/" in t


def _checkout_input(step: Step) -> tuple[ScalarNode, str] | None:
    for name in ("ref", "repository"):
        node = step.input_scalar(name)
        if node is not None:
            head = _head_path(node.value)
            if head is not None:
                return node, f"checks out '{head}'"
            if name == "ref" and _pull_ref(node.value):
                return node, f"checks out '{node.value.strip()}'"
    return None


def _run_checkouts(step: Step) -> Iterator[tuple[int, int, str]]:
    """``(start, end, what)`` offsets into the run value of commands that fetch the head."""
    run, script = step.run, step.script
    if run is None or script is None:
        return
    text = run.value
    for cmd in script.commands:
        words = [w.text for w in cmd.argv]
        raw = [text[w.start : w.end] for w in cmd.argv]
        if cmd.name == "gh" and len(words) >= 3 and words[1] == "pr" and words[2] == "checkout":
            yield cmd.argv[0].start, cmd.argv[2].end, "runs 'gh pr checkout'"
            continue
        if cmd.name != "git" or len(words) < 2:
            continue
        sub = next((w for w in words[1:] if not w.startswith("-")), "")
        if sub not in ("fetch", "checkout", "switch", "pull", "reset"):
            continue
        for word, rw in zip(cmd.argv[1:], raw[1:], strict=True):
            head = _head_path(rw)
            if head is not None:
                yield word.start, word.end, f"runs 'git {sub}' of '{head}'"
                break
            if sub in ("fetch", "pull") and _pull_ref(word.text.split(":", 1)[0]):
                yield word.start, word.end, f"runs 'git {sub} … {word.text}'"
                break


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    if wf.is_action:
        return
    triggers = [t for t in wf.triggers if t.name in DANGEROUS]
    if not triggers:
        return
    names = " and ".join(t.name for t in triggers)
    related = tuple(Related(wf.source.path, t.span, f"triggered by {t.name}") for t in triggers)
    found = False
    for _job, step in wf.iter_steps():
        if is_checkout(step):
            hit = _checkout_input(step)
            if hit is not None:
                node, what = hit
                found = True
                yield Violation(
                    node.span(wf.source),
                    f"{names} runs with the base repository's token and secrets, and this step "
                    f"{what}: code from the pull request runs with them",
                    related=related,
                )
        if step.run is not None:
            vmap = step.run.value_map(wf.source)
            for start, end, what in _run_checkouts(step):
                found = True
                yield Violation(
                    vmap.span(wf.source, start, end),
                    f"{names} runs with the base repository's token and secrets, and this step "
                    f"{what}: code from the pull request runs with them",
                    related=related,
                )
    if found:
        return
    for t in triggers:
        yield Violation(
            t.span,
            f"{t.name} runs with the base repository's token and secrets even for forks; "
            "never check out or run the pull request's code here, and prefer pull_request "
            "where no secrets are needed",
            severity=Severity.WARNING,
        )
