"""Shell analysis of ``RUN`` instructions and workflow ``run:`` scripts.

``parse_shell(script, base)`` gives every simple command of a script (nested
ones included) with words and character offsets. tree-sitter is imported on
first use, not when this package is imported.
"""

from __future__ import annotations

from sentra_lint.shell.model import Command, HeredocText, Redirect, ShellScript, Word
from sentra_lint.shell.parser import (
    SHELLS,
    parse_argv,
    parse_fallback,
    parse_mapped,
    parse_shell,
)
from sentra_lint.shell.quoting import split_words, unquote
from sentra_lint.shell.wrappers import WRAPPERS, unwrap

__all__ = [
    "SHELLS",
    "WRAPPERS",
    "Command",
    "HeredocText",
    "Redirect",
    "ShellScript",
    "Word",
    "parse_argv",
    "parse_fallback",
    "parse_mapped",
    "parse_shell",
    "split_words",
    "unquote",
    "unwrap",
]
