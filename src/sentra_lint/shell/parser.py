"""Shell parsing: tree-sitter-bash when available, a tokenizer otherwise.

The tree is walked iteratively (deeply nested input never hits the recursion
limit). Bodies of ``sh -c '...'`` and of shells reading a here-document from
stdin are parsed again as scripts of their own, with offsets mapped back into
the file.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import field
from typing import Any

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.filecache import file_cache
from sentra_lint.shell.model import Command, HeredocText, Redirect, ShellScript, Word
from sentra_lint.shell.quoting import looks_dynamic, split_words, unquote
from sentra_lint.shell.wrappers import unwrap

SHELLS = frozenset(["sh", "bash", "dash", "zsh", "ash", "ksh", "mksh", "busybox-sh"])
_MAX_JOBS = 64
_GH_EXPR = lazy_compile(r"\$\{\{.*?\}\}")
_BACKQUOTE_COMMENT = lazy_compile(r"`#[^`\n]*`")
_CLOSERS = lazy_compile(
    r"(\b(?:fi|done|esac)|\))([ \t]+(?:\\\n[ \t]*)*)(?=(?:fi|done|esac|else|elif|\})(?:\s|;|$))"
)
_EXPANSIONS = frozenset(
    [
        "simple_expansion",
        "expansion",
        "command_substitution",
        "process_substitution",
        "arithmetic_expansion",
    ]
)
_SUBSTITUTIONS = frozenset(["command_substitution", "process_substitution"])
_REDIRECTS = frozenset(["file_redirect", "heredoc_redirect", "herestring_redirect"])
_LEAVES = frozenset(
    [
        "word",
        "number",
        "raw_string",
        "ansi_c_string",
        "variable_name",
        "comment",
        "string_content",
        "heredoc_start",
        "heredoc_end",
        "file_descriptor",
        "test_operator",
        "special_variable_name",
        "regex",
        "extglob_pattern",
    ]
)

# A node's start and end as script-local character offsets are mapped to file
# offsets by a Mapper.
Mapper = Callable[[int], int]


@functools.cache
def _ts_parser() -> Any:
    """The tree-sitter parser, built once; ``None`` when tree-sitter is missing."""
    try:
        import tree_sitter

        language = _bash_language()
    except Exception:  # pragma: no cover - depends on the installation
        return None
    try:
        return tree_sitter.Parser(tree_sitter.Language(language()))
    except Exception:  # pragma: no cover
        return None


def _bash_language() -> Callable[[], Any]:
    """``tree_sitter_bash.language``, loaded from the grammar's binding.

    The package's ``__init__`` imports ``importlib.resources`` (and through
    it tempfile, shutil, bz2, lzma and random: about 5 ms of a start) to
    read a highlighting query this linter never asks for. The binding is
    the compiled grammar alone; when it cannot be loaded on its own, the
    package is imported as usual.
    """
    import sys

    if "tree_sitter_bash" not in sys.modules:
        try:
            from importlib.machinery import ExtensionFileLoader, PathFinder
            from importlib.util import find_spec, module_from_spec

            package = find_spec("tree_sitter_bash")
            where = package.submodule_search_locations if package is not None else None
            spec = PathFinder.find_spec("tree_sitter_bash._binding", list(where or ()))
            if spec is not None and isinstance(spec.loader, ExtensionFileLoader):
                binding = module_from_spec(spec)
                spec.loader.exec_module(binding)
                language: Callable[[], Any] = binding.language
                return language
        except Exception:  # pragma: no cover - an unusual installation: import the package
            pass
    import tree_sitter_bash

    fallback: Callable[[], Any] = tree_sitter_bash.language
    return fallback


@dataclass(slots=True)
class _Proto:
    """A command while it is being built (turned into a frozen Command at the end)."""

    order: int
    raw_argv: list[Word]
    assignments: list[Word]
    redirects: list[Redirect]
    start: int
    end: int
    context: str
    parent: int | None  # order of the parent proto
    pipe: tuple[int, int, int] | None
    script_word: Any = None  # tree-sitter node of a ``sh -c`` script argument
    stdin_heredocs: list[tuple[str, list[int]]] = field(default_factory=list)


@dataclass(slots=True)
class _Job:
    """A script (or a nested one) waiting to be parsed."""

    text: str
    posmap: list[int] | None  # script char index -> file offset; None: base + index
    base: int
    context: str
    parent: int | None
    heredocs: dict[int, HeredocText] = field(default_factory=dict)


class _Collector:
    """Collects commands from every parsed piece of one script."""

    def __init__(self) -> None:
        self.protos: list[_Proto] = []
        self.next_pipe = 0
        self.ok = True
        self.jobs: list[_Job] = []

    def new_pipe(self) -> int:
        self.next_pipe += 1
        return self.next_pipe


def _byte_to_char(text: str) -> Callable[[int], int]:
    if text.isascii():
        return lambda b: b
    table: list[int] = []
    for ci, ch in enumerate(text):
        table.extend([ci] * len(ch.encode("utf-8")))
    table.append(len(text))
    last = len(table) - 1
    return lambda b: table[min(b, last)]


def _mask_expressions(text: str) -> str:
    """What the parser sees: same length as ``text``, two constructs blanked.

    ``${{ expr }}`` becomes a ``$___`` variable, so the parser sees an
    expansion; a backquoted comment (`` `# note` ``, a Dockerfile idiom for
    comments inside a continued RUN) becomes spaces: tree-sitter would read
    the closing backquote as part of the comment.
    """
    if "${{" in text:
        text = _GH_EXPR.sub(lambda m: "$" + "_" * (len(m.group(0)) - 1), text)
    if "`#" in text:
        text = _BACKQUOTE_COMMENT.sub(lambda m: " " * len(m.group(0)), text)
    return text


class _Walker:
    """Walks one tree-sitter tree and feeds a collector."""

    def __init__(self, col: _Collector, job: _Job, masked: str) -> None:
        self.col = col
        self.job = job
        self.src = job.text
        self.b2c = _byte_to_char(masked)
        posmap = job.posmap
        base = job.base
        if posmap is None:
            self.fmap: Mapper = lambda i: base + i
        else:
            pm = posmap
            last = len(pm) - 1

            def _fmap(i: int) -> int:
                if last < 0:
                    return base
                if i > last:
                    return pm[last] + 1
                return pm[i]

            self.fmap = _fmap
        self.extra_redirects: dict[int, list[Any]] = {}

    # -- offsets ---------------------------------------------------------
    def span(self, node: Any) -> tuple[int, int, int, int]:
        """Script-local char start/end and file start/end of ``node``."""
        s = self.b2c(node.start_byte)
        e = self.b2c(node.end_byte)
        fs = self.fmap(s)
        fe = self.fmap(e - 1) + 1 if e > s else fs
        return s, e, fs, fe

    def word(self, node: Any) -> Word:
        s, e, fs, fe = self.span(node)
        raw = self.src[s:e]
        # every expansion starts with "$", "`", "<(" or ">(": without them there is none
        expands = "$" in raw or "`" in raw or "(" in raw
        verbatim = self._verbatim(node, s) if expands else []
        if "\\" in raw or "'" in raw or '"' in raw:
            text, _ = unquote(raw, verbatim)
        else:
            text = raw  # nothing to remove (the common word): no position list to build
        literal = (
            not verbatim and "${{" not in raw and not (node.type == "word" and looks_dynamic(raw))
        )
        return Word(text, raw, fs, fe, literal)

    def _verbatim(self, node: Any, s: int) -> list[tuple[int, int]]:
        if node.type in _EXPANSIONS:
            return [(0, self.b2c(node.end_byte) - s)]
        out: list[tuple[int, int]] = []
        stack = list(reversed(node.named_children))
        while stack:
            n = stack.pop()
            if n.type in _EXPANSIONS:
                out.append((self.b2c(n.start_byte) - s, self.b2c(n.end_byte) - s))
            elif n.type not in _LEAVES:
                stack.extend(reversed(n.named_children))
        out.sort()
        return out

    # -- walking ---------------------------------------------------------
    def walk(self, root: Any) -> None:
        job = self.job
        # (node, context, parent order, pipe)
        stack: list[tuple[Any, str, int | None, tuple[int, int, int] | None]] = [
            (root, job.context, job.parent, None)
        ]
        col = self.col
        while stack:
            node, ctx, parent, pipe = stack.pop()
            t = node.type
            if t in ("command", "declaration_command", "unset_command"):
                for item in reversed(self.command(node, ctx, parent, pipe)):
                    stack.append(item)
                continue
            if t == "test_command":
                for item in reversed(self.test_command(node, ctx, parent, pipe)):
                    stack.append(item)
                continue
            if t == "variable_assignments" or (
                t == "variable_assignment"
                and node.parent is not None
                and node.parent.type
                in (
                    "program",
                    "list",
                    "compound_statement",
                    "do_group",
                    "if_statement",
                    "else_clause",
                    "elif_clause",
                    "subshell",
                    "case_item",
                    "pipeline",
                    "redirected_statement",
                )
            ):
                for item in reversed(self.assignment_only(node, ctx, parent, pipe)):
                    stack.append(item)
                continue
            if t in _LEAVES:
                continue
            children = [c for c in node.named_children if c.type != "comment"]
            if t == "heredoc_redirect":
                # statements after the delimiter are handled as the command's tail
                children = [c for c in children if c.type == "heredoc_body" or c.type in _REDIRECTS]
            if t == "pipeline":
                pid = col.new_pipe()
                n = len(children)
                for i in range(n - 1, -1, -1):
                    stack.append((children[i], ctx, parent, (pid, i, n)))
                continue
            if t == "redirected_statement":
                body = node.child_by_field_name("body")
                redirects = [c for c in children if c.type in _REDIRECTS]
                target = self._redirect_target(body)
                if target is not None:
                    self.extra_redirects.setdefault(target.id, []).extend(redirects)
                    rest = [c for c in children if c.type not in _REDIRECTS]
                else:
                    rest = children
                    # heredoc tails of an unattached redirect
                    for r in redirects:
                        if r.type == "heredoc_redirect":
                            for item in reversed(self._heredoc_tail(r, ctx, parent, None)):
                                stack.append(item)
                for c in reversed(rest):
                    stack.append((c, ctx, parent, pipe))
                continue
            if t == "command_substitution":
                ctx2, pipe2 = "command_substitution", None
            elif t == "process_substitution":
                ctx2, pipe2 = "process_substitution", None
            elif t == "subshell":
                ctx2, pipe2 = "subshell", pipe
            else:
                ctx2, pipe2 = ctx, pipe
            for c in reversed(children):
                stack.append((c, ctx2, parent, pipe2))

    def _redirect_target(self, body: Any) -> Any:
        n = body
        for _ in range(8):
            if n is None:
                return None
            if n.type in ("command", "declaration_command"):
                return n
            if n.type in ("pipeline", "list"):
                # redirections bind tighter than "|", "&&" and "||": the last
                # element owns them (tree-sitter hangs them on the whole list)
                kids = [c for c in n.named_children if c.type != "comment"]
                n = kids[-1] if kids else None
            elif n.type == "redirected_statement":
                n = n.child_by_field_name("body")
            else:
                return None
        return None

    def _heredoc_tail(
        self, node: Any, ctx: str, parent: int | None, owner: _Proto | None
    ) -> list[tuple[Any, str, int | None, tuple[int, int, int] | None]]:
        """Statements tree-sitter nests in a heredoc redirect (``<<EOF | sh``, ``<<EOF && x``)."""
        out: list[tuple[Any, str, int | None, tuple[int, int, int] | None]] = []
        for c in node.named_children:
            if c.type in ("heredoc_start", "heredoc_body", "heredoc_end", "comment"):
                continue
            if c.type in _REDIRECTS:
                continue
            if c.type == "pipeline" and c.child_count and c.children[0].type in ("|", "|&"):
                elems = [e for e in c.named_children if e.type != "comment"]
                pid = self.col.new_pipe()
                n = len(elems) + 1
                if owner is not None:
                    owner.pipe = (pid, 0, n)
                for i, e in enumerate(elems):
                    # "<<EOF | sh && echo ok" comes as "| (sh && echo ok)": only the
                    # leftmost command of such a list is in the pipeline
                    later: list[Any] = []
                    while e.type == "list" and e.named_child_count:
                        kids = [k for k in e.named_children if k.type != "comment"]
                        e, rest = kids[0], kids[1:]
                        later = rest + later
                    out.append((e, ctx, parent, (pid, i + 1, n)))
                    out.extend((r, ctx, parent, None) for r in later)
                continue
            out.append((c, ctx, parent, None))
        return out

    def command(
        self, node: Any, ctx: str, parent: int | None, pipe: tuple[int, int, int] | None
    ) -> list[tuple[Any, str, int | None, tuple[int, int, int] | None]]:
        col = self.col
        _, _, fs, fe = self.span(node)
        proto = _Proto(len(col.protos), [], [], [], fs, fe, ctx, parent, pipe)
        col.protos.append(proto)
        me = proto.order
        nested: list[Any] = []  # nodes that may hold commands run for this one
        redirect_nodes: list[Any] = []
        argv_nodes: list[Any] = []
        t = node.type
        seen_name = False
        for i, c in enumerate(node.children):
            ct = c.type
            if t != "command":
                if not c.is_named:
                    if not argv_nodes and ct in (
                        "export",
                        "declare",
                        "local",
                        "readonly",
                        "typeset",
                        "unset",
                        "unsetenv",
                    ):
                        argv_nodes.append(c)
                    continue
                if ct == "comment":
                    continue
                argv_nodes.append(c)
                nested.append(c)
                continue
            fname = node.field_name_for_child(i)
            if ct in _REDIRECTS or fname == "redirect":
                redirect_nodes.append(c)
            elif fname == "name":
                seen_name = True
                argv_nodes.append(c)
            elif fname == "argument":
                argv_nodes.append(c)
                nested.append(c)
            elif ct == "variable_assignment" and not seen_name:
                proto.assignments.append(self.word(c))
                nested.append(c)
            elif c.is_named and ct != "comment":
                nested.append(c)
        redirect_nodes.extend(self.extra_redirects.pop(node.id, ()))
        tail: list[tuple[Any, str, int | None, tuple[int, int, int] | None]] = []
        proto.raw_argv = [self.word(c) for c in argv_nodes]
        extra_args: list[Any] = []
        for r in redirect_nodes:
            extra_args.extend(self.redirect(r, proto))
            nested.append(r)
            if r.type == "heredoc_redirect":
                tail.extend(self._heredoc_tail(r, ctx, parent, proto))
        if extra_args:
            argv_nodes.extend(extra_args)
            argv_nodes.sort(key=lambda n: n.start_byte)
            proto.raw_argv = [self.word(c) for c in argv_nodes]
        if proto.redirects:
            proto.end = max(proto.end, max(r.end for r in proto.redirects))
        # ``sh -c 'script'``: remember the script node for a second parse
        script_idx = _shell_c_index(proto.raw_argv)
        if script_idx is not None:
            arg_nodes = [c for c in argv_nodes]
            if script_idx < len(arg_nodes):
                proto.script_word = arg_nodes[script_idx]
        out: list[tuple[Any, str, int | None, tuple[int, int, int] | None]] = []
        for n in nested:
            if n.type == "heredoc_redirect" and proto.stdin_heredocs:
                continue  # the body is parsed again as a script
            out.append((n, ctx, me, None))
        if proto.script_word is not None:
            self._queue_script(proto)
        for text, pm in proto.stdin_heredocs:
            col.jobs.append(_Job(text, pm, 0, "shell_c", me))
        # the tail runs after this command, at the same level
        return out + tail

    def test_command(
        self, node: Any, ctx: str, parent: int | None, pipe: tuple[int, int, int] | None
    ) -> list[tuple[Any, str, int | None, tuple[int, int, int] | None]]:
        """``[ ... ]`` / ``[[ ... ]]``: a command named ``[`` whose words are split from its text."""
        col = self.col
        s, e, fs, fe = self.span(node)
        proto = _Proto(len(col.protos), [], [], [], fs, fe, ctx, parent, pipe)
        col.protos.append(proto)
        verbatim = self._verbatim(node, s)
        words: list[Word] = []
        for w in split_words(self.src[s:e], 0):
            dynamic = any(a < w.end and w.start < b for a, b in verbatim)
            ws = self.fmap(s + w.start)
            we = self.fmap(s + w.end - 1) + 1 if w.end > w.start else ws
            words.append(Word(w.text, w.raw, ws, we, w.literal and not dynamic))
        proto.raw_argv = words
        return [(c, ctx, proto.order, None) for c in node.named_children]

    def assignment_only(
        self, node: Any, ctx: str, parent: int | None, pipe: tuple[int, int, int] | None
    ) -> list[tuple[Any, str, int | None, tuple[int, int, int] | None]]:
        col = self.col
        _, _, fs, fe = self.span(node)
        proto = _Proto(len(col.protos), [], [], [], fs, fe, ctx, parent, pipe)
        col.protos.append(proto)
        items = (
            [node]
            if node.type == "variable_assignment"
            else [c for c in node.named_children if c.type == "variable_assignment"]
        )
        proto.assignments = [self.word(c) for c in items]
        return [(v, ctx, proto.order, None) for c in items for v in c.named_children]

    def redirect(self, node: Any, proto: _Proto) -> list[Any]:
        """Add a Redirect to ``proto``; return nodes that are really arguments."""
        _, _, fs, fe = self.span(node)
        op = ""
        fd: str | None = None
        target: Word | None = None
        extra: list[Any] = []
        body: str | None = None
        body_start: int | None = None
        for i, c in enumerate(node.children):
            ct = c.type
            if not c.is_named:
                if not op and ct not in ("(", ")"):
                    op = ct
                continue
            if ct == "file_descriptor":
                fd = self.src[self.b2c(c.start_byte) : self.b2c(c.end_byte)]
            elif ct == "heredoc_start":
                target = self.word(c)
                # the redirect is the marker; the body and what tree-sitter
                # nests after it (``| sh``, ``&& x``) are not part of it
                fe = target.end
            elif ct == "heredoc_body":
                s, e, bfs, _ = self.span(c)
                body = self.src[s:e]
                body_start = bfs
            elif node.type == "heredoc_redirect":
                continue
            elif (
                node.field_name_for_child(i) == "destination" or node.type == "herestring_redirect"
            ):
                if target is None:
                    target = self.word(c)
                else:
                    extra.append(c)
        if node.type == "heredoc_redirect" and body is None:
            # an empty body: tree-sitter gives no heredoc_body node
            body = ""
            end_node = next((c for c in node.named_children if c.type == "heredoc_end"), None)
            if end_node is not None:
                body_start = self.span(end_node)[2]
        known = self.job.heredocs.get(fs) if op == "<" else None
        if known is not None:
            # a heredoc the caller already read (the marker was given to us as "<")
            op = "<<-" if known.strip_tabs else "<<"
            body, body_start = known.body, known.body_start
            if target is not None:
                target = Word(known.delimiter, target.raw, target.start, target.end, True)
        redirect = Redirect(op, target, fs, fe, fd, body, body_start)
        proto.redirects.append(redirect)
        if redirect.is_heredoc and body and _reads_script_from_stdin(proto, node):
            if known is not None:
                pm = [known.body_start + k for k in range(len(body))]
            else:
                bnode = next((c for c in node.named_children if c.type == "heredoc_body"), None)
                s = self.b2c(bnode.start_byte) if bnode is not None else 0
                pm = [self.fmap(s + k) for k in range(len(body))]
            text = body
            if op == "<<-":
                text, pm = _strip_tabs(body, pm)
            proto.stdin_heredocs.append((text, pm))
        return extra

    def _queue_script(self, proto: _Proto) -> None:
        node = proto.script_word
        if len(self.col.jobs) >= _MAX_JOBS:
            return
        verbatim_nodes: list[Any] = []
        stack = [node]
        while stack:
            n = stack.pop()
            if n.type in _EXPANSIONS:
                verbatim_nodes.append(n)
            elif n.type not in _LEAVES:
                stack.extend(n.named_children)
        if any(
            n.type in _SUBSTITUTIONS or n.type == "arithmetic_expansion" for n in verbatim_nodes
        ):
            return  # its commands were found already; a second parse would repeat them
        s = self.b2c(node.start_byte)
        e = self.b2c(node.end_byte)
        raw = self.src[s:e]
        verbatim = self._verbatim(node, s)
        text, pos = unquote(raw, verbatim)
        if not text.strip():
            return
        pm = [self.fmap(s + p) for p in pos]
        self.col.jobs.append(_Job(text, pm, 0, "shell_c", proto.order))


def _strip_tabs(body: str, pm: list[int]) -> tuple[str, list[int]]:
    out: list[str] = []
    opm: list[int] = []
    at_line_start = True
    for ch, p in zip(body, pm, strict=False):
        if at_line_start and ch == "\t":
            continue
        at_line_start = ch == "\n"
        out.append(ch)
        opm.append(p)
    return "".join(out), opm


_SHELL_VALUE_OPTS = frozenset(["-o", "+o", "-O", "+O", "--rcfile", "--init-file"])


def _shell_c_index(argv: Sequence[Word]) -> int | None:
    """Index in ``argv`` (raw, wrappers included) of the script of ``sh -c SCRIPT``."""
    eff, _, _ = unwrap(tuple(argv))
    if not eff or eff[0].text.rsplit("/", 1)[-1] not in SHELLS:
        return None
    offset = len(argv) - len(eff)
    has_c = False
    i = 1
    while i < len(eff):
        t = eff[i].text
        if t == "--":
            i += 1
            break
        if t in _SHELL_VALUE_OPTS:
            i += 2
            continue
        if t.startswith("--"):
            i += 1
            continue
        if len(t) > 1 and t[0] in "-+":
            if t[0] == "-" and "c" in t[1:]:
                has_c = True
            i += 1
            continue
        break
    if has_c and i < len(eff):
        return offset + i
    return None


def _reads_script_from_stdin(proto: _Proto, node: Any) -> bool:
    """``bash <<EOF``, ``sh -s <<EOF``: a shell with no script file or ``-c``."""
    eff, _, _ = unwrap(tuple(proto.raw_argv))
    if not eff or eff[0].text.rsplit("/", 1)[-1] not in SHELLS:
        return False
    i = 1
    while i < len(eff):
        t = eff[i].text
        if t == "--":
            return i + 1 >= len(eff) or True
        if t in _SHELL_VALUE_OPTS:
            i += 2
            continue
        if len(t) > 1 and t[0] in "-+":
            if t[0] == "-" and not t.startswith("--") and "c" in t[1:]:
                return False
            i += 1
            continue
        return False  # a script file argument
    return True


def _finish(col: _Collector, source: str, base: int, parser: str) -> ShellScript:
    protos = col.protos
    order = sorted(range(len(protos)), key=lambda k: (protos[k].start, k))
    new_index = {old: new for new, old in enumerate(order)}
    commands: list[Command] = []
    for new, old in enumerate(order):
        p = protos[old]
        raw_argv = tuple(p.raw_argv)
        argv, wrappers, wrapper_assignments = unwrap(raw_argv)
        if p.pipe is None:
            pid, pidx, plen = col.new_pipe(), 0, 1
        else:
            pid, pidx, plen = p.pipe
        commands.append(
            Command(
                index=new,
                argv=argv,
                raw_argv=raw_argv,
                wrappers=wrappers,
                assignments=tuple(p.assignments) + wrapper_assignments,
                redirects=tuple(p.redirects),
                start=p.start,
                end=p.end,
                pipeline=pid,
                pipe_index=pidx,
                pipe_length=plen,
                context=p.context,
                parent=None if p.parent is None else new_index.get(p.parent),
            )
        )
    return ShellScript(source, tuple(commands), col.ok, base, parser)


def _has_problem(root: Any) -> bool:
    return bool(root.has_error)


def parse_shell(script: str, base: int = 0, heredocs: Sequence[HeredocText] = ()) -> ShellScript:
    """Parse a shell script; offsets in the result are ``base`` + character index.

    ``heredocs`` are here-documents the caller has already cut out of the
    script (a Dockerfile's ``RUN <<A <<B``): each marker must be written as
    ``<`` plus padding at ``marker_start`` so the parser sees a plain
    redirect; the redirect comes back as a heredoc with the given body.

    Never raises: without tree-sitter, or if it fails, a tokenizer splits the
    script into commands and words (``parser == "fallback"``, ``ok`` false).
    """
    try:
        parser = _ts_parser()
        if parser is not None:
            key = (script, base, tuple(heredocs))
            cached = _PARSED.get(key)
            if cached is None:
                cached = _parse_ts(parser, script, base, heredocs)
                if len(_PARSED) >= _PARSED_MAX:
                    _PARSED.clear()
                _PARSED[key] = cached
            return cached
    except Exception:
        pass
    return parse_fallback(script, base)


# Several rules and adapters ask for the same ``run:`` script: the analysis
# (immutable) is kept while the file is linted (a bound guards other callers).
_PARSED: dict[tuple[str, int, tuple[HeredocText, ...]], ShellScript] = file_cache()
_PARSED_MAX = 100_000


def parse_mapped(text: str, posmap: Sequence[int], context: str = "top") -> ShellScript:
    """Parse ``text`` whose character ``k`` sits at file offset ``posmap[k]``.

    For text that was unescaped or cut out of a larger file (a JSON string,
    a YAML block scalar). Offsets past the end map just after the last one.
    """
    pm = list(posmap)
    if len(pm) < len(text):
        last = pm[-1] if pm else 0
        pm.extend(last + 1 + k for k in range(len(text) - len(pm)))
    base = pm[0] if pm else 0
    try:
        parser = _ts_parser()
        if parser is not None:
            col = _Collector()
            col.jobs.append(_Job(text, pm, base, context, None))
            _run_jobs(col, parser)
            return _finish(col, text, base, "tree-sitter")
    except Exception:
        pass
    script = parse_fallback(text, 0)
    return _remap(script, pm, base)


def _remap(script: ShellScript, pm: list[int], base: int) -> ShellScript:
    """Move every offset of a script parsed at base 0 through ``pm``."""
    from dataclasses import replace

    def m(i: int) -> int:
        if not pm:
            return base + i
        return pm[i] if i < len(pm) else pm[-1] + 1 + (i - len(pm))

    def me(i: int) -> int:
        return m(i - 1) + 1 if i > 0 else m(0)

    def w(word: Word | None) -> Word | None:
        return None if word is None else replace(word, start=m(word.start), end=me(word.end))

    def ws(words: tuple[Word, ...]) -> tuple[Word, ...]:
        return tuple(replace(x, start=m(x.start), end=me(x.end)) for x in words)

    cmds = tuple(
        replace(
            c,
            argv=ws(c.argv),
            raw_argv=ws(c.raw_argv),
            assignments=ws(c.assignments),
            redirects=tuple(
                replace(r, target=w(r.target), start=m(r.start), end=me(r.end)) for r in c.redirects
            ),
            start=m(c.start),
            end=me(c.end),
        )
        for c in script.commands
    )
    return ShellScript(script.source, cmds, script.ok, base, script.parser)


def parse_argv(
    argv: Sequence[Word],
    source: str = "",
    maps: Sequence[Sequence[int] | None] | None = None,
) -> ShellScript:
    """The analysis of one command given as a list of words (a JSON exec form).

    When it is ``sh -c SCRIPT`` the script is parsed too (context
    ``shell_c``); ``maps[i]``, when given, is the file offset of each
    character of ``argv[i].text`` (by default: from the word's start on).
    """
    col = _Collector()
    words = list(argv)
    if not words:
        return ShellScript(source, (), True, 0, "argv")
    proto = _Proto(0, words, [], [], words[0].start, words[-1].end, "top", None, None)
    col.protos.append(proto)
    idx = _shell_c_index(words)
    if idx is not None and words[idx].text.strip():
        body = words[idx].text
        given = maps[idx] if maps is not None and idx < len(maps) else None
        if given is None:
            start, end = words[idx].start, words[idx].end
            pm = [min(start + k, max(start, end - 1)) for k in range(len(body))]
        else:
            pm = list(given)
        col.jobs.append(_Job(body, pm, 0, "shell_c", 0))
    try:
        parser = _ts_parser()
        if parser is not None and col.jobs:
            _run_jobs(col, parser, first_is_top=False)
            return _finish(col, source, words[0].start, "tree-sitter")
    except Exception:
        col.protos = col.protos[:1]
    if col.jobs:
        job = col.jobs[0]
        inner = _remap(parse_fallback(job.text, 0), list(job.posmap or []), 0)
        out = _finish(col, source, words[0].start, "fallback")
        shifted = tuple(
            Command(
                index=c.index + 1,
                argv=c.argv,
                raw_argv=c.raw_argv,
                wrappers=c.wrappers,
                assignments=c.assignments,
                redirects=c.redirects,
                start=c.start,
                end=c.end,
                pipeline=c.pipeline + 10_000,
                pipe_index=c.pipe_index,
                pipe_length=c.pipe_length,
                context="shell_c",
                parent=0,
            )
            for c in inner.commands
        )
        return ShellScript(source, out.commands + shifted, False, words[0].start, "fallback")
    return _finish(col, source, words[0].start, "argv")


def _run_jobs(col: _Collector, parser: Any, first_is_top: bool = True) -> None:
    done = 0
    while done < len(col.jobs) and done < _MAX_JOBS:
        job = col.jobs[done]
        done += 1
        masked = _mask_expressions(job.text)
        tree = parser.parse(masked.encode("utf-8"))
        root = tree.root_node
        if _has_problem(root) and _CLOSERS.search(masked):
            # bash takes "fi fi", "done fi", ") else" (a continued RUN without ";");
            # tree-sitter does not: retry with a ";" in place of one blank
            fixed = _CLOSERS.sub(lambda m: m.group(1) + ";" + m.group(2)[1:], masked)
            retry = parser.parse(fixed.encode("utf-8"))
            if not _has_problem(retry.root_node):
                masked, root = fixed, retry.root_node
        if _has_problem(root) and (done == 1 or not first_is_top):
            col.ok = False
        _Walker(col, job, masked).walk(root)


def _parse_ts(
    parser: Any, script: str, base: int, heredocs: Sequence[HeredocText] = ()
) -> ShellScript:
    col = _Collector()
    col.jobs.append(_Job(script, None, base, "top", None, {h.marker_start: h for h in heredocs}))
    _run_jobs(col, parser)
    return _finish(col, script, base, "tree-sitter")


# -- fallback -----------------------------------------------------------------

_SEPARATORS = frozenset([";", "&&", "||", "&", "\n", "(", ")", ";;"])
_KEYWORDS = frozenset(
    [
        "if",
        "then",
        "else",
        "elif",
        "fi",
        "do",
        "done",
        "while",
        "until",
        "for",
        "case",
        "esac",
        "{",
        "}",
        "!",
        "in",
        "function",
    ]
)
_REDIRECT_WORD = lazy_compile(r"^(\d*|&)(>>|>&|<&|&>>|&>|>\||<<<|<<-|<<|<>|>|<)(.*)$", re.S)


def parse_fallback(script: str, base: int = 0) -> ShellScript:
    """Split ``script`` into commands with a quote-aware tokenizer (no nesting)."""
    try:
        tokens = split_words(script, base, operators=True)
    except Exception:  # pragma: no cover - the tokenizer does not raise
        tokens = []
    col = _Collector()
    current: list[Word] = []
    pipe_members: list[_Proto] = []

    def flush(pipe_continues: bool) -> None:
        nonlocal current, pipe_members
        words = current
        current = []
        assignments: list[Word] = []
        redirects: list[Redirect] = []
        argv: list[Word] = []
        i = 0
        while i < len(words) and not argv and words[i].text in _KEYWORDS:
            i += 1
        while i < len(words):
            w = words[i]
            m = _REDIRECT_WORD.match(w.raw) if w.raw[:1] in "<>&0123456789" else None
            if m and m.group(2) and not m.group(3).startswith("("):
                rest = m.group(3)
                if rest:
                    tw = Word(rest, rest, w.end - len(rest), w.end, not looks_dynamic(rest))
                    redirects.append(Redirect(m.group(2), tw, w.start, w.end, m.group(1) or None))
                    i += 1
                else:
                    tw2 = words[i + 1] if i + 1 < len(words) else None
                    end = tw2.end if tw2 else w.end
                    redirects.append(Redirect(m.group(2), tw2, w.start, end, m.group(1) or None))
                    i += 2
                continue
            if not argv and "=" in w.text and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", w.raw):
                assignments.append(w)
            else:
                argv.append(w)
            i += 1
        if argv or assignments:
            start = min(x.start for x in argv + assignments)
            end = max([x.end for x in argv + assignments] + [r.end for r in redirects])
            proto = _Proto(
                len(col.protos), argv, assignments, redirects, start, end, "top", None, None
            )
            col.protos.append(proto)
            pipe_members.append(proto)
        if not pipe_continues:
            if len(pipe_members) > 1:
                pid = col.new_pipe()
                for k, p in enumerate(pipe_members):
                    p.pipe = (pid, k, len(pipe_members))
            pipe_members = []

    for tok in tokens:
        if not tok.literal and tok.raw in _SEPARATORS and tok.text == tok.raw:
            flush(False)
        elif not tok.literal and tok.raw in ("|", "|&") and tok.text == tok.raw:
            flush(True)
        else:
            current.append(tok)
    flush(False)
    col.ok = False
    return _finish(col, script, base, "fallback")
