"""`apt-get install` pulls in recommended packages.

## What it does
Reports `apt-get install` and `apt install` commands in the stages that make
up the image (the final stage and the in-file stages it is built `FROM`)
that do not pass `--no-install-recommends` (or the equivalent
`-o APT::Install-Recommends=false`). Commands behind `sudo`, `env`, `sh -c`
and inside `RUN <<EOF` heredocs count.

Not reported: a stage that turned recommends off in an APT configuration
file earlier (`echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/…`),
and a command with a `$VARIABLE` argument that may carry the flag (`$APT_OPTS`,
`"$@"`); a variable inside a package name or version (`php${PHP_V}-bz2`,
`postgresql-${PG_MAJOR}`) cannot, and does not stop the check.

## Why is this bad?
By default APT also installs every package the requested ones merely
*recommend*. That routinely doubles the number of packages in the image:
more to download, a larger image, and more software (daemons, helper
tools, libraries) in which vulnerabilities are found and must be patched.
Packages you did not ask for are also easy to depend on by accident.

## Example
```dockerfile
FROM ubuntu:24.04
RUN apt-get update \
 && apt-get install -y curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
```

## Use instead
```dockerfile
FROM ubuntu:24.04
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*
```
If the image then lacks something a tool needs, name that package
explicitly.

## Fix
Adds `--no-install-recommends` right after `install`. Unsafe: a build that
relied on a recommended package fails until that package is named.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentra_lint.dockerfile import Dockerfile
from sentra_lint.dockerfile.semantics import image_stages, run_scripts
from sentra_lint.findings import Fix, Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._dockerfile import TARGET_OPTION, final_stage
from sentra_lint.rules._fix import insert_after
from sentra_lint.shell.model import Word
from sentra_lint.shell.packages import apt_skips_recommends, installs, script_disables_recommends

META = RuleMeta(
    id="SD005",
    slug="apt-install-recommends",
    title="apt-get install without --no-install-recommends",
    severity=Severity.WARNING,
    security_severity=2.0,
    area="dockerfile",
    precision="very-high",
    options=TARGET_OPTION,
    fixable=True,
)


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    final = final_stage(df, ctx)
    if final is None:
        return
    for _instr, script in run_scripts(df, image_stages(df, final)):
        if script_disables_recommends(script.source):
            return  # an APT configuration turns recommends off from here on
        for pc in installs(script, "apt"):
            if apt_skips_recommends(pc):
                continue
            if any(_may_carry_option(w) for w in pc.command.argv[1:]):
                continue  # a $VARIABLE may carry the flag
            tool = pc.tool.text.rsplit("/", 1)[-1]
            yield Violation(
                df.source.span(pc.verb.start, pc.verb.end),
                f"`{tool} install` also installs recommended packages: add "
                "`--no-install-recommends` and name the extra packages you really need",
                fixes=(
                    Fix(
                        "add --no-install-recommends",
                        (insert_after(pc.verb.end, " --no-install-recommends"),),
                        safe=False,
                    ),
                ),
            )


def _may_carry_option(word: Word) -> bool:
    """Whether a word with an expansion could turn into ``--no-install-recommends``.

    ``$APT_OPTS`` or ``"$@"`` could; ``php${V}-bz2`` or ``postgresql-${PG_MAJOR}``
    (a package name with a version inside) cannot, and neither can any word
    that starts with literal text other than ``-``.
    """
    if word.literal:
        return False
    raw = word.raw.lstrip("\"'")
    return raw.startswith(("$", "`", "-")) or "recommends" in raw.lower()
