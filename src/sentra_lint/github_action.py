"""The GitHub Action's lint step: one `check` run, every report rendered from it.

``action.yml`` runs ``python -m sentra_lint.github_action`` with the action's
inputs in ``INPUT_*`` environment variables (never as ``${{ }}`` inside a
script). It runs ``sentra-lint check`` once, to a JSON report, and renders
from that report the log text (in colour: ``FORCE_COLOR``), the annotations
(``annotations: true``), the SARIF file and the job summary
(``$GITHUB_STEP_SUMMARY``, ``--format markdown``). Extra options in ``args``
are split into words as a POSIX shell would split them, but no shell ever
sees them: nothing in them is expanded or run.

Step outputs (``$GITHUB_OUTPUT``): ``exit-code`` (0 no finding at or above
``fail-on``, 1 findings, 2 a usage or internal error), ``sarif-file``,
``findings`` (the findings shown) and ``upload`` (whether the SARIF upload
step runs). The step itself exits 0 when the run finished, whatever it found,
so that the upload runs before the last step fails the job; it exits 2 when
``check`` could not finish, and nothing is uploaded.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from sentra_lint.render import FAIL_ON, exit_code, load, render

SEVERITIES = ("note", "warning", "error")
TRUE = ("true", "yes", "1", "on")


class InputError(ValueError):
    """An input the action cannot use; the message names it."""


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE or value in ("false", "no", "0", "off"):
        return value in TRUE
    raise InputError(f"{_input_name(name)}: expected true or false, got {value!r}")


def _input_name(var: str) -> str:
    return var.removeprefix("INPUT_").lower().replace("_", "-")


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = env.get(name, "").strip() or default
    if value not in choices:
        raise InputError(f"{_input_name(name)}: expected one of {', '.join(choices)}, got {value!r}")
    return value


def check_argv(env: Mapping[str, str], report: str) -> list[str]:
    """The one `sentra-lint check` command line: the inputs as words, the JSON report last."""
    argv: list[str] = []
    for var, flag in (("INPUT_PROFILE", "--profile"), ("INPUT_CONFIG", "--config"),
                      ("INPUT_BASELINE", "--baseline"), ("INPUT_SELECT", "--select"),
                      ("INPUT_IGNORE", "--ignore")):
        value = env.get(var, "").strip()
        if value:
            argv += [flag, ",".join(value.split()) if flag in ("--select", "--ignore") else value]
    try:
        extra = shlex.split(env.get("INPUT_ARGS", ""), comments=False, posix=True)
    except ValueError as exc:
        raise InputError(f"args: {exc}") from None
    paths = env.get("INPUT_PATHS", "").split() or ["."]
    # The action's own options come after `args`, so that they win; `--` ends the
    # options, so a path can never be read as one.
    return ["check", *argv, *extra, "--format", "json", "--output", report, "--fail-on", "never", "--", *paths]


def upload_blocked(env: Mapping[str, str]) -> str | None:
    """Why this run's token cannot upload to code scanning, or None."""
    event = env.get("GITHUB_EVENT_NAME", "")
    if not event.startswith("pull_request") or event == "pull_request_target":
        return None
    if env.get("GITHUB_ACTOR") == "dependabot[bot]":
        return "a Dependabot pull request gets a read-only token (no security-events: write)"
    try:
        payload = json.loads(Path(env.get("GITHUB_EVENT_PATH", "")).read_text(encoding="utf-8"))
        head = payload["pull_request"]["head"]["repo"]["full_name"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if head and head != env.get("GITHUB_REPOSITORY"):
        return f"a pull request from the fork {head} gets a read-only token (no security-events: write)"
    return None


def _write_outputs(env: Mapping[str, str], outputs: dict[str, str]) -> None:
    target = env.get("GITHUB_OUTPUT")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as fh:
        for key, value in outputs.items():
            fh.write(f"{key}={value}\n")


def _color(env: Mapping[str, str]) -> bool:
    return bool(env.get("FORCE_COLOR")) and not env.get("NO_COLOR")


def run(env: Mapping[str, str], out: IO[str]) -> int:
    try:
        fail_on = _choice(env, "INPUT_FAIL_ON", FAIL_ON, "error")
        min_severity = _choice(env, "INPUT_MIN_SEVERITY", SEVERITIES, "note")
        annotations = _flag(env, "INPUT_ANNOTATIONS", False)
        upload = _flag(env, "INPUT_UPLOAD_SARIF", True)
        summary = _flag(env, "INPUT_SUMMARY", True)
        sarif_file = env.get("INPUT_SARIF_FILE", "").strip() or "sentra-lint.sarif"
        temp = Path(env.get("RUNNER_TEMP") or ".")
        report = str(temp / "sentra-lint-report.json")
        argv = check_argv(env, report)
    except InputError as exc:
        out.write(f"::error title=sentra-lint::bad input {exc}\n")
        _write_outputs(env, {"exit-code": "2", "upload": "false"})
        return 2

    out.write("sentra-lint " + shlex.join(argv) + "\n")
    out.flush()
    proc = subprocess.run([sys.executable, "-m", "sentra_lint", *argv], capture_output=True, text=True,
                          env={**env, "NO_COLOR": "1", "FORCE_COLOR": ""}, check=False)
    if proc.returncode not in (0, 1) or not Path(report).is_file():
        out.write(proc.stdout + proc.stderr)
        out.write(f"::error title=sentra-lint::sentra-lint could not finish (exit code {proc.returncode}); "
                  "nothing is uploaded\n")
        _write_outputs(env, {"exit-code": "2", "upload": "false"})
        return 2
    if proc.stderr:
        out.write(proc.stderr)

    result = load(json.loads(Path(report).read_text(encoding="utf-8")), min_severity=min_severity)
    render(result, "text", out, {"color": _color(env)})
    if annotations:
        render(result, "github", out, {})
    with open(sarif_file, "w", encoding="utf-8", newline="\n") as fh:
        render(result, "sarif", fh, {"sarif_category": env.get("INPUT_SARIF_CATEGORY", "").strip()})
    step_summary = env.get("GITHUB_STEP_SUMMARY")
    if summary and step_summary:
        with open(step_summary, "a", encoding="utf-8", newline="\n") as fh:
            render(result, "markdown", fh, {})
    code = exit_code(result, fail_on)
    blocked = upload_blocked(env) if upload else None
    if blocked:
        out.write(f"::notice title=sentra-lint::SARIF upload skipped: {blocked}. "
                  "The findings are in this log and in the job summary.\n")
    shown = sum(1 for f in result.findings if not f.suppressed)
    _write_outputs(env, {"exit-code": str(code), "sarif-file": sarif_file, "findings": str(shown),
                         "upload": "true" if upload and not blocked else "false"})
    out.flush()
    return 2 if code == 2 else 0


def main() -> int:
    return run(os.environ, sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
