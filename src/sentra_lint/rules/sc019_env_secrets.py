"""Secrets are handed to the container as environment variables.

## What it does
Reports secrets passed into a container's environment:

- `${{ secrets.* }}` (or `${{ github.token }}`) in a container job's `env`,
  its `container.env` or a step's `env` (steps of a container job run inside
  the container), or in a service's `env`;
- `docker run -e NAME=value` whose value is a secret expression, or whose
  name says it holds a credential and that has a value: the name ends in
  `TOKEN`, `SECRET`, `PASSWORD`, `PASSWD`, `PWD`, `APIKEY` or `CREDENTIAL(S)`
  (`DB_PASSWORD`, `WEBPASSWORD`), or in an API, private, access, secret,
  signing, encryption, master, auth, license or session `KEY`
  (`STRIPE_API_KEY`), or holds `SECRET_KEY` anywhere (`SECRET_KEY_BASE`);
- `docker run -e NAME` without a value, when the step (job, workflow) sets
  `NAME` from a secret or `NAME` is such a name with a value there: Docker
  passes the step's value on;
- Compose `environment:` (list or mapping) and dev container
  `containerEnv`/`runArgs` entries with such names and a value;
- `--env-file` (Compose `env_file:`) of a launch that runs an AI agent or
  that the configuration names a target, as a warning: whatever credential
  the file holds becomes an environment variable. (Elsewhere an env file is
  the usual way to keep secrets out of a Compose file, and is left alone.)

A literal password handed to a database image (`POSTGRES_PASSWORD: postgres`
on `postgres`, `mysql`, `mariadb`, `mongo`, ...) is a note: a throwaway test
database's password harms nothing, and one that guards data belongs in a
file the image reads (`secrets:` with `POSTGRES_PASSWORD_FILE`), not behind
a credential proxy.

Names that are about a secret rather than the secret itself (`*_FILE`,
`*_PATH`, `*_TYPE`, `*_EXPIRY`, `*_URL`, `*_ID`, `PASSWORD_SALT_HASH_ROUNDS`,
`EXPIRE_AUTH_TOKENS_ON_RESTART`, ...) and switches with a yes/no value are
not reported. `GITHUB_TOKEN` and `GH_TOKEN` are SC022's: the workflow's
own token, reported however it is handed in. ADR_0001 Phase 2 control (the
`phase2` profile).

Options:
- `secret-patterns`: regular expressions (case-insensitive) that make a
  variable name secret-looking; they replace the built-in list.

## Why is this bad?
Everything in the container can read its environment: every child process
inherits it, `/proc/<pid>/environ` exposes it, crash reports and debug logs
print it, and an agent that can be talked into running `env` will hand it
over. ADR_0001 Phase 2 keeps credentials out of the container and gives it a
Unix-socket credential proxy that signs requests on its behalf.

## Example
```yaml
jobs:
  agent:
    container: ghcr.io/acme/agent:1.4
    steps:
      - run: agent review
        env:
          ANTHROPIC_API_KEY: ${{ secrets.ANTHROPIC_API_KEY }}
```

## Use instead
```yaml
jobs:
  agent:
    container:
      image: ghcr.io/acme/agent:1.4
      volumes:
        - /run/credential-proxy:/run/credential-proxy:ro
    steps:
      - run: agent review
        env:
          ANTHROPIC_BASE_URL: unix:///run/credential-proxy/anthropic.sock
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.container.spec import SECRET_NAME, ContainerSpec, EnvVar
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._container import compile_patterns, option_list, violation

META = RuleMeta(
    id="SC019",
    slug="env-secrets",
    title="Secrets passed to the container as environment variables",
    severity=Severity.ERROR,
    also=(Severity.WARNING, Severity.NOTE,),
    security_severity=6.5,
    area="container",
    precision="high",
    options={
        "secret-patterns": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Regular expressions for secret-looking variable names.",
        }
    },
    family="hardening",
)

# A last word that says the variable is about a secret, not the secret itself
# (TOKEN_FILE, SECRET_STORAGE_TYPE, INVITE_TOKEN_EXPIRY_IN_HOURS, ACCESS_KEY_ID).
_NOT_A_SECRET = lazy_compile(
    r"_(?:FILE|PATH|DIR|FILENAME|LOCATION|TYPE|KIND|MODE|EXPIRY|EXPIRES|EXPIRATION|TTL|LENGTH|"
    r"SIZE|HOURS|MINUTES|SECONDS|DAYS|DOMAIN|DOMAINS|URL|URI|ENDPOINT|HOST|PORT|HEADER|NAME|ID|"
    r"ENABLED|DISABLED|REQUIRED|POLICY|PROVIDER|ALGORITHM|VERSION|FORMAT|ISSUER|AUDIENCE|"
    r"METHOD|TIMEOUT|LIMIT|COUNT|REGION)$",
    re.IGNORECASE,
)
_SWITCH = frozenset({"true", "false", "yes", "no", "on", "off", "0", "1", "y", "n"})


# With the default patterns, the name must END in what it holds: the last
# word is a secret noun (DB_PASSWORD, JWT_AUTH_TOKEN_SECRET, WEBPASSWORD) or
# names a key (STRIPE_API_KEY), or the name holds a secret key anywhere
# (SECRET_KEY_BASE). A secret word earlier in the name describes a setting
# about the secret (PASSWORD_SALT_HASH_ROUNDS, EXPIRE_AUTH_TOKENS_ON_RESTART).
_SECRET_ENDINGS = (
    "TOKEN", "SECRET", "SECRETS", "PASSWORD", "PASSWORDS", "PASSWD", "PWD", "APIKEY", "SECRETKEY",
    "CREDENTIAL", "CREDENTIALS",
)
_KEY_KINDS = frozenset(
    {"API", "PRIVATE", "ACCESS", "SECRET", "SIGNING", "ENCRYPTION", "MASTER", "AUTH", "LICENSE", "SESSION"}
)
_WORD_SPLIT = lazy_compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")


def _default_secret_name(name: str) -> bool:
    words = [w.upper() for w in _WORD_SPLIT.split(name) if w]
    if not words:
        return False
    if words[-1].endswith(_SECRET_ENDINGS):  # WEBPASSWORD, LDAP_PASSWORDS
        return True
    if words[-1] == "KEY" and len(words) > 1 and words[-2] in _KEY_KINDS:
        return True
    # A secret key anywhere names the key itself (SECRET_KEY_BASE, APP_SECRETKEY_OVERWRITE).
    return "SECRETKEY" in words or ("SECRET", "KEY") in pairwise(words)


def _secret_name(name: str, patterns: list[re.Pattern[str]]) -> bool:
    if _NOT_A_SECRET.search(name):
        return False
    if patterns == [SECRET_NAME]:
        return _default_secret_name(name)
    return any(p.search(name) for p in patterns)


GITHUB_TOKENS = frozenset({"GITHUB_TOKEN", "GH_TOKEN"})
"""The workflow's token: SC022 reports it."""


def secret_name(name: str, patterns: list[re.Pattern[str]] | None = None) -> bool:
    """Whether a variable name looks like it holds a credential (``patterns``: the rule's option, compiled)."""
    return _secret_name(name, patterns or [SECRET_NAME])


def _reported(ev: EnvVar, patterns: list[re.Pattern[str]]) -> bool:
    if ev.from_secret:
        return True
    if ev.name is None or ev.value is None or not ev.value.strip():
        return False
    if ev.known and ev.value.strip().lower() in _SWITCH:
        return False
    return _secret_name(ev.name, patterns)


# Official database images that read a password variable also read NAME_FILE.
_DATABASES = frozenset(
    {
        "postgres", "postgis/postgis", "timescale/timescaledb", "mysql", "mariadb", "mongo",
        "bitnami/postgresql", "bitnami/mysql", "bitnami/mariadb", "bitnami/mongodb",
        "bitnami/redis", "redis", "rabbitmq", "mcr.microsoft.com/mssql/server", "couchdb",
        "neo4j", "clickhouse/clickhouse-server", "influxdb", "elasticsearch", "cassandra",
    }
)


def _database_image(spec: ContainerSpec) -> bool:
    ref = spec.image.value
    if ref is None or ref.unknown:
        return False
    name = ref.repository.lower().removeprefix("library/")
    full = f"{ref.registry}/{name}" if ref.registry and ref.registry != "docker.io" else name
    return name in _DATABASES or full in _DATABASES


def check(spec: ContainerSpec, ctx: RuleContext) -> Iterator[Violation]:
    custom = option_list(ctx.option("secret-patterns"))
    patterns = compile_patterns(custom) if custom else [SECRET_NAME]
    database = _database_image(spec)
    for ev in spec.env:
        if ev.name is not None and ev.name.upper() in GITHUB_TOKENS:
            continue  # SC022: the workflow's own token, however it is handed in
        if not _reported(ev, patterns):
            continue
        name = ev.name or "?"
        via = f", through -e {name} from {ev.via}" if ev.via else ""
        if ev.from_secret:
            what = f"a secret ({(ev.value or '').strip()}{via})"
        elif ev.known:
            what = f"a literal credential{via}"
        else:
            what = f"a credential{via}"
        if database:
            # A database image's initial password: the image reads it from a
            # file as well (NAME_FILE), and a database cannot use a credential proxy.
            how = (
                f"Compose `secrets:` and {name}_FILE"
                if spec.source_kind == "compose"
                else f"a mounted file and {name}_FILE"
            )
            if ev.known and not ev.from_secret:
                yield violation(
                    spec,
                    ev.span,
                    f"{spec.label} sets the database password {name} to a literal value: harmless "
                    f"for a throwaway test database; for one that holds data, hand it over through {how}",
                    Severity.NOTE,
                )
            else:
                yield violation(
                    spec,
                    ev.span,
                    f"{spec.label} gets {what} in the environment variable {name}; the image reads "
                    f"it from a file as well: hand it over through {how}",
                )
            continue
        yield violation(
            spec,
            ev.span,
            f"{spec.subject} gets {what} in the environment variable {name}; hand it over "
            "through a credential proxy instead",
        )
    # An env file is how most Compose stacks keep secrets out of the file;
    # it matters for the launches the ADR hardens: an agent, or a configured target.
    aimed = getattr(spec, "role", "other") == "agent" or getattr(spec, "target", None) is not None
    for env_file in spec.env_files if aimed else ():
        written = (env_file.raw or "").strip()
        yield violation(
            spec,
            env_file.span,
            f"{spec.label} takes its environment from the file {written}: any credential in it "
            "becomes an environment variable the whole container can read; hand credentials "
            "over through a credential proxy instead",
            Severity.WARNING,
        )
