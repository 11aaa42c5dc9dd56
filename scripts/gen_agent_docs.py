"""Write docs/agents.md from the agent inventory (src/sentra_lint/agents/inventory.py).

The inventory is the single source; tests/test_agents_inventory.py fails when
the page is out of date. Run `python scripts/gen_agent_docs.py` to refresh it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "agents.md"


def _codes(items: tuple[str, ...] | frozenset[str]) -> str:
    return ", ".join(f"`{i}`" for i in sorted(items) if i) if isinstance(items, frozenset) else \
        ", ".join(f"`{i}`" for i in items if i)


def _switch_text(switches: tuple[object, ...], implied: tuple[str, ...] = ()) -> str:
    parts = []
    for s in switches:
        key = s.key
        values = s.values
        sev = s.severity
        text = f"`{key}`" + (f" = {'/'.join(f'`{v}`' for v in values)}" if values else "")
        if sev != "error":
            text += f" ({sev})"
        parts.append(text)
    parts.extend(f"always passes `{f}`" for f in implied)
    return "; ".join(parts)


def render() -> str:
    from sentra_lint.agents.inventory import (
        SHELL_ESCAPE_COMMANDS,
        UNBOUNDED_COMMANDS,
        builtin_inventory,
    )

    inv = builtin_inventory()
    out = [
        "# Agent inventory",
        "",
        "Generated from `src/sentra_lint/agents/inventory.py` by `scripts/gen_agent_docs.py`.",
        "",
        "These are the AI agents sentra-lint recognises in workflows, `run:` scripts, container launches and",
        "MCP configurations, and where each one's prompt, tool grants, user allowlist and safety switches are",
        "written. The SA rules read these tables; the launch roles (`agent`) come from them too. Add your own",
        "agents, or change a known one, in the configuration's `agents:` section (see below).",
        "",
        "## Actions",
        "",
        "Matched on the `uses:` value before `@` (case-insensitive).",
        "",
        "| action | agent | prompt | tools and settings | who may start it | safety switches | reads the event itself on |",
        "|---|---|---|---|---|---|---|",
    ]
    for agent in inv.agents:
        for a in agent.actions:
            prompt = _codes((*a.prompt_inputs, *a.prompt_file_inputs))
            tools = _codes((*a.args_inputs, *a.tool_inputs, *a.settings_inputs, *a.mcp_inputs))
            who = _codes((*a.allow_user_inputs, *a.allow_bot_inputs))
            kind = " (installs only)" if a.installs_only else " (inference only)" if a.inference_only else ""
            out.append(
                f"| `{a.uses}`{kind} | {agent.name} | {prompt or '-'} | {tools or '-'} | {who or '-'} | "
                f"{_switch_text(a.switches, a.implied_flags) or '-'} | {_codes(a.own_mode_events) or '-'} |"
            )
    notes = [(a.uses, a.note) for ag in inv.agents for a in ag.actions if a.note]
    if notes:
        out.append("")
        out.extend(f"- `{uses}`: {note}" for uses, note in notes)
    out += [
        "",
        "## Programs",
        "",
        "A command word in a `run:` script (or a repository script a step calls), or a package started by",
        "`npx`, `bunx`, `pnpm dlx`, `yarn dlx`, `npm exec`, `pipx run`, `uvx` or `uv tool run`. Installing a",
        "program is not running it, and neither are `--version`, `--help` or the management subcommands listed.",
        "",
        "| program | commands | packages | runs when | not a run | prompt | tool grants | safety switches |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for agent in inv.agents:
        for c in agent.clis:
            pkgs = _codes((*(f"npm:{p}" for p in c.npm), *(f"pypi:{p}" for p in c.pypi),
                           *(f"python -m {m}" for m in c.modules)))
            runs = ("first argument " + _codes(c.run_subcommands)) if c.run_subcommands else "any call"
            prompt = []
            if c.prompt_flags:
                prompt.append(_codes(c.prompt_flags))
            if c.mode_flags:
                prompt.append(_codes(c.mode_flags) + " then the positional")
            elif c.prompt_positional:
                prompt.append("positional")
            if c.prompt_file_flags:
                prompt.append("file: " + _codes(c.prompt_file_flags))
            if c.system_prompt_flags:
                prompt.append("system: " + _codes(c.system_prompt_flags))
            if c.prompt_stdin:
                prompt.append("stdin")
            grants = _codes((*c.tool_flags, *c.settings_flags, *c.mcp_flags, *c.config_flags))
            if c.settings_tools:
                grants += ("; " if grants else "") + "settings " + _codes(c.settings_tools)
            kind = " (inference only)" if c.inference_only else ""
            out.append(
                f"| `{c.name}`{kind} | {_codes(c.commands) or '-'} | {pkgs or '-'} | {runs} | "
                f"{_codes(c.idle_subcommands) or '-'} | {'; '.join(prompt) or '-'} | {grants or '-'} | "
                f"{_switch_text(c.switches) or '-'} |"
            )
    out += [
        "",
        "Tool patterns: a shell tool granted bare (`Bash`, `run_shell_command`, `shell`) or with a wildcard for",
        "its arguments (`Bash(*)`) runs any command. A wildcard grant on a command that runs or prints its",
        "arguments reaches a subshell: " + _codes(tuple(sorted(SHELL_ESCAPE_COMMANDS))) + ". A wildcard grant on",
        "these commands has targets no pattern bounds: " + _codes(UNBOUNDED_COMMANDS) + ".",
        "",
        "## Images and MCP servers",
        "",
        "| agent | image globs (without tag) | MCP server |",
        "|---|---|---|",
    ]
    for agent in inv.agents:
        if agent.images:
            out.append(f"| {agent.name} | {_codes(agent.images)} | {'yes' if agent.mcp_server else 'no'} |")
    out += [
        "",
        "## Model credentials",
        "",
        "An environment variable with one of these names gives a launch the role `agent`:",
        "",
        _codes(inv.credentials),
        "",
        "## Model endpoints",
        "",
        "A `curl` (or `wget`, `http`) to one of these hosts is a direct model call:",
        "",
        _codes(inv.endpoints),
        "",
        "## Adding agents in the configuration",
        "",
        "```yaml",
        "agents:",
        "  actions:",
        "    - uses: acme/ai-review-action        # the uses: value before @",
        "      agent: claude                      # the program it runs, or a new name",
        "      prompt-inputs: [instructions]",
        "      args-inputs: [claude-flags]",
        "      allow-user-inputs: [trusted-users]",
        "      own-mode-on: [issue_comment]",
        "      switches:",
        "        - {key: unsafe-mode, values: ['true'], reason: turns the sandbox off}",
        "  clis:",
        "    - name: acme-agent",
        "      npm: ['@acme/agent']",
        "      prompt-flags: [--task]",
        "      switches:",
        "        - {key: --no-confirm, reason: runs every tool without asking}",
        "  images: ['ghcr.io/acme/agent-runner*']",
        "  endpoints: ['llm.acme.internal']",
        "  credentials: [ACME_LLM_KEY]",
        "```",
        "",
        "An entry whose `uses` (or `name`) is already known changes that entry: the keys given replace the",
        "built-in values. `images`, `endpoints` and `credentials` add to the built-in lists.",
        "",
    ]
    return "\n".join(out)


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    PAGE.write_text(render(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
