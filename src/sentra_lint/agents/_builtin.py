"""The agents detection knows by default: actions, command words, packages, images, endpoints.

Each entry maps what is written to the agent's name. Matching rules are in
:mod:`sentra_lint.agents.detect`.
"""

from __future__ import annotations

# `uses:` before `@` (a prefix match also takes sub-paths: `owner/repo/sub`).
ACTIONS: dict[str, str] = {
    "anthropics/claude-code-action": "claude",
    "anthropics/claude-code-base-action": "claude",
    "google-github-actions/run-gemini-cli": "gemini",
    "google-gemini/gemini-cli-action": "gemini",
    "openai/codex-action": "codex",
    "actions/ai-inference": "ai-inference",
    "sst/opencode/github": "opencode",
    "docker/docker-agent-action": "docker-agent",
}
# Actions that only call a model (no tools of their own unless MCP is configured).
INFERENCE_ONLY_ACTIONS = frozenset(["actions/ai-inference"])

# Command words that run an agent.
CLIS: dict[str, str] = {
    "claude": "claude",
    "codex": "codex",
    "gemini": "gemini",
    "copilot": "copilot",
    "aider": "aider",
    "opencode": "opencode",
    "goose": "goose",
    "cursor-agent": "cursor-agent",
    "amp": "amp",
    "llm": "llm",
    "openhands": "openhands",
    "crush": "crush",
    "qwen": "qwen",
}
# Subcommands that configure rather than run (`claude mcp add`, `codex login`).
NOT_RUNS: dict[str, frozenset[str]] = {
    "claude": frozenset(["mcp", "config", "install", "update", "doctor", "migrate-installer", "setup-token"]),
    "codex": frozenset(["login", "logout", "mcp", "completion", "apply"]),
    "gemini": frozenset(["extensions", "mcp"]),
    "goose": frozenset(["configure", "info", "version", "update"]),
    "llm": frozenset(["install", "uninstall", "keys", "models", "plugins", "logs", "templates", "aliases"]),
    "opencode": frozenset(["auth", "models", "upgrade"]),
}
# A command word that also names an unrelated tool: it runs the agent only with one of these first arguments.
ONLY_WITH: dict[str, frozenset[str]] = {
    # pressly/goose (database migrations) has `up`, `down`, `status`...; Block's goose runs with these.
    "goose": frozenset(["run", "session", "web", "recipe"]),
}
# AWS Copilot's subcommands: `copilot svc deploy` is not GitHub's Copilot CLI.
AWS_COPILOT = frozenset(
    ["app", "env", "svc", "job", "pipeline", "init", "deploy", "storage", "task", "run", "secret", "docs"]
)

# Packages the npx/bunx/pnpm dlx/yarn dlx/npm exec and pipx run/uvx wrappers run.
PACKAGES: dict[str, str] = {
    "@anthropic-ai/claude-code": "claude",
    "@openai/codex": "codex",
    "@google/gemini-cli": "gemini",
    "@github/copilot": "copilot",
    "opencode-ai": "opencode",
    "@sourcegraph/amp": "amp",
    "aider-chat": "aider",
    "aider": "aider",
    "llm": "llm",
    "openhands-ai": "openhands",
    "openhands": "openhands",
    "@charmland/crush": "crush",
    "@qwen-code/qwen-code": "qwen",
    "@github/github-mcp-server": "github-mcp-server",
    "@playwright/mcp": "playwright-mcp",
}
# Package name prefixes (MCP servers).
PACKAGE_PREFIXES: dict[str, str] = {
    "@modelcontextprotocol/server-": "mcp-server",
}

# Image names (registry/path, no tag): exact names, and words of the last path part.
IMAGES: dict[str, str] = {
    "ghcr.io/github/github-mcp-server": "github-mcp-server",
    "docker.all-hands.dev/all-hands-ai/openhands": "openhands",
    "docker.all-hands.dev/openhands/openhands": "openhands",
    "paulgauthier/aider": "aider",
    "paulgauthier/aider-full": "aider",
}
# Image registry/path prefixes whose images are MCP servers (Docker's catalogue).
IMAGE_PREFIXES: dict[str, str] = {
    "mcp/": "mcp-server",
    "docker.io/mcp/": "mcp-server",
}
# Words of an image name's last path part that name an agent (`claude-code`, `acme/codex-runner`).
# Generic words (`goose`, `llm`, `amp`, `copilot`) are left out: they name other tools too.
IMAGE_WORDS: dict[str, str] = {
    "claude": "claude",
    "codex": "codex",
    "gemini-cli": "gemini",
    "aider": "aider",
    "opencode": "opencode",
    "openhands": "openhands",
    "cursor-agent": "cursor-agent",
    "mcp": "mcp-server",
}

# Hosts of model APIs (suffix match on the host).
MODEL_ENDPOINTS: dict[str, str] = {
    "api.anthropic.com": "anthropic-api",
    "api.openai.com": "openai-api",
    "openai.azure.com": "azure-openai-api",
    "generativelanguage.googleapis.com": "gemini-api",
    "aiplatform.googleapis.com": "vertex-ai-api",
    "models.github.ai": "github-models-api",
    "models.inference.ai.azure.com": "github-models-api",
    "openrouter.ai": "openrouter-api",
    "api.mistral.ai": "mistral-api",
    "api.groq.com": "groq-api",
    "api.deepseek.com": "deepseek-api",
    "api.together.xyz": "together-api",
    "api.cohere.ai": "cohere-api",
    "api.cohere.com": "cohere-api",
    "api.x.ai": "xai-api",
}

# Environment variables that hold a model API credential.
MODEL_CREDENTIALS: frozenset[str] = frozenset(
    [
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "CLAUDE_CODE_OAUTH_TOKEN",
        "OPENAI_API_KEY",
        "AZURE_OPENAI_API_KEY",
        "GEMINI_API_KEY",
        "GOOGLE_GENERATIVE_AI_API_KEY",
        "OPENROUTER_API_KEY",
        "MISTRAL_API_KEY",
        "GROQ_API_KEY",
        "DEEPSEEK_API_KEY",
        "XAI_API_KEY",
        "COHERE_API_KEY",
        "TOGETHER_API_KEY",
        "CODEX_API_KEY",
    ]
)
