"""Caches that live while one file is linted.

Parsers and rules ask for the same analysis several times per file (each
``run:`` script is read by the container adapters, the taint helpers and
several rules). A cache made with :func:`file_cache` keeps those results
for the file being linted; the engine empties every such cache when the
file is done, so memory stays bounded by the largest file, not the run.
"""

from __future__ import annotations

from typing import Any

_CACHES: list[dict[Any, Any]] = []


def file_cache() -> dict[Any, Any]:
    """A new dictionary that :func:`clear` empties after each file."""
    cache: dict[Any, Any] = {}
    _CACHES.append(cache)
    return cache


def clear() -> None:
    """Forget what the caches hold (the engine calls this after each file)."""
    for cache in _CACHES:
        cache.clear()
