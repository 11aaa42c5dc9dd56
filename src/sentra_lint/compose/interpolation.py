"""Compose variable interpolation: ``$VAR``, ``${VAR}``, defaults, ``$$``.

The linter does not know the environment Compose will run with, so a value
that holds any variable is *uncertain*. :func:`interpolate` returns the text
Compose would use when every variable is unset: a ``${VAR:-default}`` or
``${VAR-default}`` becomes its default, ``$$`` becomes ``$``, and a variable
with no default is kept as written (so image parsing and flag reading see
an unresolved variable and report nothing they cannot be sure of).

Forms (as in the Compose specification):

``$VAR``, ``${VAR}``
    the variable;
``${VAR:-default}`` / ``${VAR-default}``
    default when unset or empty / when unset;
``${VAR:?message}`` / ``${VAR?message}``
    required: Compose fails when unset (or empty);
``${VAR:+alternative}`` / ``${VAR+alternative}``
    alternative when set (and non-empty), else empty;
``$$``
    a literal ``$``.

Defaults and alternatives may themselves hold interpolations.
"""

from __future__ import annotations

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile

_NAME = lazy_compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATORS = (":-", ":?", ":+", "-", "?", "+")
_MAX_NESTING = 32


@dataclass(frozen=True, slots=True)
class VarRef:
    """One variable reference. ``start``/``end`` are indexes into the value
    (use ``ScalarNode.value_span`` for file positions)."""

    name: str
    start: int
    end: int
    operator: str | None = None
    """``:-``, ``-``, ``:?``, ``?``, ``:+``, ``+`` or ``None``."""
    argument: str | None = None
    """The default, message or alternative as written (after the operator)."""

    @property
    def default(self) -> str | None:
        """The default text, for ``:-`` and ``-``, itself interpolated."""
        if self.operator in (":-", "-") and self.argument is not None:
            return interpolate(self.argument)[0]
        return None

    @property
    def required(self) -> bool:
        return self.operator in (":?", "?")


@dataclass(frozen=True, slots=True)
class Interpolation:
    """A Compose value with its ``${VAR}`` references read."""

    text: str
    """The value with defaults applied, ``$$`` as ``$`` and other variables as written."""
    certain: bool
    """True when the value holds no variable (and no malformed ``$``)."""
    variables: tuple[VarRef, ...] = ()
    errors: tuple[str, ...] = ()
    """Malformed references (Compose rejects the file): ``${`` without ``}``, bad names."""

    @property
    def defaults_only(self) -> bool:
        """Every variable has a default: ``text`` is what runs when none is set."""
        return bool(self.variables) and all(v.operator in (":-", "-") for v in self.variables)


def _closing_brace(value: str, i: int) -> int:
    """Index of the ``}`` closing a ``${`` whose body starts at ``i``; -1 if none."""
    depth = 1
    n = len(value)
    while i < n:
        c = value[i]
        if c == "$" and i + 1 < n:
            if value[i + 1] == "$":
                i += 2
                continue
            if value[i + 1] == "{":
                depth += 1
                i += 2
                continue
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def parse_interpolation(value: str, _depth: int = 0) -> Interpolation:
    """Read every ``$`` form in ``value``. Never raises."""
    if "$" not in value:
        return Interpolation(value, True)
    out: list[str] = []
    refs: list[VarRef] = []
    errors: list[str] = []
    i, n = 0, len(value)
    while i < n:
        c = value[i]
        if c != "$":
            j = value.find("$", i)
            j = n if j == -1 else j
            out.append(value[i:j])
            i = j
            continue
        nxt = value[i + 1] if i + 1 < n else ""
        if nxt == "$":
            out.append("$")
            i += 2
            continue
        if nxt == "{":
            close = _closing_brace(value, i + 2)
            if close == -1:
                errors.append(f"'${{' at index {i} has no closing '}}'")
                out.append(value[i:])
                break
            body = value[i + 2 : close]
            m = _NAME.match(body)
            if m is None:
                errors.append(f"invalid variable reference '${{{body}}}'")
                out.append(value[i : close + 1])
                i = close + 1
                continue
            name = m.group(0)
            rest = body[m.end() :]
            operator = next((op for op in _OPERATORS if rest.startswith(op)), None)
            if rest and operator is None:
                errors.append(f"invalid variable reference '${{{body}}}'")
                out.append(value[i : close + 1])
                i = close + 1
                continue
            argument = rest[len(operator) :] if operator is not None else None
            refs.append(VarRef(name, i, close + 1, operator, argument))
            if operator in (":-", "-") and argument is not None:
                if _depth >= _MAX_NESTING:
                    out.append(value[i : close + 1])
                else:
                    inner = parse_interpolation(argument, _depth + 1)
                    out.append(inner.text)
                    errors.extend(inner.errors)
            else:
                out.append(value[i : close + 1])
            i = close + 1
            continue
        m = _NAME.match(value, i + 1)
        if m is not None:
            refs.append(VarRef(m.group(0), i, m.end()))
            out.append(value[i : m.end()])
            i = m.end()
            continue
        # A lone "$" (end of text, or before a character that starts no name):
        # Compose keeps it.
        out.append("$")
        i += 1
    return Interpolation("".join(out), not refs and not errors, tuple(refs), tuple(errors))


def interpolate(value: str) -> tuple[str, bool]:
    """``(text, certain)``: see :class:`Interpolation`."""
    result = parse_interpolation(value)
    return result.text, result.certain
