"""Glob patterns over forward-slash paths, with ``**`` for any number of folders."""

from __future__ import annotations

import re
from functools import cache


@cache
def compile_glob(pattern: str) -> re.Pattern[str]:
    pattern = pattern.strip().lstrip("./") if pattern.startswith("./") else pattern.strip()
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(c))
            i += 1
    body = "".join(out)
    if pattern.endswith("/"):
        body += ".*"
    # A pattern without a slash matches a name at any depth, like .gitignore.
    prefix = "" if "/" in pattern.rstrip("/") else "(?:.*/)?"
    return re.compile(f"^{prefix}{body}(?:/.*)?$")


def matches(path: str, patterns: tuple[str, ...] | list[str]) -> bool:
    p = path[2:] if path.startswith("./") else path
    return any(compile_glob(g).match(p) for g in patterns)
