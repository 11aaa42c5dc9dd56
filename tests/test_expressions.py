"""Finding and parsing GitHub Actions expressions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sentra_lint.workflow.expressions import (
    MAX_DEPTH,
    MAX_LENGTH,
    STAR,
    Access,
    Binary,
    Call,
    ContextPath,
    Expr,
    ExprError,
    ExprSpan,
    Literal,
    Unary,
    context_paths,
    find_expressions,
    parse_expression,
)


def P(*parts: str | int | Expr) -> ContextPath:
    return ContextPath(tuple(parts))


def ok(text: str) -> Expr:
    result = parse_expression(text)
    assert not isinstance(result, ExprError), result
    return result


def err(text: str) -> ExprError:
    result = parse_expression(text)
    assert isinstance(result, ExprError), result
    return result


# --------------------------------------------------------------------------
# find_expressions
# --------------------------------------------------------------------------


def test_find_plain() -> None:
    text = "echo ${{ github.sha }} done"
    (span,) = find_expressions(text)
    assert text[span.start : span.end] == "${{ github.sha }}"
    assert span.inner == " github.sha "
    assert text[span.inner_start : span.inner_start + len(span.inner)] == span.inner
    assert span.closed


def test_find_several_with_base() -> None:
    text = "${{ a }}-${{b}}"
    spans = find_expressions(text, base=100)
    assert spans == [
        ExprSpan(100, 108, " a ", 103, True),
        ExprSpan(109, 115, "b", 112, True),
    ]


def test_find_none() -> None:
    assert find_expressions("echo $HOME ${ {x} } {{ y }}") == []


def test_find_quoted_close_does_not_end_expression() -> None:
    text = "${{ format('}}{0}', x) }} tail"
    (span,) = find_expressions(text)
    assert span.inner == " format('}}{0}', x) "
    assert text[span.end :] == " tail"


def test_find_escaped_quote_inside_string() -> None:
    text = "${{ 'it''s }} still' }}!"
    (span,) = find_expressions(text)
    assert span.inner == " 'it''s }} still' "
    assert text[span.end :] == "!"


def test_find_empty_string_literal() -> None:
    (span,) = find_expressions("${{ a == '' }}x")
    assert span.inner == " a == '' "


def test_find_unclosed() -> None:
    text = "run ${{ unclosed"
    (span,) = find_expressions(text, base=5)
    assert not span.closed
    assert span.start == 9 and span.end == len(text) + 5
    assert span.inner == " unclosed"


def test_find_unterminated_string_is_unclosed() -> None:
    (span,) = find_expressions("${{ 'abc }} and more")
    assert not span.closed
    assert span.inner == " 'abc }} and more"


def test_find_closed_then_unclosed() -> None:
    spans = find_expressions("${{ a }} ${{ b")
    assert [s.closed for s in spans] == [True, False]


def test_find_adjacent_and_multiline() -> None:
    text = "${{a}}${{\n  b\n}}"
    spans = find_expressions(text)
    assert [s.inner for s in spans] == ["a", "\n  b\n"]


def test_find_is_linear_on_many_quotes() -> None:
    text = "${{ " + "'" * 20001
    (span,) = find_expressions(text)
    assert not span.closed


# --------------------------------------------------------------------------
# Literals
# --------------------------------------------------------------------------

LITERALS: list[tuple[str, object]] = [
    ("null", None),
    ("true", True),
    ("false", False),
    ("0", 0.0),
    ("42", 42.0),
    ("-7", -7.0),
    ("+3", 3.0),
    ("1.5", 1.5),
    (".5", 0.5),
    ("2.", 2.0),
    ("-2.99e-2", -0.0299),
    ("1E3", 1000.0),
    ("0xff", 255.0),
    ("0XFF", 255.0),
    ("-0x10", -16.0),
    ("0o17", 15.0),
    ("Infinity", math.inf),
    ("-Infinity", -math.inf),
    ("'hello'", "hello"),
    ("''", ""),
    ("'it''s'", "it's"),
    ("''''", "'"),
    ("'a '' b '' c'", "a ' b ' c"),
    ("'}}'", "}}"),
    ("'${{ x }}'", "${{ x }}"),
    ("'multi\nline'", "multi\nline"),
    ("  'padded'  ", "padded"),
]


@pytest.mark.parametrize(("text", "value"), LITERALS)
def test_literals(text: str, value: object) -> None:
    expr = ok(text)
    assert isinstance(expr, Literal)
    assert expr.value == value
    assert type(expr.value) is type(value)


def test_nan_literal() -> None:
    expr = ok("NaN")
    assert isinstance(expr, Literal) and isinstance(expr.value, float)
    assert math.isnan(expr.value)


def test_literal_span() -> None:
    expr = ok("  'abc'")
    assert isinstance(expr, Literal)
    assert (expr.start, expr.end) == (2, 7)


# --------------------------------------------------------------------------
# Context paths
# --------------------------------------------------------------------------

PATHS: list[tuple[str, ContextPath]] = [
    ("github", P("github")),
    ("github.event.issue.title", P("github", "event", "issue", "title")),
    ("GitHub.Event.Issue.Title", P("GitHub", "Event", "Issue", "Title")),
    ("steps.my-step.outputs.out_1", P("steps", "my-step", "outputs", "out_1")),
    ("github['event']['issue']", P("github", "event", "issue")),
    ("a[0]", P("a", 0)),
    ("a[12].b", P("a", 12, "b")),
    ("github.event.commits.*.message", P("github", "event", "commits", STAR, "message")),
    ("github.event.commits[*].message", P("github", "event", "commits", STAR, "message")),
    ("needs.*.result", P("needs", STAR, "result")),
    ("a.*.*", P("a", STAR, STAR)),
    ("x.true.null.false", P("x", "true", "null", "false")),
    ("(github.event).issue", P("github", "event", "issue")),
    ("((a)).b[0]", P("a", "b", 0)),
    ("a [ 'b' ] . c", P("a", "b", "c")),
    ("a[matrix.k]", P("a", P("matrix", "k"))),
    ("a['*']", P("a", Literal("*"))),
    ("a[1.5]", P("a", Literal(1.5))),
    ("a[-1]", P("a", Literal(-1.0))),
    ("a[true]", P("a", Literal(True))),
    ("a[b[c]]", P("a", P("b", P("c")))),
    ("_private", P("_private")),
]


@pytest.mark.parametrize(("text", "expected"), PATHS)
def test_context_paths(text: str, expected: ContextPath) -> None:
    assert ok(text) == expected


def test_path_span_and_dotted() -> None:
    expr = ok(" github.event.commits[0].message ")
    assert isinstance(expr, ContextPath)
    assert (expr.start, expr.end) == (1, 32)
    assert expr.dotted() == "github.event.commits[0].message"
    assert expr.root == "github"
    dyn = ok("a[b].*")
    assert isinstance(dyn, ContextPath)
    assert dyn.dotted() == "a[…].*"


# --------------------------------------------------------------------------
# Operators and precedence
# --------------------------------------------------------------------------

a, b, c, d = P("a"), P("b"), P("c"), P("d")

OPERATORS: list[tuple[str, Expr]] = [
    ("!a", Unary("!", a)),
    ("!!a", Unary("!", Unary("!", a))),
    ("a == b", Binary("==", a, b)),
    ("a != b", Binary("!=", a, b)),
    ("a < b", Binary("<", a, b)),
    ("a <= b", Binary("<=", a, b)),
    ("a > b", Binary(">", a, b)),
    ("a >= b", Binary(">=", a, b)),
    ("a && b", Binary("&&", a, b)),
    ("a || b", Binary("||", a, b)),
    ("a==b", Binary("==", a, b)),
    ("a&&b||c", Binary("||", Binary("&&", a, b), c)),
    # && binds tighter than ||
    ("a || b && c", Binary("||", a, Binary("&&", b, c))),
    # == binds tighter than &&
    ("a && b == c", Binary("&&", a, Binary("==", b, c))),
    # < binds tighter than ==
    ("a == b < c", Binary("==", a, Binary("<", b, c))),
    # ! binds tighter than comparisons
    ("!a == b", Binary("==", Unary("!", a), b)),
    ("!a < b", Binary("<", Unary("!", a), b)),
    # comparison chains are left-associative
    ("a == b != c", Binary("!=", Binary("==", a, b), c)),
    ("a < b <= c", Binary("<=", Binary("<", a, b), c)),
    # parentheses override precedence
    ("(a || b) && c", Binary("&&", Binary("||", a, b), c)),
    ("!(a == b)", Unary("!", Binary("==", a, b))),
    # ternary idiom
    (
        "github.event_name == 'push' && '--flag' || ''",
        Binary(
            "||",
            Binary(
                "&&", Binary("==", P("github", "event_name"), Literal("push")), Literal("--flag")
            ),
            Literal(""),
        ),
    ),
    # chains of && / || are balanced, order preserved
    ("a || b || c", Binary("||", Binary("||", a, b), c)),
    ("a || b || c || d", Binary("||", Binary("||", a, b), Binary("||", c, d))),
    ("a && b && c && d", Binary("&&", Binary("&&", a, b), Binary("&&", c, d))),
]


@pytest.mark.parametrize(("text", "expected"), OPERATORS)
def test_operators(text: str, expected: Expr) -> None:
    assert ok(text) == expected


def test_long_or_chain_is_shallow() -> None:
    text = " || ".join(f"github.actor == 'bot{i}'" for i in range(600))
    expr = ok(text)

    def height(e: Expr) -> int:
        if isinstance(e, Binary):
            return 1 + max(height(e.left), height(e.right))
        return 1

    assert height(expr) < 20

    def leaves(e: Expr) -> list[Expr]:
        if isinstance(e, Binary) and e.op == "||":
            return leaves(e.left) + leaves(e.right)
        return [e]

    got = leaves(expr)
    assert len(got) == 600
    first, last = got[0], got[-1]
    assert isinstance(first, Binary) and first.right == Literal("bot0")
    assert isinstance(last, Binary) and last.right == Literal("bot599")


def test_binary_span() -> None:
    expr = ok("a == 'x'")
    assert isinstance(expr, Binary)
    assert (expr.start, expr.end) == (0, 8)


# --------------------------------------------------------------------------
# Function calls
# --------------------------------------------------------------------------

CALLS: list[tuple[str, Expr]] = [
    ("success()", Call("success", ())),
    ("always()", Call("always", ())),
    ("cancelled()", Call("cancelled", ())),
    ("failure()", Call("failure", ())),
    ("contains(a, 'x')", Call("contains", (a, Literal("x")))),
    ("Contains(a, 'x')", Call("contains", (a, Literal("x")))),
    (
        "startsWith(github.ref, 'refs/tags/')",
        Call("startswith", (P("github", "ref"), Literal("refs/tags/"))),
    ),
    ("endsWith(a, b)", Call("endswith", (a, b))),
    ("format('{0} {1}', a, b)", Call("format", (Literal("{0} {1}"), a, b))),
    ("join(a.*.name, ', ')", Call("join", (P("a", STAR, "name"), Literal(", ")))),
    ("join(a)", Call("join", (a,))),
    ("toJSON(github)", Call("tojson", (P("github"),))),
    ("fromJSON('[1,2]')", Call("fromjson", (Literal("[1,2]"),))),
    (
        "hashFiles('**/package-lock.json', '**/yarn.lock')",
        Call("hashfiles", (Literal("**/package-lock.json"), Literal("**/yarn.lock"))),
    ),
    ("case(a, 'x', b, 'y', 'z')", Call("case", (a, Literal("x"), b, Literal("y"), Literal("z")))),
    ("format('{0}', a,)", Call("format", (Literal("{0}"), a))),
    (
        "contains(fromJSON('[\"a\"]'), a)",
        Call("contains", (Call("fromjson", (Literal('["a"]'),)), a)),
    ),
    ("fromJSON(a).b[0]", Access(Call("fromjson", (a,)), ("b", 0))),
    ("fromJSON(a).*.b", Access(Call("fromjson", (a,)), (STAR, "b"))),
    ("(a || b).c", Access(Binary("||", a, b), ("c",))),
    ("(1).x", Access(Literal(1.0), ("x",))),
    ("!success()", Unary("!", Call("success", ()))),
    ("success() && a", Binary("&&", Call("success", ()), a)),
]


@pytest.mark.parametrize(("text", "expected"), CALLS)
def test_calls(text: str, expected: Expr) -> None:
    assert ok(text) == expected


def test_unknown_function_allowed_when_not_checked() -> None:
    assert parse_expression("myFunc(a)", check_functions=False) == Call("myfunc", (a,))


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------

ERRORS: list[tuple[str, str, int]] = [
    ("", "empty expression", 0),
    ("   ", "empty expression", 0),
    ("a ==", "unexpected end of expression", 4),
    ("a b", "unexpected symbol 'b'", 2),
    ("(a", "expected ')'", 2),
    ("a)", "unexpected symbol ')'", 1),
    ("a.", "after '.'", 2),
    ("a.1", "after '.'", 2),
    ("a[", "unexpected end of expression", 2),
    ("a[0", "expected ']'", 3),
    ("a[]", "unexpected symbol ']'", 2),
    ("'abc", "unterminated string literal", 0),
    ("a == 'abc", "unterminated string literal", 5),
    ("a = b", "unexpected symbol '='", 2),
    ("a & b", "unexpected symbol '&'", 2),
    ("a | b", "unexpected symbol '|'", 2),
    ("1.2.3", "invalid number '1.2.3'", 0),
    ("0x", "invalid number '0x'", 0),
    ("12abc", "invalid number '12abc'", 0),
    ("a.b-c.$d", "unexpected symbol '$d'", 6),
    ('"double"', "unexpected symbol '\"double\"'", 0),
    ("'a'.b", "invalid number '.b'", 3),
    ("foo(1)", "unknown function 'foo'", 0),
    ("contains(a)", "contains() takes 2 arguments, got 1", 0),
    ("contains(a, b, c)", "contains() takes 2 arguments, got 3", 0),
    ("success(a)", "success() takes 0 arguments, got 1", 0),
    ("toJSON()", "toJSON() takes 1 argument, got 0", 0),
    ("join(a, b, c)", "join() takes 1 to 2 arguments, got 3", 0),
    ("format()", "format() takes at least 1 argument, got 0", 0),
    ("case(a, b, c, d)", "odd number of arguments", 0),
    ("f(a b)", "expected ',' or ')'", 4),
    ("contains(a,,b)", "unexpected symbol ','", 11),
    ("!", "unexpected end of expression", 1),
    ("a && ", "unexpected end of expression", 5),
    ("||", "unexpected symbol '||'", 0),
    ("a.b(c)", "unexpected symbol '('", 3),
]


@pytest.mark.parametrize(("text", "message", "offset"), ERRORS)
def test_errors(text: str, message: str, offset: int) -> None:
    error = err(text)
    assert message in error.message
    assert error.offset == offset


def test_deep_parentheses_bounded() -> None:
    text = "(" * 10_000 + "a" + ")" * 10_000
    error = err(text)
    assert "nested more than" in error.message
    assert error.offset == MAX_DEPTH


def test_deep_not_bounded() -> None:
    assert "nested" in err("!" * 10_000 + "a").message


def test_deep_index_and_calls_bounded() -> None:
    assert "nested" in err("a[" * 5_000 + "b" + "]" * 5_000).message
    assert "nested" in err("toJSON(" * 2_000 + "a" + ")" * 2_000).message


def test_long_comparison_chain_bounded() -> None:
    assert "nested" in err(" == ".join(["a"] * 1000)).message


def test_nesting_at_limit_is_fine() -> None:
    depth = MAX_DEPTH - 1
    assert ok("(" * depth + "a" + ")" * depth) == a


def test_too_long() -> None:
    error = err("'" + "x" * MAX_LENGTH + "'")
    assert "longer than" in error.message


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def test_context_paths_helper() -> None:
    expr = ok("format('{0}', a.b[c.d]) || !e && fromJSON(f).g")
    got = [p.dotted() for p in context_paths(expr)]
    assert got == ["a.b[…]", "c.d", "e", "f"]


def test_nested_calls_count_one_level_each() -> None:
    depth = MAX_DEPTH - 1
    assert isinstance(ok("toJSON(" * depth + "a" + ")" * depth), Call)
    assert "nested" in err("toJSON(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1)).message


_TOKENS = st.sampled_from(
    [
        "a",
        "github",
        ".",
        "*",
        "[",
        "]",
        "(",
        ")",
        "'",
        "''",
        "!",
        "==",
        "<",
        "&&",
        "||",
        ",",
        "0x1f",
        "-1.5e3",
        " ",
        "\n",
        "toJSON",
        "format",
        "${{",
        "}}",
        "true",
        "=",
        "&",
    ]
)


@given(st.lists(_TOKENS, max_size=30).map("".join))
def test_never_raises_on_token_soup(text: str) -> None:
    result = parse_expression(text)
    if isinstance(result, ExprError):
        assert 0 <= result.offset <= len(text)
    for span in find_expressions(text):
        assert span.inner_start <= span.end


@given(st.text(max_size=60))
def test_never_raises_on_any_text(text: str) -> None:
    parse_expression(text)
    find_expressions(text)
