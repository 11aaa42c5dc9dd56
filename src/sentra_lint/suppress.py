"""Inline suppressions: ``# sentra-lint: ignore[ID,...] reason``.

Dockerfile: a full-line comment directly above the instruction (a block of
comment lines directly above counts). YAML: a comment on the finding's line
or a full-line comment directly above it. ``ignore-file[...]`` anywhere in a
file covers the whole file. Suppressed findings are kept and marked.
"""

from __future__ import annotations

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.source import SourceFile, Span

_PRAGMA = lazy_compile(r"#\s*sentra-lint:\s*(ignore|ignore-file)\[([^\]\n]*)\]\s*([^\n]*)")


@dataclass(frozen=True, slots=True)
class Pragma:
    """An inline suppression comment."""

    line: int
    file_level: bool
    ids: tuple[str, ...]
    reason: str
    full_line: bool
    span: Span
    id_spans: tuple[Span, ...]


def scan(src: SourceFile) -> list[Pragma]:
    """Every suppression comment in the file (cheap: one substring test first)."""
    if "sentra-lint:" not in src.text:
        return []
    out: list[Pragma] = []
    for m in _PRAGMA.finditer(src.text):
        start = m.start()
        line, _ = src.position(start)
        line_start = src.line_start(line)
        before = src.text[line_start:start]
        if before and not before[-1].isspace():
            continue  # '#' inside a word is not a comment
        ids: list[str] = []
        id_spans: list[Span] = []
        offset = m.start(2)
        for part in m.group(2).split(","):
            token = part.strip()
            if token:
                rel = part.index(token)
                ids.append(token.upper())
                id_spans.append(src.span(offset + rel, offset + rel + len(token)))
            offset += len(part) + 1
        out.append(
            Pragma(
                line=line,
                file_level=m.group(1) == "ignore-file",
                ids=tuple(ids),
                reason=m.group(3).strip(),
                full_line=not before.strip(),
                span=src.span(start, m.end()),
                id_spans=tuple(id_spans),
            )
        )
    return out


@dataclass(slots=True)
class Suppressions:
    """A file's inline suppressions, by line and for the whole file."""

    file_level: dict[str, Pragma]
    by_line: dict[int, list[Pragma]]

    @classmethod
    def build(cls, pragmas: list[Pragma]) -> Suppressions:
        file_level: dict[str, Pragma] = {}
        by_line: dict[int, list[Pragma]] = {}
        for p in pragmas:
            if p.file_level:
                for i in p.ids:
                    file_level.setdefault(i, p)
            else:
                by_line.setdefault(p.line, []).append(p)
        return cls(file_level, by_line)

    def match(self, rule: str, lines: list[int]) -> Pragma | None:
        """The pragma covering ``rule`` at any of the candidate comment lines."""
        hit = self.file_level.get(rule)
        if hit is not None:
            return hit
        for line in lines:
            for p in self.by_line.get(line, ()):
                if rule in p.ids or "ALL" in p.ids:
                    return p
        return None


def yaml_lines(src: SourceFile, finding_line: int) -> list[int]:
    """Lines whose comment may cover a YAML finding: its own and the full-line comments directly above."""
    lines = [finding_line]
    line = finding_line - 1
    while line >= 1 and src.line_text(line).lstrip().startswith("#"):
        lines.append(line)
        line -= 1
    return lines


def dockerfile_lines(src: SourceFile, instruction_line: int) -> list[int]:
    """Comment lines directly above the instruction that starts at ``instruction_line``."""
    lines: list[int] = []
    line = instruction_line - 1
    while line >= 1 and src.line_text(line).lstrip().startswith("#"):
        lines.append(line)
        line -= 1
    return lines
