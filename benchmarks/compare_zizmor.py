#!/usr/bin/env python3
"""Compare sentra-lint's SW rules with zizmor's matching audits on the workflow corpus.

    pip install zizmor            # into the same environment
    python benchmarks/compare_zizmor.py [--persona auditor] [--cache DIR] [--details FILE]

zizmor runs ``--offline`` on one workflow at a time (it aborts a whole run
when one input cannot be loaded); the workflows it cannot load are left out
for both tools and listed. sentra-lint runs once on the same files with only
the compared rules selected.

Findings are compared per *unit*, the place both tools can agree on:

- SW004 / dangerous-triggers: the workflow file;
- SW003 / excessive-permissions, SW007 / secrets-inherit,
  SW010 / self-hosted-runner, SW014 / cache-poisoning: the job (or the workflow level);
- every other pair: the step (or the job, for a reusable workflow call),
  and for SW002 / template-injection the expression text within the step.

Every unit only one tool reports is a disagreement; :func:`classify` names
its class (a short code with a verdict: ``ours``, ``theirs`` or
``judgement``). The table and the per-class counts are printed as Markdown
(docs/comparison-zizmor.md is written from them); ``--details`` writes
every disagreement with its class for inspection.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS = REPO.parent / "shared" / "corpus" / "workflows"

PAIRS = {
    "SW001": "unpinned-uses",
    "SW002": "template-injection",
    "SW003": "excessive-permissions",
    "SW004": "dangerous-triggers",
    "SW005": "artipacked",
    "SW007": "secrets-inherit",
    "SW008": "insecure-commands",
    "SW009": "github-env",
    "SW010": "self-hosted-runner",
    "SW012": "bot-conditions",
    "SW013": "unsound-condition",
    "SW014": "cache-poisoning",
}
IDENT_TO_RULE = {v: k for k, v in PAIRS.items()}
GRAIN = {"SW004": "file", "SW003": "job", "SW007": "job", "SW010": "job", "SW014": "job"}
ZIZMOR_OK = {0, 10, 11, 12, 13, 14}  # exit codes of a completed audit


@dataclass
class Hit:
    tool: str
    rule: str
    path: str
    line: int
    unit: tuple[str, ...]
    message: str
    text: str = ""
    """The source line (or zizmor's feature) for classification."""
    extra: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# Running the tools


def find_tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else None


def run_zizmor(
    zizmor: str, files: list[str], persona: str, cache: Path, jobs: int
) -> dict[str, list[dict]] | None:
    """zizmor's findings per file; files it cannot load map to ``None``."""
    cache.mkdir(parents=True, exist_ok=True)

    def one(name: str) -> tuple[str, list[dict] | None]:
        out = cache / f"{name}.{persona}.json"
        rc_file = cache / f"{name}.{persona}.rc"
        if not (out.exists() and rc_file.exists()):
            proc = subprocess.run(
                [
                    zizmor,
                    "--offline",
                    "--no-progress",
                    "--persona",
                    persona,
                    "--format",
                    "json",
                    name,
                ],
                cwd=CORPUS,
                capture_output=True,
                text=True,
            )
            out.write_text(proc.stdout)
            rc_file.write_text(str(proc.returncode))
        rc = int(rc_file.read_text().strip() or "1")
        if rc not in ZIZMOR_OK:
            return name, None
        try:
            return name, json.loads(out.read_text() or "[]")
        except json.JSONDecodeError:
            return name, None

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return dict(pool.map(one, files))  # type: ignore[return-value]


def run_sentra(files: list[str]) -> list[dict]:
    sentra = find_tool("sentra-lint")
    if sentra is None:
        raise SystemExit("sentra-lint not found")
    proc = subprocess.run(
        [
            sentra,
            "check",
            *files,
            "--kind",
            "workflow",
            "--select",
            ",".join(PAIRS),
            "--profile",
            "all",
            "--fail-on",
            "never",
            "--format",
            "json",
            "--no-config",
        ],
        cwd=CORPUS,
        capture_output=True,
        text=True,
    )
    data = json.loads(proc.stdout)
    if data.get("errors"):
        print(f"sentra-lint internal errors: {data['errors'][:5]}", file=sys.stderr)
    return data["findings"]


# ---------------------------------------------------------------------------
# Units


class FileIndex:
    """Where each job and step of one workflow is, by line (from sentra-lint's model)."""

    def __init__(self, path: Path) -> None:
        from sentra_lint.source import SourceFile
        from sentra_lint.workflow.model import build_workflow
        from sentra_lint.yamlmodel import load_yaml

        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        self.lines = text.split("\n")
        src = SourceFile(path.name, text)
        wf = build_workflow(src, load_yaml(src))
        self.wf = wf
        self.jobs: list[tuple[int, int, str]] = []
        self.steps: list[tuple[int, int, str, int]] = []
        for job in wf.jobs:
            span = job.node.span(src)
            self.jobs.append((job.id_span.line, span.end_line, job.id))
            for step in job.steps:
                s = step.node.span(src)
                self.steps.append((s.line, s.end_line, job.id, step.index))

    def unit(self, line: int) -> tuple[str, ...]:
        for start, end, job_id, index in self.steps:
            if start <= line <= end:
                return (job_id, str(index))
        for start, end, job_id in self.jobs:
            if start <= line <= end:
                return (job_id,)
        return ()

    def line(self, n: int) -> str:
        return self.lines[n - 1] if 0 < n <= len(self.lines) else ""


def zizmor_unit(finding: dict) -> tuple[tuple[str, ...], int, str, str]:
    """(unit from the route, 1-based line, annotation, feature) of the primary location.

    For a subfeature (template-injection points at one expression inside a
    ``run:`` block) the feature is the fragment, not the whole block."""
    locs = finding.get("locations", [])
    primary = next(
        (loc for loc in locs if loc["symbolic"].get("kind") == "Primary"), locs[0] if locs else None
    )
    if primary is None:
        return (), 0, "", ""
    route = [r.get("Key", r.get("Index")) for r in primary["symbolic"]["route"]["route"]]
    unit: list[str] = []
    if len(route) >= 2 and route[0] == "jobs":
        unit.append(str(route[1]))
        if len(route) >= 4 and route[2] == "steps":
            unit.append(str(route[3]))
    line = primary["concrete"]["location"]["start_point"]["row"] + 1
    feature = primary["concrete"].get("feature", "")
    kind = primary["symbolic"].get("feature_kind")
    if isinstance(kind, dict) and "Subfeature" in kind:
        fragment = kind["Subfeature"].get("fragment", {})
        feature = next(iter(fragment.values()), feature) if isinstance(fragment, dict) else feature
    return tuple(unit), line, primary["symbolic"].get("annotation", ""), feature


def grain(rule: str, unit: tuple[str, ...]) -> tuple[str, ...]:
    g = GRAIN.get(rule)
    if g == "file":
        return ()
    if g == "job":
        return unit[:1]
    return unit


_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.S)


def expr_key(text: str) -> str:
    """An expression's text without ``${{ }}``, blanks or regex escapes, lower case."""
    m = _EXPR.search(text)
    inner = m.group(1) if m else text
    inner = inner.replace("\\s+", "").replace("\\", "")
    return re.sub(r"\s+", "", inner).lower()


# ---------------------------------------------------------------------------
# Classification of disagreements


_FORK_REACHABLE = {
    "pull_request",
    "pull_request_target",
    "pull_request_review",
    "pull_request_review_comment",
    "issues",
    "issue_comment",
    "discussion",
    "discussion_comment",
    "workflow_run",
    "fork",
    "watch",
}
_ATTACKER_EVENT = re.compile(
    r"github\.(head_ref|event\.(issue\.(title|body)|comment\.body|review\.body|"
    r"pull_request\.(title|body|head\.(ref|label))|discussion\.(title|body)|"
    r"head_commit\.(message|author)|commits|workflow_run\.(head_branch|display_title|head_commit)))"
)


from sentra_lint.workflow.reach import job_reach  # noqa: E402
from sentra_lint.yamlmodel import ScalarNode as ScalarNodeT  # noqa: E402

_PUBLISHERS = {
    "pypa/gh-action-pypi-publish",
    "softprops/action-gh-release",
    "goreleaser/goreleaser-action",
    "ncipollo/release-action",
    "actions/create-release",
    "changesets/action",
    "docker/build-push-action",
}


def _publish_run(step: object) -> bool:
    run = getattr(step, "run", None)
    text = run.value if run is not None else ""
    return bool(re.search(r"\b(npm|pnpm|yarn|cargo|uv|poetry) publish\b|twine upload|docker push|gh release (create|upload)", text))


def classify(hit: Hit, index: FileIndex, ours_files: set[tuple[str, str]]) -> tuple[str, str]:
    """``(class, verdict)`` of a unit only ``hit.tool`` reports.

    Verdicts: ``ours`` (sentra-lint is right), ``theirs`` (zizmor is right),
    ``judgement`` (a policy choice; the docs say which and why).
    """
    rule, text, wf = hit.rule, hit.text, index.wf
    triggers = {t.name for t in wf.triggers}
    suppressed = "zizmor: ignore" in text or "zizmor:ignore" in text
    job = next((j for j in wf.jobs if hit.unit and j.id == hit.unit[0]), None)
    disabled = (
        job is not None
        and isinstance(job.if_, ScalarNodeT)
        and job.if_.value.strip() in ("false", "${{ false }}")
    )
    if hit.tool == "sentra-lint":
        if disabled:
            return (
                "job disabled with 'if: false' (zizmor skips it; it is one edit from running)",
                "judgement",
            )
        if suppressed:
            return ("suppressed for zizmor by an inline '# zizmor: ignore' comment", "judgement")
        if rule == "SW004" and hit.extra.get("severity") == "note":
            return (
                "head checkout that actions/checkout v7.0.0/v6.1.0/v4.4.0 refuses (note)",
                "judgement",
            )
        if rule == "SW004" and "issue_comment runs" in hit.message:
            return ("ChatOps: issue_comment job that checks out and runs the head", "ours")
        if rule == "SW001" and "docker://" in text:
            return ("docker:// action with a tag but no digest", "ours")
        if rule == "SW005":
            return (
                "actions/checkout v6 or later: zizmor assumes it no longer persists the token",
                "judgement",
            )
        if rule == "SW004":
            return (
                "trigger whose jobs zizmor deems safe (no checkout; labeller-style actions only)",
                "judgement",
            )
        if rule == "SW009":
            return (
                "comment text written to GITHUB_ENV after a [[ =~ ]] check sentra-lint does not "
                "read (a false positive of ours; zizmor does not consider issue_comment)",
                "theirs",
            )
        if rule == "SW014":
            return (
                "cache restored in a job that publishes, outside the triggers zizmor treats as releases",
                "judgement",
            )
        if rule == "SW012":
            return ("bot condition zizmor does not report", "judgement")
        if rule == "SW013":
            return ("always-true if: zizmor does not report", "judgement")
        return ("sentra-lint only, other", "judgement")
    # zizmor only
    if rule == "SW002":
        e = hit.extra.get("expr", "")
        head = re.split(r"[.(\[|&=!<> ]", e, maxsplit=1)[0]
        if _ATTACKER_EVENT.search(e):
            return ("attacker text under triggers that never send it (field is null)", "ours")
        if head == "inputs" or e.startswith(("github.event.inputs", "github.event.client_payload")):
            return (
                "dispatch/call input or repository_dispatch payload (reported with min-confidence: medium/low)",
                "judgement",
            )
        if head == "matrix":
            return ("matrix value with no tainted entry", "ours")
        if head in ("steps", "needs"):
            return (
                "step or job output no attacker text reaches (versions, results, ids)",
                "judgement",
            )
        if head == "env":
            return ("env value set at run time (GITHUB_ENV) or statically safe", "judgement")
        if head in ("vars", "secrets", "runner", "job", "strategy"):
            return (f"{head}.* (not attacker-controlled)", "ours")
        if head == "github" and e.startswith("github.event."):
            return ("event field that is a number, SHA, base-side or maintainer-set value", "ours")
        if head == "github":
            return (
                "github.* value that is not attacker text (repository, sha, ref_name, workspace…)",
                "ours",
            )
        return (
            "expression whose value cannot carry attacker text (comparison, literal fallback, contains())",
            "ours",
        )
    if rule == "SW001":
        return ("zizmor only, other", "judgement")
    if rule == "SW003":
        m = hit.message
        if "default permissions" in m and triggers and triggers <= {"workflow_call"}:
            return (
                "default permissions in a reusable workflow (sentra-lint exempts workflow_call-only files)",
                "judgement",
            )
        if "default permissions" in m and not hit.unit:
            if ("SW003", hit.path) in ours_files:
                return (
                    "workflow-level repeat of the per-job 'default permissions' finding",
                    "judgement",
                )
            return (
                "workflow-level 'default permissions' where every job sets permissions: itself",
                "ours",
            )
        if "read-all" in m:
            return ("read-all called overly broad", "judgement")
        if "overly broad at the workflow level" in m:
            return (
                "scoped write at the workflow level (spec: scoped writes are fine)",
                "judgement",
            )
        return ("zizmor only, other", "judgement")
    if rule == "SW004":
        if "issue_comment" in hit.message:
            return (
                "issue_comment trigger (outside SW004's definition; SW011 covers it with secrets)",
                "judgement",
            )
        return ("zizmor only, other", "judgement")
    if rule == "SW008":
        if "non-static" in hit.message:
            return ("env: given by an expression that might set the variable", "judgement")
        return ("zizmor only, other", "judgement")
    if rule == "SW009":
        if job is not None and any("download-artifact" in (st.uses or "") for st in job.steps):
            if ("SW004", hit.path) in ours_files:
                return (
                    "value read from a downloaded artifact into GITHUB_ENV: reported by SW004 "
                    "(artifact content under workflow_run), not SW009",
                    "judgement",
                )
            return ("value read from a downloaded artifact (written by the fork's run)", "theirs")
        return (
            "write under pull_request_target/workflow_run of data no outsider sets",
            "judgement",
        )
    if rule == "SW010":
        if "workflow_call" in triggers:
            return (
                "self-hosted runner in a reusable workflow: reachable when a caller is "
                "(callers are in other files, which sentra-lint does not follow yet)",
                "theirs",
            )
        if not triggers & _FORK_REACHABLE:
            return ("self-hosted runner under triggers outsiders cannot cause", "judgement")
        if job is not None and not job_reach(wf, job).outsiders:
            return (
                "self-hosted runner behind a gate (members only, not a fork, label, permission check)",
                "ours",
            )
        return ("self-hosted runner sentra-lint misses", "theirs")
    if rule == "SW014":
        if job is not None and not any(
            (st.uses or "").split("@")[0].lower() in _PUBLISHERS or _publish_run(st) for st in job.steps
        ):
            return ("cache in a job of a release/tag workflow that publishes nothing itself", "judgement")
        if re.search(r"actions/setup-node@v[1-4]\b", text):
            return (
                "actions/setup-node before v5, which has no default cache (no "
                "package-manager-cache input)",
                "ours",
            )
        return ("cache in a publishing job sentra-lint does not see publish", "theirs")
    if rule == "SW012":
        return ("bot condition sentra-lint does not report", "judgement")
    if rule == "SW013":
        return ("unsound condition sentra-lint does not report", "judgement")
    return ("zizmor only, other", "judgement")


# ---------------------------------------------------------------------------


def main(argv: Iterable[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--persona", default="auditor", choices=["regular", "auditor", "pedantic"])
    p.add_argument(
        "--cache", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "zizmor-compare"
    )
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 4)
    p.add_argument("--details", type=Path, help="write every disagreement (JSON lines) here")
    p.add_argument(
        "--limit", type=int, default=0, help="only the first N workflows (for a quick look)"
    )
    args = p.parse_args(list(argv) if argv is not None else None)

    zizmor = find_tool("zizmor")
    if zizmor is None:
        raise SystemExit("zizmor not found: pip install zizmor")
    version = subprocess.run([zizmor, "--version"], capture_output=True, text=True).stdout.strip()
    files = sorted(f.name for f in CORPUS.iterdir() if f.suffix in (".yml", ".yaml"))
    if args.limit:
        files = files[: args.limit]
    zz = run_zizmor(zizmor, files, args.persona, args.cache, args.jobs)
    unloadable = sorted(f for f, v in zz.items() if v is None)
    loaded = [f for f in files if zz.get(f) is not None]
    ours_raw = run_sentra(loaded)

    indexes: dict[str, FileIndex] = {}

    def idx(path: str) -> FileIndex:
        if path not in indexes:
            indexes[path] = FileIndex(CORPUS / path)
        return indexes[path]

    hits: list[Hit] = []
    for f in ours_raw:
        rule = f["rule"]
        if rule not in PAIRS:
            continue
        path = Path(f["path"]).name
        ix = idx(path)
        unit = grain(rule, ix.unit(f["line"]))
        line_text = ix.line(f["line"])
        if rule == "SW002":
            seg = (
                line_text[f["column"] - 1 : f["end_column"] - 1]
                if f["line"] == f["end_line"]
                else line_text
            )
            unit = (*unit, expr_key(seg))
        hits.append(
            Hit(
                "sentra-lint", rule, path, f["line"], unit, f["message"], line_text,
                {"severity": f["severity"]},
            )
        )
    for path, findings in zz.items():
        for z in findings or []:
            rule = IDENT_TO_RULE.get(z["ident"])
            if rule is None:
                continue
            unit, line, annotation, feature = zizmor_unit(z)
            unit = grain(rule, unit)
            det = z.get("determinations", {})
            extra: dict[str, str] = {
                "confidence": det.get("confidence", ""),
                "persona": det.get("persona", ""),
            }
            if rule == "SW002":
                key = expr_key(feature)
                extra["expr"] = key
                unit = (*unit, key)
            hits.append(
                Hit("zizmor", rule, path, line, unit, f"{z['desc']}: {annotation}", feature, extra)
            )

    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    units: dict[tuple[str, str], dict[tuple[str, tuple[str, ...]], Hit]] = collections.defaultdict(
        dict
    )
    for h in hits:
        counts[h.rule][h.tool] += 1
        units[(h.rule, h.tool)].setdefault((h.path, h.unit), h)

    ours_files = {(h.rule, h.path) for h in hits if h.tool == "sentra-lint"}
    classes: dict[str, collections.Counter[tuple[str, str]]] = collections.defaultdict(
        collections.Counter
    )
    details: list[dict[str, object]] = []
    rows: list[str] = []
    for rule, ident in PAIRS.items():
        ours = units[(rule, "sentra-lint")]
        theirs = units[(rule, "zizmor")]
        both = ours.keys() & theirs.keys()
        only_ours = sorted(ours.keys() - theirs.keys())
        only_theirs = sorted(theirs.keys() - ours.keys())
        for keys, table in ((only_ours, ours), (only_theirs, theirs)):
            for key in keys:
                h = table[key]
                cls, verdict = classify(h, idx(h.path), ours_files)
                classes[rule][(cls, verdict)] += 1
                details.append(
                    {
                        "rule": rule,
                        "tool": h.tool,
                        "path": h.path,
                        "line": h.line,
                        **h.extra,
                        "unit": list(h.unit),
                        "class": cls,
                        "verdict": verdict,
                        "message": h.message,
                        "text": h.text.strip()[:300],
                    }
                )
        rows.append(
            f"| {rule} | {ident} | {counts[rule]['sentra-lint']} | {counts[rule]['zizmor']} "
            f"| {len(both)} | {len(only_ours)} | {len(only_theirs)} |"
        )

    print(f"zizmor: {version}, --offline --persona {args.persona}, one workflow at a time")
    print(
        f"workflows: {len(files)}; compared: {len(loaded)}; zizmor cannot load: {len(unloadable)}"
    )
    print()
    print(
        "| sentra-lint | zizmor | findings (ours) | findings (zizmor) | units both | only ours | only zizmor |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    print()
    for rule in PAIRS:
        if not classes[rule]:
            continue
        print(f"### {rule} / {PAIRS[rule]}")
        print()
        print("| class | verdict | units |")
        print("|---|---|---:|")
        for (cls, verdict), n in classes[rule].most_common():
            print(f"| {cls} | {verdict} | {n} |")
        print()
    if unloadable:
        print("Workflows zizmor could not load (left out for both tools):")
        for f in unloadable:
            print(f"- `{f}`")
    if args.details:
        with args.details.open("w", encoding="utf-8") as fh:
            for d in details:
                fh.write(json.dumps(d) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
