"""`ADD` downloads a remote file without `--checksum`.

## What it does
Reports `ADD` instructions whose source is a remote URL (`http://`,
`https://`, or a Git repository such as `git@github.com:org/repo.git` or
`https://github.com/org/repo.git#v1.2`) and that do not pass `--checksum`.
Every stage is checked: a file fetched into a builder stage usually ends up
in the final image as a compiled artifact.

A Git source pinned to a full 40-character commit (`repo.git#<sha>` or
`?ref=<sha>`) is content-addressed already and is not reported. A source
that is a build argument without a default (`ADD $URL /x`) is unknown and
is not reported either.

One finding is reported per instruction: further occurrences in the same
instruction are listed as its related locations.

## Why is this bad?
`ADD` fetches the URL at build time and trusts whatever the server returns.
If the release is re-tagged, the server is compromised, or a proxy tampers
with the download, the image silently ships different code, and nothing in
the build fails. With `--checksum=sha256:<digest>` BuildKit verifies the
content and stops the build when it changed.

## Example
```dockerfile
FROM debian:12-slim
ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
```

## Use instead
```dockerfile
# syntax=docker/dockerfile:1.7
FROM debian:12-slim
ADD --checksum=sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c \
    https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
```
`--checksum` needs the Dockerfile frontend 1.6 or later for HTTP sources
(add the `# syntax=` line on older Docker versions). For a Git source, pin
the commit: `ADD https://github.com/org/repo.git#<40-hex commit> /src`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.dockerfile import Dockerfile, Instruction
from sentra_lint.dockerfile.semantics import Scope, instruction_sources, scopes_before
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._dockerfile import one_per_instruction

META = RuleMeta(
    id="SD004",
    slug="add-remote-no-checksum",
    title="ADD downloads a remote file without --checksum",
    severity=Severity.WARNING,
    security_severity=6.0,
    area="dockerfile",
    precision="very-high",
)

_HTTP = lazy_compile(r"^https?://", re.IGNORECASE)
_GIT = lazy_compile(r"^(?:git@[^:/]+:|git://|ssh://)|^https?://[^?#]+\.git(?:[/?#]|$)", re.IGNORECASE)
_PINNED = lazy_compile(r"(?:#|[?&](?:ref|commit)=)[0-9a-f]{40}(?:[0-9a-f]{24})?(?:[:&]|$)")


def remote_kind(url: str) -> str | None:
    """``git`` for a Git repository, ``url`` for another HTTP(S) download, else ``None``."""
    if _GIT.match(url):
        return "git"
    if _HTTP.match(url):
        return "url"
    return None


def _host(url: str) -> str:
    rest = url.split("://", 1)[-1]
    if rest.startswith("git@"):
        rest = rest[4:]
    return re.split(r"[/:?#]", rest, maxsplit=1)[0]


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    own = (i.trigger if i.keyword == "ONBUILD" and i.trigger is not None else i for i in df.instructions)
    adds = [i for i in own if i.keyword == "ADD" and i.flag("checksum") is None]
    if not adds:
        return
    scopes = scopes_before(df, [i for i in adds if any("$" in s[0] for s in instruction_sources(i))])
    yield from one_per_instruction(_occurrences(df, adds, scopes), df.source.path)


def _occurrences(
    df: Dockerfile, adds: list[Instruction], scopes: dict[int, Scope | None]
) -> Iterator[tuple[Instruction, Violation, str]]:
    for instr in adds:
        scope = scopes.get(instr.start)
        for text, start, end in instruction_sources(instr):
            url = text if "$" not in text else (scope.resolve(text) if scope else None)
            if url is None:
                continue
            kind = remote_kind(url)
            if kind is None:
                continue
            if kind == "git":
                if _PINNED.search(url):
                    continue
                msg = (
                    f"ADD clones a Git repository from {_host(url)} without --checksum or a pinned "
                    "commit: a moved branch or tag changes the image silently; pin the commit "
                    "(`repo.git#<40-hex sha>`) or add `--checksum=<commit sha>`"
                )
            else:
                msg = (
                    f"ADD downloads from {_host(url)} without --checksum: the build trusts whatever "
                    "the server returns; add `--checksum=sha256:<digest>` of the expected file"
                )
            yield instr, Violation(df.source.span(start, end), msg), f"also without --checksum: {_host(url)}"
