"""A secret-looking file is copied into the image.

## What it does
Reports `COPY` and `ADD` sources whose file name looks like a credential:
SSH private keys (`id_rsa*`, `id_ecdsa*`, `id_ed25519*`, `id_dsa*`, but not
`*.pub`), `*.pem` and `*.key` files, `.env`, `.npmrc`, `.pypirc`, `.netrc`,
`credentials*` and `.git-credentials`.

Which copies count:
- A copy from the build context (no `--from`) is reported in **every**
  stage: even in a builder stage the file is stored in a layer of the build
  cache, and often in a pushed cache or CI artifact.
- A `COPY --from=<stage>` is reported only into the stages that make up the
  final image: between builder stages the file was already inside the build
  (and reported where it entered it), but copying it into the final image
  ships it to everyone who pulls the image.

Not reported, because they are not secrets: public keys (`id_rsa.pub`,
GPG/APT signing keys such as `nodesource-repo.gpg.key` or a key copied to a
`.pub`/`.asc`/keyring path), certificates and Diffie-Hellman parameters (`*.pem` whose name says
`cert`, `ca`, `chain`, `bundle`, `dhparam`), templates (`.env.example`,
`.env.sample`, `credentials.example.json`), remote `ADD` URLs, and sources
that are `$VARIABLES`.

## Why is this bad?
Every file copied into an image stays in its layer for good: deleting it in
a later `RUN` only hides it, and `docker save` or any registry pull gives
it back. Private keys, `.npmrc`/`.pypirc` tokens and `.env` files with
database passwords then leak to everyone who can pull the image.

## Example
```dockerfile
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci && rm .npmrc
```

## Use instead
```dockerfile
# syntax=docker/dockerfile:1
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
```
Build with `docker build --secret id=npmrc,src=$HOME/.npmrc .`. For SSH
access use `RUN --mount=type=ssh`; give runtime secrets to the container
when it starts. List such files in `.dockerignore` too.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.dockerfile import Dockerfile, Instruction
from sentra_lint.dockerfile.semantics import image_stages, instruction_sources
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.rules._dockerfile import TARGET_OPTION, final_stage

META = RuleMeta(
    id="SD012",
    slug="secret-file-copied",
    title="Secret-looking file copied into the image",
    severity=Severity.WARNING,
    security_severity=7.0,
    area="dockerfile",
    precision="high",
    options=TARGET_OPTION,
)

# (glob on the lower-cased file name, what it is)
SECRET_FILES: tuple[tuple[str, str], ...] = (
    ("*id_rsa*", "an SSH private key"),
    ("*id_dsa*", "an SSH private key"),
    ("*id_ecdsa*", "an SSH private key"),
    ("*id_ed25519*", "an SSH private key"),
    ("*.pem", "a PEM file that may hold a private key"),
    ("*.key", "a private key file"),
    (".env", "a .env file"),
    (".env.*", "a .env file"),
    (".npmrc", "an .npmrc (npm registry tokens)"),
    (".pypirc", "a .pypirc (PyPI credentials)"),
    (".netrc", "a .netrc (login credentials)"),
    ("credentials*", "a credentials file"),
    (".git-credentials", "a .git-credentials file"),
)

_TEMPLATE = lazy_compile(r"(?:^|[._-])(?:example|sample|template|tmpl|dist|defaults?|test|dev|local-example)(?:[._-]|$)")
_PUBLIC = lazy_compile(r"\.pub$|(?:^|[._-])(?:pub|public|pubkey|gpg|pgp|asc|signing|keyring|archive-key|release)(?:[._-]|$)")
_CERT = lazy_compile(
    r"(?:^|[._-])(?:cert|certs|certificate|crt|ca|cacert|chain|fullchain|bundle|root|intermediate|"
    r"trust|truststore|dhparams?|dh\d*|dhparam\d+)(?:[._-]|$)"
)
_PUBLIC_DEST = lazy_compile(r"\.(?:pub|asc|gpg|crt)$|/keyrings?/|/trusted\.gpg\.d/|/ca-certificates/|/certs?/?$")


def secret_kind(name: str, dest: str = "") -> str | None:
    """What a copied file is if its name looks like a secret, else ``None``."""
    low = name.lower().rstrip("/")
    if not low or "$" in low:
        return None
    for glob, kind in SECRET_FILES:
        if not fnmatch.fnmatchcase(low, glob):
            continue
        if glob.startswith((".env", "credentials")) and _TEMPLATE.search(low.removeprefix(".env")):
            return None
        if glob.startswith("*id_") and low.endswith(".pub"):
            return None
        if glob in ("*.pem", "*.key"):
            stem = low.rsplit(".", 1)[0]
            if _PUBLIC.search(stem) or _PUBLIC_DEST.search(dest.lower()):
                return None
            if glob == "*.pem" and _CERT.search(stem) and "key" not in stem:
                return None
        return kind
    return None


def _copies_into_image(instr: Instruction, image: set[int]) -> bool:
    """A copy from the build context counts in any stage, one from another stage only into the image."""
    if instr.flag("from") is None:
        return True
    return instr.stage in image


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    final = final_stage(df, ctx)
    image = {s.index for s in image_stages(df, final)} if final is not None else set()
    for instr in df.instructions_named("COPY", "ADD"):
        if not _copies_into_image(instr, image):
            continue
        sources = instruction_sources(instr)
        if not sources:
            continue
        from_flag = instr.flag("from")
        dest = instr.exec_form[-1] if instr.exec_form else (instr.words[-1].text if instr.words else "")
        for text, start, end in sources:
            if "://" in text or text.startswith("git@"):
                continue  # a download, not a file of the build context
            name = text.rstrip("/").rsplit("/", 1)[-1]
            kind = secret_kind(name, dest)
            if kind is None:
                continue
            if from_flag is not None:
                where = f"from '{from_flag.value}' into the image"
                hint = "create or fetch it at run time instead"
            else:
                where = "into a layer"
                hint = "use `RUN --mount=type=secret` (or `--mount=type=ssh`) and add it to .dockerignore"
            yield Violation(
                df.source.span(start, end),
                f"{instr.keyword} puts `{name}`, {kind}, {where}, where it stays even if deleted "
                f"later: {hint}",
            )
