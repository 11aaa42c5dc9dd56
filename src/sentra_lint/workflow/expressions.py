"""GitHub Actions expressions: finding ``${{ … }}`` in text and parsing them.

Two entry points:

* :func:`find_expressions` locates every ``${{ … }}`` in a string (a ``run:``
  script, an ``env:`` value, a ``with:`` input). A ``}}`` inside a
  single-quoted string literal does not close the expression, exactly as the
  runner reads templates. An expression that is never closed is returned with
  ``closed=False`` and runs to the end of the text.
* :func:`parse_expression` parses the text between ``${{`` and ``}}`` into a
  typed AST, or returns an :class:`ExprError` with the offset of the problem.
  It never raises on bad input and never recurses without bound: nesting
  deeper than :data:`MAX_DEPTH` is an error, as it is for GitHub.

The grammar follows GitHub's expression language:

* literals: ``null``, ``true``, ``false``, numbers (decimal with fraction and
  exponent, ``0x`` hex, ``0o`` octal, ``Infinity``, ``NaN``, with an optional
  sign), single-quoted strings where ``''`` is a quote;
* context access: ``a.b``, ``a['b']``, ``a[0]``, ``a[expr]``, and the object
  filter ``a.*`` (also written ``a[*]``); names may contain ``-``;
* operators, loosest first: ``||``, ``&&``, ``== !=``, ``< <= > >=``, ``!``,
  then indexing and calls;
* function calls with case-insensitive names.

Keywords (``true``, ``null``, …) are only keywords where a value may start:
after a dot they are ordinary property names (``github.event.null``).
Context and property names are case-insensitive in GitHub; the AST keeps them
as written and consumers lower-case them to compare.
"""

from __future__ import annotations

import math
from dataclasses import field
from typing import Final, TypeAlias

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile

__all__ = [
    "FUNCTION_ARITY",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "STAR",
    "Access",
    "Binary",
    "Call",
    "ContextPath",
    "Expr",
    "ExprError",
    "ExprSpan",
    "Literal",
    "PathPart",
    "Unary",
    "context_paths",
    "find_expressions",
    "parse_expression",
]

MAX_DEPTH: Final = 50
"""Deepest nesting accepted (the runner's limit is also 50)."""

MAX_LENGTH: Final = 21_000
"""Longest expression accepted, in characters (the runner's limit)."""

STAR: Final = "*"
"""The object filter (``a.*`` or ``a[*]``) as a :class:`ContextPath` part."""

FUNCTION_ARITY: Final[dict[str, tuple[int, int | None]]] = {
    "contains": (2, 2),
    "startswith": (2, 2),
    "endswith": (2, 2),
    "format": (1, None),
    "join": (1, 2),
    "tojson": (1, 1),
    "fromjson": (1, 1),
    "hashfiles": (1, None),
    "case": (3, None),
    "success": (0, 0),
    "always": (0, 0),
    "cancelled": (0, 0),
    "failure": (0, 0),
}
"""Known functions (lower-case name) and their (min, max) argument counts."""


# --------------------------------------------------------------------------
# AST
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Literal:
    """``null``, ``true``/``false``, a number (always a float) or a string."""

    value: bool | float | str | None
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class ContextPath:
    """A context access such as ``github.event.commits.*.message``.

    ``parts[0]`` is the context name. Later parts are: a ``str`` for a
    property (``.name`` or ``['name']``); :data:`STAR` for the object filter
    (``.*`` or ``[*]``); an ``int`` for a literal non-negative integer index
    (``[0]``); any other index is kept as the :data:`Expr` that computes it
    (``[matrix.key]``; also ``['*']``, a key literally named ``*``, which is
    not the filter).
    """

    parts: tuple[PathPart, ...]
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)

    @property
    def root(self) -> str:
        first = self.parts[0]
        return first if isinstance(first, str) else ""

    def dotted(self) -> str:
        """The path written with dots: ``github.event.commits[0].message``."""
        out: list[str] = []
        for i, part in enumerate(self.parts):
            if isinstance(part, str):
                out.append(part if i == 0 else "." + part)
            elif isinstance(part, int):
                out.append(f"[{part}]")
            else:
                out.append("[…]")
        return "".join(out)


@dataclass(frozen=True, slots=True)
class Access:
    """Property access on a computed value: ``fromJSON(x).a[0]``, ``(a || b).c``.

    ``parts`` has the same forms as :attr:`ContextPath.parts` after the root.
    Access on a parenthesised context path is folded into a :class:`ContextPath`.
    """

    target: Expr
    parts: tuple[PathPart, ...]
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Call:
    """A function call; ``name`` is lower-case (function names ignore case)."""

    name: str
    args: tuple[Expr, ...]
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Unary:
    """``!operand``."""

    op: str
    operand: Expr
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Binary:
    """``left op right`` for ``|| && == != < <= > >=``.

    Chains of ``&&`` or ``||`` are built as balanced trees (both operators are
    associative in value: each returns the first operand that decides), so a
    long ``a || b || c || …`` stays shallow.
    """

    op: str
    left: Expr
    right: Expr
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


Expr: TypeAlias = Literal | ContextPath | Access | Call | Unary | Binary
PathPart: TypeAlias = str | int | Expr


@dataclass(frozen=True, slots=True)
class ExprError:
    """Why an expression is malformed; ``offset`` is into the parsed text."""

    message: str
    offset: int


@dataclass(frozen=True, slots=True)
class ExprSpan:
    """One ``${{ … }}`` found in a text.

    ``start``/``end`` cover ``${{`` to ``}}`` inclusive (``end`` exclusive);
    ``inner`` is the text between them, starting at ``inner_start``. All
    offsets include the ``base`` given to :func:`find_expressions`. When the
    expression is never closed, ``closed`` is false and ``end`` is the end of
    the text.
    """

    start: int
    end: int
    inner: str
    inner_start: int
    closed: bool


# --------------------------------------------------------------------------
# Finding ${{ }} in text
# --------------------------------------------------------------------------

_OPEN: Final = "${{"
_QUOTE_OR_CLOSE: Final = lazy_compile(r"'|\}\}")


def _skip_string(text: str, i: int) -> int:
    """Offset just after the string literal whose opening quote ends at ``i``; -1 if unterminated."""
    while True:
        q = text.find("'", i)
        if q < 0:
            return -1
        if text.startswith("'", q + 1):
            i = q + 2  # '' is an escaped quote
            continue
        return q + 1


def find_expressions(text: str, base: int = 0) -> list[ExprSpan]:
    """Every ``${{ … }}`` in ``text``, in order; offsets are shifted by ``base``.

    Inside an expression a single-quoted string runs to the next lone quote
    (``''`` is an escaped quote), so ``'}}'`` does not close it. An unclosed
    expression (or an unterminated string inside one) ends the scan.
    """
    spans: list[ExprSpan] = []
    n = len(text)
    pos = 0
    while True:
        start = text.find(_OPEN, pos)
        if start < 0:
            return spans
        inner_start = start + len(_OPEN)
        i = inner_start
        close = -1
        while True:
            m = _QUOTE_OR_CLOSE.search(text, i)
            if m is None:
                break
            if m.group() == "}}":
                close = m.start()
                break
            after = _skip_string(text, m.end())
            if after < 0:
                break
            i = after
        if close < 0:
            spans.append(
                ExprSpan(start + base, n + base, text[inner_start:], inner_start + base, False)
            )
            return spans
        end = close + 2
        spans.append(
            ExprSpan(start + base, end + base, text[inner_start:close], inner_start + base, True)
        )
        pos = end


# --------------------------------------------------------------------------
# Lexer
# --------------------------------------------------------------------------

# Token kinds.
_IDENT: Final = "ident"
_NUMBER: Final = "number"
_STRING: Final = "string"
_KEYWORD: Final = "keyword"
_PUNCT: Final = "punct"
_OP: Final = "op"
_EOF: Final = "eof"

_WS_RE: Final = lazy_compile(r"\s+")
# A number runs to the next boundary character; dots belong to it.
_NUMBER_RUN_RE: Final = lazy_compile(r"[^\s()\[\],!<>=&|]+")
_NUMBER_RE: Final = lazy_compile(
    r"[+-]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
)
# A word runs to the next boundary character (a dot ends it).
_WORD_RUN_RE: Final = lazy_compile(r"[^\s()\[\],.!<>=&|]+")
_IDENT_RE: Final = lazy_compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_STRING_RE: Final = lazy_compile(r"'(?:[^']|'')*'")
_KEYWORDS: Final[dict[str, bool | float | None]] = {
    "null": None,
    "true": True,
    "false": False,
    "NaN": math.nan,
    "Infinity": math.inf,
}
_TWO_CHAR_OPS: Final = frozenset({"==", "!=", "<=", ">=", "&&", "||"})


@dataclass(frozen=True, slots=True)
class _Token:
    """A token of a ``${{ }}`` expression."""

    kind: str
    text: str
    start: int
    end: int
    value: bool | float | str | None = None


class _SyntaxError(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


def _number_value(lexeme: str) -> float:
    sign = -1.0 if lexeme.startswith("-") else 1.0
    body = lexeme.lstrip("+-")
    low = body.lower()
    if low.startswith("0x"):
        return sign * float(int(body[2:], 16))
    if low.startswith("0o"):
        return sign * float(int(body[2:], 8))
    if body == "Infinity":
        return sign * math.inf
    return sign * float(body)


def _lex(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    n = len(text)
    pos = 0
    while pos < n:
        c = text[pos]
        if c.isspace():
            m = _WS_RE.match(text, pos)
            assert m is not None
            pos = m.end()
            continue
        prev = tokens[-1] if tokens else None
        if c in "()[],":
            tokens.append(_Token(_PUNCT, c, pos, pos + 1))
            pos += 1
        elif c == "*":
            tokens.append(_Token(_OP, c, pos, pos + 1))
            pos += 1
        elif (
            c == "." and prev is not None and (prev.kind == _IDENT or prev.text in (")", "]", "*"))
        ):
            tokens.append(_Token(_PUNCT, c, pos, pos + 1))
            pos += 1
        elif c.isdigit() or c in "+-.":
            m = _NUMBER_RUN_RE.match(text, pos)
            assert m is not None
            lexeme = m.group()
            if _NUMBER_RE.fullmatch(lexeme) is None:
                raise _SyntaxError(f"invalid number {lexeme!r}", pos)
            tokens.append(_Token(_NUMBER, lexeme, pos, m.end(), _number_value(lexeme)))
            pos = m.end()
        elif c in "!<>=&|":
            two = text[pos : pos + 2]
            if two in _TWO_CHAR_OPS:
                tokens.append(_Token(_OP, two, pos, pos + 2))
                pos += 2
            elif c in "!<>":
                tokens.append(_Token(_OP, c, pos, pos + 1))
                pos += 1
            else:
                expected = "==" if c == "=" else c * 2
                raise _SyntaxError(f"unexpected symbol {c!r} (did you mean {expected!r}?)", pos)
        elif c == "'":
            m = _STRING_RE.match(text, pos)
            if m is None:
                raise _SyntaxError("unterminated string literal", pos)
            raw = m.group()
            tokens.append(_Token(_STRING, raw, pos, m.end(), raw[1:-1].replace("''", "'")))
            pos = m.end()
        else:
            m = _WORD_RUN_RE.match(text, pos)
            assert m is not None
            word = m.group()
            if _IDENT_RE.fullmatch(word) is None:
                raise _SyntaxError(f"unexpected symbol {word!r}", pos)
            after_dot = prev is not None and prev.kind == _PUNCT and prev.text == "."
            if word in _KEYWORDS and not after_dot:
                kind = _NUMBER if word in ("NaN", "Infinity") else _KEYWORD
                tokens.append(_Token(kind, word, pos, m.end(), _KEYWORDS[word]))
            else:
                tokens.append(_Token(_IDENT, word, pos, m.end()))
            pos = m.end()
    tokens.append(_Token(_EOF, "", n, n))
    return tokens


# --------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------

_EQUALITY_OPS: Final = frozenset({"==", "!="})
_COMPARISON_OPS: Final = frozenset({"<", "<=", ">", ">="})


def _describe(tok: _Token) -> str:
    return "end of expression" if tok.kind == _EOF else f"symbol {tok.text!r}"


def _balanced(op: str, operands: list[Expr], lo: int, hi: int) -> Expr:
    """Balanced tree of ``operands[lo:hi]`` joined by ``op`` (order kept)."""
    if hi - lo == 1:
        return operands[lo]
    mid = lo + (hi - lo + 1) // 2
    left = _balanced(op, operands, lo, mid)
    right = _balanced(op, operands, mid, hi)
    return Binary(op, left, right, left.start, right.end)


class _Parser:
    __slots__ = ("_check_functions", "_depth", "_pos", "_tokens")

    def __init__(self, tokens: list[_Token], check_functions: bool) -> None:
        self._tokens = tokens
        self._pos = 0
        self._depth = 0
        self._check_functions = check_functions

    # -- helpers --------------------------------------------------------
    def _peek(self) -> _Token:
        return self._tokens[self._pos]

    def _next(self) -> _Token:
        tok = self._tokens[self._pos]
        if tok.kind != _EOF:
            self._pos += 1
        return tok

    def _at(self, text: str) -> bool:
        tok = self._tokens[self._pos]
        return tok.kind in (_PUNCT, _OP) and tok.text == text

    def _expect(self, text: str) -> _Token:
        tok = self._peek()
        if not self._at(text):
            raise _SyntaxError(f"expected {text!r}, found {_describe(tok)}", tok.start)
        return self._next()

    def _enter(self) -> None:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _SyntaxError(
                f"expression is nested more than {MAX_DEPTH} levels deep", self._peek().start
            )

    def _leave(self) -> None:
        self._depth -= 1

    # -- grammar --------------------------------------------------------
    def parse(self) -> Expr:
        if self._peek().kind == _EOF:
            raise _SyntaxError("empty expression", 0)
        expr = self._expression()
        tok = self._peek()
        if tok.kind != _EOF:
            raise _SyntaxError(f"unexpected {_describe(tok)}", tok.start)
        return expr

    def _expression(self) -> Expr:
        self._enter()
        try:
            return self._logical("||")
        finally:
            self._leave()

    def _logical(self, op: str) -> Expr:
        sub = self._logical_and if op == "||" else self._equality
        operands = [sub()]
        while self._at(op):
            self._next()
            operands.append(sub())
        return _balanced(op, operands, 0, len(operands))

    def _logical_and(self) -> Expr:
        return self._logical("&&")

    def _chain(self, ops: frozenset[str], sub_is_unary: bool) -> Expr:
        sub = self._unary if sub_is_unary else self._comparison
        left = sub()
        entered = 0
        try:
            while self._peek().kind == _OP and self._peek().text in ops:
                op = self._next().text
                # Each link of a non-associative chain nests the tree one level.
                self._enter()
                entered += 1
                right = sub()
                left = Binary(op, left, right, left.start, right.end)
        finally:
            self._depth -= entered
        return left

    def _equality(self) -> Expr:
        return self._chain(_EQUALITY_OPS, sub_is_unary=False)

    def _comparison(self) -> Expr:
        return self._chain(_COMPARISON_OPS, sub_is_unary=True)

    def _unary(self) -> Expr:
        if self._at("!"):
            tok = self._next()
            self._enter()
            try:
                operand = self._unary()
            finally:
                self._leave()
            return Unary("!", operand, tok.start, operand.end)
        return self._postfix()

    def _postfix(self) -> Expr:
        base, grouped = self._primary()
        if not (self._at(".") or self._at("[")):
            return base
        if isinstance(base, Literal) and not grouped:
            tok = self._peek()
            raise _SyntaxError(f"unexpected {_describe(tok)} after a literal", tok.start)
        parts: list[PathPart] = []
        end = base.end
        while True:
            if self._at("."):
                self._next()
                tok = self._next()
                if tok.kind == _IDENT:
                    parts.append(tok.text)
                elif tok.kind == _OP and tok.text == "*":
                    parts.append(STAR)
                else:
                    raise _SyntaxError(
                        f"expected a property name or '*' after '.', found {_describe(tok)}",
                        tok.start,
                    )
                end = tok.end
            elif self._at("["):
                self._next()
                if self._at("*"):
                    self._next()
                    parts.append(STAR)
                else:
                    index = self._expression()
                    parts.append(_index_part(index))
                end = self._expect("]").end
            else:
                break
        if isinstance(base, ContextPath):
            return ContextPath((*base.parts, *parts), base.start, end)
        return Access(base, tuple(parts), base.start, end)

    def _primary(self) -> tuple[Expr, bool]:
        """The next primary expression, and whether it was parenthesised."""
        tok = self._peek()
        if tok.kind in (_NUMBER, _STRING, _KEYWORD):
            self._next()
            return Literal(tok.value, tok.start, tok.end), False
        if tok.kind == _IDENT:
            self._next()
            if self._at("("):
                return self._call(tok), False
            return ContextPath((tok.text,), tok.start, tok.end), False
        if self._at("("):
            self._next()
            inner = self._expression()
            close = self._expect(")")
            return _respan(inner, tok.start, close.end), True
        raise _SyntaxError(f"unexpected {_describe(tok)}", tok.start)

    def _call(self, name_tok: _Token) -> Call:
        self._expect("(")
        args: list[Expr] = []
        # Each argument is an _expression(), which counts one level of nesting.
        while not self._at(")"):
            args.append(self._expression())
            if self._at(","):
                self._next()
            elif not self._at(")"):
                tok = self._peek()
                raise _SyntaxError(f"expected ',' or ')', found {_describe(tok)}", tok.start)
        close = self._expect(")")
        name = name_tok.text.lower()
        if self._check_functions:
            _check_call(name_tok, name, len(args))
        return Call(name, tuple(args), name_tok.start, close.end)


def _check_call(tok: _Token, name: str, count: int) -> None:
    arity = FUNCTION_ARITY.get(name)
    if arity is None:
        raise _SyntaxError(f"unknown function {tok.text!r}", tok.start)
    lo, hi = arity
    if count < lo or (hi is not None and count > hi):
        if hi == lo:
            want = f"{lo} argument{'s' if lo != 1 else ''}"
        elif hi is None:
            want = f"at least {lo} argument{'s' if lo != 1 else ''}"
        else:
            want = f"{lo} to {hi} arguments"
        raise _SyntaxError(f"{tok.text}() takes {want}, got {count}", tok.start)
    if name == "case" and count % 2 == 0:
        raise _SyntaxError(
            f"{tok.text}() takes an odd number of arguments (pairs and a default), got {count}",
            tok.start,
        )


def _index_part(index: Expr) -> PathPart:
    if isinstance(index, Literal):
        v = index.value
        if isinstance(v, str) and v != STAR:
            return v
        if isinstance(v, float) and math.isfinite(v) and v >= 0 and v.is_integer():
            return int(v)
    return index


def _respan(e: Expr, start: int, end: int) -> Expr:
    """``e`` with its span widened to include surrounding parentheses."""
    if isinstance(e, Literal):
        return Literal(e.value, start, end)
    if isinstance(e, ContextPath):
        return ContextPath(e.parts, start, end)
    if isinstance(e, Access):
        return Access(e.target, e.parts, start, end)
    if isinstance(e, Call):
        return Call(e.name, e.args, start, end)
    if isinstance(e, Unary):
        return Unary(e.op, e.operand, start, end)
    return Binary(e.op, e.left, e.right, start, end)


def parse_expression(inner: str, *, check_functions: bool = True) -> Expr | ExprError:
    """Parse the text of one expression (what is between ``${{`` and ``}}``).

    Returns the AST, or an :class:`ExprError` whose ``offset`` is into
    ``inner``. Unknown function names and wrong argument counts are errors
    (GitHub rejects them when it loads the workflow) unless
    ``check_functions`` is false. Unknown context names are not errors here:
    which contexts exist depends on where the expression is used.
    """
    if len(inner) > MAX_LENGTH:
        return ExprError(f"expression is longer than {MAX_LENGTH} characters", MAX_LENGTH)
    key = (inner, check_functions)
    found = _PARSED.get(key)
    if found is None:
        try:
            tokens = _lex(inner)
            found = _Parser(tokens, check_functions).parse()
        except _SyntaxError as err:
            found = ExprError(err.message, err.offset)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[key] = found
    return found


# The same expressions come back in every job and rule: the (immutable) trees
# of the last few thousand are kept.
_PARSED: dict[tuple[str, bool], Expr | ExprError] = {}
_PARSED_MAX = 4096


def context_paths(expr: Expr) -> list[ContextPath]:
    """Every context path in ``expr`` (including those inside index expressions)."""
    out: list[ContextPath] = []
    stack: list[Expr] = [expr]
    while stack:
        e = stack.pop()
        if isinstance(e, ContextPath):
            out.append(e)
            stack.extend(p for p in reversed(e.parts) if not isinstance(p, str | int))
        elif isinstance(e, Access):
            stack.extend(p for p in reversed(e.parts) if not isinstance(p, str | int))
            stack.append(e.target)
        elif isinstance(e, Call):
            stack.extend(reversed(e.args))
        elif isinstance(e, Unary):
            stack.append(e.operand)
        elif isinstance(e, Binary):
            stack.append(e.right)
            stack.append(e.left)
    out.sort(key=lambda p: p.start)
    return out
