"""The ``docker run`` / ``docker create`` command line: words and flags.

Two layers, both free of YAML and of file positions (offsets are into the
string given; the caller maps them to a file):

* :func:`tokenize` splits an options string (a workflow's
  ``container.options``, a ``docker run`` command line) into words the way a
  POSIX shell does: single and double quotes, backslash escapes, line
  continuations, any whitespace. Each :class:`Token` keeps its text with the
  quotes removed, its raw text, its start and end offsets and the offset of
  every character, and whether it holds an expression (``${{ … }}``) or a
  shell expansion (``$VAR``, ``${VAR}``, ``$(…)``, backquotes): such a token
  is not *literal*, and nothing is guessed about its value. A ``${{ … }}``
  expression stays one word even when it holds spaces or quotes. An
  unterminated quote or expression is reported in :attr:`Tokens.error` with
  its offset; the words before it are still returned.

* :func:`parse_run_args` and :func:`parse_options` read those words with the
  Docker CLI's flag grammar (``--flag=value``, ``--flag value``, ``-m2g``,
  ``-m=2g``, clusters such as ``-itd`` or ``-itu1001``, booleans with
  ``=true|false``, repeated flags, ``--`` to end the options). Every flag is
  reported under its canonical long name (``-m`` and ``--memory`` are both
  ``"--memory"``; ``--net`` is ``"--network"``).

:func:`match_docker_run` finds the arguments of ``docker run`` / ``docker
create`` / ``docker container run|create`` in a command's words.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import field
from typing import Literal, Protocol

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.shell.quoting import matching_close

__all__ = [
    "FLAGS",
    "DockerRun",
    "FlagDef",
    "FlagProblem",
    "Opt",
    "ParsedRun",
    "Token",
    "TokenizeError",
    "Tokens",
    "WordLike",
    "canonical_flag",
    "lookup_flag",
    "match_docker_run",
    "parse_go_bool",
    "parse_options",
    "parse_run_args",
    "tokenize",
    "tokens_from_words",
]

# --------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------

_WHITESPACE = frozenset(" \t\n\r\f\v")
# What may follow "$" for the shell to expand it.
_EXPANSION_START = lazy_compile(r"[A-Za-z_0-9{(@*#?$!-]")
_DQ_ESCAPABLE = frozenset('$`"\\')


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a command line or options string.

    ``start`` and ``end`` are offsets into the tokenized string (``end``
    exclusive) covering the raw word, quotes included.
    """

    value: str
    """The word as the program receives it: quotes and escapes removed."""
    raw: str
    """The word exactly as written."""
    start: int
    end: int
    first_unknown: int | None = None
    """Index in :attr:`value` of the first character that comes from an
    expression or a shell expansion; ``None`` when the word is literal."""
    splittable: bool = False
    """An unquoted expansion that may become several words (``$OPTS``,
    ``${{ inputs.options }}``)."""
    offsets: tuple[int, ...] = field(default=(), repr=False, compare=False)
    """Offset of the source character behind each character of :attr:`value`."""

    @property
    def literal(self) -> bool:
        """The value is exactly what was written: no expression, no variable."""
        return self.first_unknown is None

    def value_range(self, i: int, j: int | None = None) -> tuple[int, int]:
        """Offsets (start, end) of ``value[i:j]`` in the tokenized string."""
        n = len(self.value)
        j = n if j is None else j
        i, j = max(0, min(i, n)), max(0, min(j, n))
        if len(self.offsets) != n:
            return self.start, self.end
        if j > i:
            return self.offsets[i], self.offsets[j - 1] + 1
        at = self.offsets[i] if i < n else self.end
        return at, at

    def literal_before(self, i: int) -> bool:
        """Whether ``value[:i]`` comes only from literal text."""
        return self.first_unknown is None or self.first_unknown >= i

    def shifted(self, base: int) -> Token:
        """The same word with every offset moved by ``base``."""
        return Token(
            self.value,
            self.raw,
            self.start + base,
            self.end + base,
            self.first_unknown,
            self.splittable,
            tuple(o + base for o in self.offsets),
        )

    @classmethod
    def plain(cls, value: str, start: int = 0) -> Token:
        """A literal word at ``start`` with no quoting (for callers that split words themselves)."""
        return cls(
            value,
            value,
            start,
            start + len(value),
            None,
            False,
            tuple(range(start, start + len(value))),
        )


@dataclass(frozen=True, slots=True)
class TokenizeError:
    """Why tokenizing stopped: an unterminated quote, expansion or expression."""

    offset: int
    """Offset of the opening quote / ``${{`` / ``$(`` that is never closed."""
    message: str


@dataclass(frozen=True, slots=True)
class Tokens:
    """A command line split into words, and the error that stopped the split, if any."""

    tokens: tuple[Token, ...]
    """The words, up to (not including) the one that holds :attr:`error`."""
    error: TokenizeError | None = None

    def __iter__(self) -> Iterator[Token]:
        return iter(self.tokens)

    def __len__(self) -> int:
        return len(self.tokens)


class WordLike(Protocol):
    """A word from another parser (the shell model's ``Word``)."""

    @property
    def text(self) -> str: ...
    @property
    def raw(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def literal(self) -> bool: ...


_FIRST_EXPANSION = lazy_compile(r"\$\{\{|\$[A-Za-z_0-9{(@*#?$!-]|`")


def tokens_from_words(words: Iterable[WordLike]) -> tuple[Token, ...]:
    """Tokens for words another parser already split (offsets kept as given).

    Each word's raw text is read again so that every character keeps its
    offset; a word that does not read as exactly one word falls back to its
    text, with the unknown part located as well as can be.
    """
    out: list[Token] = []
    for w in words:
        again = tokenize(w.raw)
        if again.error is None and len(again.tokens) == 1 and again.tokens[0].raw == w.raw:
            tok = again.tokens[0].shifted(w.start)
            if not w.literal and tok.literal:
                tok = dataclasses.replace(tok, first_unknown=0)
            out.append(tok)
            continue
        first: int | None = None
        if not w.literal:
            m = _FIRST_EXPANSION.search(w.text)
            first = m.start() if m else 0
        end = w.start + len(w.raw)
        out.append(Token(w.text, w.raw, w.start, end, first, not w.literal, ()))
    return tuple(out)


class _Unterminated(Exception):
    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


def tokenize(text: str, *, shell_vars: bool = True, comments: bool = False) -> Tokens:
    """Split ``text`` into words as a POSIX shell does (without running anything).

    ``shell_vars=False`` treats ``$VAR``, ``$(…)`` and backquotes as plain
    text (for strings no shell ever sees); ``${{ … }}`` is always an
    expression. ``comments=True`` drops ``#`` comments that start a word.
    Shell operators (``;``, ``|``, ``&&``, redirections) are not special:
    pass one command's text.
    """
    tokens: list[Token] = []
    i, n = 0, len(text)
    while True:
        # Skip blanks and line continuations between words.
        while i < n:
            if text[i] in _WHITESPACE:
                i += 1
            elif text.startswith("\\\n", i):
                i += 2
            elif comments and text[i] == "#":
                nl = text.find("\n", i)
                i = n if nl == -1 else nl
            else:
                break
        if i >= n:
            return Tokens(tuple(tokens))
        try:
            token, i = _word(text, i, shell_vars)
        except _Unterminated as exc:
            return Tokens(tuple(tokens), TokenizeError(exc.offset, exc.message))
        tokens.append(token)


class _Word:
    """The word being read: its characters, their offsets, what is unknown."""

    __slots__ = ("chars", "first_unknown", "offs", "splittable", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.chars: list[str] = []
        self.offs: list[int] = []
        self.first_unknown: int | None = None
        self.splittable = False

    def add(self, a: int, b: int | None = None) -> None:
        for j in range(a, a + 1 if b is None else b):
            self.chars.append(self.text[j])
            self.offs.append(j)

    def unknown(self, a: int, b: int, *, quoted: bool) -> None:
        if self.first_unknown is None:
            self.first_unknown = len(self.chars)
        if not quoted:
            self.splittable = True
        self.add(a, b)


def _word(text: str, i: int, shell_vars: bool) -> tuple[Token, int]:
    n = len(text)
    start = i
    w = _Word(text)
    while i < n:
        c = text[i]
        if c in _WHITESPACE:
            break
        if text.startswith("${{", i):
            j = _expression_end(text, i)
            w.unknown(i, j, quoted=False)
            i = j
        elif c == "'":
            i = _single_quoted(text, i, w)
        elif c == '"':
            i = _double_quoted(text, i, w, shell_vars)
        elif c == "\\":
            if i + 1 >= n:
                w.add(i)
                i += 1
            elif text[i + 1] == "\n":
                i += 2
            else:
                w.add(i + 1)
                i += 2
        elif shell_vars and c == "$" and i + 1 < n and _EXPANSION_START.match(text, i + 1):
            j = _expansion_end(text, i)
            w.unknown(i, j, quoted=False)
            i = j
        elif shell_vars and c == "`":
            j = _backquote_end(text, i)
            w.unknown(i, j, quoted=False)
            i = j
        else:
            w.add(i)
            i += 1
    token = Token(
        "".join(w.chars), text[start:i], start, i, w.first_unknown, w.splittable, tuple(w.offs)
    )
    return token, i


def _single_quoted(text: str, i: int, w: _Word) -> int:
    # The runner substitutes ${{ }} before any shell reads the text, so an
    # expression is unknown (and whole) even between single quotes.
    n = len(text)
    opening = i
    i += 1
    while i < n:
        if text[i] == "'":
            return i + 1
        if text.startswith("${{", i):
            j = _expression_end(text, i)
            w.unknown(i, j, quoted=True)
            i = j
        else:
            w.add(i)
            i += 1
    raise _Unterminated(opening, "unterminated single quote")


def _double_quoted(text: str, i: int, w: _Word, shell_vars: bool) -> int:
    n = len(text)
    opening = i
    i += 1
    while i < n:
        c = text[i]
        if c == '"':
            return i + 1
        if text.startswith("${{", i):
            j = _expression_end(text, i)
            w.unknown(i, j, quoted=True)
            i = j
        elif c == "\\" and i + 1 < n and (text[i + 1] in _DQ_ESCAPABLE or text[i + 1] == "\n"):
            if text[i + 1] != "\n":
                w.add(i + 1)
            i += 2
        elif shell_vars and c == "$" and i + 1 < n and _EXPANSION_START.match(text, i + 1):
            j = _expansion_end(text, i)
            w.unknown(i, j, quoted=True)
            i = j
        elif shell_vars and c == "`":
            j = _backquote_end(text, i)
            w.unknown(i, j, quoted=True)
            i = j
        else:
            w.add(i)
            i += 1
    raise _Unterminated(opening, "unterminated double quote")


def _expression_end(text: str, i: int) -> int:
    """End offset of the ``${{ … }}`` starting at ``i`` (string literals may hold ``}}``)."""
    j, n = i + 3, len(text)
    while j < n:
        if text[j] == "'":
            # Expression strings use '' for a quote inside.
            j += 1
            while j < n:
                if text[j] == "'":
                    if text.startswith("''", j):
                        j += 2
                        continue
                    break
                j += 1
            j += 1
        elif text.startswith("}}", j):
            return j + 2
        else:
            j += 1
    raise _Unterminated(i, "unterminated ${{ expression")


def _expansion_end(text: str, i: int) -> int:
    """End offset of the shell expansion at ``text[i] == "$"``."""
    n = len(text)
    nxt = text[i + 1]
    if nxt in "{(":
        close = "}" if nxt == "{" else ")"
        end = matching_close(text, i + 2, nxt, close)
        if end >= 0:
            return end + 1
        kind = "${" if nxt == "{" else "$("
        raise _Unterminated(i, f"unterminated {kind} expansion")
    if nxt.isalpha() or nxt == "_":
        j = i + 1
        while j < n and (text[j].isalnum() or text[j] == "_"):
            j += 1
        return j
    return i + 2  # $1, $@, $?, ...


def _backquote_end(text: str, i: int) -> int:
    j, n = i + 1, len(text)
    while j < n:
        if text[j] == "\\":
            j += 2
            continue
        if text[j] == "`":
            return j + 1
        j += 1
    raise _Unterminated(i, "unterminated backquote")


# --------------------------------------------------------------------------
# Flags
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FlagDef:
    """One ``docker run`` flag: its names and whether it takes a value."""

    name: str
    """Canonical long form, ``--memory``."""
    takes_value: bool
    short: str | None = None
    aliases: tuple[str, ...] = ()


def _flags() -> dict[str, FlagDef]:
    value_flags = """
        add-host annotation attach/a blkio-weight blkio-weight-device cap-add cap-drop
        cgroup-parent cgroupns cidfile cpu-count cpu-percent cpu-period cpu-quota
        cpu-rt-period cpu-rt-runtime cpu-shares/c cpus cpuset-cpus cpuset-mems detach-keys
        device device-cgroup-rule device-read-bps device-read-iops device-write-bps
        device-write-iops dns dns-option,dns-opt dns-search domainname entrypoint env/e
        env-file expose gpus group-add health-cmd health-interval health-retries
        health-start-interval health-start-period health-timeout hostname/h io-maxbandwidth
        io-maxiops ip ip6 ipc isolation kernel-memory label/l label-file link link-local-ip
        log-driver log-opt mac-address memory/m memory-reservation memory-swap
        memory-swappiness mount name network,net network-alias,net-alias oom-score-adj pid
        pids-limit platform publish/p pull restart runtime security-opt shm-size stop-signal
        stop-timeout storage-opt sysctl tmpfs ulimit user/u userns uts volume/v
        volume-driver volumes-from workdir/w
    """
    bool_flags = """
        detach/d disable-content-trust help init interactive/i no-healthcheck
        oom-kill-disable privileged publish-all/P quiet/q read-only rm sig-proxy tty/t
        use-api-socket
    """
    table: dict[str, FlagDef] = {}
    for takes_value, spec in ((True, value_flags), (False, bool_flags)):
        for entry in spec.split():
            names, _, short = entry.partition("/")
            name, *aliases = names.split(",")
            table["--" + name] = FlagDef(
                "--" + name, takes_value, short or None, tuple("--" + a for a in aliases)
            )
    return table


FLAGS: dict[str, FlagDef] = _flags()
"""Every flag of ``docker run`` and ``docker create``, by canonical long name."""

_LONG: dict[str, FlagDef] = {}
_SHORT: dict[str, FlagDef] = {}
for _def in FLAGS.values():
    _LONG[_def.name] = _def
    for _alias in _def.aliases:
        _LONG[_alias] = _def
    if _def.short:
        _SHORT[_def.short] = _def


def lookup_flag(written: str) -> FlagDef | None:
    """The definition of ``--memory``, ``-m``, ``--net``...; ``None`` if Docker has no such flag."""
    if written.startswith("--"):
        return _LONG.get(written)
    if len(written) == 2 and written[0] == "-":
        return _SHORT.get(written[1])
    return None


def canonical_flag(written: str) -> str:
    """``-m`` -> ``--memory``, ``--net`` -> ``--network``; unknown flags come back unchanged."""
    found = lookup_flag(written)
    return found.name if found else written


_GO_TRUE = frozenset({"1", "t", "T", "TRUE", "true", "True"})
_GO_FALSE = frozenset({"0", "f", "F", "FALSE", "false", "False"})


def parse_go_bool(text: str) -> bool | None:
    """A boolean as Docker reads it (Go's ``strconv.ParseBool``); ``None`` if invalid."""
    if text in _GO_TRUE:
        return True
    if text in _GO_FALSE:
        return False
    return None


@dataclass(frozen=True, slots=True)
class Opt:
    """One flag as given, with offsets into the tokenized string."""

    name: str
    """Canonical long name (``--memory``); for an unknown flag, as written."""
    written: str
    """As written: ``-m``, ``--net``, ``--memory``."""
    value: str | None
    """The value (quotes removed); ``None`` for a bare boolean flag or a missing value."""
    literal: bool
    """The value holds no expression or variable (``True`` for a bare boolean)."""
    start: int
    """Start of the flag (of its character, inside a short cluster)."""
    end: int
    """End of the value, or of the flag when there is no value."""
    name_start: int
    name_end: int
    value_start: int | None = None
    value_end: int | None = None
    takes_value: bool = True
    known_flag: bool = True
    separate_value: bool = False
    """The value is the next word (``--memory 2g``) rather than attached."""

    @property
    def enabled(self) -> bool | None:
        """For a boolean flag: on or off; ``None`` when the value is unknown or invalid."""
        if self.value is None:
            return True
        if not self.literal:
            return None
        return parse_go_bool(self.value)


@dataclass(frozen=True, slots=True)
class FlagProblem:
    """A command line that could not be read, with where."""

    start: int
    end: int
    message: str


@dataclass(frozen=True, slots=True)
class ParsedRun:
    """What :func:`parse_run_args` / :func:`parse_options` read."""

    options: tuple[Opt, ...]
    """Known flags, in order (repeats kept; for single-valued flags the last wins)."""
    image: Token | None = None
    command: tuple[Token, ...] = ()
    unknown_flags: tuple[Opt, ...] = ()
    """Flags Docker does not have (read as booleans unless written ``--x=value``)."""
    opaque: tuple[Token, ...] = ()
    """Words that are expressions or variables where flags are expected: they
    may stand for any options (``${{ inputs.options }}``, ``$DOCKER_ARGS``)."""
    unexpected: tuple[Token, ...] = ()
    """Literal words where only options may be (``parse_options``)."""
    problems: tuple[FlagProblem, ...] = ()
    uncertain: bool = False
    """Which options are set is not certain: opaque words, an unknown flag
    that may have taken the next word, or an unreadable command line."""

    def get(self, name: str) -> tuple[Opt, ...]:
        """All occurrences of a flag, by canonical name (``"--cap-drop"``) or any alias."""
        name = canonical_flag(name)
        return tuple(o for o in self.options if o.name == name)

    def last(self, name: str) -> Opt | None:
        found = self.get(name)
        return found[-1] if found else None

    def has(self, name: str) -> bool:
        return bool(self.get(name))


_OPTION_WORDS = frozenset(
    [
        "opt",
        "opts",
        "option",
        "options",
        "arg",
        "args",
        "argument",
        "arguments",
        "flag",
        "flags",
        "param",
        "params",
        "parameters",
        "extra",
    ]
)
_NAME_PART = lazy_compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")


def _names_options(text: str) -> bool:
    """Whether a variable or expression is named like options (``$DOCKER_ARGS``, ``inputs.extraOpts``)."""
    return any(part.lower() in _OPTION_WORDS for part in _NAME_PART.findall(text))


def parse_run_args(tokens: Sequence[Token]) -> ParsedRun:
    """Read the words after ``docker run``: options, then the image, then the command.

    As in Docker, options end at the first word that is not a flag (or at
    ``--``): that word is the image and everything after it is the command.
    A non-literal word in that place is the image unless it names options
    (``$DOCKER_OPTS``, ``${{ inputs.extra-args }}``) and may expand to
    several words, in which case it is recorded in :attr:`ParsedRun.opaque`.
    """
    return _parse(tokens, "run")


def parse_options(tokens: Sequence[Token]) -> ParsedRun:
    """Read words that hold only options (a workflow's ``container.options``).

    Positional words are recorded in :attr:`ParsedRun.unexpected`, or in
    :attr:`ParsedRun.opaque` when they are expressions or variables.
    """
    return _parse(tokens, "options")


def _parse(tokens: Sequence[Token], mode: Literal["run", "options"]) -> ParsedRun:
    options: list[Opt] = []
    unknown_flags: list[Opt] = []
    opaque: list[Token] = []
    unexpected: list[Token] = []
    problems: list[FlagProblem] = []
    image: Token | None = None
    command: tuple[Token, ...] = ()
    uncertain = False
    bare_unknown_at: int | None = None
    i, n = 0, len(tokens)

    def next_value(i: int, flag: str, tok: Token) -> tuple[Token | None, int]:
        if i + 1 < n:
            return tokens[i + 1], i + 1
        problems.append(FlagProblem(tok.start, tok.end, f"flag {flag} needs a value"))
        return None, i

    while i < n:
        tok = tokens[i]
        v = tok.value
        if v == "--" and tok.literal:
            i += 1
            break
        if v.startswith("--") and len(v) > 2:
            name, eq, _ = v.partition("=")
            name_len = len(name)
            if not tok.literal_before(name_len + (1 if eq else 0)) or (not eq and not tok.literal):
                opaque.append(tok)
                i += 1
                continue
            ns, ne = tok.value_range(0, name_len)
            fd = _LONG.get(name)
            if fd is None:
                opt = _attached_opt(
                    tok, name, name, name_len + 1 if eq else None, ns, ne, False, False
                )
                unknown_flags.append(opt)
                if not eq:
                    bare_unknown_at = i
                    if mode == "run":
                        uncertain = True  # it may have taken the next word as its value
                i += 1
                continue
            if eq or not fd.takes_value:
                options.append(
                    _attached_opt(
                        tok,
                        fd.name,
                        name,
                        name_len + 1 if eq else None,
                        ns,
                        ne,
                        fd.takes_value,
                        True,
                    )
                )
            else:
                vt, i = next_value(i, name, tok)
                options.append(_separate_opt(tok, fd.name, name, vt, ns, ne))
            i += 1
            continue
        if v.startswith("-") and len(v) > 1 and v != "--":
            before = len(unknown_flags)
            i_next = _short_cluster(tokens, i, options, unknown_flags, opaque, problems)
            added = unknown_flags[before:]
            if any(o.value is None for o in added):
                if mode == "run":
                    uncertain = True  # an unknown short flag may take a value
                if added[-1].value is None and added[-1].end == tok.end:
                    bare_unknown_at = i
            i = i_next
            continue
        # A positional word.
        if mode == "options":
            if tok.literal and bare_unknown_at == i - 1:
                # Most likely the value of a flag newer than this table.
                unknown_flags[-1] = dataclasses.replace(
                    unknown_flags[-1],
                    value=tok.value,
                    end=tok.end,
                    value_start=tok.start,
                    value_end=tok.end,
                    separate_value=True,
                )
            elif tok.literal:
                unexpected.append(tok)
            else:
                opaque.append(tok)
            i += 1
            continue
        if not tok.literal and tok.splittable and _names_options(v):
            opaque.append(tok)
            i += 1
            continue
        image = tok
        command = tuple(tokens[i + 1 :])
        i = n
        break
    else:
        i = n
    if i < n:  # after "--"
        if mode == "run":
            image = tokens[i]
            command = tuple(tokens[i + 1 :])
        else:
            for tok in tokens[i:]:
                (unexpected if tok.literal else opaque).append(tok)
    if opaque:
        uncertain = True
    return ParsedRun(
        tuple(options),
        image,
        command,
        tuple(unknown_flags),
        tuple(opaque),
        tuple(unexpected),
        tuple(problems),
        uncertain,
    )


def _attached_opt(
    tok: Token,
    canonical: str,
    written: str,
    value_index: int | None,
    ns: int,
    ne: int,
    takes_value: bool,
    known_flag: bool,
    start: int | None = None,
) -> Opt:
    """An option whose value (if any) sits in the same word from ``value_index``."""
    if value_index is None:
        return Opt(
            canonical,
            written,
            None,
            True,
            tok.start if start is None else start,
            ne,
            ns,
            ne,
            takes_value=takes_value,
            known_flag=known_flag,
        )
    vs, ve = tok.value_range(value_index)
    if value_index >= len(tok.value):
        vs = ve = tok.end
    return Opt(
        canonical,
        written,
        tok.value[value_index:],
        tok.literal,
        tok.start if start is None else start,
        tok.end,
        ns,
        ne,
        vs,
        ve,
        takes_value=takes_value,
        known_flag=known_flag,
    )


def _separate_opt(
    tok: Token,
    canonical: str,
    written: str,
    vt: Token | None,
    ns: int,
    ne: int,
    start: int | None = None,
) -> Opt:
    s = tok.start if start is None else start
    if vt is None:
        return Opt(canonical, written, None, True, s, tok.end, ns, ne)
    return Opt(
        canonical,
        written,
        vt.value,
        vt.literal,
        s,
        vt.end,
        ns,
        ne,
        vt.start,
        vt.end,
        separate_value=True,
    )


def _short_cluster(
    tokens: Sequence[Token],
    i: int,
    options: list[Opt],
    unknown_flags: list[Opt],
    opaque: list[Token],
    problems: list[FlagProblem],
) -> int:
    tok = tokens[i]
    v = tok.value
    j = 1
    while j < len(v):
        if not tok.literal_before(j + 1):
            opaque.append(tok)
            return i + 1
        c = v[j]
        written = "-" + c
        ns, ne = tok.value_range(0 if j == 1 else j, j + 1)
        start = ns
        fd = _SHORT.get(c)
        rest_at = j + 1
        has_eq = v.startswith("=", rest_at)
        if fd is None:
            opt = _attached_opt(
                tok, written, written, rest_at + 1 if has_eq else None, ns, ne, False, False, start
            )
            unknown_flags.append(opt)
            if has_eq:
                return i + 1
            j += 1
            continue
        if fd.takes_value:
            if rest_at < len(v):
                options.append(
                    _attached_opt(
                        tok,
                        fd.name,
                        written,
                        rest_at + 1 if has_eq else rest_at,
                        ns,
                        ne,
                        True,
                        True,
                        start,
                    )
                )
                return i + 1
            if i + 1 < len(tokens):
                options.append(_separate_opt(tok, fd.name, written, tokens[i + 1], ns, ne, start))
                return i + 2
            problems.append(FlagProblem(tok.start, tok.end, f"flag {written} needs a value"))
            options.append(_separate_opt(tok, fd.name, written, None, ns, ne, start))
            return i + 1
        if has_eq:
            options.append(
                _attached_opt(tok, fd.name, written, rest_at + 1, ns, ne, False, True, start)
            )
            return i + 1
        options.append(_attached_opt(tok, fd.name, written, None, ns, ne, False, True, start))
        j += 1
    return i + 1


# --------------------------------------------------------------------------
# Finding "docker run" in a command
# --------------------------------------------------------------------------

_DOCKER_GLOBAL_VALUE = frozenset(
    {
        "--config",
        "-c",
        "--context",
        "-H",
        "--host",
        "-l",
        "--log-level",
        "--tlscacert",
        "--tlscert",
        "--tlskey",
    }
)
_SUDO_VALUE = frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T"})


_ASSIGNMENT = lazy_compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_WRAPPERS = frozenset({"exec", "command", "env", "nohup", "time"})


# ``docker compose`` / ``docker-compose`` options before the subcommand that take a value.
_COMPOSE_GLOBAL_VALUE = frozenset(
    {
        "-f",
        "--file",
        "-p",
        "--project-name",
        "--profile",
        "--env-file",
        "--project-directory",
        "--ansi",
        "--progress",
        "--parallel",
    }
)
# ``docker compose run`` flags that ``docker run`` does not have and that take no value.
_COMPOSE_RUN_ONLY = frozenset(
    {
        "--no-deps",
        "--service-ports",
        "--use-aliases",
        "-T",
        "--no-TTY",
        "--build",
        "--remove-orphans",
        "--quiet-pull",
        "--quiet-build",
    }
)
RUNTIMES = ("docker", "podman", "nerdctl")
"""Container CLIs whose ``run`` / ``create`` share Docker's flags for
everything the container rules read."""


@dataclass(frozen=True, slots=True)
class DockerRun:
    """Where a ``docker run`` / ``docker create`` sits in a command's words."""

    command_word: Token
    """The ``docker`` (or ``podman``) word: where a missing control is reported."""
    subcommand: Literal["run", "create"]
    args: tuple[Token, ...]
    """The words after ``run`` / ``create``: give them to :func:`parse_run_args`."""
    tool: str = "docker"
    """What runs it, for messages: ``docker``, ``podman``, ``nerdctl`` or
    ``docker compose``."""
    compose: bool = False
    """``docker compose run SERVICE``: the first positional word is a Compose
    service, not an image, and the launch's posture is in the Compose file."""


def match_docker_run(words: Sequence[Token]) -> DockerRun | None:
    """Recognise ``[sudo …] docker [global options] [container] run|create ARGS``.

    ``podman`` and ``nerdctl`` are accepted too: their ``run`` shares Docker's
    flags for everything the container rules read. ``docker compose run`` /
    ``docker-compose run`` are recognised with ``compose=True``.
    """
    i, n = 0, len(words)
    while i < n and words[i].literal:
        # Leading assignments and wrappers: FOO=1 exec env sudo docker run ...
        if _ASSIGNMENT.match(words[i].value) or words[i].value in _WRAPPERS:
            i += 1
        else:
            break
    if i < n and words[i].value == "sudo":
        i += 1
        while i < n and words[i].value.startswith("-"):
            i += 2 if words[i].value in _SUDO_VALUE else 1
    if i >= n or not words[i].literal:
        return None
    base = words[i].value.rsplit("/", 1)[-1]
    if base not in (*RUNTIMES, "docker-compose"):
        return None
    cmd = words[i]
    i += 1
    compose = base == "docker-compose"
    if not compose:
        while i < n and words[i].value.startswith("-"):
            name = words[i].value.partition("=")[0]
            i += 2 if name in _DOCKER_GLOBAL_VALUE and "=" not in words[i].value else 1
        if i < n and words[i].value == "compose" and base != "podman":
            compose = True
            i += 1
    if compose:
        while i < n and words[i].value.startswith("-"):
            name = words[i].value.partition("=")[0]
            i += 2 if name in _COMPOSE_GLOBAL_VALUE and "=" not in words[i].value else 1
        if i < n and words[i].value == "run":
            args = tuple(w for w in words[i + 1 :] if w.value not in _COMPOSE_RUN_ONLY)
            return DockerRun(cmd, "run", args, "docker compose", True)
        return None
    if i < n and words[i].value == "container":
        i += 1
    if i < n and words[i].value in ("run", "create"):
        sub: Literal["run", "create"] = "run" if words[i].value == "run" else "create"
        return DockerRun(cmd, sub, tuple(words[i + 1 :]), base)
    return None
