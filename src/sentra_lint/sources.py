"""What a report needs from the linted files' text, read once after a run.

SARIF tracks an alert by the hash of its line as the file is on disk, and
places fixes by line and column in the file's own line breaks. The run reads
each file with a finding once more, here, when its report needs it
(:data:`sentra_lint.reporters.NEEDS_SOURCES`), and hands the reporter a
:class:`~sentra_lint.result.SourceInfo` per path.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from sentra_lint.findings import Finding
from sentra_lint.linehash import line_hashes
from sentra_lint.result import SourceInfo

# How big a file may be to be read again for line hashes.
MAX_HASH_BYTES = 16 * 1024 * 1024


def describe(findings: Iterable[Finding]) -> dict[str, SourceInfo]:
    """A :class:`SourceInfo` for every path with a finding, hashed as far as its last finding."""
    needed: dict[str, int] = {}
    with_fixes: set[str] = set()
    for f in findings:
        needed[f.path] = max(needed.get(f.path, 0), f.span.line)
        if f.fixes:
            with_fixes.add(f.path)
    return {path: _describe(path, upto, path in with_fixes) for path, upto in needed.items()}


def _describe(path: str, upto: int, fixes: bool) -> SourceInfo:
    data = _read(path)
    if data is None:
        return SourceInfo(None)
    raw = data.decode("utf-8", "replace")
    hashes = tuple(line_hashes(raw, upto))
    if not fixes:
        return SourceInfo(hashes)
    from sentra_lint import io as sio
    from sentra_lint.source import SourceFile, normalise_newlines

    try:
        text = normalise_newlines(sio.decode(data))
    except sio.Skip:
        return SourceInfo(hashes)
    # Inserted line breaks in the file's own style, as --fix writes them.
    newline = "\r\n" if raw.count("\r\n") * 2 > raw.count("\n") else "\n"
    src = SourceFile(path=path, text=text)
    starts = tuple(src.line_start(n) for n in range(1, src.line_count + 1))
    return SourceInfo(hashes, newline, starts, len(text))


def _read(path: str) -> bytes | None:
    if path == "-" or not path:
        return None
    try:
        if not os.path.isfile(path) or os.path.getsize(path) > MAX_HASH_BYTES:
            return None
        with open(path, "rb") as fh:
            return fh.read(MAX_HASH_BYTES + 1)
    except OSError:
        return None
