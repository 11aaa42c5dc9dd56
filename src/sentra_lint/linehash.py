"""SARIF ``primaryLocationLineHash``: the value GitHub's upload action computes for a line."""

from __future__ import annotations

import array
import sys

_HASH_WINDOW = 100
_HASH_BASE = 37
_HASH_MASK = (1 << 64) - 1
_HASH_EOF = 0xFFFF
_HASH_POWERS = tuple(pow(_HASH_BASE, _HASH_WINDOW - 1 - k, 1 << 64) for k in range(_HASH_WINDOW))


def line_hashes(text: str, upto: int | None = None) -> list[str]:
    """``primaryLocationLineHash`` values for the lines of a file, first line first.

    Code scanning tracks an alert across commits by this value. When a result
    has none, ``github/codeql-action/upload-sarif`` fills it in from the file
    on the runner, and when a result has one that differs from what it would
    compute it logs a warning for every such result. So this computes the
    same value, from the same definition:

    * The file is read as a stream of UTF-16 code units. Spaces and tabs are
      dropped everywhere; ``\\r\\n`` and a lone ``\\r`` both count as one
      ``\\n``. After the last unit comes an end marker (``0xFFFF``), then
      zeros.
    * A line's hash is a polynomial hash, base 37 and modulo 2**64, of the 100
      units of that stream starting at the line's first unit (so it covers
      the start of the following lines too, when the line is short). It is
      written in lowercase hexadecimal without leading zeros.
    * The n-th line (in file order) whose hash equals an earlier line's gets
      the suffix ``:n``; the first gets ``:1``.

    The hash depends on the content of the line and the few lines after it,
    never on its line number: inserting or deleting lines above a finding,
    or re-indenting it, leaves the value unchanged, so the alert stays the
    same alert. A file that ends with a line break has one more (empty) line
    after it, as in the upload action.

    ``upto`` stops after that many lines (occurrence counts only need the
    lines up to the last finding).
    """
    flat = text.replace("\r\n", "\n").replace("\r", "\n").replace(" ", "").replace("\t", "")
    units = array.array("H")
    units.frombytes(flat.encode("utf-16-le", "surrogatepass"))
    if sys.byteorder == "big":
        units.byteswap()
    stream = units.tolist()
    starts = [0]
    starts.extend(i + 1 for i, unit in enumerate(stream) if unit == 10)
    stream.append(_HASH_EOF)
    stream.extend([0] * _HASH_WINDOW)
    if upto is not None:
        del starts[upto:]
    counts: dict[str, int] = {}
    out: list[str] = []
    powers = _HASH_POWERS
    for start in starts:
        window = stream[start : start + _HASH_WINDOW]
        value = format(sum(a * b for a, b in zip(window, powers, strict=True)) & _HASH_MASK, "x")
        n = counts.get(value, 0) + 1
        counts[value] = n
        out.append(f"{value}:{n}")
    return out
