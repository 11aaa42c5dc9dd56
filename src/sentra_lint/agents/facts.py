"""What detection finds, as plain records other models can hold.

Kept free of imports beyond :mod:`sentra_lint.source` so the container
model (:class:`~sentra_lint.container.spec.ContainerSpec`) can carry a
launch's role without importing the detection code.
"""

from __future__ import annotations

from typing import Literal

from sentra_lint._dataclass import dataclass
from sentra_lint.source import Span

__all__ = ["ROLES", "Evidence", "EvidenceKind", "Role"]

Role = Literal["agent", "service", "dev", "other"]
ROLES: tuple[Role, ...] = ("agent", "service", "dev", "other")

EvidenceKind = Literal[
    "action",
    "cli",
    "model-api",
    "image",
    "entrypoint",
    "command",
    "credential",
    "agent-step",
    "mcp-server",
]


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason to say that something runs an AI agent.

    For ``agent-step`` (a job container whose job has an agent step),
    ``text`` is the step's own reason (``runs `claude```).

    ``agent`` is the inventory's name for it (``claude``, ``codex``,
    ``github-mcp-server``...); ``text`` is what was matched, as written
    (``anthropics/claude-code-action``, ``npx @anthropic-ai/claude-code``,
    ``api.openai.com``, ``ANTHROPIC_API_KEY``); ``span`` and ``path`` say
    where (a repository script a step runs is another file than the
    workflow). ``inference_only`` marks a model call that cannot act (a
    ``curl`` to a model endpoint, ``actions/ai-inference`` without MCP).
    """

    kind: EvidenceKind
    agent: str
    text: str
    span: Span
    path: str
    inference_only: bool = False
    via: str | None = None
    """How the step reaches it when not directly: the repository script (``scripts/review.sh``)."""

    def describe(self) -> str:
        """A short reason for messages: ``runs `claude```, ``uses `openai/codex-action```."""
        where = f" (in `{self.via}`)" if self.via else ""
        if self.kind == "action":
            return f"uses `{self.text}`{where}"
        if self.kind == "model-api":
            return f"calls the model API `{self.text}`{where}"
        if self.kind == "image":
            return f"image `{self.text}` is {_article(self.agent)}"
        if self.kind == "credential":
            return f"receives `{self.text}`"
        if self.kind == "agent-step":
            return self.text
        if self.kind == "mcp-server":
            return "runs an MCP server"
        return f"runs `{self.text}`{where}"


def _article(agent: str) -> str:
    if "mcp" in agent:
        return "an MCP server"
    return f"the `{agent}` agent"
