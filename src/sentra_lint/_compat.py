"""What Python 3.10 lacks and sentra-lint uses: ``StrEnum`` and a TOML reader."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Any

if sys.version_info >= (3, 11):
    from enum import StrEnum
else:  # pragma: no cover - exercised on Python 3.10

    class StrEnum(str, Enum):
        """An enum whose members are strings and print as their value (``enum.StrEnum`` of 3.11)."""

        def __str__(self) -> str:
            return str(self.value)

        def __format__(self, spec: str) -> str:
            return format(str(self.value), spec)


def _toml() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    import tomli  # type: ignore[import-not-found, unused-ignore]  # pragma: no cover - Python 3.10

    return tomli  # pragma: no cover


def load_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads`` (Python 3.11+) or the ``tomli`` backport it came from."""
    data: dict[str, Any] = _toml().loads(text)
    return data


def toml_error() -> type[Exception]:
    error: type[Exception] = _toml().TOMLDecodeError
    return error


__all__ = ["StrEnum", "load_toml", "toml_error"]
