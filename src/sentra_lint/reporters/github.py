"""GitHub Actions workflow commands: one annotation per finding.

Each unsuppressed finding becomes one line::

    ::error file=path,line=L,col=C,endLine=EL,endColumn=EC,title=ID title::message

with ``error``, ``warning`` and ``notice`` for the three severities. The
runner reads a workflow command only at the start of a line, and splits the
properties at ``,`` and ``::``; so every value that comes from a file (its
name, the message, which may quote the file's text) is escaped as GitHub's
runner expects: ``%`` ``\\r`` ``\\n`` in the message, and also ``:`` ``,`` in
the properties. Other control characters (terminal escape sequences, line
and paragraph separators, bidirectional overrides) are shown as ``\\xNN`` /
``\\uNNNN`` text, so a file name can neither start another workflow command
nor drive the log viewer.

A final plain line sums up the run; it holds counts only.
"""

from __future__ import annotations

from typing import IO, Any

from sentra_lint.findings import Finding
from sentra_lint.reporters.text import safe, summary
from sentra_lint.result import RunResult

COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    """The message part of a workflow command (after ``::``)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return safe(text)


def escape_property(text: str) -> str:
    """A property value (``file=``, ``title=``): also ``:`` and ``,``, which end a value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _title(f: Finding, result: RunResult | None) -> str:
    rule = result.rule(f.rule) if result is not None else None
    return f"{f.rule} {rule.meta.title}" if rule is not None else f"{f.rule} {f.name}"


def command(f: Finding, result: RunResult | None = None) -> str:
    span = f.span
    props = [
        f"file={escape_property(f.path)}",
        f"line={span.line}",
        f"col={span.column}",
        f"endLine={span.end_line}",
        f"endColumn={span.end_column}",
        f"title={escape_property(_title(f, result))}",
    ]
    message = f.message
    if f.related:
        notes = "; ".join(f"{r.path}:{r.span.line}:{r.span.column}: {r.message}" for r in f.related)
        message = f"{message} (see {notes})"
    return f"::{COMMANDS[f.severity.value]} {','.join(props)}::{escape_data(message)}"


def report(result: RunResult, out: IO[str], opts: dict[str, Any]) -> None:
    counts = {"error": 0, "warning": 0, "note": 0}
    suppressed = 0
    for f in result.findings:
        if f.suppressed:
            suppressed += 1
            continue
        counts[f.severity.value] += 1
        out.write(command(f, result) + "\n")
    for e in result.errors:
        where = f" in rule {e.rule}" if e.rule else ""
        props = [f"title={escape_property('sentra-lint internal error' + where)}"]
        if e.path and e.path != "-":
            props.insert(0, f"file={escape_property(e.path)}")
        out.write(f"::error {','.join(props)}::{escape_data(e.message)}\n")
    text = summary(result, counts, suppressed).removeprefix("Found ")
    out.write(f"sentra-lint: {text[0].lower()}{text[1:]}\n")
