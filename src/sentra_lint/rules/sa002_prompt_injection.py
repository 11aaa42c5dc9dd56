"""Text outside users write reaches an agent's prompt (prompt injection).

## What it does
Reports, under a trigger people without write access can fire (`issues`,
`issue_comment`, `pull_request_target`, `pull_request`,
`pull_request_review*`, `discussion*`, `workflow_run`, ...), an agent step
whose prompt carries text those people write:

- an attacker-controllable expression (`github.event.issue.body`,
  `github.event.comment.body`, `github.event.pull_request.title`, ...) in
  the action's prompt inputs (`prompt`, `direct_prompt`,
  `custom_instructions`, `system_prompt`, `claude_args`, ...) or in the
  program's arguments or standard input - directly, or through an `env:`
  variable or a step output that carries it;
- the agent reading it itself: an action in its own mode on issue, comment
  and review triggers (`claude-code-action` answering `@claude` without a
  `prompt`), or a prompt that tells it to read the issue or pull request
  (`gh issue view`, `gh pr diff`), or GitHub MCP tools granted to it that
  read issues and pull requests (`mcp__github__get_issue`, ...).

The finding is on the tainted expression inside the prompt (or on the `uses:`
value when the action reads the event itself); the message names the path
the text travelled (`github.event.pull_request.body` -> `env.PR_BODY` ->
the `claude -p` argument) and the trigger. Gates narrow who can start the
job: an `if:` that admits only OWNER/MEMBER/COLLABORATOR authors or a fixed
non-bot actor, a label only maintainers can set, a check that skips forks,
and the action's own refusal of actors without write access (claude-code-
action and codex-action without an allowlist). A gated step is not
reported; a bot-actor check is not a gate (SW012).
In a reusable workflow the trigger may be a caller's: an `issue_comment`
workflow of the run that calls it (`uses: ./.github/workflows/x.yml`)
makes its agent steps reachable, narrowed by the calling job's gates; the
caller's `uses:` is a related location.

Severity is error when the job can write: token write permissions (or no
`permissions:` block, so the repository default), secrets other than the
model's key, or an action that comments and pushes with a token of its own;
warning otherwise, and for `pull_request` alone (a fork's run has no secrets
and a read-only token).

## Why is this bad?
An agent cannot tell the maintainer's instructions from instructions hidden
in the issue it was asked to read. Whoever writes that text steers the
agent: runs its tools, edits files, comments, pushes, or prints the secrets
in its environment. A number (`github.event.issue.number`) is safe; the
title, body and comments are not, however they are truncated or passed on.

## Example
```yaml
on:
  issues:
    types: [opened]
jobs:
  triage:
    runs-on: ubuntu-latest
    permissions:
      issues: write
    steps:
      - run: claude -p "Triage this issue: $BODY"
        env:
          BODY: ${{ github.event.issue.body }}
          ANTHROPIC_API_KEY: ${{ secrets.ANTHROPIC_API_KEY }}
```

## Use instead
Give the agent only maintainer input and identifiers, run it with read-only
tools in a hardened container, and let a later, non-agent step act on a
structured answer it validates:
```yaml
      - run: claude -p "Suggest labels for issue #$NUMBER" --allowedTools "Read"
        env:
          NUMBER: ${{ github.event.issue.number }}
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.agents.posture import (
    AgentRun,
    Reach,
    TaintedFile,
    Value,
    _env_literals,
    agent_runs,
    job_powers,
    outsider_reach,
    resolve_path,
    step_contexts,
    tainted_files,
)
from sentra_lint.findings import Related, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._reach import caller_related
from sentra_lint.source import Span
from sentra_lint.workflow.analysis import expression_taint, expressions_in
from sentra_lint.workflow.model import Workflow
from sentra_lint.workflow.taint import Confidence, TaintContext, TaintSource

META = RuleMeta(
    id="SA002",
    slug="prompt-injection",
    title="Text outside users write reaches an agent's prompt",
    severity=Severity.ERROR,
    also=(Severity.WARNING,),
    security_severity=8.0,
    area="workflow",
    precision="high",
)

_VAR = lazy_compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_READS_EVENT = lazy_compile(
    r"gh\s+(?:issue|pr)\s+(?:view|diff)\b|gh\s+api\s+\S*(?:/issues|/pulls|/comments)\b|"
    r"mcp__github__(?:get_issue|get_pull_request|list_issue|get_issue_comments|get_pull_request_diff|"
    r"get_pull_request_files|get_pull_request_comments|search_issues)\w*",
    re.I,
)
# Triggers whose payload is text an outsider wrote (an issue, a comment, a pull request).
_TEXT_TRIGGERS = frozenset({"issues", "issue_comment", "pull_request_target", "pull_request", "pull_request_review",
                            "pull_request_review_comment", "discussion", "discussion_comment", "workflow_run"})
_WRITE_TOOLS = lazy_compile(r"git\s+push|gh\s+(?:pr|issue)\s+(?:comment|create|edit|close|merge)|gh\s+api|"
                          r"mcp__github__(?:add|create|update|push|merge)", re.I)


def _chain(source: TaintSource, where: str) -> str:
    hops = [f"`{source.path}`", *(f"`{v}`" for v in reversed(source.via))]
    return " -> ".join(hops) + f" -> {where}"


def _single_quoted_at(raw: str, pos: int) -> bool:
    inside = False
    i = 0
    while i < pos and i < len(raw):
        c = raw[i]
        if c == "'" and not inside:
            inside = True
        elif c == "'" and inside:
            inside = False
        elif c == "\\" and not inside:
            i += 1
        i += 1
    return inside


def _tainted_pieces(wf: Workflow, value: Value, ctx: TaintContext, shell: bool) -> Iterator[tuple[Span, TaintSource]]:
    """The expressions (and, in shell words, the variables) of a prompt value that carry outsider text."""
    node = value.node
    if node is None:
        return
    vmap = node.value_map(wf.source)
    raw = value.raw
    for es in expressions_in(raw):
        if not es.closed:
            continue
        taint = expression_taint(es.inner, ctx)
        best = [s for s in taint.sources if s.confidence >= Confidence.HIGH]
        if best:
            yield vmap.span(wf.source, value.offset + es.start, value.offset + es.end), best[0]
    if not shell:
        return
    for m in _VAR.finditer(raw):
        if _single_quoted_at(raw, m.start()):
            continue
        name = m.group(1) or m.group(2)
        sources = ctx.carried.get(f"env.{name.lower()}")
        if not sources:
            continue
        best = [s for s in sources if s.confidence >= Confidence.HIGH]
        if best:
            yield vmap.span(wf.source, value.offset + m.start(), value.offset + m.end()), best[0]


def _can_write(wf: Workflow, run: AgentRun, inv_credentials: tuple[str, ...]) -> tuple[bool, str]:
    powers = job_powers(wf, run.job, run.step)
    writes = [w for w, _ in powers.writes if not w.startswith("id-token")]
    if writes:
        return True, "the job token can write (" + ", ".join(writes) + ")"
    if not powers.declared and run.job is not None:
        return True, "no `permissions:` block limits the job token"
    model_keys = {c.lower() for c in inv_credentials}
    model_inputs = set(run.action.credential_inputs) if run.action is not None else set()
    other = []
    for name, _span in powers.secrets:
        short = name.removeprefix("secrets.").lower()
        if short in model_keys or short == "github_token":
            continue
        other.append(name.removeprefix("secrets."))
    if model_inputs:
        used_as_model = {n.value.strip() for _, n in run.input(*model_inputs)}
        other = [o for o in other if not any(o in u for u in used_as_model)]
    if other:
        return True, f"the step has secrets beyond the model key ({', '.join(other[:3])})"
    if run.action is not None and run.action.writes_github:
        return True, f"{run.action.uses} comments and pushes with a token of its own"
    grants = " ".join(v.text for v in run.flags) + " " + " ".join(
        n.value for _, n in run.input(*(run.action.tool_inputs if run.action else ())))
    if _WRITE_TOOLS.search(grants):
        return True, "its tools push, comment or call the GitHub API"
    return False, ""


_CAT = lazy_compile(r"\$\(\s*(?:cat\s+|<\s*)([^)\s]+)\s*\)")


def _file_reads(wf: Workflow, run: AgentRun) -> Iterator[tuple[Span, str, str]]:
    """(span, path as resolved, where) for every file the agent's prompt is read from."""
    job = run.job
    env = _env_literals(wf.env, job.env if job is not None else None, run.step.env)
    for value in run.prompts:
        is_file = (run.action is not None and value.key in run.action.prompt_file_inputs) or (
            run.cli is not None and value.key in run.cli.prompt_file_flags)
        if is_file:
            path = resolve_path(value.raw, env)
            if path:
                yield value.span, path, value.where
            continue
        if value.node is None:
            continue
        for m in _CAT.finditer(value.raw):
            path = resolve_path(m.group(1), env)
            if path:
                span = value.node.value_map(wf.source).span(wf.source, value.offset + m.start(), value.offset + m.end())
                yield span, path, value.where
    if run.cli is not None:
        for f in run.flag_values(*run.cli.prompt_file_flags):
            path = resolve_path(f.raw, env)
            if path:
                yield f.span, path, f"`{run.name} {f.key}`"
    if run.command is not None and run.step.run is not None:
        vmap = run.step.run.value_map(wf.source)
        for r in run.command.redirects:
            if r.op == "<" and r.target is not None:
                path = resolve_path(r.target.raw, env)
                if path:
                    yield vmap.span(wf.source, r.target.start, r.target.end), path, f"the text piped to `{run.name}`"


_MCP_READ = lazy_compile(
    r"mcp__github__(?:get_issue|get_pull_request|list_issue|get_issue_comments|get_pull_request_diff|"
    r"get_pull_request_files|get_pull_request_comments|get_pull_request_reviews|search_issues)\w*")


def _reading_tools(wf: Workflow, run: AgentRun) -> Iterator[tuple[Span, str]]:
    """GitHub MCP tools granted to the agent that read issue and pull request text."""
    values: list[tuple[Any, int, str]] = []
    if run.cli is not None:
        values += [(f.node, f.offset, f.raw) for f in run.flag_values(*run.cli.tool_flags) if f.node is not None]
    if run.action is not None:
        values += [(n, 0, n.value) for _, n in run.input(*run.action.tool_inputs)]
    for node, offset, raw in values:
        m = _MCP_READ.search(raw)
        if m is not None:
            yield node.value_map(wf.source).span(wf.source, offset + m.start(), offset + m.end()), m.group(0)


def _severity(reach: Reach, can_write: bool) -> Severity:
    if reach.limited or not can_write:
        return Severity.WARNING
    return Severity.ERROR


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    if wf.is_action:
        return
    inv = ctx.agents()
    contexts: dict[int, TaintContext] | None = None
    reported: set[tuple[int, int, int]] = set()
    for run in agent_runs(wf, inv):
        reach = outsider_reach(wf, run.job, run.step, run)
        if not reach.outsiders:
            continue
        if contexts is None:
            contexts = step_contexts(wf)
        tctx = contexts.get(id(run.step)) or TaintContext()
        can_write, why = _can_write(wf, run, inv.credentials)
        sev = _severity(reach, can_write)
        consequence = f"; {why}" if can_write else ""
        related = tuple(
            Related(wf.source.path, t.span, f"triggered by {t.name}") for t in reach.triggers
        ) + caller_related(reach.through)
        shell = run.command is not None
        for value in run.prompts:
            for span, source in _tainted_pieces(wf, value, tctx, shell or value.key.startswith("-")):
                if _first_time(reported, span):
                    yield Violation(
                        span, _reaches(reach, _chain(source, value.where) + consequence), severity=sev, related=related
                    )
        if run.job is not None:
            files: list[TaintedFile] | None = None
            for span, path, where in _file_reads(wf, run):
                if files is None:
                    files = tainted_files(wf, run.job, run.step, contexts)
                hit = next((f for f in files if f.path == path), None)
                if hit is None:
                    continue
                if not _first_time(reported, span):
                    continue
                yield Violation(
                    span,
                    _reaches(reach, f"{hit.source} -> `{path}` (written at line {hit.span.line}) -> {where}{consequence}"),
                    severity=sev,
                    related=(*related, Related(wf.source.path, hit.span, f"`{path}` is written from {hit.source}")),
                )
        text_triggers = [n for n in reach.all_names if n in _TEXT_TRIGGERS]
        if not text_triggers:
            continue
        if run.own_mode and run.action is not None and run.span is not None:
            own = [n for n in text_triggers if n in run.action.own_mode_events]
            if own and _first_time(reported, run.span):
                yield Violation(
                    run.span,
                    f"{run.action.uses} runs without a `prompt` under {', '.join(own)}: "
                    f"it reads the issue, comment or review itself, text outside users write "
                    f"(no gate found){consequence}",
                    severity=sev,
                    related=related,
                )
        for span, tool in _reading_tools(wf, run):
            if not _first_time(reported, span):
                continue
            yield Violation(
                span,
                f"the agent `{run.name}` may read issues and pull requests itself (`{tool}`) under "
                f"{', '.join(text_triggers)}, text outside users write (no gate found)"
                f"{consequence}",
                severity=sev,
                related=related,
            )
        for value in run.prompts:
            node = value.node
            if node is None:
                continue
            m = _READS_EVENT.search(value.raw)
            if m is None:
                continue
            span = node.value_map(wf.source).span(wf.source, value.offset + m.start(), value.offset + m.end())
            if not _first_time(reported, span):
                continue
            yield Violation(
                span,
                f"the prompt ({value.where}) tells the agent to read `{m.group(0)}` under "
                f"{', '.join(text_triggers)}, text outside users write (no gate found)"
                f"{consequence}",
                severity=sev,
                related=related,
            )


def _first_time(reported: set[tuple[int, int, int]], span: Span) -> bool:
    """True the first time a span is reported: a prompt reached two ways is one finding."""
    key = (span.line, span.column, span.end_column)
    if key in reported:
        return False
    reported.add(key)
    return True


def _reaches(reach: Reach, path: str) -> str:
    """The message of outsider text reaching a prompt along ``path``."""
    return (
        f"text outside users write reaches the agent's prompt under {reach.names()} (no gate found): "
        f"{path}; pass only identifiers (the issue number) and let the agent read nothing it would obey"
    )
