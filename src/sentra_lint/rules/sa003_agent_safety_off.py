"""Agent's own safety switched off, or its tools unbounded.

## What it does
Reports the flag, input, settings key or tool pattern that removes an
agent's own guard rails, as the agent inventory records them
(`docs/agents.md`):

- approvals and sandboxes turned off: `--dangerously-skip-permissions`,
  `--permission-mode bypassPermissions` (`acceptEdits` is a warning),
  settings `permissions.defaultMode`; codex `--sandbox danger-full-access`,
  `--dangerously-bypass-approvals-and-sandbox`, `-c sandbox_mode=...`,
  `approval-policy never` with a writable sandbox, the action's
  `safety-strategy: unsafe` and `sandbox: danger-full-access`; gemini
  `--yolo`, `--approval-mode yolo`, settings `"sandbox": false`; copilot
  `--allow-all-tools`; aider `--yes-always`; cursor-agent `--force`; amp
  `--dangerously-allow-all`;
- shell tools granted without bounds: `Bash` or `Bash(*)`, a wildcard on a
  command that runs or prints its arguments (`Bash(echo:*)`,
  `Bash(python:*)`) and so reaches a subshell, or on a command whose targets
  no pattern bounds (`Bash(git push:*)`, `Bash(gh pr:*)`, `Bash(gh api:*)`),
  gemini's `run_shell_command` without a command, copilot's `shell`;
- file-writing tools (`Write`, `Edit`, `MultiEdit`, gemini `write_file`)
  under triggers outside users can fire;
- `run-gemini-cli`, which always runs `gemini --yolo`, without a
  `tools.core` list in its settings to bound the tools that run unasked.

Severity is error under triggers people without write access can fire (no
gate found), warning otherwise; a switch the inventory marks as a warning
(`acceptEdits`) stays one.

## Why is this bad?
An agent's permission checks and sandbox are the last thing between a
prompt injection and the runner. With them off, or with a shell tool that
accepts any command, any text the agent reads can run commands, push code
or call the API with the job's token.

## Example
```yaml
on: issue_comment
jobs:
  agent:
    runs-on: ubuntu-latest
    steps:
      - uses: anthropics/claude-code-action@v1
        with:
          claude_args: --dangerously-skip-permissions --allowedTools "Bash(gh api:*)"
```

## Use instead
```yaml
      - uses: anthropics/claude-code-action@v1
        with:
          claude_args: --allowedTools "Read,Bash(gh pr comment:*)"
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.agents.inventory import SHELL_ESCAPE_COMMANDS, UNBOUNDED_COMMANDS, AgentCli, Switch
from sentra_lint.agents.posture import (
    AgentRun,
    Reach,
    agent_runs,
    json_path,
    outsider_reach,
    settings_json,
)
from sentra_lint.findings import Related, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._reach import caller_related
from sentra_lint.source import Span
from sentra_lint.workflow.model import Workflow
from sentra_lint.yamlmodel import ScalarNode

META = RuleMeta(
    id="SA003",
    slug="agent-safety-off",
    title="Agent's own safety switched off or its tools unbounded",
    severity=Severity.ERROR,
    also=(Severity.WARNING,),
    security_severity=7.0,
    area="workflow",
    precision="high",
)

_TOOL_SPLIT = lazy_compile(r"[^,\s()]+(?:\([^)]*\))?")


def _value_span(wf: Workflow, node: ScalarNode, offset: int, start: int, end: int) -> Span:
    return node.value_map(wf.source).span(wf.source, offset + start, offset + end)


def _sandbox_values(run: AgentRun) -> set[str]:
    vals = {f.text.lower() for f in run.flag_values("--sandbox", "-s")}
    for f in run.flag_values("-c", "--config"):
        k, _, v = f.text.partition("=")
        if k.strip() == "sandbox_mode":
            vals.add(v.strip().strip("'\"").lower())
    if run.flag_values("--full-auto"):
        vals.add("workspace-write")
    for _name, node in run.input("sandbox"):
        vals.add(node.value.strip().lower())
    return vals


def _requires_ok(run: AgentRun, sw: Switch) -> bool:
    for key, values in sw.requires:
        if key == "sandbox" and not (_sandbox_values(run) & {v.lower() for v in values}):
            return False
    return True


def _settings(run: AgentRun) -> list[tuple[Any, ScalarNode, int, str]]:
    """Inline settings JSON: (data, node, offset of the text in the node, where)."""
    out: list[tuple[Any, ScalarNode, int, str]] = []
    if run.action is not None:
        for name, node in run.input(*run.action.settings_inputs):
            data = settings_json(node.value)
            if data is not None:
                out.append((data, node, 0, f"the `{name}` input"))
    if run.cli is not None:
        for f in run.flag_values(*run.cli.settings_flags):
            data = settings_json(f.text)
            if data is not None and f.node is not None:
                out.append((data, f.node, f.offset, f"`{f.key}`"))
    return out


def _find_in(node: ScalarNode, offset: int, raw_len: int, needle: str) -> tuple[int, int] | None:
    window = node.value[offset : offset + raw_len] if raw_len else node.value[offset:]
    i = window.find(needle)
    if i < 0:
        return None
    return offset + i, offset + i + len(needle)


def _switch_hits(wf: Workflow, run: AgentRun) -> Iterator[tuple[Span, str, str]]:
    """(span, what, severity cap) for every safety switch that is on."""
    cli = run.cli
    switches: list[Switch] = list(cli.switches) if cli is not None else []
    for sw in switches:
        if sw.key.startswith("-"):
            for f in run.flag_values(sw.key):
                if sw.values and f.text.lower() not in {v.lower() for v in sw.values}:
                    continue
                if not _requires_ok(run, sw):
                    continue
                shown = f"{sw.key} {f.text}".strip()
                yield f.span if sw.values else f.key_span, f"`{shown}` {sw.reason}", sw.severity
        elif sw.key.startswith("config:"):
            name = sw.key.split(":", 1)[1]
            for f in run.flag_values(*(cli.config_flags if cli else ())):
                k, _, v = f.text.partition("=")
                if k.strip() == name and v.strip().strip("'\"").lower() in {x.lower() for x in sw.values} \
                        and _requires_ok(run, sw):
                    yield f.span, f"`{f.key} {f.text}` {sw.reason}", sw.severity
        elif sw.key.startswith("settings:"):
            path = sw.key.split(":", 1)[1]
            for data, node, offset, where in _settings(run):
                value = json_path(data, path)
                if value is None:
                    continue
                text = str(value).lower() if not isinstance(value, bool) else ("true" if value else "false")
                if text in {v.lower() for v in sw.values}:
                    leaf = path.rsplit(".", 1)[-1]
                    found = _find_in(node, offset, 0, f'"{leaf}"')
                    span = _value_span(wf, node, 0, *found) if found else node.span(wf.source)
                    yield span, f"settings `{path}: {text}` in {where} {sw.reason}", sw.severity
        elif sw.key.startswith("env:"):
            name = sw.key.split(":", 1)[1]
            env = run.step.env
            env_node = env.get(name) if env is not None else None
            if isinstance(env_node, ScalarNode) and env_node.value.strip().lower() in {v.lower() for v in sw.values}:
                yield env_node.span(wf.source), f"`{name}={env_node.value.strip()}` {sw.reason}", sw.severity
    if run.action is not None:
        for sw in run.action.switches:
            for name, node in run.input(sw.key):
                if node.value.strip().lower() in {v.lower() for v in sw.values} or (
                        not sw.values and node.value.strip().lower() == "true"):
                    yield node.span(wf.source), f"`{name}: {node.value.strip()}` {sw.reason}", sw.severity


def _tool_problem(cli: AgentCli, tool: str, outsiders: bool) -> str | None:
    grammar = cli.tools
    if grammar is None:
        return None
    m = re.match(grammar.pattern, tool)
    name = m.group("tool") if m else tool
    if name in grammar.shell:
        if m is None:
            return f"`{tool}` grants every shell command"
        command = m.group("command").strip()
        bare = re.sub(grammar.wildcard, "", command).strip()
        wild = bare != command
        if not bare or bare == "*":
            return f"`{tool}` grants every shell command"
        if wild:
            first = bare.split()[0]
            if first in SHELL_ESCAPE_COMMANDS:
                return f"`{tool}` reaches a subshell (`{first}` runs or prints any argument, `$(...)` included)"
            if " ".join(bare.split()) in UNBOUNDED_COMMANDS:
                return f"`{tool}` has targets no pattern bounds"
        return None
    if outsiders and name in grammar.write and m is None:
        return f"`{tool}` lets the agent write any file"
    return None


def _tool_hits(wf: Workflow, run: AgentRun, outsiders: bool) -> Iterator[tuple[Span, str]]:
    cli = run.cli
    if cli is None or cli.tools is None:
        return
    values: list[tuple[ScalarNode, int, str]] = []
    for f in run.flag_values(*cli.tool_flags):
        if f.node is not None:
            values.append((f.node, f.offset, f.raw))
    if run.action is not None:
        for _name, node in run.input(*run.action.tool_inputs):
            values.append((node, 0, node.value))
    for node, offset, raw in values:
        for m in _TOOL_SPLIT.finditer(raw):
            tool = m.group(0).strip("'\"")
            problem = _tool_problem(cli, tool, outsiders)
            if problem:
                yield _value_span(wf, node, offset, m.start(), m.end()), problem
    for data, node, _offset, where in _settings(run):
        for path in cli.settings_tools:
            listed = json_path(data, path)
            if not isinstance(listed, list):
                continue
            for tool in listed:
                if not isinstance(tool, str):
                    continue
                problem = _tool_problem(cli, tool, outsiders)
                if problem:
                    found = _find_in(node, 0, 0, f'"{tool}"')
                    span = _value_span(wf, node, 0, *found) if found else node.span(wf.source)
                    yield span, f"{problem} ({where}, `{path}`)"


def _implied(wf: Workflow, run: AgentRun) -> Iterator[tuple[Span, str]]:
    if run.action is None or not run.action.implied_flags or run.cli is None or run.span is None:
        return
    settings = _settings(run)
    bounded = any(isinstance(json_path(d, p), list) for d, _n, _o, _w in settings
                  for p in ("tools.core", "coreTools"))
    if not bounded:
        flags = " ".join(run.action.implied_flags)
        yield run.span, (f"the action always runs `{run.cli.name} {flags}` and no `tools.core` list in its "
                         "settings bounds the tools that then run without approval, the shell included")


def _severity(reach: Reach, cap: str) -> Severity:
    if cap == "warning" or not reach.outsiders or reach.limited:
        return Severity.WARNING
    return Severity.ERROR


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    inv = ctx.agents()
    seen: set[tuple[int, int, int]] = set()
    for run in agent_runs(wf, inv):
        reach = outsider_reach(wf, run.job, run.step, run)
        if reach.outsiders:
            where = f"under {reach.names()}, which outside users can fire"
        elif reach.triggers or reach.through:
            where = f"(outside users are kept out: {reach.gate})"
        else:
            where = "(no trigger outside users can fire)"
        related = tuple(
            Related(wf.source.path, t.span, f"triggered by {t.name}") for t in reach.triggers
        ) + caller_related(reach.through)
        hits: list[tuple[Span, str, str]] = list(_switch_hits(wf, run))
        hits += [(s, m, "error") for s, m in _tool_hits(wf, run, reach.outsiders)]
        hits += [(s, m, "error") for s, m in _implied(wf, run)]
        for span, what, cap in hits:
            key = (span.line, span.column, span.end_column)
            if key in seen:
                continue
            seen.add(key)
            yield Violation(
                span,
                f"`{run.name}`: {what}, {where}; keep the agent's approvals and sandbox on and "
                "grant only the commands it needs, with fixed arguments",
                severity=_severity(reach, cap),
                related=related,
            )
