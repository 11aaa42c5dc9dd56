"""Baselines: adopt the linter on an existing repository with "no new problems".

``--write-baseline FILE`` records every current finding by its fingerprint;
``--baseline FILE`` marks findings recorded there as suppressed (SARIF kind
``external``) so only new ones count. Fingerprints hash the rule, the path,
the finding's source line with whitespace collapsed and the message without
line numbers, plus an occurrence index: they survive lines inserted above
and reformatting elsewhere in the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sentra_lint.findings import Finding

FORMAT_VERSION = 1


class BaselineError(Exception):
    pass


def write_baseline(path: Path, findings: list[Finding]) -> int:
    entries = [
        {"fingerprint": f.fingerprint, "rule": f.rule, "path": f.path, "message": f.message}
        for f in findings
        if not f.suppressed or f.suppression_kind == "external"
    ]
    doc = {"version": FORMAT_VERSION, "tool": "sentra-lint", "findings": entries}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=True) + "\n", encoding="utf-8")
    tmp.replace(path)
    return len(entries)


def read_baseline(path: Path) -> set[tuple[str, str]]:
    try:
        doc: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: not a sentra-lint baseline (invalid JSON: {exc})") from None
    if not isinstance(doc, dict) or doc.get("version") != FORMAT_VERSION or not isinstance(doc.get("findings"), list):
        raise BaselineError(f"{path}: not a sentra-lint baseline (expected version {FORMAT_VERSION})")
    out: set[tuple[str, str]] = set()
    for i, e in enumerate(doc["findings"]):
        if not isinstance(e, dict) or not isinstance(e.get("fingerprint"), str):
            raise BaselineError(f"{path}: findings[{i}]: expected an object with a fingerprint")
        out.add((str(e.get("path", "")), e["fingerprint"]))
    return out


def apply_baseline(findings: list[Finding], known: set[tuple[str, str]], name: str) -> int:
    count = 0
    for f in findings:
        if not f.suppressed and (f.path, f.fingerprint) in known:
            f.suppressed = True
            f.suppression_kind = "external"
            f.justification = f"recorded in baseline {name}"
            count += 1
    return count
