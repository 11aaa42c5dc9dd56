"""JSON text as ``json.dump(doc, out, indent=2, ensure_ascii=True)`` writes it, faster.

The standard library encodes an indented document with its pure-Python
encoder (its C encoder serves only compact output), token by token: for a
report of 15,000 findings that was a third of a cached run. The reports are
plain trees of dicts with string keys, lists, strings, numbers, booleans and
``None``; this writer walks them with the C string escaper and writes the
same text, in batches as it goes (the text of a large report is never held
whole). Any other value (a tuple, a key that is not a string, a float that is
not finite, a subclass) is written by the standard encoder and indented to
its place: since an escaped JSON text holds no raw line break, that is the
same text the standard encoder writes for it in place.
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring_ascii
from typing import IO, Any

_BATCH = 8192


def _encode(value: Any, indent: str, out: list[str], stream: IO[str]) -> None:
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
    elif kind is dict and all(type(key) is str for key in value):
        if not value:
            out.append("{}")
            return
        inner = indent + "  "
        first = True
        for key, item in value.items():
            head = ("{\n" if first else ",\n") + inner + encode_basestring_ascii(key) + ": "
            first = False
            if type(item) is str:  # most values: written here, without a call per value
                out.append(head + encode_basestring_ascii(item))
            else:
                out.append(head)
                _encode(item, inner, out, stream)
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
            _encode(item, inner, out, stream)
            if len(out) >= _BATCH:
                stream.write("".join(out))
                out.clear()
        out.append("\n" + indent + "]")
    else:
        out.append(json.dumps(value, indent=2, ensure_ascii=True).replace("\n", "\n" + indent))


def write_indented(doc: Any, out: IO[str], end: str = "") -> None:
    """Write ``doc`` as ``json.dump(doc, out, indent=2, ensure_ascii=True)`` would, then ``end``."""
    pieces: list[str] = []
    _encode(doc, "", pieces, out)
    pieces.append(end)
    out.write("".join(pieces))
