"""Adapters: every launch source into ContainerSpec, with spans and bad input."""

from __future__ import annotations

from pathlib import Path

from sentra_lint.analysis import analyse
from sentra_lint.container.sizes import GIB, MIB
from sentra_lint.container.spec import ContainerSpec
from sentra_lint.source import Kind, SourceFile
from tests.conftest import chdir


def launches(text: str, kind: Kind = Kind.WORKFLOW, path: str = "w.yml") -> list[ContainerSpec]:
    src = SourceFile(path, text, kind)
    return [t for name, t in analyse(src, kind).targets if name == "container"]


def problems(text: str, kind: Kind = Kind.WORKFLOW) -> list[str]:
    return [m for _, m in analyse(SourceFile("w.yml", text, kind), kind).problems]


WORKFLOW = """\
on: push
jobs:
  agent:
    runs-on: ubuntu-latest
    env:
      JOB_TOKEN: ${{ secrets.JOB }}
    container:
      image: ghcr.io/acme/agent:1
      options: >-
        --cap-drop=ALL
        --memory 2g
      env:
        MODE: ci
      volumes:
        - /srv/cache:/cache
    services:
      db:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: pw
    steps:
      - env:
          STEP_KEY: ${{ secrets.KEY }}
        run: |
          docker run --rm \\
            -m 512m "$IMAGE" && docker container create --pids-limit 10 alpine:3
"""


def test_workflow_container_service_and_docker_runs() -> None:
    specs = launches(WORKFLOW)
    kinds = [s.source_kind for s in specs]
    assert kinds == ["workflow-container", "workflow-service", "docker-run", "docker-run"]
    job, svc, run1, run2 = specs
    assert job.memory.value == 2 * GIB and job.cap_drop[0].value == "ALL"
    assert job.cap_drop[0].span is not None and job.cap_drop[0].span.line == 10
    assert {e.name for e in job.env} == {"MODE", "JOB_TOKEN", "STEP_KEY"}
    assert [e.name for e in svc.env] == ["POSTGRES_PASSWORD"]
    assert job.volumes[0].host_path == "/srv/cache"
    assert run1.memory.value == 512 * MIB and not run1.image.known
    assert run2.pids_limit.value == 10 and run2.image.value is not None
    assert run1.anchor_span.line == 25 and run2.anchor_span.line == 26


def test_unbalanced_quote_in_options_is_a_parse_problem() -> None:
    text = 'on: push\njobs:\n  a:\n    runs-on: x\n    container:\n      image: a\n      options: --user "1001\n'
    msgs = problems(text)
    assert any("unterminated double quote" in m for m in msgs), msgs
    (spec,) = launches(text)
    assert spec.unknown_options


def test_valid_yaml_that_is_not_a_workflow_never_crashes() -> None:
    for text in (
        "[1, 2]\n",
        "jobs: 3\n",
        "jobs:\n  a: [x]\n",
        "jobs:\n  a:\n    container: [1]\n",
        "jobs:\n  a:\n    services: {db: 3}\n    steps: {run: x}\n",
    ):
        launches(text)


def test_launch_in_a_repository_script_carries_the_script_path(tmp_path: Path) -> None:
    wf_dir = tmp_path / ".github" / "workflows"
    wf_dir.mkdir(parents=True)
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "agent.sh").write_text(
        "#!/bin/sh\ndocker run --privileged alpine:3 true\n"
    )
    text = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: ./scripts/agent.sh\n"
    (wf_dir / "ci.yml").write_text(text)
    with chdir(tmp_path):
        (spec,) = launches(text, path=".github/workflows/ci.yml")
    assert spec.path.endswith("scripts/agent.sh")
    assert spec.privileged.value is True and spec.anchor_span.line == 2


COMPOSE = """\
x-limits: &limits
  mem_limit: 1g
  memswap_limit: 1g
services:
  base:
    image: a:1
    cap_drop: [ALL]
  app:
    extends: base
    <<: *limits
    image: ${REGISTRY:-ghcr.io}/app:1
    cap_add: [CHOWN]
    read_only: "true"
    deploy:
      resources:
        limits: {cpus: "0.5", pids: 50}
    cpu_period: 100ms
    volumes:
      - type: bind
        source: /etc
        target: /host-etc
      - type: tmpfs
        target: /tmp
        tmpfs: {size: 64m}
      - data:/data:ro
    environment:
      - API_KEY=${API_KEY}
      - PLAIN=1
    devices:
      - source: /dev/fuse
        target: /dev/fuse
"""


def test_compose_service_fields() -> None:
    base, app = launches(COMPOSE, Kind.COMPOSE)
    assert base.label == "compose service 'base'" and base.anchor_span.line == 5
    assert [c.value for c in app.cap_drop] == ["ALL"] and [c.value for c in app.cap_add] == [
        "CHOWN"
    ]
    assert app.memory.value == GIB and app.memory_swap.value == GIB
    assert app.cpus.value == 0.5 and app.pids_limit.value == 50 and app.cpu_period.value == 100_000
    assert app.read_only.value is True
    assert not app.image.known
    assert app.volumes[0].host_path == "/etc" and app.volumes[1].kind == "volume"
    assert app.tmpfs[0].path == "/tmp" and app.tmpfs[0].size == 64 * MIB
    api = next(e for e in app.env if e.name == "API_KEY")
    assert not api.known and api.secret_like_name
    assert app.devices[0].host == "/dev/fuse"


def test_compose_extends_from_another_file_makes_options_unknown() -> None:
    text = "services:\n  app:\n    image: a:1\n    extends:\n      file: base.yml\n      service: app\n"
    (spec,) = launches(text, Kind.COMPOSE)
    assert spec.unknown_options


def test_devcontainer_fields() -> None:
    text = """{
  // dev
  "image": "mcr.microsoft.com/devcontainers/base:1",
  "runArgs": ["--cap-drop", "ALL", "--memory=${localEnv:MEM}"],
  "capAdd": ["SYS_PTRACE"],
  "securityOpt": ["seccomp=unconfined"],
  "mounts": ["source=/var/run/docker.sock,target=/var/run/docker.sock,type=bind"],
  "containerUser": "vscode",
  "containerEnv": {"TOKEN": "x"},
}
"""
    (spec,) = launches(text, Kind.DEVCONTAINER)
    assert spec.cap_drop[0].value == "ALL" and spec.cap_drop[0].span is not None
    assert spec.cap_drop[0].span.line == 4
    assert spec.memory.present and not spec.memory.known
    assert spec.cap_add[0].value == "SYS_PTRACE"
    assert spec.security_opts[0].value == "unconfined"
    assert spec.volumes[0].host_path == "/var/run/docker.sock"
    assert spec.user.value == "vscode"
    assert spec.env[0].name == "TOKEN"


def test_compose_based_devcontainer_has_no_launch_of_its_own() -> None:
    text = '{"dockerComposeFile": "compose.yml", "service": "app"}'
    assert launches(text, Kind.DEVCONTAINER) == []


def test_image_from_job_output_forms() -> None:
    from sentra_lint.container.adapters import image_from_job_output
    from sentra_lint.source import SourceFile
    from sentra_lint.workflow.model import build_workflow
    from sentra_lint.yamlmodel import load_yaml

    text = (
        "on: push\njobs:\n  build:\n    runs-on: x\n    outputs:\n"
        "      written: ghcr.io/acme/a:${{ github.sha }}\n"
        "      pushed: ${{ steps.push.outputs.imageid }}\n"
        "      other: ${{ steps.x.outputs.y }}\n"
        "    steps:\n      - id: push\n        uses: docker/build-push-action@v6\n"
        "        with:\n          tags: ghcr.io/acme/b:1.0\n"
    )
    src = SourceFile("w.yml", text)
    wf = build_workflow(src, load_yaml(src))
    assert image_from_job_output(wf, "${{ needs.build.outputs.written }}") == "ghcr.io/acme/a:${{ github.sha }}"
    assert image_from_job_output(wf, "${{ needs.build.outputs.pushed }}") == "ghcr.io/acme/b:1.0"
    assert image_from_job_output(wf, "${{ needs.build.outputs.other }}") is None
    assert image_from_job_output(wf, "${{ needs.nope.outputs.written }}") is None
    assert image_from_job_output(wf, "alpine:3") is None
