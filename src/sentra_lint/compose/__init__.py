"""Compose files: the typed model and ``${VAR}`` interpolation."""

from sentra_lint.compose.interpolation import (
    Interpolation,
    VarRef,
    interpolate,
    parse_interpolation,
)
from sentra_lint.compose.model import (
    APPENDED_LISTS,
    ComposeFile,
    ComposeService,
    EnvEntry,
    build_compose,
)

__all__ = [
    "APPENDED_LISTS",
    "ComposeFile",
    "ComposeService",
    "EnvEntry",
    "Interpolation",
    "VarRef",
    "build_compose",
    "interpolate",
    "parse_interpolation",
]
