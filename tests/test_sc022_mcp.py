"""SC022 on MCP server configurations (``.mcp.json``): the last launch source of the credential proxy rule."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

PROXY = "credential-proxy:\n  socket: /run/credential-proxy.sock\n"


def _mcp(tmp_path: Path, args: list[str]) -> Path:
    (tmp_path / ".sentra-lint.yaml").write_text(PROXY, encoding="utf-8")
    server = {
        "command": "docker",
        "args": ["run", "-i", "--rm", *args, "ghcr.io/github/github-mcp-server"],
    }
    (tmp_path / ".mcp.json").write_text(
        json.dumps({"mcpServers": {"github": server}}, indent=2), encoding="utf-8"
    )
    return tmp_path


def _sc022(tmp_path: Path) -> list[dict[str, object]]:
    res = run_cli(
        "check", ".", "--profile", "phase2", "--select", "SC022", "-f", "json", cwd=tmp_path
    )
    assert res.code in (0, 1), res.out
    return [f for f in json.loads(res.out)["findings"] if f["rule"] == "SC022"]


def test_mcp_server_without_the_proxy_and_with_credentials(tmp_path: Path) -> None:
    found = _sc022(
        _mcp(tmp_path, ["-e", "GITHUB_TOKEN", "-v", "/home/runner/.config/gh:/root/.config/gh"])
    )
    messages = sorted(str(f["message"]) for f in found)
    assert len(found) == 3, messages
    assert any("not mounted" in m for m in messages)
    assert any("GITHUB_TOKEN" in m for m in messages)
    assert any(".config/gh" in m for m in messages)
    token = next(f for f in found if "GITHUB_TOKEN" in str(f["message"]))
    # the span is the -e value itself, on the args line
    assert token["end_column"] - token["column"] == len('"GITHUB_TOKEN"')


def test_mcp_server_with_the_proxy_socket_read_only_is_clean(tmp_path: Path) -> None:
    mount = "/run/credential-proxy.sock:/run/credential-proxy.sock:ro"
    assert _sc022(_mcp(tmp_path, ["-v", mount])) == []
