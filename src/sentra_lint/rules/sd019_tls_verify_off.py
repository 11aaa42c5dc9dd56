"""TLS certificate or package signature verification is switched off.

## What it does
Reports, in any stage, each flag, configuration command and environment
variable that turns off the check that a download comes from who it claims
to:

| tool | reported |
|---|---|
| curl | `-k` (also inside clusters such as `-ksSL`), `--insecure`, `--proxy-insecure` |
| wget | `--no-check-certificate` |
| apt-get, apt | `--allow-unauthenticated`, `--force-yes`, `--allow-insecure-repositories`, `-o` settings that allow unauthenticated or insecure repositories or turn off `Verify-Peer`/`Verify-Host` |
| apk | `--allow-untrusted` |
| yum, dnf, microdnf, tdnf | `--nogpgcheck`, `--setopt=…gpgcheck=0`, `--setopt=…sslverify=0` |
| zypper | `--no-gpg-checks` |
| rpm | `--nosignature` |
| pip, uv | `--trusted-host`, `--allow-insecure-host`, `pip config set …trusted-host` |
| npm, pnpm, yarn | `config set strict-ssl false`, `--strict-ssl=false`, `--no-strict-ssl` |
| git | `git config http.sslVerify false`, `git -c http.sslVerify=false` |
| environment (`ENV`, `ARG` defaults, `VAR=… cmd`, `export`, `env`) | `PIP_TRUSTED_HOST`, `UV_INSECURE_HOST`, `PYTHONHTTPSVERIFY=0`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, `GIT_SSL_NO_VERIFY` (git honours any value), `NPM_CONFIG_STRICT_SSL=false` |

A value that comes from an unresolved `$VAR` is not reported. A builder
stage counts: whatever it downloads unchecked can end up in the image.

Also reported: `yum-config-manager --setopt=<repo>.sslverify=0` and
`dnf config-manager [--]setopt <repo>.gpgcheck=0`, which switch checks off
for every later install. Not reported: `apk --allow-untrusted` and
`rpm --nosignature` on package files named by path (built in this build or
copied from the build context; package names beside them come from the
signed repository index), unless the same `RUN` downloads that file
without checking it (`sha256sum -c`, `gpg --verify`, `rpm -K`) before the
install. Values are read after shell unquoting: `"0\""` is `0"`, not `0`.

## Why is this bad?
Without certificate checks anyone on the network path (a proxy, a hostile
Wi-Fi, a compromised CI network, a DNS hijack) can serve a different file,
and the build installs it as root. Without signature checks a mirror or
cache can do the same. The result looks like a normal build.

## Example
```dockerfile
RUN curl -ksSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
RUN pip install --trusted-host pypi.internal.example internal-lib
ENV NODE_TLS_REJECT_UNAUTHORIZED=0
```

## Use instead
```dockerfile
COPY internal-ca.crt /usr/local/share/ca-certificates/
RUN update-ca-certificates
RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
RUN pip install --cert /etc/ssl/certs/ca-certificates.crt internal-lib
```
If a server uses a private certificate authority, add that CA to the trust
store (or point the tool at it: `--cacert`, `PIP_CERT`, `NODE_EXTRA_CA_CERTS`,
`GIT_SSL_CAINFO`) instead of turning verification off.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.dockerfile import Dockerfile
from sentra_lint.dockerfile.semantics import EnvSetting, RunCommand, all_stages, walk
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext, RuleMeta
from sentra_lint.shell import Command, ShellScript, Word
from sentra_lint.shell.commands import command_assignments, long_flag, short_flag
from sentra_lint.shell.packages import package_command

META = RuleMeta(
    id="SD019",
    slug="tls-verify-off",
    title="TLS certificate or package signature verification is switched off",
    severity=Severity.ERROR,
    security_severity=7.5,
    area="dockerfile",
    precision="high",
)

# curl's short options that take a value: in ``-sSLo-`` everything after ``o`` is its value.
_CURL_VALUE = frozenset("AbcCdDeEFHKmoPQrtTuUwxXyYz")
_FALSE = frozenset(["0", "false", "no", "off"])
_TRUE = frozenset(["1", "true", "yes", "on"])
_APT_OPTION = lazy_compile(
    r"^(?:(?:APT::Get::AllowUnauthenticated|Acquire::AllowInsecureRepositories|"
    r"Acquire::AllowDowngradeToInsecureRepositories)\s*=\s*[\"']?(?:1|true|yes|on)[\"']?|"
    r"Acquire::https?::(?:[^=]*::)?Verify-(?:Peer|Host)\s*=\s*[\"']?(?:0|false|no|off)[\"']?)$",
    re.IGNORECASE,
)
_RPM_SETOPT = lazy_compile(
    r"^(?:[^=]*\.)?(gpgcheck|repo_gpgcheck|sslverify)=(0|false|no|off)$", re.IGNORECASE
)
_PIP_NAMES = lazy_compile(r"^(pip(\d+(\.\d+)?)?|python(\d+(\.\d+)?)?)$")
_GIT_SSLVERIFY = lazy_compile(r"^http\.(?:.+\.)?sslverify$", re.IGNORECASE)


def check(df: Dockerfile, ctx: RuleContext) -> Iterator[Violation]:
    for event, _scope in walk(df, all_stages(df)):
        if isinstance(event, EnvSetting):
            if event.value is None:
                continue
            problem = _env_problem(event.name, event.value)
            if problem:
                yield Violation(
                    df.source.span(event.start, event.end),
                    f"{event.keyword} {event.name}={event.value} {problem}",
                )
            continue
        if not isinstance(event, RunCommand):
            continue
        cmd = event.command
        for word in command_assignments(cmd):
            name, _, value = word.text.partition("=")
            if not word.literal:
                continue
            problem = _env_problem(name, value)
            if problem:
                yield Violation(df.source.span(word.start, word.end), f"{name}={value} {problem}")
        for word, message in _command_problems(cmd):
            if word.text in ("--allow-untrusted", "--nosignature") and _local_verified(
                event.script, cmd
            ):
                continue
            yield Violation(df.source.span(word.start, word.end), message)


def _env_problem(name: str, value: str) -> str | None:
    """Why setting ``name`` to ``value`` turns verification off, or ``None``."""
    # the value is already unquoted: ``"0\\""`` is ``0"``, not ``0``
    v = value.strip().lower()
    if name == "PIP_TRUSTED_HOST" and v:
        return "makes pip accept plain HTTP and any certificate from those hosts: install the hosts' CA and use PIP_CERT instead"
    if name == "UV_INSECURE_HOST" and v:
        return "makes uv accept any certificate from those hosts: trust the hosts' CA instead (SSL_CERT_FILE)"
    if name == "PYTHONHTTPSVERIFY" and v == "0":
        return "turns off certificate checks for Python's HTTPS clients: add the CA to the trust store instead"
    if name == "NODE_TLS_REJECT_UNAUTHORIZED" and v == "0":
        return "makes Node.js accept any TLS certificate: use NODE_EXTRA_CA_CERTS for a private CA instead"
    if name == "GIT_SSL_NO_VERIFY":
        return "turns off git's certificate checks (git honours any value): set GIT_SSL_CAINFO to a private CA instead"
    if name.upper() == "NPM_CONFIG_STRICT_SSL" and v in _FALSE:
        return "makes npm accept any TLS certificate: set NPM_CONFIG_CAFILE to a private CA instead"
    return None


def _command_problems(cmd: Command) -> Iterator[tuple[Word, str]]:
    name = cmd.name
    args = cmd.args
    if name == "curl":
        for w in args:
            if w.text in ("--insecure", "--proxy-insecure"):
                yield (
                    w,
                    f"`curl {w.text}` accepts any TLS certificate: drop it (use --cacert for a private CA)",
                )
        k = short_flag(args, "k", _CURL_VALUE)
        if k is not None:
            what = "`curl -k`" if k.text == "-k" else f"`curl {k.text}` includes -k, which"
            yield (
                k,
                f"{what} accepts any TLS certificate: drop the -k (use --cacert for a private CA)",
            )
        return
    if name == "wget":
        w2 = long_flag(args, "--no-check-certificate")
        if w2 is not None:
            yield (
                w2,
                "`wget --no-check-certificate` accepts any TLS certificate: drop it (use --ca-certificate for a private CA)",
            )
        return
    if name == "yum-config-manager" or (
        name in ("dnf", "dnf5") and any(w.text == "config-manager" for w in args)
    ):
        yield from _config_manager(cmd)
        return
    if name == "rpm":
        w3 = long_flag(args, "--nosignature")
        if w3 is not None:
            yield (
                w3,
                "`rpm --nosignature` installs packages without checking their signatures: import the vendor key with `rpm --import` instead",
            )
        return
    if name == "zypper":
        w4 = long_flag(args, "--no-gpg-checks", "--no-gpgcheck")
        if w4 is not None:
            yield (
                w4,
                f"`zypper {w4.text}` installs packages without checking their signatures: import the repository key instead",
            )
        return
    if name == "git":
        yield from _git(cmd)
        return
    if name in ("npm", "pnpm", "yarn"):
        yield from _npm(cmd)
        return
    if _PIP_NAMES.match(name) or name == "uv":
        yield from _pip(cmd)
        return
    pc = package_command(cmd)
    if pc is None:
        return
    if pc.family == "apt":
        for w in pc.options:
            flag = w.text.split("=", 1)[0]
            if flag in ("--allow-unauthenticated", "--force-yes", "--allow-insecure-repositories"):
                yield (
                    w,
                    f"`{pc.tool.text} {flag}` installs packages whose signatures are missing or invalid: fix the repository key instead",
                )
        argv = cmd.argv
        for i, w in enumerate(argv):
            t = w.text
            value: Word | None = None
            if t in ("-o", "--option") and i + 1 < len(argv):
                value = argv[i + 1]
                text = value.text
            elif t.startswith("--option="):
                value, text = w, t[len("--option=") :]
            elif t.startswith("-o") and len(t) > 2 and not t.startswith("--"):
                value, text = w, t[2:]
            else:
                continue
            if value.literal and _APT_OPTION.match(text.strip()):
                yield (
                    value,
                    f"apt option `{text}` turns off repository signature or certificate checks: fix the repository key or CA instead",
                )
    elif pc.family == "apk" and pc.is_install:
        for w in pc.options:
            if w.text == "--allow-untrusted":
                yield (
                    w,
                    "`apk --allow-untrusted` installs packages without a trusted signature: add the signing key to /etc/apk/keys instead",
                )
    elif pc.family == "rpm":
        argv = cmd.argv
        for i, w in enumerate(argv):
            t = w.text
            if t == "--nogpgcheck":
                yield (
                    w,
                    f"`{pc.tool.text} --nogpgcheck` installs packages without checking their signatures: import the repository key instead",
                )
                continue
            setting: str | None = None
            if t.startswith("--setopt="):
                setting = t[len("--setopt=") :]
            elif t == "--setopt" and i + 1 < len(argv):
                setting = argv[i + 1].text
            if setting is not None and w.literal and _RPM_SETOPT.match(setting.strip()):
                yield (
                    w,
                    f"`{pc.tool.text} --setopt={setting}` turns off signature or certificate checks: import the key or CA instead",
                )


def _git(cmd: Command) -> Iterator[tuple[Word, str]]:
    args = cmd.args
    for i, w in enumerate(args):
        if w.text == "-c" and i + 1 < len(args):
            key, sep, value = args[i + 1].text.partition("=")
            if sep and _GIT_SSLVERIFY.match(key) and value.lower() in _FALSE:
                v = args[i + 1]
                yield (
                    v,
                    f"`git -c {v.text}` turns off certificate checks: set http.sslCAInfo to a private CA instead",
                )
        if not w.text.startswith("-"):
            break  # the subcommand
    sub = next(
        (w for w in args if not w.text.startswith("-") and w.text not in _after_c(args)), None
    )
    if sub is None or sub.text != "config":
        return
    rest = [w for w in args[args.index(sub) + 1 :] if not w.text.startswith("-")]
    if (
        len(rest) >= 2
        and _GIT_SSLVERIFY.match(rest[0].text)
        and rest[1].literal
        and rest[1].text.lower() in _FALSE
    ):
        yield (
            rest[0],
            f"`git config {rest[0].text} {rest[1].text}` turns off certificate checks: set http.sslCAInfo to a private CA instead",
        )


def _after_c(args: tuple[Word, ...]) -> set[str]:
    """Texts that are values of ``git -c``/``-C`` before the subcommand."""
    out: set[str] = set()
    for i, w in enumerate(args):
        if w.text in ("-c", "-C") and i + 1 < len(args):
            out.add(args[i + 1].text)
        elif not w.text.startswith("-"):
            break
    return out


def _npm(cmd: Command) -> Iterator[tuple[Word, str]]:
    args = cmd.args
    for w in args:
        t = w.text
        if t == "--no-strict-ssl" or (
            t.startswith("--strict-ssl=") and t.split("=", 1)[1].lower() in _FALSE
        ):
            yield (
                w,
                f"`{cmd.name} {t}` accepts any TLS certificate: set the `cafile` config to a private CA instead",
            )
    texts = [w.text for w in args]
    for i, t in enumerate(texts):
        if t != "set" or (i > 0 and texts[i - 1] != "config") or (i == 0 and cmd.name == "yarn"):
            continue
        rest = args[i + 1 :]
        if not rest:
            continue
        key, sep, value = rest[0].text.partition("=")
        if not sep:
            value = rest[1].text if len(rest) > 1 else ""
        if key.lower() in ("strict-ssl", "enablestrictssl") and value.lower() in _FALSE:
            yield (
                rest[0],
                f"`{cmd.name} config set {key} {value}` accepts any TLS certificate: set the `cafile` config to a private CA instead",
            )


def _pip(cmd: Command) -> Iterator[tuple[Word, str]]:
    argv = cmd.argv
    if cmd.name.startswith("python") and not any(w.text in ("-m", "-mpip") for w in argv[1:3]):
        return
    if (
        cmd.name.startswith("python")
        and "pip" not in [w.text for w in argv[1:4]]
        and argv[1].text != "-mpip"
    ):
        return
    if cmd.name == "uv" and (len(argv) < 2 or argv[1].text != "pip"):
        return
    for w in argv[1:]:
        flag = w.text.split("=", 1)[0]
        if flag in ("--trusted-host", "--allow-insecure-host"):
            yield (
                w,
                f"`{cmd.name} {flag}` makes the installer accept plain HTTP and any certificate from that host: trust the host's CA instead (`--cert`, PIP_CERT)",
            )
    texts = [w.text for w in argv]
    if "config" in texts:
        i = texts.index("config")
        rest = argv[i + 1 :]
        if len(rest) >= 3 and rest[0].text == "set" and rest[1].text.endswith(".trusted-host"):
            yield (
                rest[1],
                f"`pip config set {rest[1].text}` makes pip accept plain HTTP and any certificate from that host: trust the host's CA instead",
            )


def _config_manager(cmd: Command) -> Iterator[tuple[Word, str]]:
    """``yum-config-manager --setopt=X.sslverify=0``, ``dnf config-manager [--]setopt X.gpgcheck=0``."""
    argv = cmd.argv
    tool = "yum-config-manager" if cmd.name == "yum-config-manager" else f"{cmd.name} config-manager"
    for i, w in enumerate(argv):
        t = w.text
        settings: list[tuple[Word, str]] = []
        if t.startswith("--setopt="):
            settings.append((w, t[len("--setopt=") :]))
        elif t in ("--setopt", "setopt"):
            settings.extend((v, v.text) for v in argv[i + 1 :] if "=" in v.text and not v.text.startswith("-"))
            if t == "--setopt":
                settings = settings[:1]
        for word, setting in settings:
            if word.literal and _RPM_SETOPT.match(setting.strip()):
                yield (
                    word,
                    f"`{tool} setopt {setting}` turns off signature or certificate checks for "
                    "every later install: import the key or CA instead",
                )


_VERIFY = lazy_compile(r"^(sha(1|224|256|384|512)sum|md5sum|b2sum|cksum)$")
_PACKAGE_FILE = lazy_compile(r"\.(apk|rpm)$")


def _local_verified(script: ShellScript, cmd: Command) -> bool:
    """Whether ``apk --allow-untrusted`` / ``rpm --nosignature`` installs only local package files
    that the build made or checked itself.

    A package file named by path (not a URL) was built in this build or
    copied from the build context; one the same ``RUN`` downloads counts only
    when a checksum or signature check (``sha256sum -c``, ``gpg --verify``)
    comes between the download and the install.
    """
    files = [w for w in cmd.args if not w.text.startswith("-")]
    if cmd.name == "apk":
        files = [w for w in files if w.text not in ("add", "fix")]
    if any("://" in w.raw for w in files):
        return False  # downloaded by the package manager itself
    # package names next to the files come from the signed repository index
    files = [w for w in files if "/" in w.text or _PACKAGE_FILE.search(w.text)]
    if not files:
        return False
    names = {w.text.rsplit("/", 1)[-1] for w in files}
    downloaded: int | None = None
    verified = False
    for other in script.commands:
        if other.start >= cmd.start:
            break
        if other.name in ("curl", "wget") and any(
            w.text.rsplit("/", 1)[-1] in names for w in other.args
        ):
            downloaded, verified = other.start, False
        elif downloaded is not None and (
            (_VERIFY.match(other.name) and other.has_arg("-c", "--check"))
            or (other.name in ("gpg", "gpgv") and (other.name == "gpgv" or other.has_arg("--verify")))
            or (other.name == "rpm" and other.has_arg("-K", "--checksig"))
        ):
            verified = True
    return downloaded is None or verified
