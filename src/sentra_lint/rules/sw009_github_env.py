"""Attacker-controlled text written to `$GITHUB_ENV`, `$GITHUB_PATH` or `$GITHUB_OUTPUT`.

## What it does
Finds `run:` commands that append to an environment file (`>> $GITHUB_ENV`,
`>> "$GITHUB_ENV"`, `>> ${GITHUB_PATH}`, `| tee -a "$GITHUB_OUTPUT"`, a
here-document redirected there) and reports the attacker-controlled text
they write: a `${{ … }}` expression that can carry it (the same taint model
as SW002), or a `$VAR` whose value is such text (from an `env:` entry of
the step, job or workflow, or a shell variable assigned from it earlier in
the script). Branch names are not reported for `$GITHUB_ENV` and
`$GITHUB_OUTPUT`: git forbids the control characters (newlines) that would
split an entry. Only the words of commands that print them (`echo`,
`printf`) and here-document bodies count as written data: `gh … >>
"$GITHUB_OUTPUT"` writes what `gh` prints, not its arguments. The span is
the tainted expression or variable. POSIX shells (`bash`, `sh`, the
default) and PowerShell (`shell: pwsh`, `powershell`) are analysed: in
PowerShell, `"NAME=$v" >> $env:GITHUB_ENV`, `Add-Content`/`Set-Content`
(`-Path` or positional, `-Value`, `-Encoding`), `Out-File -FilePath …
-Append`, a pipeline ending in one of them (`Write-Output "…" | Out-File
…`) and `[IO.File]::AppendAllText($env:GITHUB_ENV, …)`, with attacker text
in an expression, an `$env:NAME` of a tainted `env:` entry, or a variable
assigned from one. A value written this way also taints a later
`${{ env.NAME }}` and `${{ steps.<id>.outputs.<name> }}` (SW002). The
`min-confidence` option works as in SW002.

## Why is this bad?
`$GITHUB_ENV` sets environment variables for every later step: text with a
newline adds any variable (`LD_PRELOAD`, `NODE_OPTIONS`, `BASH_ENV`), which
runs attacker code with the job's secrets. `$GITHUB_PATH` puts a directory
first on `PATH`. `$GITHUB_OUTPUT` lets the text forge other outputs that
later steps and jobs trust. Passing the text through `env:` protects the
shell, not the file: the newline still splits the entry.

## Example
```yaml
on: pull_request_target
jobs:
  label:
    runs-on: ubuntu-latest
    steps:
      - env:
          TITLE: ${{ github.event.pull_request.title }}
        run: echo "TITLE=$TITLE" >> "$GITHUB_ENV"
```

## Use instead
```yaml
on: pull_request_target
jobs:
  label:
    runs-on: ubuntu-latest
    steps:
      - env:
          TITLE: ${{ github.event.pull_request.title }}
        run: |
          delim="EOF_$(openssl rand -hex 16)"
          { echo "TITLE<<$delim"; printf '%s\n' "$TITLE"; echo "$delim"; } >> "$GITHUB_ENV"
```
Better still, read the value from `github.event` where it is needed
instead of carrying it through the environment file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.workflow.analysis import all_scopes, env_file_writes
from sentra_lint.workflow.model import Workflow
from sentra_lint.workflow.taint import Confidence, Taint

META = RuleMeta(
    id="SW009",
    slug="github-env-injection",
    title="Attacker-controlled text written to GITHUB_ENV, GITHUB_PATH or GITHUB_OUTPUT",
    severity=Severity.ERROR,
    security_severity=8.5,
    area="workflow",
    precision="high",
    options={
        "min-confidence": {
            "type": "string",
            "enum": ["high", "medium", "low"],
            "default": "high",
            "description": "Lowest confidence of attacker control to report.",
        }
    },
)

_EFFECT = {
    "GITHUB_ENV": "a newline in it sets any environment variable for later steps",
    "GITHUB_PATH": "it puts a directory of the attacker's choice on PATH",
    "GITHUB_OUTPUT": "a newline in it forges step outputs",
}


# Git refuses control characters in ref names, so a branch name cannot hold
# the newline that splits an entry of GITHUB_ENV or GITHUB_OUTPUT.
_REF_NAMES = ("head_ref", ".head.ref", ".head.label", ".head_branch")


def _multiline(taint: Taint) -> Taint:
    """Only the sources that can carry a newline."""
    keep = tuple(s for s in taint.sources if not s.path.lower().endswith(_REF_NAMES))
    return replace(taint, sources=keep)


def check(wf: Workflow, ctx: RuleContext) -> Iterator[Violation]:
    minimum = Confidence.parse(ctx.option("min-confidence"))
    for scope in all_scopes(wf):
        if scope.step.run is None:
            continue
        for write in env_file_writes(wf, scope.job, scope.step, scope.ctx):
            for piece in write.pieces:
                taint = piece.taint.at_least(minimum)
                if write.file != "GITHUB_PATH":
                    if piece.split_safe:
                        continue  # cut to its first line: no newline to split an entry
                    taint = _multiline(taint)
                if not taint.tainted:
                    continue
                source = ", ".join(f"'{p}'" for p in taint.paths[:2])
                yield Violation(
                    piece.span,
                    f"{piece.what} ({source}) is attacker-controlled and written to "
                    f"${write.file}: {_EFFECT[write.file]}",
                )
