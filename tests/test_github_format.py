"""``--format github``: workflow commands, escaped so that no file can inject another command."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from sentra_lint.findings import Finding, Related, Severity
from sentra_lint.reporters import github
from sentra_lint.result import InternalError, RunResult
from sentra_lint.rules import is_known, load_rule
from sentra_lint.source import Span
from tests.conftest import run_cli


def finding(**kw: Any) -> Finding:
    defaults: dict[str, Any] = {
        "rule": "SE001",
        "name": "parse-error",
        "severity": Severity.ERROR,
        "path": "docker/Dockerfile",
        "span": Span(3, 5, 3, 9),
        "message": "unterminated heredoc",
    }
    defaults.update(kw)
    return Finding(**defaults)


def render(findings: list[Finding], errors: list[InternalError] | None = None) -> str:
    buf = io.StringIO()
    rules = [r for r in map(load_rule, sorted(i for i in {f.rule for f in findings} if is_known(i))) if r is not None]
    github.report(RunResult(findings=findings, errors=errors or [], files=2, rules=rules), buf, {})
    return buf.getvalue()


# How the Actions runner reads a workflow command from one line of output:
# '::' command [' ' key=value{,key=value}] '::' data, unescaping values and data.
def parse_command(line: str) -> tuple[str, dict[str, str], str] | None:
    if not line.startswith("::"):
        return None
    end = line.find("::", 2)
    if end < 0:
        return None
    info, data = line[2:end], line[end + 2 :]
    name, _, raw_props = info.partition(" ")
    props: dict[str, str] = {}
    for pair in filter(None, raw_props.split(",")):
        key, _, value = pair.partition("=")
        props[key] = _unescape_property(value)
    return name, props, _unescape_data(data)


def _unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_property(text: str) -> str:
    return (
        text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
    )


def test_one_command_per_finding_with_all_properties() -> None:
    out = render([finding()])
    lines = out.splitlines()
    assert lines[0] == (
        "::error file=docker/Dockerfile,line=3,col=5,endLine=3,endColumn=9,"
        "title=SE001 File could not be parsed::unterminated heredoc"
    )
    assert lines[1] == "sentra-lint: 1 finding (1 error, 0 warnings, 0 notes) in 2 files."
    assert len(lines) == 2


@pytest.mark.parametrize(
    ("severity", "command"),
    [(Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.NOTE, "notice")],
)
def test_severity_maps_to_command(severity: Severity, command: str) -> None:
    parsed = parse_command(render([finding(severity=severity)]).splitlines()[0])
    assert parsed is not None and parsed[0] == command


def test_escaping_rules() -> None:
    assert github.escape_data("100% a\r\nb:c,d") == "100%25 a%0D%0Ab:c,d"
    assert github.escape_property("100% a\r\nb:c,d") == "100%25 a%0D%0Ab%3Ac%2Cd"
    assert github.escape_data("%0A") == "%250A"


def test_file_name_cannot_inject_a_command() -> None:
    evil = "x,line=99::pwned\n::warning file=y::injected\r::add-mask::secret"
    out = render([finding(path=evil, message="msg\n::error::also injected")])
    lines = out.splitlines()
    commands = [parse_command(line) for line in lines]
    assert sum(c is not None for c in commands) == 1
    name, props, data = commands[0]  # type: ignore[misc]
    assert name == "error"
    assert props["file"] == evil
    assert props["line"] == "3"
    assert data == "msg\n::error::also injected"
    assert "\n" not in out.rstrip("\n").split("\n")[0]


def test_control_characters_are_shown_not_sent() -> None:
    out = render([finding(path="a\x1b]8;;x\x07.Dockerfile", message="bell\x07 esc\x1b[31m sep\u2028 nel\x85")])
    first = out.splitlines()[0]
    assert "\x1b" not in out and "\x07" not in out and "\u2028" not in out and "\x85" not in out
    assert "\\x1b" in first and "\\u2028" in first
    assert len(out.splitlines()) == 2


def test_related_places_are_in_the_message() -> None:
    f = finding(related=(Related("compose.yml", Span(4, 7, 4, 9), "mounted here"),))
    parsed = parse_command(render([f]).splitlines()[0])
    assert parsed is not None
    assert parsed[2] == "unterminated heredoc (see compose.yml:4:7: mounted here)"


def test_suppressed_findings_are_counted_not_annotated() -> None:
    out = render([finding(suppressed=True, suppression_kind="inSource"), finding(severity=Severity.WARNING)])
    lines = out.splitlines()
    assert [line.split(" ", 1)[0] for line in lines[:-1]] == ["::warning"]
    assert lines[-1].endswith("; 1 suppressed.")


def test_internal_errors_are_errors() -> None:
    out = render([], [InternalError("a,b.yml", "SW001", "KeyError: 'x'\nmore")])
    parsed = parse_command(out.splitlines()[0])
    assert parsed == ("error", {"file": "a,b.yml", "title": "sentra-lint internal error in rule SW001"},
                      "KeyError: 'x'\nmore")


def test_cli_github_format(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"FROM alpine\x00\x00\n")
    res = run_cli("check", ".", "--format", "github", cwd=tmp_path)
    assert res.code == 0
    parsed = parse_command(res.out.splitlines()[0])
    assert parsed is not None
    name, props, _ = parsed
    assert name == "warning"
    assert props["file"] == "Dockerfile"
    assert props["title"].startswith("SE002 ")
    assert {"line", "col", "endLine", "endColumn"} <= set(props)
