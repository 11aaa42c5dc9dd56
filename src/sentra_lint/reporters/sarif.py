"""SARIF 2.1.0 for GitHub code scanning.

Valid against the OASIS schema and complete for code scanning:

* ``tool.driver``: ``name``, ``semanticVersion``, ``informationUri`` and one
  reporting descriptor per rule that ran or reported (``name``,
  ``shortDescription``, ``fullDescription``, ``help.text`` and
  ``help.markdown`` from the rule's documentation, ``helpUri``,
  ``defaultConfiguration.level``, ``properties.tags``,
  ``properties.security-severity`` as a string and ``properties.precision``).
* one result per finding: ``level``, a message whose first sentence stands on
  its own as the alert title, one primary location with a tight region under
  ``%SRCROOT%``, ``partialFingerprints.primaryLocationLineHash``,
  ``relatedLocations`` linked from the message, and ``suppressions`` for
  suppressed findings.
* ``automationDetails.id`` from ``--sarif-category``, and one invocation with
  ``executionSuccessful`` and a notification per input problem (SE001, SE002)
  and per internal error.

GitHub's limits are kept: at most 25,000 results per run (the most severe
unsuppressed ones are kept, and a notification says how many were left out),
one location and at most 10 related locations per result, at most 20 tags per
rule and at most 1,024 characters per description.
"""

from __future__ import annotations

import os
import re
from typing import IO, Any
from urllib.parse import quote

from sentra_lint._version import version
from sentra_lint.findings import Finding
from sentra_lint.linehash import line_hashes as line_hashes  # also for the verify report
from sentra_lint.reporters.json_format import HELP_URI
from sentra_lint.reporters.jsontext import write_indented
from sentra_lint.result import RunResult, SourceInfo
from sentra_lint.rulebase import Rule
from sentra_lint.source import Span

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/sentra-lint/sentra-lint"
SRCROOT = "%SRCROOT%"

# GitHub code scanning limits (SARIF support documentation).
MAX_RESULTS = 25_000
MAX_RELATED = 10
MAX_TAGS = 20
MAX_DESCRIPTION = 1024

_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}


class _Hasher:
    """``primaryLocationLineHash`` per finding, from the line hashes the run computed."""

    def __init__(self, sources: dict[str, SourceInfo]) -> None:
        self._sources = sources
        self._fallback: dict[tuple[str, str], int] = {}

    def source(self, path: str) -> SourceInfo | None:
        return self._sources.get(path)

    def hash_for(self, f: Finding) -> str:
        info = self._sources.get(f.path)
        hashes = info.hashes if info is not None else None
        if hashes is not None and 1 <= f.span.line <= len(hashes):
            return hashes[f.span.line - 1]
        # The file could not be read again (standard input, vanished, too large):
        # hash the reported line alone, numbering repeats in finding order.
        value = line_hashes(f.source_line, 1)[0].rsplit(":", 1)[0]
        key = (f.path, value)
        n = self._fallback.get(key, 0) + 1
        self._fallback[key] = n
        return f"{value}:{n}"


# ---------------------------------------------------------------------------
# Rules


def _trim(text: str, limit: int = MAX_DESCRIPTION) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _sections(doc: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    current = "summary"
    buf: list[str] = []
    for line in doc.splitlines():
        if line.startswith("## "):
            parts[current] = "\n".join(buf).strip()
            current, buf = line[3:].strip(), []
        else:
            buf.append(line)
    parts[current] = "\n".join(buf).strip()
    return parts


def _plain(markdown: str) -> str:
    """Markdown to readable plain text: fences and backticks go, the words stay."""
    text = re.sub(r"^```[\w-]*[ \t]*$\n?", "", markdown, flags=re.MULTILINE)
    text = text.replace("`", "")
    return re.sub(r"^## ", "", text, flags=re.MULTILINE)


def rule_name(slug: str) -> str:
    """``remote-script-pipe`` -> ``RemoteScriptPipe`` (SARIF ``name``: an identifier, not prose)."""
    return "".join(w[:1].upper() + w[1:] for w in re.split(r"[-_\s]+", slug) if w)


def rule_tags(rule: Rule) -> list[str]:
    tags: list[str] = []
    for tag in ("security", rule.meta.area):
        if tag and tag not in tags:
            tags.append(tag)
    return tags[:MAX_TAGS]


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    meta = rule.meta
    sections = _sections(rule.doc)
    what = sections.get("What it does") or sections.get("summary") or meta.title
    help_uri = HELP_URI.format(id=meta.id)
    markdown = rule.doc or meta.title
    return {
        "id": meta.id,
        "name": rule_name(meta.slug),
        "shortDescription": {"text": _trim(meta.title)},
        "fullDescription": {"text": _trim(" ".join(_plain(what).split()))},
        "help": {
            "text": _plain(markdown).strip() + f"\n\nDocumentation: {help_uri}",
            "markdown": markdown + f"\n\n[Documentation]({help_uri})",
        },
        "helpUri": help_uri,
        "defaultConfiguration": {"level": meta.severity.value},
        "properties": {
            "tags": rule_tags(rule),
            "security-severity": f"{max(0.0, min(10.0, meta.security_severity)):.1f}",
            "precision": meta.precision,
            "problem.severity": _PROBLEM_SEVERITY[meta.severity.value],
        },
    }


# ---------------------------------------------------------------------------
# Locations


_URI_SAFE = "/-._~!$&'()*+,;=@"


def artifact_location(path: str) -> dict[str, Any]:
    """Repo-relative forward-slash URI under ``%SRCROOT%``; ``file:`` URI for paths outside it."""
    posix = path.replace(os.sep, "/") if os.sep != "/" else path
    if os.path.isabs(path) or posix == ".." or posix.startswith("../"):
        return {"uri": _file_uri(os.path.abspath(path))}
    # ':' is encoded so that a first segment such as 'c:x' is never read as a scheme.
    # A name that is not UTF-8 (kept as surrogate escapes) is percent-encoded byte by byte.
    return {"uri": quote(posix, safe=_URI_SAFE, errors="surrogateescape"), "uriBaseId": SRCROOT}


def _file_uri(absolute: str) -> str:
    posix = absolute.replace(os.sep, "/")
    if not posix.startswith("/"):
        posix = "/" + posix  # a Windows drive: file:///C:/...
    return "file://" + quote(posix, safe=_URI_SAFE + ":", errors="surrogateescape")


def region(span: Span) -> dict[str, int]:
    start_line = max(1, span.line)
    start_col = max(1, span.column)
    end_line = max(start_line, span.end_line)
    end_col = span.end_column
    if end_line == start_line and end_col <= start_col:
        end_col = start_col + 1
    return {"startLine": start_line, "startColumn": start_col, "endLine": end_line, "endColumn": max(1, end_col)}


def _location(path: str, span: Span, message: str | None = None, loc_id: int | None = None) -> dict[str, Any]:
    loc: dict[str, Any] = {}
    if loc_id is not None:
        loc["id"] = loc_id
    loc["physicalLocation"] = {"artifactLocation": artifact_location(path), "region": region(span)}
    if message:
        loc["message"] = {"text": message}
    return loc


# ---------------------------------------------------------------------------
# Results

# Words that are commands or identifiers, kept as written at the start of a message.
_KEEP_CASE = frozenset(
    {
        "adduser", "apk", "apt", "bash", "chmod", "chown", "curl", "dnf", "docker", "git", "npm",
        "pip", "pip3", "python", "python3", "rpm", "sh", "ssh", "sshd", "sudo", "tmpfs", "useradd",
        "uv", "wget", "yum",
    }
)


def message_text(message: str) -> str:
    """The finding's message as one self-contained first sentence (the alert title)."""
    text = " ".join(message.split())
    if not text:
        return "Finding."
    first = text.split(" ", 1)[0]
    if first.isalpha() and first.islower() and first not in _KEEP_CASE:
        text = text[0].upper() + text[1:]
    if not text.endswith((".", "!", "?")):
        text += "."
    return text


def _escape_links(text: str) -> str:
    """Square brackets that would read as a SARIF embedded link are escaped."""
    if "](" not in text:
        return text
    return re.sub(r"([\[\]\\])", r"\\\1", text)


def _related_link_text(path: str, span: Span, message: str) -> str:
    label = message or f"{path}:{span.line}"
    return re.sub(r"([\[\]\\])", r"\\\1", " ".join(label.split()))


def result_object(
    f: Finding,
    rule_index: dict[str, int],
    hasher: _Hasher,
) -> dict[str, Any]:
    text = _escape_links(message_text(f.message))
    related = f.related[:MAX_RELATED]
    if related:
        links = ", ".join(
            f"[{_related_link_text(r.path, r.span, r.message)}]({i})" for i, r in enumerate(related, 1)
        )
        text += f" Related: {links}."
    res: dict[str, Any] = {"ruleId": f.rule}
    if f.rule in rule_index:
        res["ruleIndex"] = rule_index[f.rule]
    res["level"] = f.severity.value
    res["message"] = {"text": text}
    res["locations"] = [_location(f.path, f.span)]
    res["partialFingerprints"] = {"primaryLocationLineHash": hasher.hash_for(f)}
    if related:
        res["relatedLocations"] = [
            _location(r.path, r.span, r.message or None, i) for i, r in enumerate(related, 1)
        ]
    if f.suppressed:
        kind = f.suppression_kind if f.suppression_kind in ("inSource", "external") else "inSource"
        sup: dict[str, Any] = {"kind": kind, "status": "accepted"}
        if f.justification:
            sup["justification"] = f.justification
        res["suppressions"] = [sup]
    fixes = _fixes(f, hasher)
    if fixes:
        res["fixes"] = fixes
    return res


def _fixes(f: Finding, hasher: _Hasher) -> list[dict[str, Any]]:
    """Fixes as line/column regions (edits are offsets into the newline-normalised text)."""
    if not f.fixes:
        return []
    info = hasher.source(f.path)
    if info is None or info.starts is None:
        return []
    newline = info.newline
    out: list[dict[str, Any]] = []
    for fx in f.fixes:
        replacements = []
        for e in fx.edits:
            line, col = info.position(e.start)
            end_line, end_col = info.position(e.end)
            replacements.append(
                {
                    "deletedRegion": {
                        "startLine": line,
                        "startColumn": col,
                        "endLine": end_line,
                        "endColumn": end_col,
                    },
                    "insertedContent": {"text": e.replacement.replace("\n", newline)},
                }
            )
        out.append(
            {
                "description": {"text": fx.description},
                "artifactChanges": [{"artifactLocation": artifact_location(f.path), "replacements": replacements}],
            }
        )
    return out


def _keep_within_limit(findings: list[Finding]) -> tuple[list[Finding], int]:
    """At most MAX_RESULTS findings: unsuppressed and most severe first, in their original order."""
    if len(findings) <= MAX_RESULTS:
        return findings, 0
    ranked = sorted(range(len(findings)), key=lambda i: (findings[i].suppressed, -findings[i].severity.rank, i))
    keep = sorted(ranked[:MAX_RESULTS])
    return [findings[i] for i in keep], len(findings) - MAX_RESULTS


def _src_root() -> str:
    cwd = os.getcwd().replace(os.sep, "/")
    return _file_uri(cwd).rstrip("/") + "/"


def build(result: RunResult, opts: dict[str, Any]) -> dict[str, Any]:
    rules = {r.id: r for r in result.rules}
    ordered = [rules[k] for k in sorted(rules)]
    rule_index = {r.id: i for i, r in enumerate(ordered)}
    kept, dropped = _keep_within_limit(result.findings)
    hasher = _Hasher(result.sources)
    results = [result_object(f, rule_index, hasher) for f in kept]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "sentra-lint",
                "semanticVersion": version(),
                "version": version(),
                "informationUri": INFORMATION_URI,
                "rules": [rule_descriptor(r) for r in ordered],
            }
        },
    }
    category = (opts.get("sarif_category") or "").strip()
    if category:
        run["automationDetails"] = {"id": category if category.endswith("/") else category + "/"}
    run["originalUriBaseIds"] = {SRCROOT: {"uri": _src_root()}}
    run["invocations"] = [_invocation(result, rule_index, dropped)]
    run["columnKind"] = "unicodeCodePoints"
    run["results"] = results
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _invocation(result: RunResult, rule_index: dict[str, int], dropped: int) -> dict[str, Any]:
    inv: dict[str, Any] = {"executionSuccessful": not result.errors}
    notes: list[dict[str, Any]] = []
    for f in result.findings:
        if f.rule not in ("SE001", "SE002"):
            continue
        rule_ref: dict[str, Any] = {"id": f.rule}
        if f.rule in rule_index:
            rule_ref["index"] = rule_index[f.rule]
        notes.append(
            {
                "level": "error" if f.rule == "SE001" else "warning",
                "message": {"text": f"{f.path}: {message_text(f.message)}"},
                "locations": [_location(f.path, f.span)],
                "associatedRule": rule_ref,
            }
        )
    for e in result.errors:
        where = f" in rule {e.rule}" if e.rule else ""
        note: dict[str, Any] = {
            "level": "error",
            "message": {"text": f"{e.path}: internal error{where}: {e.message}"},
        }
        if e.path and e.path != "-":
            note["locations"] = [{"physicalLocation": {"artifactLocation": artifact_location(e.path)}}]
        if e.rule:
            note["associatedRule"] = {"id": e.rule}
        notes.append(note)
    if dropped:
        notes.append(
            {
                "level": "warning",
                "message": {
                    "text": f"{dropped} result(s) were left out: GitHub code scanning accepts at most "
                    f"{MAX_RESULTS:,} results per run; the most severe unsuppressed ones were kept."
                },
            }
        )
    if notes:
        inv["toolExecutionNotifications"] = notes
    return inv


def report(result: RunResult, out: IO[str], opts: dict[str, Any]) -> None:
    write_indented(build(result, opts), out)
    out.write("\n")
