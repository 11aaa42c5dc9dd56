"""Catches / catches-not cases for SD004-SD006, SD008, SD011-SD013, SD015-SD018, SD020.

The fixture harness (``test_rule_fixtures.py``) covers each rule end to end;
these are the edge cases, checked on the helpers and on small Dockerfiles.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from sentra_lint.dockerfile import semantics as ds
from sentra_lint.shell import packages as pk
from sentra_lint.shell import parse_shell


def _installs(script: str, *families: str) -> list[pk.PackageCommand]:
    return list(pk.installs(parse_shell(script), *families))


# --- _packages -------------------------------------------------------------


@pytest.mark.parametrize(
    ("script", "family", "verb"),
    [
        ("apt-get install -y curl", "apt", "install"),
        ("apt-get -y -o Dpkg::Options::=--force-confold install curl", "apt", "install"),
        ("sudo -E apt -qq install git", "apt", "install"),
        ("apk --no-cache add curl", "apk", "add"),
        ("apk add -t .deps gcc", "apk", "add"),
        ("microdnf install -y tar", "rpm", "install"),
        ("yum -y --setopt=tsflags=nodocs install git", "rpm", "install"),
        ("dnf --enablerepo crb install -y ninja-build", "rpm", "install"),
    ],
)
def test_install_recognised(script: str, family: str, verb: str) -> None:
    found = _installs(script)
    assert len(found) == 1
    assert found[0].family == family
    assert found[0].verb.text == verb


@pytest.mark.parametrize(
    "script",
    ["apt-get update", "apk del curl", "dnf clean all", "echo apt-get install x", "apt-get $VERB curl", "apt-cache show x"],
)
def test_not_an_install(script: str) -> None:
    assert _installs(script) == []


@pytest.mark.parametrize(
    ("script", "skips"),
    [
        ("apt-get install -y --no-install-recommends curl", True),
        ("apt-get install -y -o APT::Install-Recommends=false curl", True),
        ("apt-get install -y -oAPT::Install-Recommends=0 curl", True),
        ("apt-get --option=APT::Install-Recommends=false install curl", True),
        ("apt-get install -y -o APT::Install-Suggests=false curl", False),
        ("apt-get install -y curl", False),
    ],
)
def test_apt_recommends(script: str, skips: bool) -> None:
    (pc,) = _installs(script)
    assert pk.apt_skips_recommends(pc) is skips


@pytest.mark.parametrize(
    ("path", "target", "covered"),
    [
        ("/var/lib/apt/lists/*", pk.APT_LISTS, True),
        ("/var/lib/apt/lists", pk.APT_LISTS, True),
        ("/var/lib/apt/lists/", pk.APT_LISTS, True),
        ("/var/lib/apt/*", pk.APT_LISTS, True),
        ("/var/lib/apt/lists/partial", pk.APT_LISTS, False),
        ("/var/cache/apt/*", pk.APT_LISTS, False),
        ("/var", pk.APT_LISTS, False),
        ("/", pk.APT_LISTS, False),
        ("/var/cache/apk/*", pk.APK_CACHE, True),
        ("var/cache/apk", pk.APK_CACHE, False),
    ],
)
def test_covers(path: str, target: str, covered: bool) -> None:
    assert pk.covers(path, target) is covered


def test_removes_and_clean() -> None:
    assert pk.removes(parse_shell("apt-get update && rm -rf /tmp/* /var/lib/apt/lists/*"), pk.APT_LISTS)
    assert pk.removes(parse_shell("find /var/lib/apt/lists -type f -delete"), pk.APT_LISTS)
    assert not pk.removes(parse_shell("apt-get clean"), pk.APT_LISTS)
    assert not pk.removes(parse_shell("rm -rf $LISTS"), pk.APT_LISTS)
    assert pk.cleans_rpm_cache(parse_shell("dnf install -y x && dnf clean all"))
    assert pk.cleans_rpm_cache(parse_shell("microdnf install x; microdnf clean all"))
    assert pk.cleans_rpm_cache(parse_shell("yum install -y x && rm -rf /var/cache/yum"))
    assert not pk.cleans_rpm_cache(parse_shell("yum install -y x && yum clean packages"))


def test_mounts() -> None:
    assert ds.mounts_cover(["type=cache,target=/var/lib/apt/lists,sharing=locked"], pk.APT_LISTS)
    assert ds.mounts_cover(["type=tmpfs,dst=/var/lib/apt"], pk.APT_LISTS)
    assert not ds.mounts_cover(["type=cache,target=/var/cache/apt"], pk.APT_LISTS)
    assert not ds.mounts_cover(["type=bind,target=/var/lib/apt/lists"], pk.APT_LISTS)
    assert ds.parse_mount("target=/x")["type"] == "bind"


@pytest.mark.parametrize(
    ("word", "family", "name"),
    [
        ("openssh-server=1:9.6p1-3ubuntu13", "apt", "openssh-server"),
        ("openssh-server:amd64", "apt", "openssh-server"),
        ("dropbear>2022", "apk", "dropbear"),
        ("openssh@edge", "apk", "openssh"),
        ("OpenSSH-Server", "rpm", "openssh-server"),
    ],
)
def test_package_name(word: str, family: str, name: str) -> None:
    (pc,) = _installs(f"{ {'apt': 'apt-get', 'apk': 'apk', 'rpm': 'dnf'}[family]} "
                      f"{'add' if family == 'apk' else 'install'} {word}")
    assert pk.package_name(pc.operands[0], family) == name


def test_rpm_name_matches() -> None:
    assert pk.rpm_name_matches("openssh-server-8.0p1", "openssh-server")
    assert pk.rpm_name_matches("openssh-server", "openssh-server")
    assert not pk.rpm_name_matches("openssh-server-config", "openssh-server")


# --- SD011: names, placeholders, credential formats -------------------------


def _sd011() -> Any:
    from sentra_lint.rules import sd011_secret_env

    return sd011_secret_env


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("GITHUB_TOKEN", True),
        ("DB_PASSWORD", True),
        ("AWS_SECRET_ACCESS_KEY", True),
        ("SECRET_KEY_BASE", True),
        ("OPENAI_API_KEY", True),
        ("MYAPIKEY", True),
        ("SSH_PRIVATE_KEY", True),
        ("DB_PASSWD", True),
        ("DB_PASSWORD_FILE", False),
        ("GITHUB_TOKEN_URL", False),
        ("SECRET_NAME", False),
        ("TOKEN_TTL", False),
        ("AWS_ACCESS_KEY_ID", False),
        ("PATH", False),
        ("DEBIAN_FRONTEND", False),
    ],
)
def test_secret_names(name: str, secret: bool) -> None:
    assert _sd011().name_looks_secret(name) is secret


def test_secret_names_extra_patterns() -> None:
    assert _sd011().name_looks_secret("VAULT_ROLE_ID", ["vault_*_id"])
    assert not _sd011().name_looks_secret("VAULT_ADDR", ["vault_*_id"])


@pytest.mark.parametrize(
    ("value", "placeholder"),
    [
        ("", True), ('""', True), ("false", True), ("1", True), ("changeme", True),
        ("<your-token>", True), ("your_api_key_here", True), ("xxxxx", True),
        ("/run/secrets/token", True), ("s3cr3t-Passw0rd", False), ("postgres", False),
        ("hunter2", False),
    ],
)
def test_placeholders(value: str, placeholder: bool) -> None:
    assert _sd011().is_placeholder(value) is placeholder


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5", "GitHub token"),
        ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW", "GitHub token"),
        ("AKIAZ7QWERTYUIOPASDF", "AWS access key id"),
        ("xoxb-1234567890-0987654321-AbCdEfGh", "Slack token"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----", "private key"),
        ("-----BEGIN PRIVATE KEY-----", "private key"),
        ("sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345", "Anthropic API key"),
        ("sk-proj-abcdefghijklmnopqrstuvwxyz012345", "OpenAI API key"),
        ("AIzaSyA1234567890abcdefghijklmnopqrstuv", "Google API key"),
        ("AKIAIOSFODNN7EXAMPLE", None),
        ("sk-short", None),
        ("https://github.com/org/repo", None),
    ],
)
def test_credential_formats(value: str, label: str | None) -> None:
    found = _sd011().credential_format(value)
    assert (found[0] if found else None) == label


# --- SD013: modes -------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "writable"),
    [
        ("777", True), ("0777", True), ("666", True), ("2777", True), ("o+w", True),
        ("a+rwx", True), ("ugo=rwx", True), ("u+x,o+w", True), ("o=rw", True),
        ("1777", False), ("01777", False), ("755", False), ("775", False), ("+w", False),
        ("go-w", False), ("g+w", False), ("a+rx", False), ("a=rwxt", False), ("a+w,o-w", False),
        ("$MODE", False), ("u=rwx,g=rx", False),
    ],
)
def test_world_writable(mode: str, writable: bool) -> None:
    from sentra_lint.rules import sd013_world_writable

    assert sd013_world_writable.world_writable(mode) is writable


# --- cases found while reading the corpus -----------------------------------


def test_apt_lists_cleanups() -> None:
    assert pk.removes_apt_lists(parse_shell("apt-get update; apt-get install -y x; apt-get dist-clean"))
    assert pk.removes_apt_lists(parse_shell("apt-get update && /scripts/cleanup.sh"))
    assert pk.removes_apt_lists(parse_shell("apt-get update && rm -rf /var/lib/apt/lists*"))
    assert not pk.removes_apt_lists(parse_shell("apt-get update && apt-get clean"))
    assert not pk.removes_apt_lists(parse_shell("apt-get update && ./install.sh"))


@pytest.mark.parametrize(
    ("raw", "pullable"),
    [
        ("python:3.12", True), ("ghcr.io/acme/app:1", True), ("scratch", False),
        ("{{ base_image }}", False), ("BASEIMAGE", False), ("localhost/bootc", False),
        ("localhost:5000/app:1", False), ("$BASE", False),
    ],
)
def test_pullable(raw: str, pullable: bool) -> None:
    from sentra_lint.images import parse_image_ref

    assert ds.pullable(parse_image_ref(raw)) is pullable


def test_secret_corpus_cases() -> None:
    m = _sd011()
    assert not m.name_looks_secret("SECRETFILE")
    assert m.is_placeholder("FAKE_TO_GENERATE_WARNING_OUTPUT")
    assert not m._unknown("'k#9f!2x@p0v$8q*z3w'")
    assert m._unknown('"${TOKEN}"')
    assert m._unknown("$TOKEN")


@pytest.mark.parametrize(
    ("name", "dest", "secret"),
    [
        ("id_rsa", "/root/.ssh/", True), ("id_rsa.pub", "/root/.ssh/authorized_keys", False),
        ("insecure_id_rsa", "/tmp/id_rsa", True), ("server.key", "/etc/tls/", True),
        ("jenkins.io-2026.key", "/war/jenkins-key.pub", False),
        ("nodesource-repo.gpg.key", "/usr/share/keyrings/nodesource.asc", False),
        ("privkey.pem", "/etc/tls/", True), ("cert.pem", "/etc/tls/", False),
        ("clickhouse.dhparam.pem", "/etc/ch/", False), (".env", "/app/", True),
        (".env.production", "/app/", True), (".env.example", "/app/.env", False),
        ("test.env", "/app/", False), (".npmrc", "./", True), ("credentials.json", "/app/", True),
        ("credentials.example.json", "/app/", False), ("$FILE", "/app/", False),
    ],
)
def test_secret_files(name: str, dest: str, secret: bool) -> None:
    from sentra_lint.rules.sd012_secret_file_copy import secret_kind

    assert (secret_kind(name, dest) is not None) is secret


# --- small Dockerfiles through the rules ------------------------------------


def _lint(rule: str, text: str, **options: Any) -> list[tuple[int, int, str]]:
    """``(line, column, token)`` of every violation of ``rule`` in ``text``."""
    from sentra_lint.dockerfile import parse_dockerfile
    from sentra_lint.rulebase import RuleContext
    from sentra_lint.rules import load_rule
    from sentra_lint.source import SourceFile

    r = load_rule(rule)
    assert r is not None
    src = SourceFile("Dockerfile", text)
    df = parse_dockerfile(src)
    out = []
    for v in r.check(df, RuleContext(options=options)):
        line = src.line_text(v.span.line)
        out.append((v.span.line, v.span.column, line[v.span.column - 1 : v.span.end_column - 1]))
    return out


def _tokens(found: Iterable[tuple[int, int, str]]) -> list[str]:
    return [t for _, _, t in found]


def test_sd011_option_and_no_value_printed() -> None:
    text = "FROM alpine:3.20\nENV VAULT_ROLE_ID=3f2c1a9e-7b6d\nENV GH=ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5\n"
    assert _tokens(_lint("SD011", text)) == ["ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"]
    assert _tokens(_lint("SD011", text, **{"secret-patterns": ["vault_*_id"]}))[0] == "VAULT_ROLE_ID"
    from sentra_lint.dockerfile import parse_dockerfile
    from sentra_lint.rulebase import RuleContext
    from sentra_lint.rules import load_rule
    from sentra_lint.source import SourceFile

    rule = load_rule("SD011")
    assert rule is not None
    for v in rule.check(parse_dockerfile(SourceFile("D", text)), RuleContext()):
        assert "ghp_" not in v.message and "3f2c" not in v.message


def test_sd006_install_only_after_update_is_one_finding() -> None:
    text = (
        "FROM debian:12\nRUN apt-get update\n"
        "RUN apt-get install -y --no-install-recommends curl\n"
    )
    assert _lint("SD006", text) == [(2, 13, "update")]


def test_sd008_stage_and_platform() -> None:
    text = "FROM --platform=$BUILDPLATFORM golang:1.22 AS b\nFROM b\nFROM scratch\n"
    assert _tokens(_lint("SD008", text)) == ["golang:1.22"]


def test_sd012_from_stage_only_into_image() -> None:
    text = (
        "FROM alpine:3.20 AS a\nCOPY id_ed25519 /k\n"
        "FROM alpine:3.20 AS b\nCOPY --from=a /k/id_ed25519 /k2\n"
        "FROM alpine:3.20\nCOPY --from=a /k/id_ed25519 /root/.ssh/\n"
    )
    assert [ln for ln, _, _ in _lint("SD012", text)] == [2, 6]


def test_sd013_variants() -> None:
    text = (
        "FROM alpine:3.20\n"
        "RUN install -m 0777 tool /usr/local/bin/tool && chmod --recursive 777 /srv && chmod 1777 /tmp\n"
    )
    assert _tokens(_lint("SD013", text)) == ["0777", "777"]


def test_sd015_and_sd017_spans() -> None:
    assert _tokens(_lint("SD015", "FROM a:1\nRUN --network=host true\n")) == ["--network=host"]
    assert _tokens(_lint("SD017", "FROM a:1\nEXPOSE 80 22/udp 1-1024\n")) == ["1-1024"]


def test_sd018_target_option() -> None:
    text = "FROM a:1 AS app\nHEALTHCHECK CMD true\nFROM a:1 AS lint\nRUN true\n"
    assert _lint("SD018", text) != []
    assert _lint("SD018", text, target="app") == []


def test_sd020_needs_a_list() -> None:
    text = "FROM quay.io/x/y:1\nCOPY --from=gcr.io/a/b:1 /x /x\n"
    assert _lint("SD020", text) == []
    assert _tokens(_lint("SD020", text, **{"trusted-registries": ["docker.io/library/"]})) == [
        "quay.io/x/y:1",
        "gcr.io/a/b:1",
    ]


def test_sd001_non_root_images_option_extends_the_table() -> None:
    text = "FROM registry.example.com/base/python:3.12-slim\nCOPY app /app\nCMD [\"/app\"]\n"
    assert _tokens(_lint("SD001", text)) == ["registry.example.com/base/python:3.12-slim"]
    opts = {"non-root-images": ["registry.example.com/base/*"]}
    assert _lint("SD001", text, **opts) == []
    # the option does not hide an explicit USER root
    assert _tokens(_lint("SD001", text + "USER root\n", **opts)) == ["root"]
