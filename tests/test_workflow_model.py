"""sentra_lint.workflow.model: triggers, permissions, jobs, steps, containers."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sentra_lint.source import SourceFile
from sentra_lint.workflow.model import Workflow, build_workflow, parse_uses
from sentra_lint.yamlmodel import MapNode, ScalarNode, SeqNode, load_yaml


def wf(text: str, *, is_action: bool = False) -> Workflow:
    src = SourceFile("w.yml", text)
    return build_workflow(src, load_yaml(src), is_action=is_action)


FULL = """\
name: CI
on:
  push:
    branches: [main]
  pull_request_target:
  workflow_dispatch: {}
permissions:
  contents: read
env:
  GLOBAL: 1
defaults:
  run:
    shell: bash
jobs:
  build:
    name: Build it
    runs-on: [self-hosted, linux]
    timeout-minutes: 10
    if: github.event_name == 'push'
    needs: [lint]
    permissions: write-all
    strategy:
      matrix:
        os: [a, b]
    env:
      JOB: x
    container:
      image: node:20
      options: >-
        --cpus 2
        --privileged
      env:
        TOKEN: ${{ secrets.TOKEN }}
      volumes:
        - /var/run/docker.sock:/var/run/docker.sock
      ports: [80]
      credentials:
        username: u
    services:
      redis:
        image: redis:7
        options: --health-cmd "redis-cli ping"
      short: postgres:16
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - name: Run
        id: r
        shell: bash
        env:
          T: ${{ github.event.issue.title }}
        run: |
          echo "$T"
          docker run --privileged alpine
        working-directory: sub
      - uses: docker://alpine@sha256:0123456789012345678901234567890123456789012345678901234567890123
  lint:
    runs-on: ubuntu-latest
    container: python:3.12
    steps: []
  call:
    uses: org/repo/.github/workflows/w.yml@0123456789abcdef0123456789abcdef01234567
    with:
      x: 1
    secrets: inherit
"""


def test_full_workflow() -> None:
    w = wf(FULL)
    assert w.problems == ()
    assert w.name == "CI"
    assert [t.name for t in w.triggers] == ["push", "pull_request_target", "workflow_dispatch"]
    assert w.trigger("pull_request_target") is not None
    assert w.trigger("pull_request_target").config is None  # type: ignore[union-attr]
    push = w.trigger("push")
    assert push is not None and isinstance(push.config_map, MapNode)
    assert push.span.line == 3 and push.span.column == 3
    assert "workflow_dispatch" in w.trigger_names
    assert w.permissions is not None and w.permissions.scope("contents") == "read"
    assert w.permissions.key_span.line == 7
    assert w.env is not None and w.defaults is not None
    assert [j.id for j in w.jobs] == ["build", "lint", "call"]

    build = w.jobs[0]
    assert build.name == "Build it"
    assert build.id_span.line == 15 and build.id_span.column == 3
    assert [n.value for n in build.runs_on_labels()] == ["self-hosted", "linux"]
    assert build.permissions is not None and build.permissions.is_write_all
    assert build.needs == ("lint",)
    assert isinstance(build.timeout_minutes, ScalarNode)
    assert isinstance(build.strategy, MapNode)
    assert build.env is not None and "JOB" in build.env

    c = build.container
    assert c is not None and not c.short
    assert c.image_text == "node:20"
    assert c.options is not None and c.options.value == "--cpus 2 --privileged"
    assert c.env is not None and c.volumes is not None and c.ports is not None
    assert c.credentials is not None
    assert c.span.line == 27
    src = w.source
    i = c.options.value.index("--privileged")
    flag = c.options.value_span(src, i, i + 12)
    assert (flag.line, flag.column) == (31, 9)

    assert [s.id for s in build.services] == ["redis", "short"]
    assert build.services[0].container.options is not None
    assert build.services[1].container.short
    assert build.services[1].container.image_text == "postgres:16"

    s0, s1, s2 = build.steps
    assert s0.uses == "actions/checkout@v4" and s0.uses_span is not None
    assert s0.uses_span.line == 45 and s0.uses_span.column == 15
    assert s0.input("persist-credentials") is not None
    assert s0.label == "actions/checkout@v4"
    assert s1.name == "Run" and s1.id == "r" and s1.shell is not None
    assert s1.run is not None and s1.run.style == "|"
    j = s1.run.value.index("--privileged")
    assert s1.run.value_span(src, j, j + 12).line == 55
    assert s1.env is not None and s1.working_directory is not None
    assert s1.span.line == 48 and s1.index == 1
    assert s2.uses_ref is not None and s2.uses_ref.kind == "docker"

    lint = w.job("lint")
    assert lint is not None and lint.container is not None and lint.container.short
    assert lint.steps == ()
    call = w.job("call")
    assert call is not None and call.is_reusable_call
    assert call.uses_ref is not None and call.uses_ref.is_reusable_workflow
    assert call.uses_ref.pinned_to_sha
    assert isinstance(call.secrets, ScalarNode) and call.secrets.value == "inherit"
    assert call.with_ is not None
    assert [(j.id if j else None, s.index) for j, s in w.iter_steps()] == [
        ("build", 0),
        ("build", 1),
        ("build", 2),
    ]


@pytest.mark.parametrize(
    ("on", "names"),
    [
        ("on: push", ["push"]),
        ("on: [push, pull_request]", ["push", "pull_request"]),
        ("on:\n  - push\n  - issues", ["push", "issues"]),
        ("on:\n  push:\n  issues:\n    types: [opened]", ["push", "issues"]),
        ('"on": push', ["push"]),
        ("on:", []),
        ("on: 5", ["5"]),
        ("on: {}", []),
        ("on: [[x], push]", ["push"]),
    ],
)
def test_trigger_forms(on: str, names: list[str]) -> None:
    w = wf(on + "\njobs: {}\n")
    assert [t.name for t in w.triggers] == names


def test_permissions_forms() -> None:
    assert wf("permissions: read-all\n").permissions.level == "read-all"  # type: ignore[union-attr]
    empty = wf("permissions: {}\n").permissions
    assert empty is not None and empty.is_empty
    scoped = wf("permissions:\n  issues: write\n  contents: read\n").permissions
    assert scoped is not None
    assert [(n, lvl) for n, lvl, _, _ in scoped.scopes()] == [
        ("issues", "write"),
        ("contents", "read"),
    ]
    assert wf("on: push\n").permissions is None


def test_wrong_types_are_tolerated() -> None:
    text = """\
on: push
permissions: [x]
env: [a, b]
jobs:
  a: [1, 2]
  b: just text
  c:
    runs-on: ubuntu-latest
    container: [x]
    services: [redis]
    env: "${{ fromJSON(inputs.env) }}"
    steps:
      - run: echo ok
      - just a string
      - 42
      -
      - uses: [x]
        with: [y]
        run: {a: 1}
  d:
    steps: {x: 1}
  e:
    steps: ${{ fromJSON(x) }}
"""
    w = wf(text)
    assert [j.id for j in w.jobs] == ["c", "d", "e"]
    c = w.jobs[0]
    assert c.container is None and c.services == () and c.env is None
    assert [s.index for s in c.steps] == [0, 4]
    assert c.steps[1].uses is None and c.steps[1].run is None and c.steps[1].with_ is None
    assert w.env is None
    messages = [p.message for p in w.problems]
    assert messages == [
        "jobs.a must be a mapping, found a sequence",
        "jobs.b must be a mapping, found the scalar 'just text'",
        "jobs.c.steps[1] must be a mapping, found the scalar 'just a string'",
        "jobs.c.steps[2] must be a mapping, found the scalar '42'",
        "jobs.d.steps must be a sequence, found a mapping",
    ]
    assert w.problems[0].span.line == 5


@pytest.mark.parametrize("text", ["", "[1, 2]\n", "just a string\n", "jobs: [a]\n", "jobs: 3\n"])
def test_odd_roots(text: str) -> None:
    w = wf(text)
    assert w.jobs == ()


def test_top_level_not_a_mapping_is_a_problem() -> None:
    w = wf("- a\n- b\n")
    assert w.root is None
    assert "must be a mapping at the top level" in w.problems[0].message


def test_composite_action() -> None:
    text = """\
name: My action
inputs:
  token:
    required: true
runs:
  using: composite
  steps:
    - run: echo "${{ inputs.token }}"
      shell: bash
    - uses: actions/setup-python@v5
"""
    w = wf(text, is_action=True)
    assert w.is_action and w.action_runs_using == "composite"
    assert w.action_inputs is not None and "token" in w.action_inputs
    assert len(w.action_steps) == 2 and w.jobs == ()
    assert [(j, s.index) for j, s in w.iter_steps()] == [(None, 0), (None, 1)]


def test_docker_action() -> None:
    w = wf("runs:\n  using: docker\n  image: Dockerfile\n", is_action=True)
    assert w.action_runs_using == "docker"
    assert w.action_runs is not None and w.action_steps == ()


def test_anchors_in_workflow() -> None:
    text = """\
on: push
x-steps: &steps
  - run: echo a
jobs:
  a:
    runs-on: ubuntu-latest
    env: &env {A: 1}
    steps: *steps
  b:
    runs-on: ubuntu-latest
    env:
      <<: *env
      B: 2
    steps: *steps
"""
    w = wf(text)
    a, b = w.jobs
    assert a.steps[0].run is not None and a.steps[0].run is b.steps[0].run
    assert b.env is not None and b.env.keys() == ["B", "A"]


def test_runs_on_group_form() -> None:
    w = wf("jobs:\n  a:\n    runs-on:\n      group: g\n      labels: [self-hosted, gpu]\n")
    assert [n.value for n in w.jobs[0].runs_on_labels()] == ["self-hosted", "gpu"]
    w = wf("jobs:\n  a:\n    runs-on: ${{ matrix.os }}\n")
    assert [n.value for n in w.jobs[0].runs_on_labels()] == ["${{ matrix.os }}"]


@pytest.mark.parametrize(
    ("raw", "kind", "slug", "path", "ref", "sha"),
    [
        ("actions/checkout@v4", "repository", "actions/checkout", None, "v4", False),
        ("Org/Repo/sub/dir@" + "a" * 40, "repository", "org/repo", "sub/dir", "a" * 40, True),
        ("./local/action", "local", None, "./local/action", None, False),
        ("docker://alpine:3", "docker", None, None, None, False),
        ("${{ matrix.action }}", "unknown", None, None, None, False),
        ("actions/checkout", "unknown", None, None, None, False),
        ("noslash@v1", "unknown", None, None, "v1", False),
    ],
)
def test_parse_uses(
    raw: str, kind: str, slug: str | None, path: str | None, ref: str | None, sha: bool
) -> None:
    u = parse_uses(raw)
    assert (u.kind, u.slug, u.path, u.ref, u.pinned_to_sha) == (kind, slug, path, ref, sha)


def test_nodes_are_shared_with_the_document() -> None:
    src = SourceFile("w.yml", FULL)
    doc = load_yaml(src)
    w = build_workflow(src, doc)
    assert w.root is doc.root
    assert isinstance(w.jobs[0].container.volumes, SeqNode)  # type: ignore[union-attr]


# ---------------------------------------------------------------------------
# The real-world corpus: every workflow loads and models without an exception.

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "workflows"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not available")
def test_corpus_workflows_load(capsys: pytest.CaptureFixture[str]) -> None:
    from sentra_lint.io import Skip, read_source
    from sentra_lint.source import Kind
    from sentra_lint.yamlmodel import walk

    files = sorted(CORPUS.iterdir())
    assert len(files) > 2000
    stats = {
        "files": 0,
        "skipped": 0,
        "yaml_problems": 0,
        "model_problems": 0,
        "jobs": 0,
        "steps": 0,
    }
    inexact = []
    load_time = 0.0
    for path in files:
        try:
            src = read_source(path, path.name, Kind.WORKFLOW)
        except Skip:
            stats["skipped"] += 1
            continue
        stats["files"] += 1
        t0 = time.perf_counter()
        doc = load_yaml(src)
        load_time += time.perf_counter() - t0
        stats["yaml_problems"] += bool(doc.problems)
        w = build_workflow(src, doc, is_action=path.name.endswith(("action.yml", "action.yaml")))
        stats["model_problems"] += bool(w.problems)
        stats["jobs"] += len(w.jobs)
        stats["steps"] += sum(1 for _ in w.iter_steps())
        if doc.root is not None:
            for node in walk(doc.root):
                if isinstance(node, ScalarNode) and not node.value_map(src).exact:
                    inexact.append((path.name, node))
    per_file_ms = 1000 * load_time / max(stats["files"], 1)
    with capsys.disabled():
        print(f"\nworkflow corpus: {stats}, load {per_file_ms:.2f} ms/file")
    assert inexact == []
    assert per_file_ms < 10


SHELLS = """\
on: push
defaults:
  run:
    shell: pwsh
jobs:
  a:
    runs-on: ubuntu-latest
    defaults:
      run:
        shell:
    steps:
      - run: echo one
      - run: echo two
        shell: Bash
      - run: echo three
        shell: "   "
      - run: echo four
        shell: /usr/bin/bash -e {0}
      - uses: actions/checkout@v4
      - name: nothing
  b:
    uses: org/repo/.github/workflows/x.yml@main
"""


def test_step_facts_one_shell_definition() -> None:
    w = wf(SHELLS)
    steps = w.jobs[0].steps
    # A null job default does not hide the workflow's; case and directories do not matter.
    assert [s.shell_name for s in steps[:4]] == ["pwsh", "bash", "pwsh", "bash"]
    assert [s.is_posix for s in steps[:4]] == [False, True, False, True]
    assert steps[0].script is None
    script = steps[1].script
    assert script is not None and [c.name for c in script.commands] == ["echo"]
    assert steps[1].script is script  # parsed once
    assert [s.kind.value for s in steps] == ["script"] * 4 + ["action", "other"]
    assert [j.kind.value for j in w.jobs] == ["steps", "reusable-call"]


PARALLEL = """\
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - parallel:
          - name: db
            run: docker run --rm postgres:16
            background: true
          - run: echo building
      - wait-all: true
      - cancel: db
      - weird-key: ignored
        run: echo ok
"""


def test_parallel_blocks_hold_steps_and_wait_cancel_are_neither() -> None:
    w = wf(PARALLEL)
    steps = w.jobs[0].steps
    assert [s.kind.value for s in steps] == ["action", "script", "script", "wait", "cancel", "script"]
    assert [s.group for s in steps] == [None, 0, 1, None, None, None]
    assert steps[1].background and steps[1].in_parallel and steps[1].index == 1
    assert steps[2].label == "step 2.2"
    assert not w.problems


def test_a_background_step_in_a_parallel_block_is_a_launch() -> None:
    from sentra_lint.container.adapters import specs_from_workflow

    specs, _problems = specs_from_workflow(wf(PARALLEL))
    assert [s.image.value.raw if s.image.value else None for s in specs] == ["postgres:16"]
