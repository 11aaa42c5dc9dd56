"""Regular expressions compiled on first use, not at import.

A module-level ``re.compile`` runs when its module is imported, whether or
not the run needs the pattern: linting one Dockerfile imported some 85
patterns and used a third of them. :func:`lazy_compile` returns a stand-in
that compiles the pattern the first time one of its attributes is read and
then keeps the compiled pattern's bound methods and attributes as its own,
so later calls cost what calls on the compiled pattern cost.

Use it for patterns that are only called (``PATTERN.search(text)``,
``PATTERN.sub(...)``, ``PATTERN.pattern``); a pattern handed to a function
that wants a real :class:`re.Pattern` (``re.sub(PATTERN, ...)``,
``isinstance``) stays a ``re.compile``.
"""

from __future__ import annotations

import re
from typing import Any

_ATTRIBUTES = (
    "search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner",
    "pattern", "flags", "groups", "groupindex",
)  # fmt: skip


class _LazyPattern:
    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        # Called only while an attribute is missing: the first use compiles
        # and copies the pattern's attributes, which normal lookup finds from then on.
        if name.startswith("__"):
            raise AttributeError(name)
        compiled = re.compile(*self._source)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_compile({self._source[0]!r}, {self._source[1]!r})"


def lazy_compile(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, done the first time the pattern is used."""
    stand_in: Any = _LazyPattern(pattern, int(flags))
    result: re.Pattern[str] = stand_in
    return result
