"""The agent inventory: lookups, the configuration's additions, and its generated page."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from sentra_lint.agents.inventory import builtin_inventory, inventory_from_config
from sentra_lint.config import ConfigError, load_config

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "workflows"


@pytest.mark.parametrize(
    ("uses", "agent"),
    [
        ("anthropics/claude-code-action@v1", "claude"),
        ("Anthropics/Claude-Code-Action@abc", "claude"),
        ("anthropics/claude-code-base-action@beta", "claude"),
        ("google-github-actions/run-gemini-cli@v0", "gemini"),
        ("openai/codex-action@v1", "codex"),
        ("actions/ai-inference@v2", "github-models"),
        ("sst/opencode/github@latest", "opencode"),
        ("anomalyco/opencode/github@2c14fc5", "opencode"),
    ],
)
def test_actions_by_uses(uses: str, agent: str) -> None:
    action = builtin_inventory().action(uses)
    assert action is not None and action.agent == agent


@pytest.mark.parametrize("uses", ["actions/checkout@v4", "anthropics/claude-code-action-fork@v1",
                                  "anthropics/claude-code-action/.github/workflows/x.yml@main", "./claude"])
def test_other_actions_are_not_agents(uses: str) -> None:
    assert builtin_inventory().action(uses) is None


def test_action_fields_are_read_by_name() -> None:
    inv = builtin_inventory()
    claude = inv.action("anthropics/claude-code-action@v1")
    assert claude is not None
    assert "prompt" in claude.prompt_inputs and "claude_args" in claude.args_inputs
    assert claude.allow_user_inputs == ("allowed_non_write_users",)
    assert "issue_comment" in claude.own_mode_events
    codex = inv.action("openai/codex-action@v1")
    assert codex is not None and codex.allow_user_inputs == ("allow-users",)
    assert any(s.key == "safety-strategy" and s.values == ("unsafe",) for s in codex.switches)
    gemini = inv.action("google-github-actions/run-gemini-cli@v0")
    assert gemini is not None and gemini.implied_flags == ("--yolo",)
    inference = inv.action("actions/ai-inference@v1")
    assert inference is not None and inference.inference_only
    setup = inv.action("actions/setup-copilot@v0")
    assert setup is not None and setup.installs_only


@pytest.mark.parametrize(
    ("word", "cli"),
    [("claude", "claude"), ("/usr/local/bin/claude", "claude"), ("./node_modules/.bin/codex", "codex"),
     ("gemini", "gemini"), ("copilot", "copilot"), ("aider", "aider"), ("opencode", "opencode"),
     ("goose", "goose"), ("cursor-agent", "cursor-agent"), ("amp", "amp"), ("llm", "llm"),
     ("openhands", "openhands")],
)
def test_programs_by_command_word(word: str, cli: str) -> None:
    found = builtin_inventory().cli_for_command(word)
    assert found is not None and found.name == cli


@pytest.mark.parametrize("word", ["claude-review.sh", "git", "python", "gemini.py", "llama"])
def test_other_words_are_not_agents(word: str) -> None:
    assert builtin_inventory().cli_for_command(word) is None


@pytest.mark.parametrize(
    ("spec", "ecosystem", "cli"),
    [("@anthropic-ai/claude-code", "npm", "claude"), ("@anthropic-ai/claude-code@1.0.67", "npm", "claude"),
     ("@openai/codex@latest", None, "codex"), ("@google/gemini-cli", "npm", "gemini"),
     ("@github/copilot", "npm", "copilot"), ("opencode-ai@0.4", "npm", "opencode"),
     ("aider-chat==0.86", "pypi", "aider"), ("aider-chat[playwright]", "pypi", "aider"),
     ("openhands-ai", "pypi", "openhands"), ("llm", "pypi", "llm"),
     ("@modelcontextprotocol/server-github", "npm", "mcp-server")],
)
def test_programs_by_package(spec: str, ecosystem: str | None, cli: str) -> None:
    found = builtin_inventory().cli_for_package(spec, ecosystem)
    assert found is not None and found.name == cli


def test_package_ecosystems_do_not_mix() -> None:
    assert builtin_inventory().cli_for_package("aider-chat", "npm") is None
    assert builtin_inventory().cli_for_package("@anthropic-ai/sdk", "npm") is None


@pytest.mark.parametrize(
    ("image", "agent"),
    [("ghcr.io/github/github-mcp-server", "github-mcp-server"),
     ("ghcr.io/github/github-mcp-server:v0.9@sha256:" + "a" * 64, "github-mcp-server"),
     ("mcp/fetch", "mcp-server"), ("docker.io/mcp/postgres:latest", "mcp-server"),
     ("paulgauthier/aider-full:v0.80", "aider"),
     ("docker.all-hands.dev/all-hands-ai/openhands:0.40", "openhands")],
)
def test_images(image: str, agent: str) -> None:
    found = builtin_inventory().agent_for_image(image)
    assert found is not None and found.name == agent


@pytest.mark.parametrize("image", ["postgres:16", "redis", "ghcr.io/acme/mcp-tools", "python:3.12-slim"])
def test_other_images(image: str) -> None:
    assert builtin_inventory().agent_for_image(image) is None


def test_endpoints_and_credentials() -> None:
    inv = builtin_inventory()
    assert inv.is_model_endpoint("https://api.anthropic.com/v1/messages")
    assert inv.is_model_endpoint("https://acme.openai.azure.com/openai/deployments/x")
    assert inv.is_model_endpoint("bedrock-runtime.us-east-1.amazonaws.com")
    assert inv.is_model_endpoint("https://models.github.ai/inference/chat/completions")
    assert not inv.is_model_endpoint("https://api.github.com/repos/x/y")
    assert not inv.is_model_endpoint("https://evil.example/api.openai.com")
    assert inv.is_model_credential("ANTHROPIC_API_KEY") and inv.is_model_credential("openai_api_key")
    assert not inv.is_model_credential("GITHUB_TOKEN")


def test_config_adds_and_changes_entries() -> None:
    inv = inventory_from_config({
        "actions": [
            {"uses": "acme/ai-review", "agent": "claude", "prompt-inputs": ["instructions"],
             "own-mode-on": ["issue_comment"]},
            {"uses": "openai/codex-action", "allow-user-inputs": ["allow-users", "trusted"]},
        ],
        "clis": [{"name": "acme-agent", "npm": ["@acme/agent"], "prompt-flags": ["--task"],
                  "switches": [{"key": "--no-confirm", "reason": "runs every tool without asking"}]}],
        "images": ["ghcr.io/acme/agent*"],
        "endpoints": ["llm.acme.internal"],
        "credentials": ["ACME_LLM_KEY"],
    })
    review = inv.action("acme/ai-review@v2")
    assert review is not None and review.prompt_inputs == ("instructions",)
    assert review.own_mode_events == frozenset({"issue_comment"})
    codex = inv.action("openai/codex-action@v1")
    assert codex is not None and codex.allow_user_inputs == ("allow-users", "trusted")
    assert codex.prompt_file_inputs == ("prompt-file",)  # unchanged keys keep the built-in values
    acme = inv.cli_for_command("acme-agent")
    assert acme is not None and acme.switches[0].key == "--no-confirm"
    assert inv.cli_for_package("@acme/agent@1", "npm") is acme
    assert inv.agent_for_image("ghcr.io/acme/agent-runner:1") is not None
    assert inv.is_model_endpoint("http://llm.acme.internal:8080/v1")
    assert inv.is_model_credential("ACME_LLM_KEY")
    assert inv.action("anthropics/claude-code-action@v1") is not None  # the built-in table stays
    assert builtin_inventory().action("acme/ai-review") is None  # and is not changed


def test_config_section_is_validated(tmp_path: Path) -> None:
    path = tmp_path / ".sentra-lint.yaml"
    path.write_text("agents:\n  actions:\n    - uses: acme/ai-review\n      prompt-inputs: [instructions]\n"
                    "  credentials: [ACME_LLM_KEY]\n", encoding="utf-8")
    cfg = load_config(path)
    assert cfg.agents["credentials"] == ["ACME_LLM_KEY"]
    path.write_text("agents:\n  actions:\n    - uses: acme/ai-review@v1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r":3: agents\.actions\.0\.uses"):
        load_config(path)
    path.write_text("agents:\n  clis:\n    - name: x\n      promt-flags: [-p]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown key 'promt-flags'"):
        load_config(path)


def test_every_agent_action_of_the_corpus_is_known() -> None:
    """The published agent actions used in the corpus are all in the table."""
    if not CORPUS.is_dir():
        pytest.skip("corpus not present")
    inv = builtin_inventory()
    pattern = re.compile(r"uses:\s*['\"]?((?:anthropics/claude-code[\w-]*|google-github-actions/run-gemini-cli|"
                         r"openai/codex-action|actions/ai-inference|github/ai-moderator)[^@\s'\"]*)@")
    seen = 0
    for path in CORPUS.iterdir():
        for m in pattern.finditer(path.read_text(encoding="utf-8", errors="replace")):
            seen += 1
            assert inv.action(m.group(1)) is not None, (path.name, m.group(1))
    assert seen >= 27


def test_page_is_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("gen_agent_docs", REPO / "scripts" / "gen_agent_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = (REPO / "docs" / "agents.md").read_text(encoding="utf-8")
    assert current == module.render(), "run `python scripts/gen_agent_docs.py` to refresh docs/agents.md"
