"""A posture summary in GitHub Markdown: ``--format markdown``.

Written for a pull request's job summary (the Action appends it to
``$GITHUB_STEP_SUMMARY``), so that a reviewer sees at a glance which AI agent
runs unhardened:

1. per repository, one row per agent launch and per launch the hardening
   rules were aimed at, one column per ADR_0001 control: ✅ when the control
   is in place, ❌ with the rule id of the finding when it is not, a heavy
   minus sign when the control was not checked; launches the run did not aim the controls at
   (a database service, a test container) are counted below the table;
   an agent step that runs on the runner itself (SA001) is a row with every
   control missing;
2. the findings per rule: a table of counts, then each rule's findings with
   their place and message (at most :data:`PER_RULE` each).

Only tables, lists, headings and code spans: nothing that needs raw HTML.
Text from the linted files is escaped so that it cannot add Markdown or HTML.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import IO, Any

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.container.posture import CONTROL_RULES, CONTROLS, Launch
from sentra_lint.findings import Finding
from sentra_lint.result import RunResult

PER_RULE = 20
MAX_LAUNCHES = 200
"""Rows per repository: a job summary holds at most 1 MiB."""
RUNNER_RULE = "SA001"
"""An agent step on the runner instead of in a container: every control is missing."""
OK, MISSING, UNCHECKED = "✅", "❌", "\N{HEAVY MINUS SIGN}"
_SPECIAL = lazy_compile(r"([\\`*_{}\[\]<>()#+!|~])")
_SEVERITY_ORDER = {"error": 0, "warning": 1, "note": 2}


def text(value: str) -> str:
    """Plain text from a file or a message, safe inside a table cell."""
    value = " ".join(value.split())
    return _SPECIAL.sub(r"\\\1", value).replace("&", "&amp;")


def code(value: str) -> str:
    """A code span that holds any text (backticks and pipes included)."""
    value = " ".join(value.split()).replace("|", "\\|")
    ticks = max((len(m) for m in re.findall(r"`+", value)), default=0) + 1
    fence = "`" * ticks
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def prose(value: str) -> str:
    """A message: its `quoted` parts as code spans, the rest as escaped text."""
    parts = value.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: all text
        return text(value)
    out: list[str] = []
    for i, part in enumerate(parts):
        if i % 2:
            if part.strip():
                out.append(code(part))
        else:
            out.append(_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", part)).replace("&", "&amp;"))
    return "".join(out).strip()


@cache
def repository_of(path: str) -> str:
    """The repository a file is in: the nearest directory above it with a ``.git``, else ``.``."""
    here = os.path.dirname(os.path.abspath(path))
    cwd = os.path.abspath(".")
    while True:
        if os.path.exists(os.path.join(here, ".git")):
            rel = os.path.relpath(here, cwd)
            return "." if rel == "." else rel.replace(os.sep, "/")
        parent = os.path.dirname(here)
        if parent == here or here == cwd:
            return "."
        here = parent


def _launch_findings(launch: Launch, by_key: dict[tuple[str, str, int, int], list[Finding]],
                     extra: Iterable[Finding]) -> list[Finding]:
    found = [f for key in launch.findings for f in by_key.get((launch.path, *key), ())]
    return found + list(extra)


def _cell(findings: list[Finding], rules: tuple[str, ...], checked: bool) -> str:
    hits = [f for f in findings if f.rule in rules or f.rule == RUNNER_RULE]
    open_ids = sorted({f.rule for f in hits if not f.suppressed})
    if open_ids:
        return MISSING + " " + ", ".join(open_ids)
    if not checked:
        return UNCHECKED
    quiet = sorted({f.rule for f in hits})
    return OK + (" (" + ", ".join(quiet) + " suppressed)" if quiet else "")


def _posture(result: RunResult, out: IO[str]) -> None:
    launches: list[Launch] = list(getattr(result, "launches", ()))
    # An agent step that runs on the runner itself (SA001) is an agent launch with
    # none of the controls: a row of its own, every control missing.
    runner = [f for f in result.findings if f.rule == RUNNER_RULE and not f.suppressed]
    for f in runner:
        # The message starts with what runs the agent: "`owner/action` runs an agent ...".
        what = f.message.split(" runs ", 1)[0].strip().strip("`") if " runs " in f.message else None
        launches.append(Launch(path=f.path, line=f.span.line, column=f.span.column, label="agent step on the runner",
                               source="runner", role="agent", image=what,
                               findings=((f.rule, f.span.line, f.span.column),)))
    if not launches:
        return
    launches.sort(key=lambda la: (la.path, la.line, la.column))
    by_key: dict[tuple[str, str, int, int], list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_key[(f.path, f.rule, f.span.line, f.span.column)].append(f)
    # Cross-file findings (SX) come from the repository pass: each belongs to the
    # nearest launch written in the same file.
    cross: dict[int, list[Finding]] = defaultdict(list)
    starts: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for i, la in enumerate(launches):
        starts[la.path].append((la.line, i))
    for f in result.findings:
        if f.rule.startswith("SX") and f.path in starts:
            _, owner = min(starts[f.path], key=lambda li: (abs(li[0] - f.span.line), li[0]))
            cross[owner].append(f)

    repos: dict[str, list[int]] = defaultdict(list)
    for i, la in enumerate(launches):
        repos[repository_of(la.path)].append(i)
    for repo in sorted(repos):
        shown = [i for i in repos[repo] if launches[i].checked or launches[i].role == "agent"]
        others = len(repos[repo]) - len(shown)
        where = "" if repo == "." else f" in {code(repo)}"
        out.write(f"### Container launches{where} against the ADR controls\n\n")
        if shown:
            head = ["launch", "role", "where", *(name for name, _ in CONTROLS), "other findings"]
            out.write("| " + " | ".join(head) + " |\n")
            out.write("|" + "---|" * len(head) + "\n")
            for i in shown[:MAX_LAUNCHES]:
                la = launches[i]
                found = _launch_findings(la, by_key, cross.get(i, ()))
                label = prose(la.label) + (f" ({prose(la.target)})" if la.target else "")
                if la.image:
                    label += " " + code(la.image)
                cells = [label, la.role, code(f"{la.path}:{la.line}")]
                cells += [_cell(found, rules, la.checked) for _, rules in CONTROLS]
                other = sorted({f.rule for f in found
                                if f.rule not in CONTROL_RULES and f.rule != RUNNER_RULE and not f.suppressed})
                cells.append(", ".join(other) if other else "")
                out.write("| " + " | ".join(cells) + " |\n")
            out.write("\n")
            if len(shown) > MAX_LAUNCHES:
                out.write(f"and {len(shown) - MAX_LAUNCHES} more launches: `--format json` lists them all.\n\n")
        else:
            out.write("No agent launch and no launch the hardening rules were aimed at.\n\n")
        if others:
            noun = "launch" if others == 1 else "launches"
            out.write(f"{others} other container {noun} (services, databases, test containers) "
                      "not aimed at by the ADR controls; `targets:` in the configuration adds them.\n\n")


def _findings(result: RunResult, out: IO[str]) -> None:
    open_findings = [f for f in result.findings if not f.suppressed]
    out.write("### Findings per rule\n\n")
    if not open_findings:
        out.write("No findings.\n\n")
        return
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in open_findings:
        by_rule[f.rule].append(f)
    order = sorted(by_rule, key=lambda r: (min(_SEVERITY_ORDER[f.severity.value] for f in by_rule[r]), r))
    out.write("| rule | name | severity | findings | files |\n|---|---|---|---|---|\n")
    for rule in order:
        items = by_rule[rule]
        severities = sorted({f.severity.value for f in items}, key=_SEVERITY_ORDER.__getitem__)
        files = len({f.path for f in items})
        out.write(f"| {rule} | {text(items[0].name)} | {', '.join(severities)} | {len(items)} | {files} |\n")
    out.write("\n")
    for rule in order:
        items = sorted(by_rule[rule], key=lambda f: f.sort_key())
        out.write(f"#### {rule} {text(items[0].name)}\n\n")
        for f in items[:PER_RULE]:
            out.write(f"- {code(f'{f.path}:{f.span.line}:{f.span.column}')} **{f.severity.value}**: "
                      f"{prose(f.message)}\n")
        if len(items) > PER_RULE:
            out.write(f"- and {len(items) - PER_RULE} more\n")
        out.write("\n")


def report(result: RunResult, out: IO[str], opts: dict[str, Any]) -> None:
    counts = {"error": 0, "warning": 0, "note": 0}
    suppressed = 0
    for f in result.findings:
        if f.suppressed:
            suppressed += 1
        else:
            counts[f.severity.value] += 1
    total = sum(counts.values())
    out.write("## sentra-lint\n\n")
    files = "file" if result.files == 1 else "files"
    parts = ", ".join(f"{n} {sev}{'' if n == 1 else 's'}" for sev, n in counts.items())
    line = f"{total} finding{'' if total == 1 else 's'} ({parts}) in {result.files} {files}"
    if suppressed:
        line += f", {suppressed} suppressed"
    out.write(line + ".\n\n")
    for e in result.errors:
        where = f" in rule {e.rule}" if e.rule else ""
        out.write(f"- **internal error**{where}: {code(e.path)}: {text(e.message)}\n")
    if result.errors:
        out.write("\n")
    _posture(result, out)
    _findings(result, out)
