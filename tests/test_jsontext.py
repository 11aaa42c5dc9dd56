"""The indented JSON writer yields exactly what ``json.dump(..., indent=2, ensure_ascii=True)`` does."""

from __future__ import annotations

import io
import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sentra_lint.reporters.jsontext import write_indented

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    | st.tuples(inner, inner),
    max_leaves=30,
)


def _written(doc: Any, end: str = "") -> str:
    out = io.StringIO()
    write_indented(doc, out, end)
    return out.getvalue()


@settings(max_examples=300, deadline=None)
@given(_VALUES)
def test_the_same_text_as_the_standard_encoder(doc: Any) -> None:
    assert _written(doc) == json.dumps(doc, indent=2, ensure_ascii=True)


def test_values_the_fast_path_leaves_to_the_standard_encoder() -> None:
    class Tag(str):
        pass

    docs = ({1: "a"}, {"x": (1, 2)}, [math.nan, math.inf], {"a": [{"b": -math.inf, 2: [()]}]}, [Tag("t"), True])
    for doc in docs:
        assert _written(doc, "\n") == json.dumps(doc, indent=2, ensure_ascii=True) + "\n"


def test_large_documents_are_written_in_batches() -> None:
    """The text is the standard one, and it goes out as it is made, not held whole."""
    doc = {"findings": [{"rule": f"R{i}", "n": i, "ok": i % 2 == 0, "text": "é\n\"x\""} for i in range(5000)]}

    class Counting(io.StringIO):
        writes = 0

        def write(self, s: str) -> int:
            self.writes += 1
            return super().write(s)

    out = Counting()
    write_indented(doc, out, "\n")
    assert out.getvalue() == json.dumps(doc, indent=2, ensure_ascii=True) + "\n"
    assert out.writes > 3
