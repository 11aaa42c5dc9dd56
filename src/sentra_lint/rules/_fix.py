"""Building fixes: text edits that add what a rule found missing.

Every edit is a :class:`~sentra_lint.findings.Edit` on the newline-normalised
text of the file the finding is in. The helpers here only *insert* text (or
replace one value), keep the file's own layout (indentation, quoting, block
or flow style, ``\\`` continuations) and return ``None`` when they cannot
do that with certainty; a rule then reports its finding without a fix.

When several rules add to the same launch, their insertions land at the
same offset. :mod:`sentra_lint.fixes` applies such insertions in rule order
one after the other, and applies an edit that several fixes share (the
``options: >-`` key line of a container that has no options yet) once. So
every insertion here is self-contained: a new line with its own
indentation, or a word with its own leading space.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.findings import Edit, Fix
from sentra_lint.source import SourceFile, Span

if TYPE_CHECKING:  # the models are imported where a fix is built: a run loads only its kinds' parsers
    from sentra_lint.container.spec import ContainerSpec, FixSite
    from sentra_lint.dockerfile.model import Instruction
    from sentra_lint.yamlmodel import MapNode, Node, ScalarNode, SeqNode

TMP_TMPFS = "/tmp:rw,noexec,nosuid,size=256m"
"""The ``/tmp`` mount a fix adds next to a read-only root filesystem."""

_SIMPLE_ITEM = lazy_compile(r"^[A-Za-z0-9_./=-]+$")


# ---------------------------------------------------------------------------
# Offsets and lines


# Where every launch fix goes; appended to the documentation of each fixable SC rule.
LAUNCH_FIX_PLACEMENT = """\
Where it goes: a workflow's `options:` string gets the flag appended inside
its quotes, a folded or literal `options:` block gets one more line at the
block's indentation, a `container:` or `services.<id>:` mapping without
`options:` gets an `options: >-` key; a `docker run` in a `run:` step gets
the flag right after `run` (as a `\\` continuation line when the command
already continues over lines); a Compose service gets the key at its own
indentation. Nothing is fixed when the launch is the short form
`container: image`, a flow mapping, a repository script, or a dev container.
"""

def offset_of(src: SourceFile, line: int, column: int) -> int:
    return src.offset(line, column)


def span_offsets(src: SourceFile, span: Span) -> tuple[int, int]:
    return src.offset(span.line, span.column), src.offset(span.end_line, span.end_column)


def line_end(text: str, pos: int) -> int:
    """The offset of the line break that ends the line holding ``pos`` (or the end of the text)."""
    i = text.find("\n", pos)
    return len(text) if i == -1 else i


def line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def trimmed_end(text: str, start: int, end: int) -> int:
    end = min(end, len(text))
    while end > start and text[end - 1] in " \t\n":
        end -= 1
    return end


def indent_unit(text: str) -> str:
    """The file's indentation step: the indentation of its first indented line (2 by default)."""
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        if stripped and not stripped.startswith("#") and len(stripped) < len(line):
            n = len(line) - len(stripped)
            return " " * max(1, min(n, 8))
    return "  "


def _key_column(src: SourceFile, node: MapNode) -> int | None:
    """The column (0-based) of the mapping's keys; ``None`` for a mapping on an odd line."""
    if not node.items:
        return None
    key = node.items[0][0]
    text = src.text
    start = line_start(text, key.start)
    prefix = text[start : key.start]
    if prefix.strip(" -") != "" or "\t" in prefix:
        return None
    return key.start - start


def _own_pair(node: MapNode, key: str) -> tuple[ScalarNode, Node] | None:
    from sentra_lint.yamlmodel import ScalarNode

    found: tuple[ScalarNode, Node] | None = None
    for k, v in node.items:
        if isinstance(k, ScalarNode) and k.value == key:
            found = (k, v)
    return found


def _end_of_entry(src: SourceFile, value: Node, key: Node) -> int:
    """Where a new line after the pair ``key: value`` goes: the end of its last line."""
    text = src.text
    end = trimmed_end(text, key.start, max(value.end, key.end))
    return line_end(text, end)


def map_insert_point(
    src: SourceFile, node: MapNode, after: str | None = None
) -> tuple[int, str] | None:
    """``(offset, indentation)`` for a new key of a block mapping.

    The new key goes after the pair ``after`` when it is given and present,
    otherwise after the mapping's last pair. ``None`` for a flow or empty
    mapping, or one whose keys do not start their lines.
    """
    if node.flow or not node.items:
        return None
    col = _key_column(src, node)
    if col is None:
        return None
    pair = _own_pair(node, after) if after is not None else None
    key, value = pair if pair is not None else node.items[-1]
    return _end_of_entry(src, value, key), " " * col


def add_keys(
    src: SourceFile, node: MapNode, lines: Sequence[str], after: str | None = None
) -> list[Edit] | None:
    """Edits that add ``lines`` (``key: value``, already indented relative to the keys) to a mapping."""
    where = map_insert_point(src, node, after)
    if where is None:
        return None
    pos, indent = where
    return [Edit(pos, pos, "".join(f"\n{indent}{line}" for line in lines))]


def yaml_item(value: str) -> str:
    """A sequence item as YAML text: plain when that is certain, double-quoted otherwise."""
    if _SIMPLE_ITEM.match(value) and not value.startswith("-"):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def append_item(src: SourceFile, seq: SeqNode, value: str) -> Edit | None:
    """An edit that adds ``value`` to a block or flow sequence, in its style.

    A flow sequence gets it at its end; a block sequence gets a new first
    item line, so that the edit never lands where new keys of the parent
    mapping go (the end of its last entry).
    """
    text = src.text
    item = yaml_item(value)
    if seq.flow:
        close = trimmed_end(text, seq.start, seq.end) - 1
        if close < seq.start or text[close] != "]":
            return None
        inner = text[seq.start + 1 : close].strip()
        if inner.endswith(","):
            return Edit(close, close, f" {item}")
        return Edit(close, close, f", {item}" if inner else item)
    if not seq.items:
        return None
    first = seq.items[0]
    start = line_start(text, first.start)
    prefix = text[start : first.start]
    if prefix.strip() != "-" or "\t" in prefix:
        return None
    dash = prefix.index("-")
    return Edit(start, start, f"{' ' * dash}- {item}\n")


# ---------------------------------------------------------------------------
# Container launches


def launch_fix(
    spec: ContainerSpec,
    description: str,
    flags: Sequence[str],
    compose: Sequence[tuple[str, str, bool]],
    *,
    safe: bool,
) -> tuple[Fix, ...]:
    """A fix that adds Docker CLI ``flags`` (or Compose keys) to a launch.

    ``compose`` holds ``(key, value, is_list)``: a list key gets ``value``
    appended to the service's own list when it has one, or is written as
    ``key: [value]``; other keys are written as ``key: value``. No fix when
    the launch's file cannot be edited in place.
    """
    from sentra_lint.yamlmodel import MapNode, ScalarNode

    site = spec.fix_site
    if site is None or site.source.path != spec.path:
        return ()
    edits: list[Edit] | None
    if spec.source_kind == "compose":
        edits = _compose_edits(site, compose)
    elif spec.source_kind == "docker-run":
        edits = _command_edits(spec, site, flags)
    elif isinstance(site.node, ScalarNode):
        edits = _options_edits(site.source, site.node, flags)
    elif isinstance(site.node, MapNode):
        edits = _new_options_edits(site.source, site.node, flags)
    else:
        edits = None
    if not edits:
        return ()
    return (Fix(description, tuple(edits), safe),)


def replace_fix(
    spec: ContainerSpec,
    span: Span | None,
    expect: re.Pattern[str],
    text: str,
    description: str,
    *,
    safe: bool,
) -> tuple[Fix, ...]:
    """A fix that replaces the setting written at ``span`` (when it reads as ``expect``) with ``text``."""
    site = spec.fix_site
    if site is None or span is None or site.source.path != spec.path:
        return ()
    start, end = span_offsets(site.source, span)
    if not expect.fullmatch(site.source.text[start:end]):
        return ()
    return (Fix(description, (Edit(start, end, text),), safe),)


def _options_edits(src: SourceFile, node: ScalarNode, flags: Sequence[str]) -> list[Edit] | None:
    """New flags inside an existing ``options:`` scalar, in its style."""
    text = src.text
    if node.style in (">", "|"):
        end = trimmed_end(text, node.start, node.end)
        header_end = line_end(text, node.start)
        if end <= header_end:
            return None  # an empty block scalar
        first = header_end + 1
        while first < end and text[first] == "\n":
            first += 1
        indent = text[first : first + len(text[first:end]) - len(text[first:end].lstrip(" "))]
        if not indent:
            return None
        pos = line_end(text, end)
        return [Edit(pos, pos, "".join(f"\n{indent}{f}" for f in flags))]
    end = trimmed_end(text, node.start, node.end)
    if node.style in ("'", '"'):
        end -= 1
        if end < node.start or text[end] != node.style:
            return None
    elif node.style is not None:
        return None
    if any("'" in f or '"' in f or "\\" in f or "#" in f for f in flags):
        return None
    return [Edit(end, end, "".join(f" {f}" for f in flags))]


def _new_options_edits(src: SourceFile, node: MapNode, flags: Sequence[str]) -> list[Edit] | None:
    """An ``options: >-`` key for a container mapping that has none, one flag a line.

    The key line is an edit of its own, the same for every rule, so that
    fixes of several rules share it and add one line each.
    """
    where = map_insert_point(src, node)
    if where is None:
        return None
    pos, indent = where
    inner = indent + indent_unit(src.text)
    return [
        Edit(pos, pos, f"\n{indent}options: >-"),
        Edit(pos, pos, "".join(f"\n{inner}{f}" for f in flags)),
    ]


_CONTINUATION = lazy_compile(r"[ \t]*\\\n([ \t]*)(?=\S)")


def _command_edits(spec: ContainerSpec, site: FixSite, flags: Sequence[str]) -> list[Edit] | None:
    """Flags right after ``docker run``, on the same line or as continuation lines."""
    if spec.command_span is None or any("'" in f or '"' in f or "#" in f for f in flags):
        return None
    src = site.source
    _, pos = span_offsets(src, spec.command_span)
    text = src.text
    if site.style == "|":
        m = _CONTINUATION.match(text, pos)
        if m is not None:
            indent = m.group(1)
            return [Edit(pos, pos, "".join(f" \\\n{indent}{f}" for f in flags))]
    return [Edit(pos, pos, "".join(f" {f}" for f in flags))]


def _compose_edits(site: FixSite, compose: Sequence[tuple[str, str, bool]]) -> list[Edit] | None:
    from sentra_lint.yamlmodel import MapNode, SeqNode

    node = site.node
    if not isinstance(node, MapNode) or not compose:
        return None
    src = site.source
    edits: list[Edit] = []
    new_lines: list[str] = []
    for key, value, is_list in compose:
        own = _own_pair(node, key)
        if own is None and node.get(key) is not None:
            return None  # set through a merge key: a new key would replace the merged value
        if own is not None:
            existing = own[1]
            if not is_list or not isinstance(existing, SeqNode):
                return None
            edit = append_item(src, existing, value)
            if edit is None:
                return None
            edits.append(edit)
        elif is_list:
            new_lines.append(f"{key}: [{yaml_item(value)}]")
        else:
            new_lines.append(f"{key}: {value}")
    if new_lines:
        added = add_keys(src, node, new_lines)
        if added is None:
            return None
        edits.extend(added)
    return edits


# ---------------------------------------------------------------------------
# Dockerfiles


def insert_after(end: int, text: str) -> Edit:
    """An insertion right after a word ending at ``end`` (``" --no-cache"``)."""
    return Edit(end, end, text)


def append_to_run(src: SourceFile, instr: Instruction, command: str) -> Edit | None:
    """An edit that ends a shell-form ``RUN`` with ``&& command``, in its continuation style.

    ``None`` for exec form, heredocs, and a RUN that ends in an operator, a
    continuation or a comment, where appending is not certain to be right.
    """
    if not instr.is_shell_form or instr.heredocs:
        return None
    text = src.text
    end = trimmed_end(text, instr.args_start, instr.args_end)
    if end <= instr.args_start:
        return None
    body = text[instr.args_start : end]
    if body.endswith(("&", "|", ";", instr.escape, "(", "{")):
        return None
    last_line = body[body.rfind("\n") + 1 :]
    if "#" in last_line:
        return None
    if "\n" not in body:
        return Edit(end, end, f" && {command}")
    indent = last_line[: len(last_line) - len(last_line.lstrip(" \t"))]
    if last_line.lstrip().startswith("&&"):
        return Edit(end, end, f" {instr.escape}\n{indent}&& {command}")
    return Edit(end, end, f" && {instr.escape}\n{indent}{command}")
