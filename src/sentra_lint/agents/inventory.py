"""The inventory of known AI agents, as data.

Every agent the linter knows is a record here: the published actions that run
it (matched on the ``uses:`` value before ``@``), its command-line programs
and the packages that ``npx``/``bunx``/``pipx run``/``uvx`` start them from,
the container images it ships in, the credentials it reads and the model
endpoints it calls. For each action and program the record says where the
prompt is written, where its tool grants, its user allowlist and its safety
switches are, and on which triggers an action reads the event by itself.
Rules read these fields instead of hard-coding names, and a project adds its
own agents in the configuration's ``agents:`` section
(:func:`inventory_from_config`). ``docs/agents.md`` is generated from this
module by ``scripts/gen_agent_docs.py``.

Nothing here parses a workflow: detection (``agents/detect.py``) and the SA
rules read these tables.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping
from dataclasses import field, replace
from functools import cache
from typing import Any

from sentra_lint._dataclass import dataclass

# --- records -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Switch:
    """A setting that turns an agent's own safety off or leaves its tools unbounded.

    ``key`` is a command-line flag (``--yolo``), an action input
    (``safety-strategy``), a key inside the agent's settings JSON written as
    ``settings:<dotted.path>`` (``settings:permissions.defaultMode``), a
    ``-c key=value`` override written as ``config:<key>``, or an environment
    variable written as ``env:<NAME>``. With no ``values`` the switch is on
    when the flag is present (or the input is ``true``); otherwise when the
    value, compared case-insensitively, is one of ``values``. ``requires``
    lists other settings that must also hold for the switch to matter (an
    approval policy of ``never`` only matters with a writable sandbox).
    ``severity`` is the highest the finding gets (``error`` or ``warning``).
    """

    key: str
    values: tuple[str, ...] = ()
    severity: str = "error"
    reason: str = ""
    requires: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class ToolGrammar:
    """How an agent names its tools in an allowlist, and which of them can act.

    ``shell`` are the shell tool names; a bare name (``Bash``) or a pattern
    whose arguments are a wildcard grants every command. ``write`` are the file
    writing tools. ``pattern`` is the regular expression of a scoped grant with
    a ``command`` group (``Bash(git push:*)``); ``wildcard`` matches the
    part of a pattern that accepts any arguments.
    """

    shell: tuple[str, ...] = ()
    write: tuple[str, ...] = ()
    pattern: str = r"^(?P<tool>[A-Za-z_]+)\((?P<command>[^)]*)\)$"
    wildcard: str = r"(:\*|\s\*|\*)$"


@dataclass(frozen=True, slots=True)
class AgentAction:
    """A published action that runs an agent, and what its inputs mean."""

    uses: str
    """``owner/repo[/path]`` as written before ``@``; compared case-insensitively."""
    agent: str
    """The :class:`Agent` it runs (its ``name``)."""
    prompt_inputs: tuple[str, ...] = ()
    """Inputs whose text is part of the prompt (or the system prompt)."""
    prompt_file_inputs: tuple[str, ...] = ()
    """Inputs naming a file whose text is the prompt."""
    args_inputs: tuple[str, ...] = ()
    """Inputs that hold command-line arguments of the agent's program (read with its :class:`AgentCli`)."""
    tool_inputs: tuple[str, ...] = ()
    """Inputs listing the tools the agent may use."""
    settings_inputs: tuple[str, ...] = ()
    """Inputs holding the agent's settings JSON (or a path to it)."""
    mcp_inputs: tuple[str, ...] = ()
    """Inputs holding an MCP server configuration."""
    allow_user_inputs: tuple[str, ...] = ()
    """Inputs naming users without write access who may start the agent (``*`` is everyone)."""
    allow_bot_inputs: tuple[str, ...] = ()
    """Inputs naming bots that may start the agent."""
    credential_inputs: tuple[str, ...] = ()
    """Inputs carrying the model credential."""
    token_inputs: tuple[str, ...] = ()
    """Inputs carrying a GitHub token the agent acts with."""
    outputs: tuple[str, ...] = ()
    """Outputs that carry the agent's own text (its answer), not paths or ids the action chooses."""
    own_mode_events: frozenset[str] = frozenset()
    """Triggers on which the action reads the issue, comment or review by itself."""
    switches: tuple[Switch, ...] = ()
    implied_flags: tuple[str, ...] = ()
    """Flags the action always passes to the program (``run-gemini-cli`` runs ``gemini --yolo``)."""
    inference_only: bool = False
    """The action only asks a model and returns text: no shell, no file edits (unless an MCP input is set)."""
    installs_only: bool = False
    """The action installs the program and does not run it (``actions/setup-copilot``)."""
    checks_actor: bool = False
    """The action refuses an actor without write access unless an allowlist input admits them."""
    writes_github: bool = False
    """The agent comments, pushes or edits on GitHub with a token of its own (a GitHub App's)."""
    note: str = ""


@dataclass(frozen=True, slots=True)
class AgentCli:
    """An agent's command-line program, and how its arguments are read."""

    name: str
    """The program (``claude``)."""
    commands: tuple[str, ...]
    """Command words that start it (compared with the word's file name: ``./node_modules/.bin/claude``)."""
    npm: tuple[str, ...] = ()
    """npm packages (``npx``, ``bunx``, ``pnpm dlx``, ``yarn dlx``, ``npm exec``); globs allowed."""
    pypi: tuple[str, ...] = ()
    """PyPI packages (``pipx run``, ``uvx``, ``uv tool run``); globs allowed."""
    modules: tuple[str, ...] = ()
    """``python -m`` module names that start it."""
    run_subcommands: tuple[str, ...] = ()
    """When set, only these first arguments run the agent (``codex exec``); otherwise any call runs it."""
    idle_subcommands: tuple[str, ...] = ()
    """First arguments that manage the program instead of running the agent (``mcp``, ``login``, ``update``)."""
    idle_flags: tuple[str, ...] = ("--version", "-v", "-V", "--help", "-h", "help", "version")
    """Arguments that make a call print and exit."""
    prompt_flags: tuple[str, ...] = ()
    """Flags whose value is the prompt (``-p TEXT``); a flag that only switches the mode is in ``mode_flags``."""
    mode_flags: tuple[str, ...] = ()
    """Flags that switch to a non-interactive run and take no value (``claude -p`` then a positional prompt)."""
    prompt_positional: bool = True
    """The first positional argument (after the subcommand) is the prompt."""
    prompt_stdin: bool = True
    """Text piped to the program is read as the prompt."""
    prompt_file_flags: tuple[str, ...] = ()
    system_prompt_flags: tuple[str, ...] = ()
    tool_flags: tuple[str, ...] = ()
    """Flags whose value allows tools (comma or space separated)."""
    deny_tool_flags: tuple[str, ...] = ()
    settings_flags: tuple[str, ...] = ()
    """Flags whose value is the settings JSON or a path to it."""
    mcp_flags: tuple[str, ...] = ()
    config_flags: tuple[str, ...] = ()
    """Flags taking ``key=value`` overrides (codex ``-c``); switches name them ``config:<key>``."""
    value_flags: tuple[str, ...] = ()
    """Other flags that take a value, so a reader can skip them when it looks for positionals."""
    switches: tuple[Switch, ...] = ()
    tools: ToolGrammar | None = None
    settings_tools: tuple[str, ...] = ()
    """Dotted paths in the settings JSON that list allowed tools."""
    inference_only: bool = False
    """A plain model call with no tools by default (``llm``); ``tool_flags`` turn tools on."""

    def takes_value(self, flag: str) -> bool:
        return flag in (
            *self.prompt_flags, *self.prompt_file_flags, *self.system_prompt_flags, *self.tool_flags,
            *self.deny_tool_flags, *self.settings_flags, *self.mcp_flags, *self.config_flags, *self.value_flags,
        ) or any(s.key == flag and s.values for s in self.switches)


@dataclass(frozen=True, slots=True)
class Agent:
    """One agent family: its programs, actions, images, credentials and endpoints."""

    name: str
    title: str
    clis: tuple[AgentCli, ...] = ()
    actions: tuple[AgentAction, ...] = ()
    images: tuple[str, ...] = ()
    """Image name globs without tag or digest (``ghcr.io/github/github-mcp-server``, ``mcp/*``)."""
    credentials: tuple[str, ...] = ()
    endpoints: tuple[str, ...] = ()
    """Host globs of the model API it calls."""
    mcp_server: bool = False
    """An MCP server: a tool an agent uses, launched as a container or a program."""


# --- the built-in table ------------------------------------------------------

_CLAUDE_TOOLS = ToolGrammar(shell=("Bash",), write=("Write", "Edit", "MultiEdit", "NotebookEdit"))

CLAUDE_CLI = AgentCli(
    name="claude",
    commands=("claude", "claude-code"),
    npm=("@anthropic-ai/claude-code",),
    idle_subcommands=("mcp", "config", "update", "install", "doctor", "setup-token", "migrate-installer", "plugin",
                      "auth", "login", "logout"),
    prompt_flags=(),
    mode_flags=("-p", "--print"),
    system_prompt_flags=("--system-prompt", "--append-system-prompt"),
    prompt_file_flags=("--system-prompt-file", "--append-system-prompt-file"),
    tool_flags=("--allowedTools", "--allowed-tools"),
    deny_tool_flags=("--disallowedTools", "--disallowed-tools"),
    settings_flags=("--settings",),
    mcp_flags=("--mcp-config",),
    value_flags=("--model", "--fallback-model", "--max-turns", "--output-format", "--input-format", "--add-dir",
                 "--resume", "-r", "--session-id", "--json-schema", "--agents", "--agent", "--betas", "--debug",
                 "--permission-prompt-tool", "--setting-sources", "--plugin-dir", "--max-budget-usd"),
    switches=(
        Switch("--dangerously-skip-permissions", reason="skips every permission check"),
        Switch("--permission-mode", ("bypassPermissions",), reason="bypasses every permission check"),
        Switch("--permission-mode", ("acceptEdits",), severity="warning", reason="accepts every file edit"),
        Switch("settings:permissions.defaultMode", ("bypassPermissions",), reason="bypasses every permission check"),
        Switch("settings:permissions.defaultMode", ("acceptEdits",), severity="warning",
               reason="accepts every file edit"),
    ),
    tools=_CLAUDE_TOOLS,
    settings_tools=("permissions.allow",),
)

CODEX_CLI = AgentCli(
    name="codex",
    commands=("codex",),
    npm=("@openai/codex",),
    run_subcommands=("exec", "e", "review", "resume"),
    idle_subcommands=("login", "logout", "mcp", "completion", "apply", "a", "debug", "sandbox", "features",
                      "cloud", "app-server", "mcp-server", "proto"),
    prompt_positional=True,
    prompt_flags=(),
    prompt_file_flags=(),
    config_flags=("-c", "--config"),
    value_flags=("-m", "--model", "-C", "--cd", "-i", "--image", "-p", "--profile", "--output-last-message", "-o",
                 "--output-schema", "--color", "--add-dir", "--local-provider", "--enable", "--disable"),
    switches=(
        Switch("--dangerously-bypass-approvals-and-sandbox", reason="turns off approvals and the sandbox"),
        Switch("--yolo", reason="turns off approvals and the sandbox"),
        Switch("--sandbox", ("danger-full-access",), reason="runs without a sandbox"),
        Switch("-s", ("danger-full-access",), reason="runs without a sandbox"),
        Switch("config:sandbox_mode", ("danger-full-access",), reason="runs without a sandbox"),
        Switch("--ask-for-approval", ("never",), reason="never asks before a command",
               requires=(("sandbox", ("workspace-write", "danger-full-access")),)),
        Switch("-a", ("never",), reason="never asks before a command",
               requires=(("sandbox", ("workspace-write", "danger-full-access")),)),
        Switch("config:approval_policy", ("never",), reason="never asks before a command",
               requires=(("sandbox", ("workspace-write", "danger-full-access")),)),
    ),
)

_GEMINI_TOOLS = ToolGrammar(shell=("run_shell_command", "ShellTool"), write=("write_file", "replace", "edit",
                                                                             "WriteFileTool", "EditTool"))

GEMINI_CLI = AgentCli(
    name="gemini",
    commands=("gemini",),
    npm=("@google/gemini-cli",),
    idle_subcommands=("mcp", "extensions", "extension"),
    prompt_flags=("-p", "--prompt", "-i", "--prompt-interactive"),
    tool_flags=("--allowed-tools",),
    value_flags=("-m", "--model", "-e", "--extensions", "--include-directories", "--allowed-mcp-server-names",
                 "--output-format", "--telemetry-target", "--proxy"),
    switches=(
        Switch("--yolo", reason="approves every tool call"),
        Switch("-y", reason="approves every tool call"),
        Switch("--approval-mode", ("yolo",), reason="approves every tool call"),
        Switch("--approval-mode", ("auto_edit",), severity="warning", reason="approves every file edit"),
        Switch("settings:sandbox", ("false",), reason="turns the sandbox off"),
        Switch("settings:tools.sandbox", ("false",), reason="turns the sandbox off"),
    ),
    tools=_GEMINI_TOOLS,
    settings_tools=("coreTools", "tools.core", "allowedTools", "tools.allowed"),
)

COPILOT_CLI = AgentCli(
    name="copilot",
    commands=("copilot",),
    npm=("@github/copilot",),
    # AWS Copilot (`copilot svc deploy`) shares the command word: its subcommands are not runs.
    idle_subcommands=("login", "logout", "mcp", "plugin", "update", "init", "app", "env", "svc", "job", "pipeline",
                      "deploy", "storage", "task", "secret", "run"),
    prompt_flags=("-p", "--prompt"),
    prompt_positional=False,
    tool_flags=("--allow-tool",),
    deny_tool_flags=("--deny-tool",),
    value_flags=("--model", "--agent", "--add-dir", "--log-level", "--log-dir", "--resume", "--additional-mcp-config",
                 "--allow-url", "--deny-url"),
    mcp_flags=("--additional-mcp-config",),
    switches=(
        Switch("--allow-all-tools", reason="runs every tool without asking"),
        Switch("--allow-all", reason="runs every tool, path and URL without asking"),
        Switch("--yolo", reason="runs every tool, path and URL without asking"),
    ),
    tools=ToolGrammar(shell=("shell",), write=("write",),
                      pattern=r"^(?P<tool>[A-Za-z_]+)\((?P<command>[^)]*)\)$"),
)

AIDER_CLI = AgentCli(
    name="aider",
    commands=("aider",),
    pypi=("aider-chat", "aider-install"),
    prompt_flags=("--message", "-m", "--msg"),
    prompt_file_flags=("--message-file", "-f"),
    prompt_positional=False,
    value_flags=("--model", "--editor-model", "--weak-model", "--read", "--file", "--config", "-c", "--env-file",
                 "--api-key", "--set-env", "--openai-api-key", "--anthropic-api-key", "--edit-format",
                 "--map-tokens", "--chat-language", "--lint-cmd", "--test-cmd"),
    switches=(Switch("--yes-always", reason="answers yes to every question, including running commands"),),
)

OPENCODE_CLI = AgentCli(
    name="opencode",
    commands=("opencode",),
    npm=("opencode-ai",),
    run_subcommands=("run", "github"),
    idle_subcommands=("auth", "models", "upgrade", "mcp", "agent", "stats", "export", "import", "serve", "web",
                      "uninstall", "acp"),
    value_flags=("-m", "--model", "--agent", "-s", "--session", "-f", "--file", "--format", "--title", "--port",
                 "--attach"),
    switches=(Switch("env:OPENCODE_PERMISSION", ('"allow"',), reason="allows every tool without asking"),),
)

GOOSE_CLI = AgentCli(
    name="goose",
    commands=("goose",),
    run_subcommands=("run",),
    idle_subcommands=("configure", "info", "update", "mcp", "version", "session", "recipe", "project",
                      "projects", "bench", "schedule", "web"),
    prompt_flags=("-t", "--text"),
    prompt_file_flags=("-i", "--instructions", "--recipe"),
    prompt_positional=False,
    value_flags=("--provider", "--model", "--with-extension", "--with-builtin", "--with-remote-extension",
                 "-n", "--name", "--params", "--sub-recipe", "--max-turns"),
    switches=(Switch("env:GOOSE_MODE", ("auto",), reason="approves every tool call"),),
)

CURSOR_CLI = AgentCli(
    name="cursor-agent",
    commands=("cursor-agent",),
    idle_subcommands=("login", "logout", "status", "update", "mcp", "ls", "install-shell-integration",
                      "uninstall-shell-integration"),
    mode_flags=("-p", "--print"),
    value_flags=("--model", "--output-format", "--api-key", "--resume", "-a"),
    switches=(Switch("--force", reason="runs every command without asking"),
              Switch("-f", reason="runs every command without asking")),
)

AMP_CLI = AgentCli(
    name="amp",
    commands=("amp",),
    npm=("@sourcegraph/amp",),
    idle_subcommands=("login", "logout", "mcp", "threads", "tools", "permissions", "update", "doctor", "config"),
    prompt_flags=("-x", "--execute"),
    prompt_positional=False,
    value_flags=("--settings-file", "--mode", "-m", "--log-level", "--log-file", "--mcp-config"),
    settings_flags=("--settings-file",),
    mcp_flags=("--mcp-config",),
    switches=(Switch("--dangerously-allow-all", reason="runs every tool without asking"),),
)

LLM_CLI = AgentCli(
    name="llm",
    commands=("llm",),
    pypi=("llm",),
    run_subcommands=("prompt", "chat", "cmd"),
    idle_subcommands=("install", "uninstall", "keys", "models", "plugins", "logs", "templates", "aliases",
                      "embed", "embed-multi", "embed-models", "similar", "collections", "openai", "schemas",
                      "fragments", "tools"),
    prompt_flags=(),
    system_prompt_flags=("-s", "--system"),
    tool_flags=("-T", "--tool", "--functions"),
    value_flags=("-m", "--model", "-a", "--attachment", "-o", "--option", "-t", "--template", "-p", "--param",
                 "--schema", "-f", "--fragment", "--at", "--cid", "--conversation", "--key", "--chain-limit"),
    inference_only=True,
)

OPENHANDS_CLI = AgentCli(
    name="openhands",
    commands=("openhands",),
    pypi=("openhands-ai", "openhands"),
    modules=("openhands.core.main", "openhands.cli.main", "openhands.resolver.resolve_issue"),
    idle_subcommands=("serve", "mcp", "login", "logout"),
    prompt_flags=("-t", "--task"),
    prompt_file_flags=("-f", "--file"),
    prompt_positional=False,
    value_flags=("-c", "--agent-cls", "-i", "--max-iterations", "-l", "--llm-config", "-d", "--directory",
                 "--config-file", "--selected-repo", "--issue-number", "--repo"),
    switches=(Switch("--always-approve", reason="approves every action"),),
)

CAGENT_CLI = AgentCli(
    name="cagent",
    commands=("cagent", "docker-agent"),
    run_subcommands=("run", "exec", "api", "a2a"),
    idle_subcommands=("pull", "push", "new", "catalog", "version", "feedback", "build", "eval", "mcp"),
    value_flags=("--model", "-a", "--agent", "--env-from-file", "--working-dir"),
    prompt_positional=False,
    switches=(Switch("--yolo", reason="approves every tool call"),),
)

GITHUB_MCP_CLI = AgentCli(
    name="github-mcp-server",
    commands=("github-mcp-server",),
    idle_subcommands=(),
    prompt_positional=False,
    prompt_stdin=False,
    value_flags=("--toolsets", "--gh-host"),
)

_CLAUDE_OWN_MODE = frozenset({
    "issues", "issue_comment", "pull_request_review", "pull_request_review_comment",
})

CLAUDE_CODE_ACTION = AgentAction(
    uses="anthropics/claude-code-action",
    agent="claude",
    prompt_inputs=("prompt", "direct_prompt", "override_prompt", "custom_instructions", "system_prompt",
                   "append_system_prompt"),
    args_inputs=("claude_args",),
    tool_inputs=("allowed_tools",),
    settings_inputs=("settings",),
    mcp_inputs=("mcp_config",),
    allow_user_inputs=("allowed_non_write_users",),
    allow_bot_inputs=("allowed_bots",),
    credential_inputs=("anthropic_api_key", "claude_code_oauth_token"),
    token_inputs=("github_token",),
    outputs=("structured_output",),
    own_mode_events=_CLAUDE_OWN_MODE,
    checks_actor=True,
    writes_github=True,
    note="Without `prompt` (or `direct_prompt`), it answers `@claude` mentions, assignments and labels: "
         "it reads the issue, comment or review itself.",
)

CLAUDE_CODE_BASE_ACTION = AgentAction(
    uses="anthropics/claude-code-base-action",
    agent="claude",
    prompt_inputs=("prompt", "system_prompt", "append_system_prompt"),
    prompt_file_inputs=("prompt_file",),
    args_inputs=("claude_args",),
    tool_inputs=("allowed_tools",),
    settings_inputs=("settings",),
    mcp_inputs=("mcp_config",),
    credential_inputs=("anthropic_api_key", "claude_code_oauth_token"),
    outputs=("structured_output",),
)

CODEX_ACTION = AgentAction(
    uses="openai/codex-action",
    agent="codex",
    prompt_inputs=("prompt",),
    prompt_file_inputs=("prompt-file",),
    args_inputs=("codex-args",),
    allow_user_inputs=("allow-users",),
    allow_bot_inputs=("allow-bots", "allow-bot-users"),
    credential_inputs=("openai-api-key",),
    outputs=("final-message",),
    checks_actor=True,
    switches=(
        Switch("safety-strategy", ("unsafe",), reason="runs codex with the runner user's full privileges"),
        Switch("sandbox", ("danger-full-access",), reason="runs codex without a sandbox"),
    ),
)

GEMINI_ACTION = AgentAction(
    uses="google-github-actions/run-gemini-cli",
    agent="gemini",
    prompt_inputs=("prompt",),
    settings_inputs=("settings",),
    credential_inputs=("gemini_api_key", "google_api_key"),
    outputs=("summary",),
    implied_flags=("--yolo",),
    note="The action runs `gemini --yolo`: the tools its settings allow run without approval.",
)

AI_INFERENCE_ACTION = AgentAction(
    uses="actions/ai-inference",
    agent="github-models",
    prompt_inputs=("prompt", "system-prompt"),
    prompt_file_inputs=("prompt-file", "system-prompt-file"),
    mcp_inputs=("enable-github-mcp",),
    token_inputs=("token", "github-mcp-token"),
    outputs=("response",),
    inference_only=True,
    note="A model call without tools unless `enable-github-mcp` gives it the GitHub MCP server.",
)

OPENCODE_ACTIONS = tuple(
    AgentAction(
        uses=uses,
        agent="opencode",
        prompt_inputs=("prompt",),
        credential_inputs=(),
        own_mode_events=frozenset({"issue_comment", "pull_request_review_comment", "issues",
                                   "pull_request_review"}),
        writes_github=True,
        note="Answers `/opencode` and `/oc` comments: it reads the comment and its thread itself.",
    )
    # ask-bonk runs opencode on `/bonk` and `@ask-bonk` mentions.
    for uses in ("sst/opencode/github", "anomalyco/opencode/github", "ask-bonk/ask-bonk/github")
)

CAGENT_ACTIONS = tuple(
    AgentAction(uses=uses, agent="cagent", prompt_inputs=("prompt",), args_inputs=(),
                credential_inputs=("anthropic-api-key", "openai-api-key", "google-api-key"))
    for uses in ("docker/cagent-action", "docker/docker-agent-action")
)

AI_MODERATOR_ACTION = AgentAction(
    uses="github/ai-moderator",
    agent="github-models",
    token_inputs=("token",),
    own_mode_events=frozenset({"issues", "issue_comment", "pull_request_review_comment", "discussion",
                               "discussion_comment"}),
    inference_only=True,
    note="A spam classifier: it reads new issues and comments by design and only labels or hides them.",
)

AI_LABELER_ACTION = AgentAction(
    uses="github/ai-assessment-comment-labeler",
    agent="github-models",
    prompt_file_inputs=("prompts_directory",),
    token_inputs=("token",),
    inference_only=True,
    note="A classifier: the issue body is its input by design and its answer only chooses labels.",
)

SETUP_COPILOT_ACTION = AgentAction(uses="actions/setup-copilot", agent="copilot", installs_only=True)

PYTORCH_CLAUDE_WORKFLOW = AgentAction(
    uses="pytorch/test-infra/.github/workflows/_claude-code.yml",
    agent="claude",
    own_mode_events=frozenset({"issues", "issue_comment"}),
    note="A reusable workflow: it runs claude-code-action on the issue or comment that triggered it.",
)

OPENHANDS_ACTION = AgentAction(
    uses="all-hands-ai/openhands/.github/workflows/openhands-resolver.yml",
    agent="openhands",
    own_mode_events=frozenset({"issues", "issue_comment", "pull_request_review", "pull_request_review_comment"}),
    credential_inputs=("LLM_API_KEY",),
    writes_github=True,
    note="A reusable workflow: it reads the labelled issue or the `@openhands-agent` comment itself.",
)

MODEL_CREDENTIALS: tuple[str, ...] = (
    "ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_AUTH_TOKEN",
    "OPENAI_API_KEY", "CODEX_API_KEY", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_KEY",
    "GEMINI_API_KEY", "GOOGLE_GENERATIVE_AI_API_KEY", "VERTEX_API_KEY",
    "COPILOT_GITHUB_TOKEN", "GH_COPILOT_TOKEN",
    "MISTRAL_API_KEY", "GROQ_API_KEY", "OPENROUTER_API_KEY", "DEEPSEEK_API_KEY", "COHERE_API_KEY",
    "CO_API_KEY", "TOGETHER_API_KEY", "TOGETHERAI_API_KEY", "XAI_API_KEY", "PERPLEXITY_API_KEY",
    "PPLX_API_KEY", "FIREWORKS_API_KEY", "CEREBRAS_API_KEY", "ZHIPU_API_KEY", "MOONSHOT_API_KEY",
    "DASHSCOPE_API_KEY", "AMP_API_KEY", "CURSOR_API_KEY", "OPENCODE_API_KEY", "LLM_API_KEY",
)
"""Environment variable names that hold a model API credential (exact names)."""

MODEL_ENDPOINTS: tuple[str, ...] = (
    "api.anthropic.com", "api.openai.com", "*.openai.azure.com", "*.services.ai.azure.com",
    "generativelanguage.googleapis.com", "aiplatform.googleapis.com", "*-aiplatform.googleapis.com",
    "models.github.ai", "models.inference.ai.azure.com", "api.githubcopilot.com",
    "bedrock-runtime.*.amazonaws.com", "api.mistral.ai", "api.groq.com", "openrouter.ai", "api.deepseek.com",
    "api.cohere.ai", "api.cohere.com", "api.together.xyz", "api.together.ai", "api.x.ai", "api.perplexity.ai",
    "api.fireworks.ai", "api.cerebras.ai", "router.huggingface.co", "api-inference.huggingface.co",
    "open.bigmodel.cn", "api.moonshot.ai", "dashscope.aliyuncs.com", "ampcode.com", "api.opencode.ai",
)
"""Host globs of model APIs: a ``curl`` to one of them is a direct model call."""

BUILTIN_AGENTS: tuple[Agent, ...] = (
    Agent("claude", "Claude Code", clis=(CLAUDE_CLI,),
          actions=(CLAUDE_CODE_ACTION, CLAUDE_CODE_BASE_ACTION, PYTORCH_CLAUDE_WORKFLOW),
          images=("ghcr.io/anthropics/claude-code*", "anthropics/claude-code*"),
          credentials=("ANTHROPIC_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_AUTH_TOKEN"),
          endpoints=("api.anthropic.com",)),
    Agent("codex", "OpenAI Codex", clis=(CODEX_CLI,), actions=(CODEX_ACTION,),
          credentials=("OPENAI_API_KEY", "CODEX_API_KEY", "AZURE_OPENAI_API_KEY"),
          endpoints=("api.openai.com", "*.openai.azure.com")),
    Agent("gemini", "Gemini CLI", clis=(GEMINI_CLI,), actions=(GEMINI_ACTION,),
          images=("us-docker.pkg.dev/gemini-code-dev/gemini-cli/sandbox",),
          credentials=("GEMINI_API_KEY",),
          endpoints=("generativelanguage.googleapis.com", "*-aiplatform.googleapis.com")),
    Agent("copilot", "GitHub Copilot CLI", clis=(COPILOT_CLI,), actions=(SETUP_COPILOT_ACTION,),
          credentials=("COPILOT_GITHUB_TOKEN",), endpoints=("api.githubcopilot.com",)),
    Agent("github-models", "GitHub Models (inference)",
          actions=(AI_INFERENCE_ACTION, AI_MODERATOR_ACTION, AI_LABELER_ACTION),
          endpoints=("models.github.ai", "models.inference.ai.azure.com")),
    Agent("aider", "Aider", clis=(AIDER_CLI,), images=("paulgauthier/aider", "paulgauthier/aider-full")),
    Agent("opencode", "opencode", clis=(OPENCODE_CLI,), actions=OPENCODE_ACTIONS,
          credentials=("OPENCODE_API_KEY",), endpoints=("api.opencode.ai",)),
    Agent("goose", "goose", clis=(GOOSE_CLI,), images=("ghcr.io/block/goose*",)),
    Agent("cursor-agent", "Cursor CLI", clis=(CURSOR_CLI,), credentials=("CURSOR_API_KEY",)),
    Agent("amp", "Amp", clis=(AMP_CLI,), credentials=("AMP_API_KEY",), endpoints=("ampcode.com",)),
    Agent("llm", "llm (model calls from the shell)", clis=(LLM_CLI,)),
    Agent("openhands", "OpenHands", clis=(OPENHANDS_CLI,), actions=(OPENHANDS_ACTION,),
          images=("docker.all-hands.dev/*/openhands*", "ghcr.io/all-hands-ai/openhands*",
                  "docker.openhands.dev/*/openhands*", "allhandsai/openhands*"),
          credentials=("LLM_API_KEY",)),
    Agent("cagent", "Docker cagent", clis=(CAGENT_CLI,), actions=CAGENT_ACTIONS, images=("docker/cagent*",)),
    Agent("github-mcp-server", "GitHub MCP server", clis=(GITHUB_MCP_CLI,),
          images=("ghcr.io/github/github-mcp-server",), mcp_server=True),
    Agent("mcp-server", "MCP servers",
          clis=(AgentCli(name="mcp-server", commands=(), npm=("@modelcontextprotocol/server-*",),
                         pypi=("mcp-server-*",), prompt_positional=False, prompt_stdin=False),),
          images=("mcp/*", "docker.io/mcp/*", "ghcr.io/modelcontextprotocol/*"), mcp_server=True),
)

# Commands that run whatever their arguments say: a tool grant of ``Bash(echo:*)``
# style on one of them reaches a subshell.
SHELL_ESCAPE_COMMANDS: frozenset[str] = frozenset({
    "echo", "printf", "eval", "exec", "bash", "sh", "zsh", "dash", "env", "xargs", "find", "awk", "sed", "perl",
    "python", "python3", "node", "npx", "bunx", "ruby", "make", "timeout", "nohup", "sudo", "time", "watch",
    "command", "builtin", "source", ".", "nice", "script", "tee", "cat",
})

# Command prefixes whose targets a pattern cannot bound: ``Bash(git push:*)``
# pushes anywhere, ``Bash(gh api:*)`` calls any endpoint.
UNBOUNDED_COMMANDS: tuple[str, ...] = (
    "git", "git push", "git remote", "git config", "gh", "gh api", "gh pr", "gh issue", "gh repo", "gh release",
    "gh workflow", "gh secret", "gh variable", "gh gist", "gh run", "gh auth", "gh label", "curl", "wget",
    "npm", "npm publish", "docker", "ssh", "scp",
)


# --- the inventory object ----------------------------------------------------


def _norm_uses(uses: str) -> str:
    return uses.split("@", 1)[0].strip().strip("'\"").rstrip("/").lower()


def _norm_package(spec: str) -> str:
    """``@scope/name@1.2`` -> ``@scope/name``; ``aider-chat[x]==1.0`` -> ``aider-chat``."""
    s = spec.strip().strip("'\"")
    if s.startswith("@"):
        scope, _, rest = s[1:].partition("/")
        return "@" + scope.lower() + "/" + re.split(r"@", rest, maxsplit=1)[0].lower()
    return re.split(r"[@=<>!~\[;\s]", s, maxsplit=1)[0].lower()


def _norm_image(image: str) -> str:
    """Image name without tag or digest; Docker Hub's ``docker.io/`` and ``library/`` removed."""
    name = image.strip().strip("'\"").split("@", 1)[0]
    last = name.rsplit("/", 1)
    if ":" in last[-1]:
        name = name[: len(name) - len(last[-1])] + last[-1].split(":", 1)[0]
    name = name.lower()
    for prefix in ("docker.io/", "index.docker.io/", "registry-1.docker.io/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
    if name.startswith("library/"):
        name = name[len("library/"):]
    return name


def _host_of(url: str) -> str:
    text = url.strip().strip("'\"")
    m = re.match(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://)?(?:[^@/\s]*@)?(?P<host>\[[^\]]+\]|[^/:\s?#]+)", text)
    return m.group("host").lower() if m else ""


@dataclass(frozen=True, slots=True)
class Inventory:
    """The agents known to a run: the built-in table plus the configuration's additions."""

    agents: tuple[Agent, ...]
    credentials: tuple[str, ...] = MODEL_CREDENTIALS
    endpoints: tuple[str, ...] = MODEL_ENDPOINTS
    _actions: Mapping[str, AgentAction] = field(default_factory=dict, repr=False, compare=False)
    _commands: Mapping[str, AgentCli] = field(default_factory=dict, repr=False, compare=False)

    @staticmethod
    def build(agents: Iterable[Agent], credentials: Iterable[str] = MODEL_CREDENTIALS,
              endpoints: Iterable[str] = MODEL_ENDPOINTS) -> Inventory:
        agents = tuple(agents)
        actions: dict[str, AgentAction] = {}
        commands: dict[str, AgentCli] = {}
        for agent in agents:
            for action in agent.actions:
                actions[_norm_uses(action.uses)] = action
            for cli in agent.clis:
                for word in cli.commands:
                    commands[word] = cli
        creds = tuple(dict.fromkeys((*credentials, *(c for a in agents for c in a.credentials))))
        hosts = tuple(dict.fromkeys((*endpoints, *(e for a in agents for e in a.endpoints))))
        return Inventory(agents, creds, hosts, actions, commands)

    # lookups -----------------------------------------------------------------

    def agent(self, name: str) -> Agent | None:
        return next((a for a in self.agents if a.name == name), None)

    def action(self, uses: str) -> AgentAction | None:
        """The known agent action a ``uses:`` value names (the part before ``@``), if any."""
        return self._actions.get(_norm_uses(uses))

    def cli_for_command(self, word: str) -> AgentCli | None:
        """The agent program a command word starts (``claude``, ``/usr/local/bin/codex``)."""
        base = word.rsplit("/", 1)[-1]
        return self._commands.get(base)

    def command_words(self) -> Iterable[str]:
        """Every command word that starts an agent program."""
        return self._commands.keys()

    def cli_for_package(self, spec: str, ecosystem: str | None = None) -> AgentCli | None:
        """The agent program an ``npx``/``uvx``/``pipx run`` package spec starts."""
        name = _norm_package(spec)
        if not name:
            return None
        for agent in self.agents:
            for cli in agent.clis:
                pools = {"npm": cli.npm, "pypi": cli.pypi}.get(ecosystem or "", (*cli.npm, *cli.pypi))
                if any(fnmatch.fnmatchcase(name, p.lower()) for p in pools):
                    return cli
        return None

    def cli_for_module(self, module: str) -> AgentCli | None:
        for agent in self.agents:
            for cli in agent.clis:
                if module in cli.modules:
                    return cli
        return None

    def agent_of_cli(self, cli: AgentCli) -> Agent | None:
        return next((a for a in self.agents if cli in a.clis), None)

    def agent_for_image(self, image: str) -> Agent | None:
        """The agent an image ships (``ghcr.io/github/github-mcp-server:v1`` -> the GitHub MCP server)."""
        name = _norm_image(image)
        if not name:
            return None
        for agent in self.agents:
            for pattern in agent.images:
                if fnmatch.fnmatchcase(name, _norm_image(pattern) if "*" not in pattern else pattern.lower()):
                    return agent
        return None

    def is_model_endpoint(self, url: str) -> bool:
        """Whether a URL (or host) is a model API (``https://api.anthropic.com/v1/messages``)."""
        host = _host_of(url)
        return bool(host) and any(fnmatch.fnmatchcase(host, p.lower()) for p in self.endpoints)

    def is_model_credential(self, name: str) -> bool:
        return name.upper() in self.credentials

    def all_actions(self) -> tuple[AgentAction, ...]:
        return tuple(self._actions.values())

    def all_clis(self) -> tuple[AgentCli, ...]:
        return tuple(c for a in self.agents for c in a.clis)


@cache
def builtin_inventory() -> Inventory:
    return Inventory.build(BUILTIN_AGENTS)


# --- configuration -----------------------------------------------------------

_ACTION_KEYS = {
    "prompt-inputs": "prompt_inputs", "prompt-file-inputs": "prompt_file_inputs", "args-inputs": "args_inputs",
    "tool-inputs": "tool_inputs", "settings-inputs": "settings_inputs", "mcp-inputs": "mcp_inputs",
    "allow-user-inputs": "allow_user_inputs", "allow-bot-inputs": "allow_bot_inputs",
    "credential-inputs": "credential_inputs", "token-inputs": "token_inputs", "outputs": "outputs",
}
_CLI_KEYS = {
    "commands": "commands", "npm": "npm", "pypi": "pypi", "run-subcommands": "run_subcommands",
    "idle-subcommands": "idle_subcommands", "prompt-flags": "prompt_flags", "prompt-file-flags": "prompt_file_flags",
    "tool-flags": "tool_flags", "settings-flags": "settings_flags", "mcp-flags": "mcp_flags",
    "value-flags": "value_flags",
}


def _strs(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _switches(items: Any) -> tuple[Switch, ...]:
    out: list[Switch] = []
    for item in items or ():
        out.append(Switch(str(item["key"]), _strs(item.get("values")), str(item.get("severity", "error")),
                          str(item.get("reason", "turns the agent's own safety off"))))
    return tuple(out)


def _config_action(item: Mapping[str, Any], base: AgentAction | None) -> AgentAction:
    kwargs: dict[str, Any] = {}
    for key, attr in _ACTION_KEYS.items():
        if key in item:
            kwargs[attr] = _strs(item[key])
    if "own-mode-on" in item:
        kwargs["own_mode_events"] = frozenset(_strs(item["own-mode-on"]))
    if "inference-only" in item:
        kwargs["inference_only"] = bool(item["inference-only"])
    if "switches" in item:
        kwargs["switches"] = _switches(item["switches"])
    if base is not None:
        return replace(base, **kwargs)
    return AgentAction(uses=str(item["uses"]), agent=str(item.get("agent") or item["uses"]), **kwargs)


def _config_cli(item: Mapping[str, Any], base: AgentCli | None) -> AgentCli:
    kwargs: dict[str, Any] = {}
    for key, attr in _CLI_KEYS.items():
        if key in item:
            kwargs[attr] = _strs(item[key])
    if "inference-only" in item:
        kwargs["inference_only"] = bool(item["inference-only"])
    if "switches" in item:
        kwargs["switches"] = _switches(item["switches"])
    if base is not None:
        return replace(base, **kwargs)
    kwargs.setdefault("commands", (str(item["name"]),))
    return AgentCli(name=str(item["name"]), **kwargs)


def inventory_from_config(section: Mapping[str, Any] | None) -> Inventory:
    """The built-in inventory extended by the configuration's ``agents:`` section.

    The section was validated against ``schemas/config.schema.json``. An
    action or program with a known ``uses``/``name`` changes that entry (the
    keys given replace the built-in values); a new one is added, under the
    agent its ``agent`` key names (a new agent when none matches). ``images``,
    ``endpoints`` and ``credentials`` add to the built-in lists.
    """
    base = builtin_inventory()
    if not section:
        return base
    agents: dict[str, Agent] = {a.name: a for a in base.agents}

    def put(agent_name: str, action: AgentAction | None = None, cli: AgentCli | None = None,
            images: tuple[str, ...] = ()) -> None:
        agent = agents.get(agent_name) or Agent(agent_name, agent_name)
        actions = agent.actions
        clis = agent.clis
        if action is not None:
            actions = (*(a for a in actions if _norm_uses(a.uses) != _norm_uses(action.uses)), action)
        if cli is not None:
            clis = (*(c for c in clis if c.name != cli.name), cli)
        agents[agent_name] = replace(agent, actions=actions, clis=clis, images=(*agent.images, *images))

    for item in section.get("actions") or ():
        known = base.action(str(item["uses"]))
        action = _config_action(item, known)
        put(str(item.get("agent") or (known.agent if known else item["uses"])), action=action)
    for item in section.get("clis") or ():
        known_cli = next((c for c in base.all_clis() if c.name == str(item["name"])), None)
        cli = _config_cli(item, known_cli)
        owner = base.agent_of_cli(known_cli) if known_cli is not None else None
        put(str(item.get("agent") or (owner.name if owner else item["name"])), cli=cli)
    images = _strs(section.get("images"))
    if images:
        put("configured", images=images)
    return Inventory.build(
        agents.values(),
        credentials=(*base.credentials, *(c.upper() for c in _strs(section.get("credentials")))),
        endpoints=(*base.endpoints, *_strs(section.get("endpoints"))),
    )
