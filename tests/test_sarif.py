"""SARIF output, field by field, against the OASIS schema and GitHub code scanning's requirements."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sentra_lint import __version__
from sentra_lint.findings import Edit, Finding, Fix, Related, Severity
from sentra_lint.reporters import sarif
from sentra_lint.result import InternalError, RunResult
from sentra_lint.rulebase import Rule, RuleMeta
from sentra_lint.rules import is_known, load_rule
from sentra_lint.source import Span
from sentra_lint.sources import describe
from tests.conftest import SARIF_SCHEMA, run_cli

DOC = """Remote script piped into a shell.

## What it does
Finds `curl ... | sh` and the like in `RUN` instructions.

## Why is this bad?
Whatever the server sends runs as root inside the build.

## Example
```dockerfile
RUN curl -fsSL https://example.com/install.sh | sh
```

## Use instead
```dockerfile
ADD --checksum=sha256:... https://example.com/install.sh /tmp/install.sh
```
"""

RULE = Rule(
    meta=RuleMeta(
        id="TS001",
        slug="remote-script-pipe",
        title="Remote script piped into a shell",
        severity=Severity.ERROR,
        security_severity=8.1,
        area="dockerfile",
        precision="high",
    ),
    doc=DOC.strip(),
    check=lambda target, ctx: iter(()),
)

DOCKERFILE = "FROM alpine:3.20\nRUN apk add curl\nRUN curl -fsSL https://example.com/i.sh | sh\n"


# ---------------------------------------------------------------------------
# helpers


@pytest.fixture(scope="module")
def validator() -> Any:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SARIF_SCHEMA} (shared/ is expected beside the repository)")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def assert_valid(validator: Any, doc: dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    yield tmp_path


def finding(rule: str = "TS001", line: int = 3, **kw: Any) -> Finding:
    span = kw.pop("span", Span(line, 40, line, 42))
    defaults: dict[str, Any] = {
        "name": "remote-script-pipe",
        "severity": Severity.ERROR,
        "path": "Dockerfile",
        "message": "remote script piped into `sh`",
        "source_line": DOCKERFILE.splitlines()[line - 1] if line <= 3 else "",
    }
    defaults.update(kw)
    return Finding(rule=rule, span=span, **defaults)


def build(findings: list[Finding], errors: list[InternalError] | None = None, **opts: Any) -> dict[str, Any]:
    result = RunResult(findings=findings, errors=errors or [], files=1, rules=rules_for(findings))
    result.sources = describe(findings)  # what a run asked for SARIF reads from the files
    return json.loads(render(result, opts))


def rules_for(findings: list[Finding]) -> list[Rule]:
    """The test rule and every built-in rule a finding names, as a run's result carries them."""
    ids = sorted(i for i in {f.rule for f in findings} if is_known(i))
    return [RULE, *(r for r in map(load_rule, ids) if r is not None)]


def render(result: RunResult, opts: dict[str, Any]) -> str:
    import io

    buf = io.StringIO()
    sarif.report(result, buf, opts)
    return buf.getvalue()


def run_of(doc: dict[str, Any]) -> dict[str, Any]:
    assert doc["version"] == "2.1.0"
    assert len(doc["runs"]) == 1
    run: dict[str, Any] = doc["runs"][0]
    return run


# ---------------------------------------------------------------------------
# the log, the run and the driver


def test_minimal_and_full_documents_are_schema_valid(workdir: Path, validator: Any) -> None:
    assert_valid(validator, build([]))
    full = build(
        [
            finding(related=(Related("Dockerfile", Span(2, 5, 2, 8), "curl installed here"),)),
            finding(line=2, suppressed=True, suppression_kind="inSource", justification="vetted"),
            finding("SE001", line=1, name="parse-error", message="bad", span=Span(1, 1, 1, 2)),
        ],
        [InternalError("Dockerfile", "TS001", "boom")],
        sarif_category="containers",
    )
    assert_valid(validator, full)


def test_tool_driver(workdir: Path) -> None:
    driver = run_of(build([finding()]))["tool"]["driver"]
    assert driver["name"] == "sentra-lint"
    assert driver["semanticVersion"] == __version__
    assert re.fullmatch(r"\d+\.\d+\.\d+([-+].*)?", driver["semanticVersion"])
    assert driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == ["TS001"]


def test_rule_descriptor_fields(workdir: Path) -> None:
    rule = run_of(build([finding()]))["tool"]["driver"]["rules"][0]
    assert rule["id"] == "TS001"
    assert rule["name"] == "RemoteScriptPipe"
    assert rule["shortDescription"]["text"] == "Remote script piped into a shell"
    # fullDescription: the "What it does" section as plain text.
    assert rule["fullDescription"]["text"] == "Finds curl ... | sh and the like in RUN instructions."
    help_ = rule["help"]
    assert "## Why is this bad?" in help_["markdown"] and "```dockerfile" in help_["markdown"]
    assert "Whatever the server sends" in help_["text"]
    assert "```" not in help_["text"] and "`" not in help_["text"] and "## " not in help_["text"]
    assert rule["helpUri"] == "https://github.com/sentra-lint/sentra-lint/blob/main/docs/rules/TS001.md"
    assert rule["helpUri"] in help_["markdown"]
    assert rule["defaultConfiguration"] == {"level": "error"}
    props = rule["properties"]
    assert props["tags"] == ["security", "dockerfile"]
    assert props["security-severity"] == "8.1"
    assert isinstance(props["security-severity"], str)
    assert props["precision"] == "high"
    assert props["problem.severity"] == "error"


@pytest.mark.parametrize("rid", ["SE001", "SE002", "SE003"])
def test_real_rules_describe_themselves_within_limits(rid: str) -> None:
    rule = load_rule(rid)
    assert rule is not None
    d = sarif.rule_descriptor(rule)
    assert 0 < len(d["shortDescription"]["text"]) <= sarif.MAX_DESCRIPTION
    assert 0 < len(d["fullDescription"]["text"]) <= sarif.MAX_DESCRIPTION
    assert d["help"]["text"] and d["help"]["markdown"]
    assert "security" in d["properties"]["tags"] and rule.meta.area in d["properties"]["tags"]
    assert len(d["properties"]["tags"]) <= sarif.MAX_TAGS
    assert 0.0 <= float(d["properties"]["security-severity"]) <= 10.0
    assert d["properties"]["precision"] in ("very-high", "high", "medium", "low")
    assert d["defaultConfiguration"]["level"] in ("error", "warning", "note")


def test_long_descriptions_are_cut_to_github_limit() -> None:
    long_rule = Rule(
        meta=RuleMeta(
            id="TS002", slug="x", title="T" * 2000, severity=Severity.NOTE, security_severity=12.0,
            area="input",
        ),
        doc="Summary.\n\n## What it does\n" + "word " * 600,
        check=RULE.check,
    )
    d = sarif.rule_descriptor(long_rule)
    assert len(d["shortDescription"]["text"]) == sarif.MAX_DESCRIPTION
    assert len(d["fullDescription"]["text"]) <= sarif.MAX_DESCRIPTION
    assert d["fullDescription"]["text"].endswith("...")
    assert d["properties"]["security-severity"] == "10.0"  # clamped to the 0-10 scale
    assert d["properties"]["problem.severity"] == "recommendation"


def test_automation_details_from_category(workdir: Path) -> None:
    assert "automationDetails" not in run_of(build([]))
    assert run_of(build([], sarif_category="containers"))["automationDetails"] == {"id": "containers/"}
    assert run_of(build([], sarif_category="lint/dockerfiles/"))["automationDetails"] == {"id": "lint/dockerfiles/"}


def test_original_uri_base_ids(workdir: Path) -> None:
    base = run_of(build([]))["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file:///") and base.endswith("/")
    assert base == Path.cwd().as_uri().rstrip("/") + "/"


# ---------------------------------------------------------------------------
# results


def test_result_fields(workdir: Path) -> None:
    res = run_of(build([finding()]))["results"][0]
    assert res["ruleId"] == "TS001"
    assert res["ruleIndex"] == 0
    assert res["level"] == "error"
    # The first sentence is the alert title: capitalised, ends with a full stop, stands alone.
    assert res["message"]["text"] == "Remote script piped into `sh`."
    assert len(res["locations"]) == 1
    phys = res["locations"][0]["physicalLocation"]
    assert phys["artifactLocation"] == {"uri": "Dockerfile", "uriBaseId": "%SRCROOT%"}
    assert phys["region"] == {"startLine": 3, "startColumn": 40, "endLine": 3, "endColumn": 42}
    assert "suppressions" not in res and "relatedLocations" not in res


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("image is not pinned by digest", "Image is not pinned by digest."),
        ("pip install runs after useradd", "pip install runs after useradd."),
        ("`--privileged` container", "`--privileged` container."),
        ("Already a sentence.", "Already a sentence."),
        ("two\nlines", "Two lines."),
    ],
)
def test_message_first_sentence(message: str, title: str) -> None:
    assert sarif.message_text(message) == title


def test_levels_follow_the_finding_severity(workdir: Path) -> None:
    doc = build([finding(severity=s) for s in (Severity.ERROR, Severity.WARNING, Severity.NOTE)])
    assert [r["level"] for r in run_of(doc)["results"]] == ["error", "warning", "note"]


def test_region_is_never_empty_or_inverted(workdir: Path) -> None:
    res = run_of(build([finding(span=Span(3, 5, 3, 5))]))["results"][0]
    region = res["locations"][0]["physicalLocation"]["region"]
    assert region["endColumn"] > region["startColumn"]


def test_uris_are_relative_forward_slash_and_encoded(workdir: Path) -> None:
    sub = workdir / "my dir" / "a:b"
    sub.mkdir(parents=True)
    (sub / "Dockerfile").write_text(DOCKERFILE, encoding="utf-8")
    outside = workdir.parent / f"{workdir.name}-outside.Dockerfile"
    doc = build(
        [
            finding(path="my dir/a:b/Dockerfile"),
            finding(path=str(outside)),
        ]
    )
    locs = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run_of(doc)["results"]]
    assert locs[0] == {"uri": "my%20dir/a%3Ab/Dockerfile", "uriBaseId": "%SRCROOT%"}
    assert locs[1]["uri"].startswith("file:///") and "uriBaseId" not in locs[1]


def test_related_locations_are_linked_from_the_message(workdir: Path) -> None:
    rel = (
        Related("compose.yml", Span(4, 7, 4, 20), "the tmpfs is mounted here"),
        Related("Dockerfile", Span(2, 1, 2, 4), ""),
    )
    res = run_of(build([finding(related=rel)]))["results"][0]
    assert res["message"]["text"].startswith("Remote script piped into `sh`. ")
    assert "[the tmpfs is mounted here](1)" in res["message"]["text"]
    assert "[Dockerfile:2](2)" in res["message"]["text"]
    first, second = res["relatedLocations"]
    assert first["id"] == 1 and second["id"] == 2
    assert first["physicalLocation"]["artifactLocation"] == {"uri": "compose.yml", "uriBaseId": "%SRCROOT%"}
    assert first["physicalLocation"]["region"] == {"startLine": 4, "startColumn": 7, "endLine": 4, "endColumn": 20}
    assert first["message"]["text"] == "the tmpfs is mounted here"


def test_related_locations_are_capped(workdir: Path) -> None:
    rel = tuple(Related("Dockerfile", Span(1, 1, 1, 2), f"place {i}") for i in range(15))
    res = run_of(build([finding(related=rel)]))["results"][0]
    assert len(res["relatedLocations"]) == sarif.MAX_RELATED == 10
    assert len(res["locations"]) == 1


def test_brackets_that_would_read_as_links_are_escaped(workdir: Path) -> None:
    res = run_of(build([finding(message="see [x](1) and ignore[SD003]")]))["results"][0]
    assert res["message"]["text"] == "See \\[x\\](1) and ignore\\[SD003\\]."
    plain = run_of(build([finding(message="ignore[SD003] names no rule")]))["results"][0]
    assert plain["message"]["text"] == "ignore[SD003] names no rule."


def test_suppressions(workdir: Path) -> None:
    doc = build(
        [
            finding(suppressed=True, suppression_kind="inSource", justification="installer is pinned by checksum"),
            finding(line=2, suppressed=True, suppression_kind="external", justification=None),
        ]
    )
    in_source, external = (r["suppressions"] for r in run_of(doc)["results"])
    assert in_source == [{"kind": "inSource", "status": "accepted", "justification": "installer is pinned by checksum"}]
    assert external == [{"kind": "external", "status": "accepted"}]


def test_fixes_are_line_and_column_regions(workdir: Path) -> None:
    text = DOCKERFILE
    start = text.index("apk add") + len("apk add")
    fix = Fix("add --no-cache", (Edit(start, start, " --no-cache"),))
    res = run_of(build([finding(line=2, fixes=(fix,))]))["results"][0]
    change = res["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"] == {"uri": "Dockerfile", "uriBaseId": "%SRCROOT%"}
    assert change["replacements"][0]["deletedRegion"] == {
        "startLine": 2, "startColumn": 12, "endLine": 2, "endColumn": 12,
    }
    assert change["replacements"][0]["insertedContent"] == {"text": " --no-cache"}


# ---------------------------------------------------------------------------
# primaryLocationLineHash


def _reference_hash(units: list[int]) -> str:
    """The definition, spelled out: base-37 polynomial over 100 units, modulo 2**64."""
    window = (units + [0xFFFF] + [0] * 100)[:100]
    value = 0
    for u in window:
        value = (value * 37 + u) % (1 << 64)
    return format(value, "x")


def test_line_hash_definition() -> None:
    assert sarif.line_hashes("a") == [_reference_hash([ord("a")]) + ":1"]
    # Spaces and tabs never count; the hash of line 2 covers line 2 and what follows.
    hashes = sarif.line_hashes("x\n  \tRUN a b\nEND")
    assert hashes[1] == _reference_hash([ord(c) for c in "RUNab\nEND"]) + ":1"
    # A file ending in a line break has one more, empty, line.
    assert len(sarif.line_hashes("a\nb\n")) == 3
    assert sarif.line_hashes("")[0] == _reference_hash([]) + ":1"


def test_line_hash_is_stable_when_lines_are_inserted_above() -> None:
    before = sarif.line_hashes(DOCKERFILE)
    after = sarif.line_hashes("# a comment\n\nARG X=1\n" + DOCKERFILE)
    assert after[3 + 2] == before[2]
    assert after[3 + 1] == before[1]


def test_line_hash_ignores_indentation_and_line_endings() -> None:
    lf = sarif.line_hashes("a: 1\nb:\n  c: 2\n")
    assert sarif.line_hashes("a: 1\r\nb:\r\n  c: 2\r\n") == lf
    assert sarif.line_hashes("a: 1\rb:\r      c:   2\r") == lf


def test_line_hash_numbers_repeated_lines() -> None:
    hashes = sarif.line_hashes("RUN x\n" * 30)
    assert hashes[0].endswith(":1") and hashes[1].endswith(":2")
    assert hashes[0].split(":")[0] == hashes[1].split(":")[0]
    assert sarif.line_hashes("RUN x\n" * 30, upto=2) == hashes[:2]


def test_line_hash_counts_utf16_code_units() -> None:
    # U+1F40B is two UTF-16 code units, as the upload action reads it.
    assert sarif.line_hashes("\U0001f40b") == [_reference_hash([0xD83D, 0xDC0B]) + ":1"]


def test_results_carry_the_hash_of_their_line(workdir: Path) -> None:
    res = run_of(build([finding()]))["results"][0]
    assert res["partialFingerprints"]["primaryLocationLineHash"] == sarif.line_hashes(DOCKERFILE)[2]
    assert re.fullmatch(r"[0-9a-f]{1,16}:[1-9][0-9]*", res["partialFingerprints"]["primaryLocationLineHash"])


def test_result_hash_survives_lines_inserted_above(workdir: Path) -> None:
    first = run_of(build([finding()]))["results"][0]["partialFingerprints"]
    (workdir / "Dockerfile").write_text("# syntax=docker/dockerfile:1\n\n" + DOCKERFILE, encoding="utf-8")
    moved = finding(line=5, source_line=DOCKERFILE.splitlines()[2])
    second = run_of(build([moved]))["results"][0]["partialFingerprints"]
    assert first == second


def test_unreadable_file_falls_back_to_the_reported_line(workdir: Path) -> None:
    gone = [finding(path="gone/Dockerfile"), finding(path="gone/Dockerfile")]
    a, b = (r["partialFingerprints"]["primaryLocationLineHash"] for r in run_of(build(gone))["results"])
    assert a.endswith(":1") and b.endswith(":2") and a.split(":")[0] == b.split(":")[0]


# ---------------------------------------------------------------------------
# invocations and limits


def test_invocation_and_notifications(workdir: Path) -> None:
    doc = build(
        [
            finding("SE001", line=1, name="parse-error", message="unterminated heredoc", span=Span(1, 1, 1, 5)),
            finding("SE002", line=1, name="file-skipped", severity=Severity.WARNING, path="big.Dockerfile",
                    message="file is too large", span=Span.point(1)),
            finding(),
        ]
    )
    inv = run_of(doc)["invocations"]
    assert len(inv) == 1 and inv[0]["executionSuccessful"] is True
    notes = inv[0]["toolExecutionNotifications"]
    assert [(n["level"], n["associatedRule"]["id"]) for n in notes] == [("error", "SE001"), ("warning", "SE002")]
    assert notes[0]["message"]["text"] == "Dockerfile: Unterminated heredoc."
    assert notes[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    rule_ids = [r["id"] for r in run_of(doc)["tool"]["driver"]["rules"]]
    assert {"SE001", "SE002"} <= set(rule_ids)
    assert notes[0]["associatedRule"]["index"] == rule_ids.index("SE001")


def test_internal_errors_mark_the_run_unsuccessful(workdir: Path) -> None:
    inv = run_of(build([], [InternalError("Dockerfile", "TS001", "KeyError: 'x'")]))["invocations"][0]
    assert inv["executionSuccessful"] is False
    note = inv["toolExecutionNotifications"][0]
    assert note["level"] == "error" and "internal error in rule TS001" in note["message"]["text"]
    assert run_of(build([]))["invocations"][0] == {"executionSuccessful": True}


def test_result_limit_keeps_the_most_severe(workdir: Path, monkeypatch: pytest.MonkeyPatch, validator: Any) -> None:
    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    findings = [
        finding(line=1, severity=Severity.NOTE),
        finding(line=2, severity=Severity.ERROR, suppressed=True, suppression_kind="inSource"),
        finding(line=3, severity=Severity.WARNING),
        finding(line=3, severity=Severity.ERROR),
        finding(line=2, severity=Severity.ERROR),
    ]
    doc = build(findings)
    assert_valid(validator, doc)
    results = run_of(doc)["results"]
    assert [(r["level"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("warning", 3), ("error", 3), ("error", 2)
    ]
    note = run_of(doc)["invocations"][0]["toolExecutionNotifications"][-1]
    assert note["level"] == "warning" and note["message"]["text"].startswith("2 result(s) were left out")


def test_github_limits_are_the_documented_ones() -> None:
    assert (sarif.MAX_RESULTS, sarif.MAX_RELATED, sarif.MAX_TAGS, sarif.MAX_DESCRIPTION) == (25_000, 10, 20, 1024)


def test_output_is_deterministic(workdir: Path) -> None:
    findings = [finding(), finding(line=2, suppressed=True, suppression_kind="inSource", justification="ok")]
    result = RunResult(findings=findings, errors=[], files=1, rules=[RULE])
    assert render(result, {"sarif_category": "x"}) == render(result, {"sarif_category": "x"})


# ---------------------------------------------------------------------------
# end to end through the CLI


def test_cli_sarif_is_schema_valid_and_reports_skipped_files(tmp_path: Path, validator: Any) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"FROM alpine\x00\x00\n")
    res = run_cli("check", ".", "--format", "sarif", "--sarif-category", "containers", cwd=tmp_path)
    assert res.code == 0, res.err
    doc = json.loads(res.out)
    assert_valid(validator, doc)
    run = run_of(doc)
    assert run["automationDetails"] == {"id": "containers/"}
    [result] = [r for r in run["results"] if r["ruleId"] == "SE002"]
    assert result["level"] == "warning"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "Dockerfile", "uriBaseId": "%SRCROOT%",
    }
    assert result["partialFingerprints"]["primaryLocationLineHash"] == sarif.line_hashes(
        (tmp_path / "Dockerfile").read_bytes().decode("utf-8", "replace"))[0]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any(n["associatedRule"]["id"] == "SE002" for n in notes)


def test_cli_sarif_to_output_file(tmp_path: Path, validator: Any) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"\x00")
    res = run_cli("check", ".", "--format", "sarif", "-o", "out.sarif", cwd=tmp_path)
    assert res.code == 0
    assert_valid(validator, json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8")))
