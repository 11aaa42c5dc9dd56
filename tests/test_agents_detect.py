"""Agent detection: steps that run an agent, and the role of every container launch."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentra_lint.agents.detect import agent_steps, argv_agent, image_agent, model_endpoint
from sentra_lint.analysis import analyse
from sentra_lint.container.spec import ContainerSpec
from sentra_lint.source import Kind, SourceFile


def _analyse(text: str, kind: Kind = Kind.WORKFLOW, path: str = "wf.yml") -> tuple[object, list[ContainerSpec]]:
    a = analyse(SourceFile(path=path, text=text), kind)
    model = next((t for n, t in a.targets if n in ("workflow", "compose", "devcontainer")), None)
    return model, [t for n, t in a.targets if n == "container"]


def _steps(run: str) -> list[tuple[str, str, str]]:
    body = "\n".join("          " + line for line in run.splitlines())
    text = f"on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n{body}\n"
    wf, _ = _analyse(text)
    return [(e.kind, e.agent, e.text) for s in agent_steps(wf) for e in s.evidence]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("argv", "agent", "shown"),
    [
        (["claude", "-p", "review"], "claude", "claude"),
        (["/usr/local/bin/codex", "exec", "x"], "codex", "codex"),
        (["npx", "-y", "@anthropic-ai/claude-code@1.0.3", "-p", "x"], "claude", "npx -y @anthropic-ai/claude-code@1.0.3"),
        (["bunx", "@google/gemini-cli", "--yolo"], "gemini", "bunx @google/gemini-cli"),
        (["pnpm", "dlx", "@openai/codex", "exec", "x"], "codex", "pnpm dlx @openai/codex"),
        (["npm", "exec", "--", "@github/copilot", "-p", "x"], "copilot", "npm exec -- @github/copilot"),
        (["npx", "-p", "@anthropic-ai/claude-code", "claude", "-p", "x"], "claude", "npx -p @anthropic-ai/claude-code claude"),
        (["pipx", "run", "aider-chat", "--yes-always"], "aider", "pipx run aider-chat"),
        (["uvx", "--from", "aider-chat", "aider", "--message", "x"], "aider", "uvx --from aider-chat aider"),
        (["uv", "tool", "run", "llm", "hello"], "llm", "uv tool run llm"),
        (["python", "-m", "openhands.core.main", "-t", "x"], "openhands", "python -m openhands.core.main"),
        (["timeout", "600", "claude", "-p", "x"], "claude", "claude"),
        (["goose", "run", "-t", "x"], "goose", "goose"),
        (["copilot", "-p", "x", "--allow-all-tools"], "copilot", "copilot"),
    ],
)
def test_argv_runs_an_agent(argv: list[str], agent: str, shown: str) -> None:
    found = argv_agent(argv)
    assert found is not None and found.agent == agent and found.text == shown


@pytest.mark.parametrize(
    "argv",
    [
        ["claude", "--version"],
        ["codex", "--help"],
        ["claude", "mcp", "add", "github"],
        ["codex", "login", "--api-key", "x"],
        ["gemini", "extensions", "install", "x"],
        ["npm", "install", "-g", "@anthropic-ai/claude-code"],
        ["pip", "install", "aider-chat"],
        ["npx", "-y", "prettier", "--check", "."],
        ["goose", "-dir", "migrations", "postgres", "dsn", "up"],
        ["goose", "up"],
        ["copilot", "svc", "deploy"],
        ["echo", "claude"],
        ["which", "claude"],
        ["claudette"],
    ],
)
def test_argv_is_not_an_agent_run(argv: list[str]) -> None:
    assert argv_agent(argv) is None


def test_run_script_evidence_and_spans() -> None:
    found = _steps(
        'npm install -g @anthropic-ai/claude-code\nclaude --version\nwhich claude\ncommand -v claude\n'
        'echo "claude -p x"\nclaude -p "review this" --allowedTools Bash\n'
    )
    assert found == [("cli", "claude", "claude")]


def test_curl_to_model_endpoint_is_inference_only() -> None:
    text = (
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: curl -s https://api.anthropic.com/v1/messages -d @body.json\n"
        "      - run: curl -s https://example.com/api\n"
    )
    wf, _ = _analyse(text)
    steps = agent_steps(wf)  # type: ignore[arg-type]
    assert len(steps) == 1 and steps[0].inference_only
    e = steps[0].primary
    assert (e.kind, e.agent, e.span.line, e.span.column) == ("model-api", "anthropic-api", 6, 22)


def test_known_actions_by_prefix() -> None:
    text = (
        "on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: anthropics/claude-code-action@v1\n"
        "      - uses: anthropics/claude-code-base-action@beta\n"
        "      - uses: google-github-actions/run-gemini-cli@v0\n"
        "      - uses: openai/codex-action@main\n"
        "      - uses: actions/ai-inference@v1\n"
        "      - uses: actions/checkout@v4\n"
        "      - uses: anthropics/claude-code-actionx@v1\n"
    )
    wf, _ = _analyse(text)
    found = [(s.primary.agent, s.primary.text, s.inference_only) for s in agent_steps(wf)]  # type: ignore[arg-type]
    assert found == [
        ("claude", "anthropics/claude-code-action", False),
        ("claude", "anthropics/claude-code-base-action", False),
        ("gemini", "google-github-actions/run-gemini-cli", False),
        ("codex", "openai/codex-action", False),
        ("ai-inference", "actions/ai-inference", True),
    ]
    assert agent_steps(wf)[0].primary.span.column == 15  # type: ignore[arg-type]


def test_repository_script_a_step_runs(tmp_path: Path) -> None:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "review.sh").write_text("#!/bin/sh\nset -e\ncodex exec --full-auto \"$1\"\n")
    wf_path = tmp_path / ".github" / "workflows" / "r.yml"
    text = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./scripts/review.sh hi\n"
    wf_path.write_text(text)
    wf, _ = _analyse(text, path=str(wf_path))
    (step,) = agent_steps(wf)  # type: ignore[arg-type]
    e = step.primary
    assert (e.kind, e.agent, e.span.line, e.path.endswith("scripts/review.sh")) == ("cli", "codex", 3, True)
    assert e.via is not None and "in `" in e.describe()


def test_roles_of_workflow_launches() -> None:
    text = """\
on: issues
jobs:
  agent:
    runs-on: ubuntu-latest
    container: node:20
    steps:
      - run: npx -y @anthropic-ai/claude-code -p "triage"
  test:
    runs-on: ubuntu-latest
    container: node:20
    services:
      db:
        image: postgres:16
    steps:
      - run: npm test
      - run: docker run --rm -e OPENAI_API_KEY acme/tool:1
      - run: docker run --rm ghcr.io/github/github-mcp-server:v1 stdio
      - run: docker run --rm alpine:3 echo claude
"""
    _, specs = _analyse(text)
    roles = [(s.label, s.role, tuple(e.kind for e in s.evidence)) for s in specs]
    assert roles == [
        ("job 'agent' container", "agent", ("agent-step",)),
        ("job 'test' container", "other", ()),
        ("service 'db' of job 'test'", "service", ()),
        ("docker run in job 'test', step 'step 2'", "agent", ("credential",)),
        ("docker run in job 'test', step 'step 3'", "agent", ("image",)),
        ("docker run in job 'test', step 'step 4'", "other", ()),
    ]
    assert specs[0].evidence[0].describe() == "runs `npx -y @anthropic-ai/claude-code`"


def test_roles_of_compose_services() -> None:
    text = """\
services:
  db:
    image: postgres:16
  web:
    build: .
    environment:
      DATABASE_URL: postgres://db/app
  agent:
    image: node:22
    entrypoint: ["npx", "-y", "@google/gemini-cli"]
  mcp:
    image: mcp/fetch
  bot:
    image: python:3.12
    environment:
      - ANTHROPIC_API_KEY
"""
    _, specs = _analyse(text, Kind.COMPOSE, "compose.yml")
    assert [(s.label.split("'")[1], s.role) for s in specs] == [
        ("db", "other"),
        ("web", "other"),
        ("agent", "agent"),
        ("mcp", "agent"),
        ("bot", "agent"),
    ]
    assert specs[2].evidence[0].describe() == "runs `npx -y @google/gemini-cli`"


@pytest.mark.parametrize(
    ("name", "agent"),
    [
        ("ghcr.io/github/github-mcp-server", "github-mcp-server"),
        ("mcp/fetch", "mcp-server"),
        ("acme/claude-code", "claude"),
        ("docker.all-hands.dev/all-hands-ai/openhands", "openhands"),
        ("postgres", None),
        ("ghcr.io/kukymbr/goose-docker", None),
        ("acme/claudette", None),
    ],
)
def test_image_agent(name: str, agent: str | None) -> None:
    assert image_agent(name) == agent


@pytest.mark.parametrize(
    ("url", "api"),
    [
        ("https://api.openai.com/v1/responses", "openai-api"),
        ("https://acme.openai.azure.com/openai/deployments/x", "azure-openai-api"),
        ("https://generativelanguage.googleapis.com/v1beta/models", "gemini-api"),
        ("https://models.github.ai/inference/chat/completions", "github-models-api"),
        ("https://example.com/api.openai.com", None),
        ("https://api.openai.com.evil.example/x", None),
    ],
)
def test_model_endpoint(url: str, api: str | None) -> None:
    assert model_endpoint(url) == api
