"""Adapters: every container launch in a file, as a ContainerSpec.

One function per source kind, each returning ``(specs, problems)``:

* workflows and composite actions: a job's ``container:``, its
  ``services:``, and every ``docker run|create`` in a ``run:`` step (and in
  a repository script that a step runs, such as ``run: ./scripts/agent.sh``);
* Compose services (``compose_adapter``);
* dev containers (``runArgs`` and the JSON properties).

Steps of a container job run inside the container, so the job's and the
steps' ``env`` count as the container's environment.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sentra_lint.container.flags import tokens_from_words
from sentra_lint.container.from_argv import spec_from_docker_words, spec_from_options_text
from sentra_lint.container.spec import ContainerSpec, Field, SpecBuilder, has_expansion
from sentra_lint.images import ImageRef, parse_image_ref
from sentra_lint.source import SourceFile
from sentra_lint.yamlmodel import MapNode, ParseProblem, ScalarNode, SeqNode

# Shells whose scripts we read as POSIX shell.
_POSIX_SHELLS = ("bash", "sh", "dash", "zsh", "ksh")
_SCRIPT_MAX_BYTES = 1024 * 1024


def _image_field(src: SourceFile, node: ScalarNode | None) -> Field[ImageRef]:
    if node is None or node.is_null:
        return Field()
    text = node.value
    return Field(parse_image_ref(text), node.span(src), not has_expansion(text), text)


def _problems(specs: list[ContainerSpec]) -> list[ParseProblem]:
    out: list[ParseProblem] = []
    for spec in specs:
        for p in spec.problems:
            if p.message.startswith(("unterminated", "unbalanced", "no closing")):
                out.append(ParseProblem(p.span or spec.anchor_span, f"{spec.label}: {p.message}"))
    return out


def _env_entries(b: SpecBuilder, src: SourceFile, env: MapNode | None) -> None:
    if env is None:
        return
    for key, value in env.pairs():
        if not isinstance(key, ScalarNode):
            continue
        text = value.value if isinstance(value, ScalarNode) and not value.is_null else None
        known = text is None or not has_expansion(text)
        b.add_env_pair(key.value, text, key.span(src), known)


def _container_spec(wf: Any, job: Any, cont: Any, kind: str, label: str) -> ContainerSpec:
    src: SourceFile = wf.source
    node = cont.node
    options_key = node.key_node("options") if isinstance(node, MapNode) else None
    anchor = options_key.span(src) if options_key is not None else cont.span
    image = _image_field(src, cont.image)
    whole_expression = cont.short and cont.image is not None and has_expansion(cont.image.value) and \
        cont.image.value.strip().startswith("${{") and cont.image.value.strip().endswith("}}")
    opts = cont.options
    if opts is not None and not opts.is_null and isinstance(opts, ScalarNode):
        vmap = opts.value_map(src)
        spec = spec_from_options_text(
            opts.value,
            source_kind=kind,  # type: ignore[arg-type]
            anchor_span=anchor,
            label=label,
            path=src.path,
            to_span=lambda i, j: vmap.span(src, i, j),
            options_span=opts.span(src),
            image=image,
        )
        b = _rebuild(spec)
    else:
        b = SpecBuilder(kind, label, src.path, anchor, None)  # type: ignore[arg-type]
        b.image = image
        if whole_expression or (isinstance(node, ScalarNode) and has_expansion(node.value)):
            # `container: ${{ matrix.container }}` may carry any options at all.
            b.unknown_options = True
        elif opts is not None and not isinstance(opts, ScalarNode):
            b.unknown_options = True
    _env_entries(b, src, cont.env)
    if kind == "workflow-container":
        _env_entries(b, src, job.env)
        for step in job.steps:
            _env_entries(b, src, step.env)
    if isinstance(cont.volumes, SeqNode):
        for item in cont.volumes.items:
            if isinstance(item, ScalarNode) and not item.is_null:
                b.add_volume(item.value, item.span(src), not has_expansion(item.value))
    return b.build()


def _rebuild(spec: ContainerSpec) -> SpecBuilder:
    """A builder holding an already-built spec, to add env and volumes to it."""
    b = SpecBuilder(spec.source_kind, spec.label, spec.path, spec.anchor_span, spec.options_span)
    for name in (
        "image", "user", "privileged", "no_new_privileges", "read_only", "memory", "memory_swap",
        "memory_reservation", "cpus", "cpu_quota", "cpu_period", "pids_limit", "oom_kill_disable",
        "runtime", "gpus", "use_api_socket", "workdir", "entrypoint", "unknown_options",
    ):
        setattr(b, name, getattr(spec, name))
    for name in ("cap_drop", "cap_add", "tmpfs", "volumes", "volumes_from", "security_opts",
                 "devices", "env", "env_files", "unknown_flags", "problems"):
        setattr(b, name, list(getattr(spec, name)))
    ns = spec.namespaces
    b.network, b.pid, b.ipc, b.uts, b.userns, b.cgroupns = (
        ns.network, ns.pid, ns.ipc, ns.uts, ns.userns, ns.cgroupns)
    return b


def _step_shell(job: Any, step: Any, wf: Any) -> str:
    shell = step.shell.value if step.shell is not None and isinstance(step.shell, ScalarNode) else None
    if shell is None:
        for defaults in (getattr(job, "defaults", None), wf.defaults):
            run = defaults.get("run") if isinstance(defaults, MapNode) else None
            sh = run.get("shell") if isinstance(run, MapNode) else None
            if isinstance(sh, ScalarNode):
                shell = sh.value
                break
    return (shell or "bash").split()[0].rsplit("/", 1)[-1] if shell else "bash"


def docker_run_specs(script_text: str, base_label: str, path: str, to_span: Any) -> list[ContainerSpec]:
    """Every ``docker run|create`` in a shell script, as specs."""
    if "docker" not in script_text and "podman" not in script_text:
        return []
    from sentra_lint.shell import parse_shell

    script = parse_shell(script_text)
    specs: list[ContainerSpec] = []
    for cmd in script.commands:
        if not cmd.argv or cmd.name not in ("docker", "podman"):
            continue
        tokens = tokens_from_words(cmd.argv)
        spec = spec_from_docker_words(tokens, label=base_label, path=path, to_span=to_span)
        if spec is not None:
            specs.append(spec)
    return specs


def _script_paths(script: Any) -> Iterator[str]:
    """Repository scripts a step runs: ``./x.sh``, ``bash x.sh``, ``sh scripts/x``."""
    for cmd in script.commands:
        argv = cmd.argv
        if not argv:
            continue
        first = argv[0]
        if first.literal and (first.text.startswith("./") or first.text.endswith(".sh")) and "/" in first.text:
            yield first.text
        elif cmd.name in _POSIX_SHELLS and len(argv) > 1:
            arg = argv[1]
            if arg.literal and not arg.text.startswith("-") and (arg.text.endswith(".sh") or "/" in arg.text):
                yield arg.text


def _repo_root(workflow_path: str) -> Path | None:
    p = Path(workflow_path)
    parts = p.parts
    if ".github" in parts:
        idx = len(parts) - 1 - parts[::-1].index(".github")
        return Path(*parts[:idx]) if idx else Path(".")
    return None


def _script_specs(wf: Any, run_text: str, label: str, seen: set[str]) -> list[ContainerSpec]:
    from sentra_lint import io as sio
    from sentra_lint.shell import parse_shell

    root = _repo_root(wf.source.path)
    if root is None:
        return []
    script = parse_shell(run_text)
    specs: list[ContainerSpec] = []
    root_real = os.path.realpath(root)
    for rel in _script_paths(script):
        candidate = (root / rel).resolve()
        real = str(candidate)
        if real in seen or not (real == root_real or real.startswith(root_real + os.sep)):
            continue
        seen.add(real)
        try:
            if not candidate.is_file() or candidate.stat().st_size > _SCRIPT_MAX_BYTES:
                continue
            data = candidate.read_bytes()
            text = sio.decode(data)
        except (OSError, sio.Skip):
            continue
        from sentra_lint.source import normalise_newlines

        display = sio.display_path(candidate)
        script_src = SourceFile(path=display, text=normalise_newlines(text))
        specs.extend(
            docker_run_specs(script_src.text, f"{label} (script {display})", display,
                             lambda i, j, s=script_src: s.span(i, j))
        )
    return specs


def specs_from_workflow(wf: Any) -> tuple[list[ContainerSpec], list[ParseProblem]]:
    src: SourceFile = wf.source
    specs: list[ContainerSpec] = []
    seen_scripts: set[str] = set()
    for job in wf.jobs:
        if job.container is not None:
            specs.append(_container_spec(wf, job, job.container, "workflow-container",
                                         f"job '{job.id}' container"))
        for svc in job.services:
            specs.append(_container_spec(wf, job, svc.container, "workflow-service",
                                         f"service '{svc.id}' of job '{job.id}'"))
    for job, step in wf.iter_steps():
        run = step.run
        if not isinstance(run, ScalarNode) or run.is_null:
            continue
        if _step_shell(job, step, wf) not in _POSIX_SHELLS:
            continue
        where = f"job '{job.id}'" if job is not None else "action"
        label = f"docker run in {where}, step '{step.label}'"
        vmap = run.value_map(src)
        specs.extend(docker_run_specs(run.value, label, src.path, lambda i, j, m=vmap: m.span(src, i, j)))
        specs.extend(_script_specs(wf, run.value, label, seen_scripts))
    return specs, _problems(specs)

