"""Catches / catches-not cases for SD001, SD002, SD003, SD007, SD009, SD010, SD014, SD019.

Each case is a small Dockerfile and the number of findings the rule must
give; the fixtures in ``tests/fixtures/`` cover the reported text and spans.
"""

from __future__ import annotations

import textwrap

import pytest

from sentra_lint.dockerfile import parse_dockerfile
from sentra_lint.findings import Severity, Violation
from sentra_lint.rulebase import RuleContext
from sentra_lint.rules import load_rule
from sentra_lint.source import Kind, SourceFile


def lint(rule_id: str, text: str, **options: object) -> list[Violation]:
    src = SourceFile("Dockerfile", textwrap.dedent(text).lstrip("\n"), Kind.DOCKERFILE)
    rule = load_rule(rule_id)
    assert rule is not None
    return list(rule.check(parse_dockerfile(src), RuleContext(options=options)))


def marked(text: str, v: Violation) -> str:
    """The text a violation points at (single-line spans)."""
    line = textwrap.dedent(text).lstrip("\n").split("\n")[v.span.line - 1]
    return line[v.span.column - 1 : v.span.end_column - 1]


CASES: list[tuple[str, str, int]] = [
    # --- SD001 -----------------------------------------------------------
    ("SD001", "FROM alpine\nRUN echo hi\n", 1),
    ("SD001", "FROM alpine\nUSER 1001\n", 0),
    ("SD001", "FROM alpine\nUSER root:root\n", 1),
    ("SD001", "FROM alpine\nUSER 0\n", 1),
    ("SD001", "FROM alpine\nUSER 00:1001\n", 1),
    ("SD001", "FROM alpine\nUSER nobody\nUSER root\nRUN x\n", 1),
    ("SD001", "FROM alpine\nUSER root\nRUN x\nUSER nobody\n", 0),
    ("SD001", "FROM alpine AS a\nUSER app\nFROM alpine\n", 1),
    ("SD001", "FROM alpine AS a\nUSER app\nFROM a\nRUN x\n", 0),
    ("SD001", "FROM alpine AS a\nUSER app\nFROM a AS b\nFROM b\n", 0),
    ("SD001", "FROM alpine\nUSER $U\n", 0),
    ("SD001", "FROM alpine\nARG U=root\nUSER $U\n", 1),
    ("SD001", "FROM alpine\nARG U=app\nUSER ${U}\n", 0),
    ("SD001", "FROM alpine\nENV U=0\nUSER ${U}:0\n", 1),
    ("SD001", "ARG U=root\nFROM alpine\nARG U\nUSER $U\n", 1),
    ("SD001", "ARG U=root\nFROM alpine\nUSER $U\n", 0),
    ("SD001", "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\n", 0),
    ("SD001", "FROM {{ base }}\n{% if user %}\nUSER app\n{% endif %}\n", 0),
    ("SD001", "FROM {{ base }} AS b\nFROM alpine\nRUN x\n", 1),
    # --- SD002 -----------------------------------------------------------
    ("SD002", "FROM python:3.12\nRUN pip install x\nRUN useradd -u 1001 app\nUSER app\n", 0),
    ("SD002", "FROM python:3.12\nRUN useradd -u 1001 app && pip install x\n", 1),
    ("SD002", "FROM python:3.12\nRUN pip install x && useradd -u 1001 app\n", 0),
    ("SD002", "FROM python:3.12\nRUN adduser -D -u 1001 app\nRUN pip3.12 install x\n", 1),
    (
        "SD002",
        "FROM python:3.12\nRUN adduser --disabled-password app\nRUN python -m pip install x\n",
        1,
    ),
    ("SD002", "FROM python:3.12\nRUN adduser app wheel\nRUN pip install x\n", 0),
    ("SD002", "FROM python:3.12\nUSER 1001\nRUN pip install x\n", 1),
    ("SD002", "FROM python:3.12\nUSER $WHO\nRUN pip install x\n", 0),
    ("SD002", "FROM python:3.12\nRUN useradd -o -u 0 toor\nRUN pip install x\n", 0),
    ("SD002", "FROM python:3.12\nRUN uv pip install --system x\nRUN useradd -u 1001 a\n", 0),
    ("SD002", "FROM python:3.12\nRUN useradd -u 1001 a\nRUN uv pip install --system x\n", 1),
    ("SD002", "FROM python:3.12\nRUN useradd -u 1001 a\nRUN uv pip install x\n", 0),
    (
        "SD002",
        "FROM python:3.12\nENV VIRTUAL_ENV=/home/a/.venv\nRUN useradd -u 1001 a\nRUN uv pip install x\n",
        1,
    ),
    ("SD002", "FROM python:3.12\nRUN pip install --user x\n", 1),
    ("SD002", "FROM python:3.12\nRUN pip wheel --user x\n", 0),
    ("SD002", "FROM python:3.12\nRUN useradd -u 1 a\nRUN pip install --target /opt/lib x\n", 0),
    ("SD002", "FROM python:3.12\nRUN useradd -u 1 a\nRUN pip install --prefix ~/.local x\n", 1),
    (
        "SD002",
        "FROM python:3.12\nRUN useradd -u 1 a\nRUN python -m venv /opt/v && . /opt/v/bin/activate && pip install x\n",
        0,
    ),
    (
        "SD002",
        "FROM python:3.12\nRUN useradd -u 1 a\nRUN pip install x; . /opt/v/bin/activate\n",
        1,
    ),
    ("SD002", "FROM python:3.12\nRUN useradd -u 1 a\nRUN $VENV/bin/pip install x\n", 0),
    (
        "SD002",
        "FROM python:3.12\nENV VENV=/home/a/v\nRUN useradd -u 1 a\nRUN $VENV/bin/pip install x\n",
        1,
    ),
    (
        "SD002",
        "FROM python:3.12\nRUN useradd -u 1 -d /srv/a a\nRUN /srv/a/venv/bin/pip install x\n",
        1,
    ),
    (
        "SD002",
        "FROM python:3.12\nRUN useradd -u 1 a\nWORKDIR /app\nRUN python -m venv .venv\nENV PATH=/app/.venv/bin:$PATH\nRUN pip install x\n",
        0,
    ),
    (
        "SD002",
        "FROM python:3.12\nRUN useradd -u 1 a\nENV PATH=/usr/local/bin:/opt/v/bin:$PATH\nRUN pip install x\n",
        1,
    ),
    ("SD002", "FROM python:3.12 AS b\nRUN useradd -u 1 a\nFROM b\nRUN pip install x\n", 1),
    (
        "SD002",
        "FROM python:3.12 AS b\nRUN useradd -u 1 a\nFROM python:3.12\nRUN pip install x\n",
        0,
    ),
    (
        "SD002",
        "FROM python:3.12\nRUN useradd -u 1 a\nRUN pip install -r r.txt -c c.txt\nRUN pip download x\n",
        1,
    ),
    ("SD002", "FROM python:3.12\nRUN useradd -u 1 a\nRUN <<EOF\npip install x\nEOF\n", 1),
    ("SD002", "FROM python:3.12\nRUN useradd -u 1 a\nRUN sh -c 'pip install x'\n", 1),
    # --- SD003 -----------------------------------------------------------
    ("SD003", "FROM alpine\nRUN curl -fsSL https://x/i.sh | sh\n", 1),
    ("SD003", "FROM alpine\nRUN curl -fsSL https://x/i.sh | sudo -E bash -\n", 1),
    ("SD003", "FROM alpine\nRUN wget -O - https://x/i.sh | sh\n", 1),
    ("SD003", "FROM alpine\nRUN wget --output-document=- https://x/i.sh | sh\n", 1),
    ("SD003", "FROM alpine\nRUN wget https://x/i.sh | sh\n", 0),
    ("SD003", "FROM alpine\nRUN curl -o /tmp/i.sh https://x/i.sh | sh\n", 0),
    ("SD003", "FROM alpine\nRUN curl -sSLO https://x/i.sh && sh i.sh\n", 1),  # saved, then run unchecked
    (
        "SD003",
        "FROM alpine\nRUN curl -s https://x/v.json | python3 -c 'import json,sys; print(1)'\n",
        0,
    ),
    ("SD003", "FROM alpine\nRUN curl -s https://x/v.json | python3 -m json.tool\n", 0),
    ("SD003", "FROM alpine\nRUN curl -s https://x/i.py | python3 - --yes\n", 1),
    ("SD003", "FROM alpine\nRUN curl -s https://x/i.pl | perl\n", 1),
    ("SD003", "FROM alpine\nRUN curl -s https://x/i.pl | perl -ne 'print'\n", 0),
    ("SD003", "FROM alpine\nRUN curl -s https://x/s | sh -c 'cat > /x'\n", 0),
    ("SD003", "FROM alpine\nRUN curl -s https://x/s | bash script.sh\n", 0),
    ("SD003", "FROM alpine\nRUN curl -s https://x/i.sh | tee /tmp/i.sh | bash\n", 1),
    ("SD003", 'FROM alpine\nRUN bash -c "$(curl -fsSL https://x/i.sh)" -- -y\n', 1),
    ("SD003", 'FROM alpine\nRUN bash -c "echo $(curl -fsSL https://x/v)"\n', 0),
    ("SD003", "FROM alpine\nRUN VERSION=$(curl -fsSL https://x/v) && echo $VERSION\n", 0),
    ("SD003", "FROM alpine\nRUN source <(curl -s https://x/env)\n", 1),
    ("SD003", "FROM alpine\nRUN diff <(curl -s https://x/a) <(curl -s https://x/b)\n", 0),
    ("SD003", "FROM alpine\nRUN bash < <(curl -s https://x/i.sh)\n", 1),
    ("SD003", "FROM alpine\nRUN eval `curl -s https://x/env`\n", 1),
    ("SD003", "FROM alpine\nRUN sh -c 'curl -s https://x/i.sh | sh'\n", 1),
    ("SD003", "FROM alpine AS b\nRUN curl -s https://x/i.sh | sh\nFROM alpine\n", 1),
    ("SD003", "FROM alpine\nRUN <<EOF\ncurl -s https://x/i.sh | sh\nEOF\n", 1),
    ("SD003", "FROM alpine\nRUN curl -fsSL https://x/key | gpg --dearmor -o /k.gpg\n", 0),
    # --- SD007 -----------------------------------------------------------
    ("SD007", "FROM python\nRUN pip install x\n", 1),
    ("SD007", "FROM python\nRUN pip install --no-cache-dir x\n", 0),
    ("SD007", "FROM python\nRUN pip --no-cache-dir install x\n", 0),
    ("SD007", "FROM python\nRUN pip install -U pip\n", 1),
    ("SD007", "FROM python\nENV PIP_NO_CACHE_DIR=off\nRUN pip install x\n", 0),
    ("SD007", "FROM python\nENV PIP_NO_CACHE_DIR=\nRUN pip install x\n", 1),
    ("SD007", "FROM python\nARG PIP_NO_CACHE_DIR=1\nRUN pip install x\n", 0),
    ("SD007", "FROM python\nARG PIP_NO_CACHE_DIR\nRUN pip install x\n", 1),
    ("SD007", "FROM python AS b\nENV PIP_NO_CACHE_DIR=1\nFROM b\nRUN pip install x\n", 0),
    ("SD007", "FROM python AS b\nARG PIP_NO_CACHE_DIR=1\nFROM b\nRUN pip install x\n", 1),
    ("SD007", "FROM python\nRUN export PIP_NO_CACHE_DIR=1 && pip install x\n", 0),
    ("SD007", "FROM python\nRUN env PIP_NO_CACHE_DIR=1 pip install x\n", 0),
    ("SD007", "FROM python\nRUN PIP_NO_CACHE_DIR=1 true && pip install x\n", 1),
    ("SD007", "FROM python\nRUN --mount=type=cache,target=/root/.cache/pip pip install x\n", 0),
    ("SD007", "FROM python\nRUN --mount=type=cache,target=/home/a/.cache pip install x\n", 0),
    ("SD007", "FROM python\nRUN --mount=type=bind,target=/root/.cache/pip pip install x\n", 1),
    ("SD007", "FROM python\nRUN --mount=type=cache,target=/c pip install --cache-dir /c x\n", 0),
    (
        "SD007",
        "FROM python\nENV PIP_CACHE_DIR=/c\nRUN --mount=type=cache,target=/c pip install x\n",
        0,
    ),
    ("SD007", "FROM python\nRUN pip install x && rm -rf ~/.cache/pip\n", 0),
    ("SD007", "FROM python\nRUN rm -rf ~/.cache/pip && pip install x\n", 1),
    ("SD007", "FROM python\nRUN pip install x && python -m pip cache purge\n", 0),
    ("SD007", "FROM python\nRUN uv pip install --system -n x\n", 0),
    ("SD007", "FROM python\nRUN uv pip install --system x && uv cache clean\n", 0),
    ("SD007", "FROM python AS b\nRUN pip install x\nFROM python\n", 0),
    ("SD007", "FROM python\nRUN pip download x && pip freeze\n", 0),
    ("SD007", "FROM python", 0),
    # --- SD009 -----------------------------------------------------------
    ("SD009", "FROM ubuntu:22.04\nRUN apt-get install -y python3.11\nRUN pip install x\n", 1),
    ("SD009", "FROM ubuntu:22.04\nRUN apt-get install -y python3.10\nRUN pip install x\n", 0),
    ("SD009", "FROM ubuntu:22.04\nRUN apt-get install -y python3\nRUN pip install x\n", 0),
    ("SD009", "FROM ubuntu:22.04\nRUN apt-get install -y python3.11-dev\nRUN pip3 install x\n", 1),
    ("SD009", "FROM python:3.11-slim\nRUN python3.11 -m pip install x\nRUN pip install y\n", 0),
    ("SD009", "FROM python:3.12-slim\nRUN python3.11 -m pip install x\nRUN pip install y\n", 1),
    ("SD009", "FROM fedora:40\nRUN dnf install -y python3.12\nRUN python3 -m pip install x\n", 1),
    ("SD009", "FROM fedora:40\nRUN dnf install -y python3.12\nRUN uv pip install --system x\n", 0),
    (
        "SD009",
        "FROM fedora:40\nRUN dnf install -y python3.12 && ln -sf /usr/bin/python3.12 /usr/bin/python3\nRUN python3 -m pip install x\n",
        0,
    ),
    (
        "SD009",
        "FROM fedora:40\nRUN dnf install -y python3.12\nRUN python3.12 -m venv /v && /v/bin/pip install x\n",
        0,
    ),
    ("SD009", "FROM fedora:40\nRUN dnf install -y python3.12\nRUN /usr/bin/pip3 install x\n", 1),
    (
        "SD009",
        "FROM fedora:40 AS b\nRUN dnf install -y python3.12\nFROM fedora:40\nRUN pip install x\n",
        0,
    ),
    ("SD009", "FROM fedora:40\nRUN pip install x\n", 0),
    # --- SD010 -----------------------------------------------------------
    ("SD010", "FROM debian\nRUN apt-get install -y sudo\n", 1),
    ("SD010", "FROM debian\nRUN apt-get install -y sudo=1.9.13p3-1\n", 1),
    ("SD010", "FROM fedora\nRUN dnf install -y sudo-1.9.15\n", 1),
    ("SD010", "FROM fedora\nRUN dnf install -y sudo-devel\n", 0),
    ("SD010", "FROM debian\nRUN apt-get install -y sudoku\n", 0),
    ("SD010", "FROM debian\nRUN sudo apt-get update\n", 1),
    ("SD010", "FROM debian\nRUN curl -s https://x | sudo tee /etc/x\n", 1),
    ("SD010", "FROM debian\nRUN echo sudo && grep sudo /etc/group\n", 0),
    ("SD010", "FROM debian\nRUN echo 'app ALL=(ALL) NOPASSWD:ALL' >> /etc/sudoers\n", 0),
    ("SD010", "FROM debian AS b\nRUN sudo ls\nFROM debian\n", 1),
    # --- SD014 -----------------------------------------------------------
    ("SD014", "FROM debian\nRUN useradd --uid=0 x\nUSER 1\n", 1),
    ("SD014", "FROM debian\nRUN useradd -u0 x\nUSER 1\n", 1),
    ("SD014", "FROM debian\nRUN useradd -u 1001 app\nUSER 1001\n", 0),
    ("SD014", 'FROM debian\nRUN useradd -u "$UID" app\nUSER 1001\n', 0),
    ("SD014", "FROM debian\nRUN useradd -ms /bin/bash app\nUSER 1001\n", 1),
    ("SD014", "FROM debian\nRUN useradd -D -s /bin/zsh\nUSER 1001\n", 0),
    ("SD014", "FROM debian\nRUN adduser --system --uid 999 svc\nUSER 999\n", 0),
    ("SD014", "FROM debian\nRUN adduser --system svc\nUSER 999\n", 1),
    ("SD014", "FROM debian\nRUN adduser svc sudo\nUSER 999\n", 0),
    ("SD014", "FROM debian\nUSER app\n", 1),
    ("SD014", "FROM debian\nUSER 1001:app\n", 0),
    ("SD014", "FROM debian\nUSER root\n", 0),
    ("SD014", "FROM debian\nUSER $APP\n", 0),
    ("SD014", "FROM debian AS b\nRUN useradd app\nFROM debian\nUSER 1\n", 0),
    # --- SD019 -----------------------------------------------------------
    ("SD019", "FROM debian\nRUN curl -fsSLk https://x -o y\n", 1),
    ("SD019", "FROM debian\nRUN curl -fsSL -H 'X: -k' https://x -o y\n", 0),
    ("SD019", "FROM debian\nRUN curl -fsSLo -k https://x\n", 0),
    ("SD019", "FROM debian\nRUN curl --proxy-insecure https://x\n", 1),
    ("SD019", "FROM debian\nRUN wget -k https://x\n", 0),
    ("SD019", "FROM debian\nRUN apt-get -o Acquire::https::Verify-Peer=false update\n", 1),
    ("SD019", "FROM debian\nRUN apt-get -o APT::Get::AllowUnauthenticated=true install -y x\n", 1),
    ("SD019", "FROM debian\nRUN apt-get -o APT::Install-Recommends=false install -y x\n", 0),
    ("SD019", "FROM fedora\nRUN dnf --setopt=sslverify=false install -y x\n", 1),
    ("SD019", "FROM fedora\nRUN dnf --setopt=install_weak_deps=False install -y x\n", 0),
    ("SD019", "FROM fedora\nRUN yum install -y --nogpgcheck x\n", 1),
    ("SD019", "FROM opensuse/leap\nRUN zypper --no-gpg-checks install -y x\n", 1),
    ("SD019", "FROM python\nRUN pip config set global.trusted-host pypi.example\n", 1),
    ("SD019", "FROM python\nRUN uv pip install --allow-insecure-host pypi.example x\n", 1),
    ("SD019", "FROM python\nENV PIP_TRUSTED_HOST=\n", 0),
    ("SD019", "FROM python\nENV PYTHONHTTPSVERIFY=1\n", 0),
    ("SD019", "FROM python\nARG GIT_SSL_NO_VERIFY\n", 0),
    ("SD019", "ARG GIT_SSL_NO_VERIFY=1\nFROM python\nARG GIT_SSL_NO_VERIFY\n", 1),
    ("SD019", "FROM node\nENV NODE_TLS_REJECT_UNAUTHORIZED 0\n", 1),
    ("SD019", "FROM node\nENV NODE_TLS_REJECT_UNAUTHORIZED=$X\n", 0),
    ("SD019", "FROM node\nRUN npm install --strict-ssl=false x\n", 1),
    ("SD019", "FROM node\nRUN yarn config set strict-ssl false\n", 1),
    ("SD019", "FROM node\nRUN npm config set registry https://r.example\n", 0),
    ("SD019", "FROM node\nRUN NPM_CONFIG_STRICT_SSL=false npm ci\n", 1),
    ("SD019", "FROM debian\nRUN git config --system http.https://g.example/.sslVerify false\n", 1),
    ("SD019", "FROM debian\nRUN git config --global user.name sslverify\n", 0),
    ("SD019", "FROM debian AS b\nRUN curl -k https://x -o y\nFROM debian\n", 1),
]


@pytest.mark.parametrize(("rule_id", "text", "count"), CASES)
def test_case(rule_id: str, text: str, count: int) -> None:
    found = lint(rule_id, text)
    assert len(found) == count, [v.message for v in found]


def test_sd001_points_at_the_final_from_image() -> None:
    text = "FROM alpine AS a\nUSER app\nFROM python:3.12-slim\n"
    (v,) = lint("SD001", text)
    assert (v.span.line, marked(text, v)) == (3, "python:3.12-slim")


def test_sd001_target_option_selects_the_stage() -> None:
    text = "FROM alpine AS app\nUSER 1001\nFROM alpine AS debug\n"
    assert len(lint("SD001", text)) == 1
    assert lint("SD001", text, target="app") == []


def test_sd002_spans() -> None:
    text = (
        "FROM python\nRUN useradd -u 1 a\nRUN python3 -m pip install x\nRUN pip install --user y\n"
    )
    first, second = lint("SD002", text)
    assert marked(text, first) == "pip" and first.span.column == 16
    assert marked(text, second) == "--user"


def test_sd003_pipe_span_covers_the_pipe_and_interpreter() -> None:
    text = "FROM alpine\nRUN curl -s https://x/i.sh | sudo bash -s\n"
    (v,) = lint("SD003", text)
    assert marked(text, v) == "| sudo bash"


def test_sd014_levels() -> None:
    text = "FROM debian\nRUN useradd -u 0 -o a && useradd b\nUSER b\n"
    levels = [v.severity for v in lint("SD014", text)]
    assert levels == [None, Severity.NOTE, Severity.NOTE]


def test_sd019_one_finding_per_setting() -> None:
    text = "FROM debian\nENV PYTHONHTTPSVERIFY=0 NODE_TLS_REJECT_UNAUTHORIZED=0 OTHER=1\n"
    assert [marked(text, v) for v in lint("SD019", text)] == [
        "PYTHONHTTPSVERIFY=0",
        "NODE_TLS_REJECT_UNAUTHORIZED=0",
    ]
