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
        (["uv", "tool", "run", "llm", "prompt", "hello"], "llm", "uv tool run llm"),
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
    assert (e.kind, e.agent, e.span.line, e.span.column) == ("model-api", "claude", 6, 22)


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
        ("github-models", "actions/ai-inference", True),
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
        ("https://api.openai.com/v1/responses", "codex"),
        ("https://acme.openai.azure.com/openai/deployments/x", "codex"),
        ("https://generativelanguage.googleapis.com/v1beta/models", "gemini"),
        ("https://models.github.ai/inference/chat/completions", "github-models"),
        ("https://api.x.ai/v1/chat/completions", "model-api"),
        ("https://example.com/api.openai.com", None),
        ("https://api.openai.com.evil.example/x", None),
    ],
)
def test_model_endpoint(url: str, api: str | None) -> None:
    assert model_endpoint(url) == api


MCP_STEP = """\
on: issues
jobs:
  agent:
    runs-on: ubuntu-latest
    steps:
      - name: Setup MCPs
        run: |
          cat > /tmp/mcp.json << 'EOF'
          {
            "mcpServers": {
              "github": {
                "command": "docker",
                "args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/github-mcp-server:v1"],
                "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${{ secrets.GITHUB_TOKEN }}"}
              },
              "gh": {"container": "ghcr.io/github/github-mcp-server:v1", "approval": ${{ steps.x.outputs.y }}},
              "fetch": {"command": "uvx", "args": ["mcp-server-fetch"]}
            }
          }
          EOF
      - uses: anthropics/claude-code-action@v1
        with:
          mcp_config: |
            {"mcpServers": {"t": {"command": "docker", "args": ["run", "--rm", "acme/tool:1"]}}}
"""


def test_mcp_servers_in_workflow_steps_are_agent_launches() -> None:
    _, specs = _analyse(MCP_STEP)
    mcp = [s for s in specs if s.source_kind == "mcp"]
    assert [(s.label, s.role, s.job) for s in mcp] == [
        ("MCP server 'github' in step 'Setup MCPs' of job 'agent'", "agent", "agent"),
        ("MCP server 'gh' in step 'Setup MCPs' of job 'agent'", "agent", "agent"),
        ("MCP server 't' in step 'anthropics/claude-code-action@v1' of job 'agent'", "agent", "agent"),
    ]
    github = mcp[0]
    assert github.image.value is not None and github.image.value.name == "ghcr.io/github/github-mcp-server"
    assert (github.anchor_span.line, github.anchor_span.column) == (12, 28)
    names = {e.name for e in github.env}
    assert names == {"GITHUB_PERSONAL_ACCESS_TOKEN"} and any(e.from_secret for e in github.env)
    assert mcp[1].unknown_options  # the host adds its own flags to a `container:` server


def test_mcp_file_kind(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".mcp.json").write_text(
        '{"mcpServers": {"pg": {"command": "docker", "args": ["run", "-i", "--rm", "-e", "PGPASSWORD", "mcp/postgres"]},\n'
        ' "local": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "."]}}}\n'
    )
    (tmp_path / "mcp.json").write_text('{"mcpServers": {')
    from tests.conftest import run_cli

    res = run_cli("check", ".", "--format", "json", "--fail-on", "never", cwd=tmp_path)
    import json

    found = json.loads(res.out)["findings"]
    assert {(f["path"], f["rule"]) for f in found} >= {(".mcp.json", "SC001"), ("mcp.json", "SE001")}
    assert all("MCP server 'pg'" in f["message"] for f in found if f["rule"] == "SC001")


def test_reusable_workflow_calls_that_run_an_agent() -> None:
    from sentra_lint.agents.detect import agent_calls

    text = (
        "on: issue_comment\njobs:\n"
        "  review:\n    uses: docker/docker-agent-action/.github/workflows/review-pr.yml@v2\n"
        "  claude:\n    uses: pytorch/test-infra/.github/workflows/_claude-code.yml@main\n"
        "  other:\n    uses: acme/ci/.github/workflows/build.yml@v1\n"
    )
    wf, _ = _analyse(text)
    found = [(job.id, e.agent, e.text, e.span.line) for job, e in agent_calls(wf)]  # type: ignore[arg-type]
    assert found == [
        ("review", "cagent", "docker/docker-agent-action/.github/workflows/review-pr.yml", 4),
        ("claude", "claude", "pytorch/test-infra/.github/workflows/_claude-code.yml", 6),
    ]


def test_mcp_heredoc_with_shell_variables_and_a_sandboxed_agent() -> None:
    text = (
        "on: issues\njobs:\n  agent:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: |\n"
        "          cat << EOF | node gateway.cjs\n"
        '          {"mcpServers": {"github": {"container": "ghcr.io/github/github-mcp-server:v1",\n'
        '            "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_MCP_SERVER_TOKEN}"}}},\n'
        '           "gateway": {"port": $MCP_GATEWAY_PORT, "apiKey": "${MCP_GATEWAY_API_KEY}"}}\n'
        "          EOF\n"
        "          sudo -E awf --config x.json -- /bin/bash -c 'export A=1; claude -p \"$(cat prompt.txt)\"'\n"
    )
    wf, specs = _analyse(text)
    assert [s.label for s in specs if s.source_kind == "mcp"] == ["MCP server 'github' in step 'step 1' of job 'agent'"]
    (step,) = agent_steps(wf)  # type: ignore[arg-type]
    assert [(e.kind, e.agent, e.span.line) for e in step.evidence] == [("cli", "claude", 12)]
