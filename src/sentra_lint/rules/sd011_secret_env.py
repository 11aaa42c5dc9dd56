"""A secret is hard-coded in `ENV` or `ARG`.

## What it does
Reports `ENV` and `ARG` instructions, in any stage, that give a literal
value to a variable whose name looks like a secret (`*TOKEN*`, `*SECRET*`,
`*PASSWORD*`, `*PASSWD*`, `*API_KEY*`, `*APIKEY*`, `*PRIVATE_KEY*`,
`*ACCESS_KEY*`), and any `ENV`/`ARG` value that has the format of a known
credential (GitHub tokens `ghp_…`/`gho_…`/`ghs_…`/`github_pat_…`, AWS
access key ids `AKIA…`, Slack tokens `xoxb-…`, private key headers,
Anthropic `sk-ant-…`, OpenAI `sk-…`, Google API keys `AIza…`).

Not reported, because no secret is written down: an `ARG` without a
default, a value taken from another variable (`ENV URL=$BASE_URL`), an empty
value, `true`/`false`/small numbers, file paths, placeholders such as
`changeme`, `<your-token>` or values that say `fake`, `dummy` or `example`,
AWS documentation example keys, and names that point *to*
a secret rather than hold it (`DB_PASSWORD_FILE=/run/secrets/db`,
`TOKEN_URL`, `SECRET_NAME`, `SECRETFILE`). The secret itself is never printed.

A build argument with a secret-looking name that an `ENV` copies
(`ARG SENTRY_AUTH_TOKEN` then `ENV SENTRY_AUTH_TOKEN=$SENTRY_AUTH_TOKEN`) is
reported at the `ENV`: the value given with `--build-arg` ends up in the
image configuration (BuildKit's `SecretsUsedInArgOrEnv` check and hadolint
report it too).

The option `secret-patterns` adds name globs (case-insensitive), for example
`["*_CREDENTIAL", "VAULT_*_ID"]`.

## Why is this bad?
`ENV` values are stored in the image configuration and `ARG` values in the
build history: anyone who can pull the image reads them with
`docker image inspect` or `docker history`, and they are also committed to
the repository with the Dockerfile. Deleting the variable in a later layer
does not remove it. A leaked token has to be revoked and rotated.

## Example
```dockerfile
FROM python:3.12-slim
ENV DB_PASSWORD=s3cr3t-Passw0rd
ARG NPM_TOKEN=npm_4f8Kq2Lx9TzV1wYbR7sD3mN6pQ0hJcXeGuAa
RUN npm ci
```

## Use instead
```dockerfile
# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
```
Pass build-time secrets with `docker build --secret id=npm_token,env=NPM_TOKEN`
and runtime secrets when the container starts (an orchestrator secret, a
mounted file such as `DB_PASSWORD_FILE=/run/secrets/db_password`, or a
credential proxy), never in the image.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.dockerfile import Dockerfile
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.shell import Word

META = RuleMeta(
    id="SD011",
    slug="secret-in-env",
    title="Secret hard-coded in an ENV or ARG instruction",
    severity=Severity.ERROR,
    security_severity=8.5,
    area="dockerfile",
    precision="high",
    options={
        "secret-patterns": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Extra variable-name globs (case-insensitive) that hold secrets.",
        }
    },
)

NAME_PATTERNS = (
    "*TOKEN*", "*SECRET*", "*PASSWORD*", "*PASSWD*", "*API_KEY*", "*APIKEY*",
    "*PRIVATE_KEY*", "*ACCESS_KEY*",
)

# Name parts that make the variable describe a secret rather than hold one:
# DB_PASSWORD_FILE, GITHUB_TOKEN_URL, SECRET_NAME, TOKEN_TTL ...
_REFERENCE_SUFFIXES = frozenset(
    [
        "FILE", "FILES", "PATH", "DIR", "DIRECTORY", "URL", "URI", "HOST", "PORT", "ENDPOINT",
        "NAME", "NAMES", "ID", "TTL", "EXPIRY", "EXPIRES", "EXPIRATION", "TIMEOUT", "LENGTH", "LEN",
        "SIZE", "MIN", "MAX", "LIMIT", "COUNT", "ENABLED", "DISABLED", "ENABLE", "DISABLE",
        "REQUIRED", "MODE", "TYPE", "HEADER", "PREFIX", "LOCATION", "PROVIDER", "ENV", "VAR",
        "VARIABLE", "KEYRING", "LIFETIME", "ISSUER", "AUDIENCE", "ALGORITHM", "REFRESH_INTERVAL",
        "INTERVAL",
    ]
)

# (label, pattern) for credential formats; matched anywhere in a value.
CREDENTIAL_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("GitHub token", re.compile(r"\b(?:ghp|gho|ghs|ghu|ghr)_[A-Za-z0-9]{36,}\b")),
    ("GitHub token", re.compile(r"\bgithub_pat_[A-Za-z0-9_]{60,}\b")),
    ("AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("Slack token", re.compile(r"\bxox[abpors]-[0-9A-Za-z-]{10,}")),
    ("private key", re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----")),
    ("Anthropic API key", re.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,}")),
    ("OpenAI API key", re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}")),
    ("Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
)

_PLACEHOLDER = lazy_compile(
    r"""^(?:
        true|false|yes|no|on|off|none|null|nil|undefined|unset|empty|default|
        change[-_.]?me|replace[-_.]?me|dummy|placeholder|example|sample|
        todo|tbd|fixme|redacted|hidden|
        x+|\*+|\.+|-+|_+|\d{1,4}|
        [/~.]?/.*|
        <[^<>]*>|\[[^\[\]]*\]|\{[^{}]*\}|
        (?:your|my|insert|put|enter|add|set)[-_ ].*|.*[-_ ](?:here|goes[-_ ]here)
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_GLUED_SUFFIXES = ("FILE", "PATH", "DIR", "URL", "URI", "NAME")
# Words that mark a value as a stand-in wherever they appear in it.
_STAND_IN = lazy_compile(
    r"fake|dummy|placeholder|example|sample|changeme|change[-_]me|replace[-_]?me|your[-_]|xxxx|redacted",
    re.IGNORECASE,
)
_AWS_DOC_EXAMPLE = lazy_compile(r"EXAMPLE|^AKIAIOSFODNN7")


def name_looks_secret(name: str, extra: Iterable[str] = ()) -> bool:
    """Whether a variable name matches a secret pattern and is not a reference to one."""
    upper = name.upper()
    if any(fnmatch.fnmatchcase(upper, p.upper()) for p in extra):
        return True
    if not any(fnmatch.fnmatchcase(upper, p) for p in NAME_PATTERNS):
        return False
    parts = [p for p in upper.split("_") if p]
    if parts and parts[-1] in _REFERENCE_SUFFIXES:
        return False
    if len(parts) >= 2 and "_".join(parts[-2:]) in _REFERENCE_SUFFIXES:
        return False
    # run-together names: SECRETFILE, TOKENPATH, PASSWORDFILE
    return not upper.endswith(_GLUED_SUFFIXES)


def is_placeholder(value: str) -> bool:
    """Values that hold no secret: empty, booleans, small numbers, paths, ``<token>``, ``changeme``."""
    v = value.strip().strip("\"'").strip()
    return not v or _PLACEHOLDER.match(v) is not None or _STAND_IN.search(v) is not None


def credential_format(value: str) -> tuple[str, int, int] | None:
    """``(label, start, end)`` of the first known credential format inside ``value``."""
    for label, pattern in CREDENTIAL_FORMATS:
        for m in pattern.finditer(value):
            if label == "AWS access key id" and _AWS_DOC_EXAMPLE.search(m.group(0)):
                continue
            return label, m.start(), m.end()
    return None


def _unknown(raw_value: str) -> bool:
    """Whether an ``ENV``/``ARG`` value as written refers to a variable (outside single quotes)."""
    quote = ""
    i = 0
    while i < len(raw_value):
        ch = raw_value[i]
        if ch == "\\" and quote != "'":
            i += 2
            continue
        if quote:
            if ch == quote:
                quote = ""
            elif ch == "$" and quote == '"' and _starts_variable(raw_value, i):
                return True
        elif ch in "\"'":
            quote = ch
        elif ch == "$" and _starts_variable(raw_value, i):
            return True
        i += 1
    return False


def _starts_variable(text: str, i: int) -> bool:
    nxt = text[i + 1 : i + 2]
    return nxt == "{" or nxt.isalpha() or nxt == "_"


def _pairs(words: tuple[Word, ...], keyword: str) -> Iterator[tuple[str, int, int, str, str, int]]:
    """``(name, name_start, name_end, value, raw_value, value_start)`` of an ``ENV``/``ARG``."""
    if not words:
        return
    if keyword == "ENV" and "=" not in words[0].text:
        # legacy ``ENV NAME value with spaces``
        key, rest = words[0], words[1:]
        if rest:
            value = " ".join(w.text for w in rest)
            raw = " ".join(w.raw for w in rest)
            yield key.text, key.start, key.end, value, raw, rest[0].start
        return
    for w in words:
        name, eq, value = w.text.partition("=")
        if not eq:
            continue  # ``ARG NAME`` without a default
        raw = w.raw.split("=", 1)[1] if "=" in w.raw else ""
        yield name, w.start, w.start + len(name), value, raw, w.start + len(name) + 1


_COPIED_ARG = lazy_compile(
    r"""^["']?(?:\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*))["']?$"""
)
"""An ``ENV`` value that is exactly one variable (``$TOKEN``, ``"${TOKEN}"``)."""


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    extra = ctx.option("secret-patterns") or []
    patterns = [p for p in extra if isinstance(p, str) and p]
    args_in_stage: dict[tuple[int, str], int] = {}  # (stage, ARG name) -> line
    for instr in df.instructions_named("ENV", "ARG"):
        kw = instr.keyword
        if kw == "ARG":
            for w in instr.words:
                args_in_stage.setdefault((instr.stage, w.text.split("=", 1)[0]), instr.line)
        for name, n_start, n_end, value, raw, v_start in _pairs(instr.words, kw):
            if kw == "ENV" and instr.stage >= 0:
                copied = _COPIED_ARG.match(raw)
                source = copied.group(1) or copied.group(2) if copied else None
                line = args_in_stage.get((instr.stage, source)) if source else None
                if source and line is not None and (
                    name_looks_secret(source, patterns) or name_looks_secret(name, patterns)
                ):
                    yield Violation(
                        df.source.span(n_start, n_end),
                        f"ENV {name} copies the build argument {source} (ARG on line {line}) into "
                        "the image configuration, where anyone who pulls the image reads it "
                        "(`docker inspect`): pass it as a build secret "
                        f"(`RUN --mount=type=secret,id={source.lower()},env={source}`) to the steps "
                        "that need it, or at run time",
                    )
                    continue
            if _unknown(raw):
                continue
            fmt = credential_format(value)
            if fmt is not None:
                label, s, e = fmt
                # offsets inside the value are exact when the value was written unquoted
                if raw == value:
                    span = df.source.span(v_start + s, v_start + e)
                else:
                    span = df.source.span(n_start, n_end)
                yield Violation(
                    span,
                    f"{kw} {name} holds what looks like {_article(label)} {label}: it is stored in the image "
                    "for anyone who can pull it; revoke it, and pass it as a build secret "
                    "(`RUN --mount=type=secret`) or at run time instead",
                )
                continue
            if not name_looks_secret(name, patterns) or is_placeholder(value):
                continue
            where = "the image configuration" if kw == "ENV" else "the image's build history"
            yield Violation(
                df.source.span(n_start, n_end),
                f"{kw} {name} sets a literal secret value, which is kept in {where}: pass it as a build secret (`RUN --mount=type=secret`) or at run time, "
                "and rotate the value",
            )


def _article(label: str) -> str:
    """``an`` before a vowel (an OpenAI API key, an AWS access key id), ``a`` otherwise."""
    return "an" if label[:1].lower() in "aeiou" else "a"
