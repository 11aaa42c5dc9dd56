"""JSON text as ``json.dumps(doc, indent=2, ensure_ascii=True)`` writes it, faster.

The standard library encodes an indented document with its pure-Python
encoder (its C encoder serves only compact output), token by token: for a
report of 15,000 findings that was a third of a cached run. The reports are
plain trees of dicts with string keys, lists, strings, numbers, booleans and
``None``; this writer walks them with the C string escaper and yields the
same bytes. Anything else (a tuple, a non-string key, a float that is not
finite) is left to the standard encoder, so the output never differs.
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring_ascii
from typing import IO, Any

_BATCH = 8192


class _Unusual(Exception):
    """A value the fast path does not write exactly as :mod:`json` would."""


def _encode(value: Any, indent: str, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(encode_basestring_ascii(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float and math.isfinite(value):
        out.append(float.__repr__(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = indent + "  "
        first = True
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            head = ("{\n" if first else ",\n") + inner + encode_basestring_ascii(key) + ": "
            first = False
            if type(item) is str:  # most values: written here, without a call per value
                out.append(head + encode_basestring_ascii(item))
            else:
                out.append(head)
                _encode(item, inner, out)
        out.append("\n" + indent + "}")
    elif kind is list:
        if not value:
            out.append("[]")
            return
        inner = indent + "  "
        first = True
        for item in value:
            out.append(("[\n" if first else ",\n") + inner)
            first = False
            _encode(item, inner, out)
        out.append("\n" + indent + "]")
    else:
        raise _Unusual


def write_indented(doc: Any, out: IO[str], end: str = "") -> None:
    """Write ``doc`` as ``json.dump(doc, out, indent=2, ensure_ascii=True)`` would, then ``end``."""
    pieces: list[str] = []
    try:
        _encode(doc, "", pieces)
    except _Unusual:
        pieces = list(json.JSONEncoder(indent=2, ensure_ascii=True).iterencode(doc))
    pieces.append(end)
    for start in range(0, len(pieces), _BATCH):
        out.write("".join(pieces[start : start + _BATCH]))
