"""The Dockerfile model and our own lexer for it.

``parse_dockerfile(src)`` returns a :class:`Dockerfile`; ``run_script(instr)``
gives the shell analysis of a ``RUN`` in file offsets (tree-sitter is loaded
only then, not when this package is imported).
"""

from __future__ import annotations

from sentra_lint.dockerfile.model import (
    DEFAULT_SHELL,
    WINDOWS_SHELL,
    Comment,
    Dockerfile,
    Flag,
    Heredoc,
    Instruction,
    ParseProblem,
    Stage,
)
from sentra_lint.dockerfile.parser import KNOWN_INSTRUCTIONS, parse_dockerfile, substitute
from sentra_lint.dockerfile.script import run_script

__all__ = [
    "DEFAULT_SHELL",
    "KNOWN_INSTRUCTIONS",
    "WINDOWS_SHELL",
    "Comment",
    "Dockerfile",
    "Flag",
    "Heredoc",
    "Instruction",
    "ParseProblem",
    "Stage",
    "parse_dockerfile",
    "run_script",
    "substitute",
]
