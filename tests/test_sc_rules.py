"""Catches and catches-not for the SC rules, one launch at a time.

Each case is a docker run command line (read as a workflow ``run:`` step),
a Compose service or a workflow container; the rule's findings are compared
by line and a piece of the message.
"""

from __future__ import annotations

from typing import Any

import pytest

from sentra_lint.analysis import analyse
from sentra_lint.container.spec import ContainerSpec
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext
from sentra_lint.rules import load_rule
from sentra_lint.source import Kind, SourceFile

HARD = (
    "--cap-drop=ALL --security-opt=no-new-privileges --read-only "
    "--tmpfs /tmp:size=64m --memory=1g --memory-swap=1g --cpus=1 --pids-limit=64 "
    "--runtime=runsc --user 1001"
)
IMAGE = "ghcr.io/acme/agent:1.0@sha256:" + "a" * 64


def specs(text: str, kind: Kind) -> list[ContainerSpec]:
    src = SourceFile("t.yml", text, kind)
    return [t for name, t in analyse(src, kind).targets if name == "container"]


def run(rule_id: str, text: str, kind: Kind = Kind.WORKFLOW, **options: Any) -> list[Violation]:
    rule = load_rule(rule_id)
    assert rule is not None
    ctx = RuleContext(options=options)
    return [v for s in specs(text, kind) for v in rule.check(s, ctx)]


def docker(args: str, image: str = IMAGE) -> str:
    return (
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        f"      - run: docker run --rm {args} {image} true\n"
    )


def self_hosted(text: str) -> str:
    """The same workflow on a self-hosted runner (where runsc can be installed)."""
    return text.replace("runs-on: ubuntu-latest", "runs-on: [self-hosted, linux]")


def container(options: str, image: str = IMAGE, extra: str = "") -> str:
    return (
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container:\n"
        f"      image: {image}\n      options: {options}\n{extra}"
        "    steps:\n      - run: make\n"
    )


def compose(body: str) -> str:
    return "services:\n  app:\n    image: " + IMAGE + "\n" + body


CATCHES = [
    ("SC001", docker(HARD.replace("--cap-drop=ALL", "--cap-drop NET_RAW"))),
    ("SC001", docker(HARD.replace("--cap-drop=ALL", ""))),
    ("SC002", docker(HARD + " --privileged=true")),
    ("SC002", docker(HARD + " --cap-add CAP_SYS_MODULE")),
    (
        "SC003",
        docker(
            HARD.replace(
                "--security-opt=no-new-privileges", "--security-opt no-new-privileges:false"
            )
        ),
    ),
    ("SC004", docker(HARD.replace("--read-only", "--read-only=0"))),
    ("SC005", docker(HARD.replace("--tmpfs /tmp:size=64m", "--tmpfs /var/tmp:size=64m"))),
    ("SC006", docker(HARD.replace("--memory=1g", "-m 0"))),
    ("SC007", docker(HARD.replace("--memory-swap=1g", "--memory-swap=0"))),
    ("SC008", docker(HARD.replace("--cpus=1", "--cpu-quota=50000"))),
    ("SC009", docker(HARD.replace("--pids-limit=64", "--pids-limit 0"))),
    ("SC010", docker(HARD + " --oom-kill-disable=true")),
    ("SC011", docker(HARD.replace("--user 1001", "-u root:root"))),
    ("SC012", docker(HARD + " --userns=host")),
    ("SC013", docker(HARD + " -v //var/run/docker.sock/:/sock")),
    ("SC013", docker(HARD + " -v /:/host:ro")),
    ("SC013", docker(HARD + " --use-api-socket")),
    ("SC014", docker(HARD + " --security-opt=systempaths=unconfined")),
    ("SC015", docker(HARD, "python")),
    ("SC016", docker(HARD + " --device /dev/sda")),
    ("SC016", docker(HARD + " --gpus all")),
    ("SC016", docker(HARD + " --device-cgroup-rule='b 8:* rwm'")),
    ("SC001", docker(HARD.replace("--cap-drop=ALL", "--cap-drop=CAP_ALL"))),
    ("SC019", docker(HARD + " --env-file .env", "ghcr.io/acme/agent:1.4 claude -p review")),
    ("SC017", docker(HARD.replace("size=64m", "rw"))),
    ("SC018", docker(HARD.replace("--runtime=runsc", "--runtime runc"))),
    ("SC019", docker(HARD + " -e NPM_TOKEN=${{ secrets.NPM_TOKEN }}")),
    ("SC022", docker(HARD + " -e GITHUB_TOKEN=${{ secrets.GITHUB_TOKEN }}")),
    ("SC022", docker(HARD + " -v $HOME/.config/gh:/root/.config/gh:ro")),
    ("SC019", docker(HARD + " -e AWS_SECRET_ACCESS_KEY=abc123")),
    ("SC019", container(HARD, extra="      env:\n        NPM_TOKEN: ${{ secrets.NPM }}\n")),
]

CATCHES_NOT = [
    ("SC019", docker(HARD + " -e GITHUB_TOKEN=${{ secrets.GITHUB_TOKEN }}")),
    ("SC022", docker(HARD + " -e GITHUB_TOKEN_FILE=/run/secrets/token -v $HOME/.cache:/cache")),
    ("SC001", docker(HARD.replace("--cap-drop=ALL", "--cap-drop all"))),
    ("SC001", docker(HARD.replace("--cap-drop=ALL", "$EXTRA_DOCKER_ARGS"))),
    ("SC001", container("${{ inputs.options }}")),
    ("SC002", docker(HARD + " --privileged=false")),
    ("SC003", docker(HARD.replace("=no-new-privileges", " no-new-privileges:true"))),
    ("SC004", docker(HARD.replace("--read-only", "--read-only=${{ inputs.ro }}"))),
    ("SC005", docker(HARD.replace("--tmpfs /tmp:size=64m", "-v scratch:/tmp/"))),
    ("SC005", docker(HARD.replace("--read-only", ""))),
    ("SC006", docker(HARD.replace("--memory=1g", "--memory=${{ inputs.mem }}"))),
    ("SC007", docker(HARD.replace("--memory-swap=1g", "--memory-swap=1024m"))),
    ("SC008", docker(HARD.replace("--cpus=1", "--cpu-quota=50000 --cpu-period=100000"))),
    ("SC009", docker(HARD.replace("--pids-limit=64", "--pids-limit=$PIDS"))),
    ("SC010", docker(HARD + " --oom-kill-disable=false")),
    ("SC011", docker(HARD.replace("--user 1001", "--user 1001:0"))),
    ("SC011", docker(HARD.replace("--user 1001", "--user $UID"))),
    ("SC012", docker(HARD + " --network container:db")),
    ("SC013", docker(HARD + " -v ./etc:/etc:ro -v /etc/ssl/certs:/certs:ro")),
    ("SC014", docker(HARD + " --security-opt seccomp=./profile.json")),
    ("SC015", docker(HARD, "$IMAGE")),
    ("SC015", docker(HARD, "localhost/agent")),
    ("SC008", docker(HARD.replace("--cpus=1", "--cpuset-cpus=0-1"))),
    (
        "SC017",
        docker(
            HARD.replace("--tmpfs /tmp:size=64m", "--mount type=tmpfs,target=/tmp,tmpfs-size=1m")
        ),
    ),
    ("SC018", self_hosted(docker(HARD + " $DOCKER_OPTS"))),
    ("SC019", docker(HARD + " -e TOKEN_FILE=/run/secrets/token -e ENABLE_PASSWORD=true")),
    ("SC019", container(HARD, extra="      env:\n        LOG_LEVEL: debug\n")),
    ("SC020", docker(HARD, "docker.io/library/python:3.12")),
]


@pytest.mark.parametrize(("rule_id", "text"), CATCHES)
def test_catches(rule_id: str, text: str) -> None:
    assert run(rule_id, text), text


@pytest.mark.parametrize(("rule_id", "text"), CATCHES_NOT)
def test_catches_not(rule_id: str, text: str) -> None:
    assert not run(rule_id, text), text


def test_missing_control_is_reported_at_the_options_key_and_names_the_launch() -> None:
    (v,) = run("SC001", container("--read-only"))
    assert (v.span.line, v.span.column, v.span.end_column) == (7, 7, 14)
    assert v.message.startswith("job 'a' container:") and "--cap-drop=ALL" in v.message
    assert v.path == "t.yml"


def test_missing_control_without_options_is_reported_at_the_container_key() -> None:
    text = "on: push\njobs:\n  a:\n    runs-on: x\n    container: node:20\n    steps:\n      - run: make\n"
    (v,) = run("SC004", text)
    assert (v.span.line, v.span.column) == (5, 5)


def test_offending_flag_span_is_tight() -> None:
    (v,) = run("SC012", container(HARD + " --pid=host"))
    line = container(HARD + " --pid=host").splitlines()[v.span.line - 1]
    assert line[v.span.column - 1 : v.span.end_column - 1] == "--pid=host"


def test_sc002_levels_and_allowed_capabilities() -> None:
    got = run("SC002", docker(HARD + " --cap-add NET_ADMIN --cap-add chown"))
    assert [v.severity for v in got] == [Severity.ERROR, Severity.WARNING]
    assert not run(
        "SC002", docker(HARD + " --cap-add CHOWN"), **{"allowed-capabilities": ["cap_chown"]}
    )


def test_maximum_options() -> None:
    assert run("SC006", docker(HARD.replace("--memory=1g", "--memory=8g")), max="4g")
    assert not run("SC006", docker(HARD.replace("--memory=1g", "--memory=4096m")), max="4g")
    assert run("SC008", docker(HARD.replace("--cpus=1", "--cpus=8")), max=4)
    assert run("SC009", docker(HARD.replace("--pids-limit=64", "--pids-limit=5000")), max=1000)


def test_sc015_levels() -> None:
    (latest,) = run("SC015", docker(HARD, "ghcr.io/acme/agent:latest"))
    (tagged,) = run("SC015", docker(HARD, "ghcr.io/acme/agent:1.0"))
    assert latest.severity is Severity.WARNING and tagged.severity is Severity.NOTE


def test_sc015_skips_images_the_workflow_builds() -> None:
    text = (
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
        "      - run: docker build -t agent:ci .\n"
        f"      - run: docker run --rm {HARD} agent:ci true\n"
    )
    assert not run("SC015", text)


def test_sc018_runtime_option() -> None:
    assert not run("SC018", self_hosted(docker(HARD.replace("runsc", "runsc-kvm"))), runtime="runsc-kvm")
    assert run("SC018", self_hosted(docker(HARD)), runtime="runsc-kvm")
    # On a GitHub-hosted runner the runtime cannot start: a warning, with the label as related location.
    hosted = run("SC018", docker(HARD))
    assert [v.severity.value for v in hosted] == ["warning"] and hosted[0].related[0].message == "runs-on: ubuntu-latest"


def test_sc019_secret_patterns_option() -> None:
    text = docker(HARD + " -e ACME_SIGNING=xyz")
    assert not run("SC019", text)
    assert run("SC019", text, **{"secret-patterns": ["SIGNING"]})


def test_sc020_needs_the_trusted_list() -> None:
    text = docker(HARD, "quay.io/x/y:1@sha256:" + "b" * 64)
    assert not run("SC020", text)
    assert run("SC020", text, **{"trusted-registries": ["ghcr.io/acme/"]})
    assert not run("SC020", text, **{"trusted-registries": "ghcr.io/acme/,quay.io/x"})


def test_compose_catches() -> None:
    body = (
        "    privileged: true\n    network_mode: host\n    user: '0'\n"
        "    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n"
        "    environment:\n      - DB_PASSWORD=hunter2\n"
    )
    for rule_id in ("SC001", "SC002", "SC011", "SC012", "SC013", "SC019"):
        assert run(rule_id, compose(body), Kind.COMPOSE), rule_id


def test_compose_interpolation_is_unknown_not_guessed() -> None:
    body = "    mem_limit: ${MEM:-0}\n    user: ${RUN_AS:-root}\n"
    assert not run("SC006", compose(body), Kind.COMPOSE)
    assert not run("SC011", compose(body), Kind.COMPOSE)


def test_compose_build_image_is_not_judged() -> None:
    text = "services:\n  app:\n    build: .\n    image: app\n"
    assert not run("SC015", text, Kind.COMPOSE)
    assert not run("SC020", text, Kind.COMPOSE, **{"trusted-registries": ["ghcr.io"]})


def test_compose_extends_and_anchors_are_applied() -> None:
    text = (
        "x-base: &base\n  cap_drop: [ALL]\n  read_only: true\n"
        "services:\n  base:\n    image: a:1\n    mem_limit: 1g\n"
        "  app:\n    <<: *base\n    extends: base\n"
    )
    app = [s for s in specs(text, Kind.COMPOSE) if "'app'" in s.label]
    assert len(app) == 1
    assert [v.message for v in run("SC001", text, Kind.COMPOSE)] == [
        "compose service 'base': capabilities are not dropped; add cap_drop: [ALL]"
    ]
    assert app[0].memory.value == 1024**3 and app[0].read_only.value is True


def test_devcontainer_catches() -> None:
    text = (
        '{\n  // comment\n  "image": "mcr.microsoft.com/devcontainers/base:1",\n'
        '  "runArgs": ["--privileged", "--network=host",],\n  "remoteUser": "root",\n}\n'
    )
    for rule_id in ("SC001", "SC002", "SC011", "SC012"):
        assert run(rule_id, text, Kind.DEVCONTAINER), rule_id
    (v,) = run("SC012", text, Kind.DEVCONTAINER)
    assert (v.span.line, v.span.column) == (4, 31)


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("DB_PASSWORD", True), ("WEBPASSWORD", True), ("LDAP_PASSWORDS", True), ("SECRET_KEY_BASE", True),
        ("FLOWISE_SECRETKEY_OVERWRITE", True), ("STRIPE_API_KEY", True), ("POSTGRES_PWD", True),
        ("githubToken", True), ("JWT_AUTH_TOKEN_SECRET", True), ("FLOWISE_EE_LICENSE_KEY", True),
        ("PASSWORD_SALT_HASH_ROUNDS", False), ("EXPIRE_AUTH_TOKENS_ON_RESTART", False),
        ("PASSWORD_RESET_TOKEN_EXPIRY_IN_MINS", False), ("REGISTRY_AUTH_HTPASSWD_REALM", False),
        ("PUBLIC_KEY", False), ("SORT_KEY", False),
    ],
)
def test_default_secret_names_end_in_what_they_hold(name: str, secret: bool) -> None:
    from sentra_lint.rules.sc019_env_secrets import _default_secret_name

    assert _default_secret_name(name) is secret
