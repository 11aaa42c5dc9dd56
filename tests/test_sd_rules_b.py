"""Catches / catches-not cases for SD004-SD006, SD008, SD011-SD013, SD015-SD018, SD020.

The fixture harness (``test_rule_fixtures.py``) covers each rule end to end;
these are the edge cases, checked on the helpers and on small Dockerfiles.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from sentra_lint.rules import _packages as pk
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
    assert pk.mounts_cover(["type=cache,target=/var/lib/apt/lists,sharing=locked"], pk.APT_LISTS)
    assert pk.mounts_cover(["type=tmpfs,dst=/var/lib/apt"], pk.APT_LISTS)
    assert not pk.mounts_cover(["type=cache,target=/var/cache/apt"], pk.APT_LISTS)
    assert not pk.mounts_cover(["type=bind,target=/var/lib/apt/lists"], pk.APT_LISTS)
    assert pk.parse_mount("target=/x")["type"] == "bind"


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
