"""--format markdown: the posture summary, snapshotted on the examples, and the renderer that reuses one run.

Set ``UPDATE_SNAPSHOTS=1`` to rewrite the snapshots after a deliberate change.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from sentra_lint.container.posture import CONTROLS
from sentra_lint.render import main as render_main
from tests.conftest import REPO, run_cli

SNAPSHOTS = REPO / "tests" / "snapshots" / "markdown"
CASES = {
    "adr-0001": "examples/adr-0001",
    "adr-0001-sx001": "examples/adr-0001-sx001",
    "unhardened": "tests/markdown/unhardened",
    "unsafe-agent": "examples/unsafe-agent",
}


def markdown_of(target: str) -> str:
    res = run_cli("check", target, "--no-config", "--format", "markdown", "--fail-on", "never", cwd=REPO)
    assert res.code == 0, res.out + res.err
    return res.out


@pytest.mark.parametrize("name", sorted(CASES))
def test_snapshot(name: str) -> None:
    out = markdown_of(CASES[name])
    snap = SNAPSHOTS / f"{name}.md"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        snap.write_text(out, encoding="utf-8")
    assert snap.exists(), f"snapshot {snap.name} is missing: run with UPDATE_SNAPSHOTS=1 and review it"
    assert out == snap.read_text(encoding="utf-8")


def _cells(row: str) -> list[str]:
    # A table row's cells: split on pipes that are not escaped.
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


@pytest.mark.parametrize("name", sorted(CASES))
def test_renders_as_github_markdown_without_raw_html(name: str) -> None:
    out = markdown_of(CASES[name])
    assert not re.search(r"(?<!\\)<[A-Za-z/!]", out), "raw HTML in the summary"
    lines = out.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|---"):
            width = len(_cells(lines[i - 1]))
            j = i + 1
            while j < len(lines) and lines[j].startswith("| "):
                assert len(_cells(lines[j])) == width, lines[j]
                j += 1
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(out)
    assert html.count("<table>") == out.count("\n|---") + out.startswith("|---")
    assert "<script" not in html


def test_posture_table_marks_each_missing_control_with_its_rule() -> None:
    out = markdown_of(CASES["unhardened"])
    rows = {(_cells(line)[0]): _cells(line) for line in out.splitlines() if line.startswith("| ") and "`" in line}
    header = next(_cells(line) for line in out.splitlines() if line.startswith("| launch |"))
    assert header[3:-1] == [name for name, _ in CONTROLS]
    agent = next(cells for label, cells in rows.items() if label.startswith("job 'review' container"))
    by_control = dict(zip(header, agent, strict=True))
    assert by_control["role"] == "agent"
    assert by_control["cap-drop ALL"] == "✅" and by_control["memory"] == "✅"
    assert by_control["no-new-privileges"] == "❌ SC003" and by_control["read-only"] == "❌ SC004"
    compose_agent = next(cells for label, cells in rows.items() if label.startswith("compose service 'agent'"))
    assert all(c == "✅" for c in compose_agent[3:-1])


def test_file_text_cannot_add_markdown_or_html(tmp_path: Path) -> None:
    from sentra_lint.reporters.markdown import code, text

    assert text("a | b <script>x</script> *y* [z](u)") == r"a \| b \<script\>x\</script\> \*y\* \[z\]\(u\)"
    assert code("a`b|c") == "``a`b\\|c``"


def test_render_reuses_one_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Text, SARIF and Markdown rendered from the JSON report match what check writes directly."""
    report = tmp_path / "report.json"
    res = run_cli("check", CASES["unhardened"], "--no-config", "--format", "json", "--fail-on", "never",
                  "--output", str(report), cwd=REPO)
    assert res.code == 0
    cwd = Path.cwd()
    os.chdir(REPO)
    try:
        for fmt in ("markdown", "text", "github"):
            capsys.readouterr()
            assert render_main([str(report), "--format", fmt, "--fail-on", "never"]) == 0
            rendered = capsys.readouterr().out
            direct = run_cli("check", CASES["unhardened"], "--no-config", "--format", fmt, "--fail-on", "never",
                             cwd=REPO).out
            assert rendered == direct, fmt
        sarif = tmp_path / "out.sarif"
        assert render_main([str(report), "--format", "sarif", "--output", str(sarif), "--fail-on", "error"]) == 1
        doc = json.loads(sarif.read_text(encoding="utf-8"))
        direct_doc = json.loads(run_cli("check", CASES["unhardened"], "--no-config", "--format", "sarif",
                                        "--fail-on", "never", cwd=REPO).out)
        # The same results; the rule table lists the rules with findings (a direct run lists every rule
        # that ran), so only the rule indexes differ.
        def results(d: dict[str, object]) -> list[dict[str, object]]:
            runs = d["runs"]
            assert isinstance(runs, list)
            return [{k: v for k, v in r.items() if k != "ruleIndex"} for r in runs[0]["results"]]

        assert results(doc) == results(direct_doc)
        rules = doc["runs"][0]["tool"]["driver"]["rules"]
        assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in doc["runs"][0]["results"])
        # --min-severity leaves the notes and warnings out of every format; --fail-on counts what is left.
        assert render_main([str(report), "--format", "json", "--min-severity", "error", "--output",
                            str(tmp_path / "errors.json"), "--fail-on", "warning"]) == 1
        kept = json.loads((tmp_path / "errors.json").read_text(encoding="utf-8"))["findings"]
        assert kept and {f["severity"] for f in kept} == {"error"}
    finally:
        os.chdir(cwd)


def test_an_agent_on_the_runner_is_a_row_with_every_control_missing() -> None:
    import io

    from sentra_lint.engine import RunResult
    from sentra_lint.findings import Finding, Severity
    from sentra_lint.reporters.markdown import report
    from sentra_lint.source import Span

    f = Finding(rule="SA001", name="agent-on-runner", severity=Severity.ERROR, path=".github/workflows/ai.yml",
                span=Span(9, 15, 9, 49),
                message="`anthropics/claude-code-action` runs an agent that can act directly on the runner")
    out = io.StringIO()
    report(RunResult(findings=[f], errors=[], files=1, rules=[]), out, {})
    row = next(line for line in out.getvalue().splitlines() if line.startswith("| agent step on the runner"))
    cells = _cells(row)
    assert cells[0] == "agent step on the runner `anthropics/claude-code-action`" and cells[1] == "agent"
    assert cells[3:-1] == ["❌ SA001"] * len(CONTROLS) and cells[-1] == ""
