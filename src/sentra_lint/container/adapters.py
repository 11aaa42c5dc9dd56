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

import dataclasses
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from sentra_lint._lazy_re import lazy_compile
from sentra_lint.container.flags import Token, tokens_from_words
from sentra_lint.container.from_argv import (
    spec_from_docker_words,
    spec_from_options_text,
    spec_from_tokens,
)
from sentra_lint.container.sizes import (
    parse_bytes,
    parse_cpus,
    parse_int,
    parse_memory,
    parse_memory_swap,
    parse_pids_limit,
)
from sentra_lint.container.spec import (
    ContainerSpec,
    EnvVar,
    Field,
    FixSite,
    SpecBuilder,
    TmpfsMount,
    VolumeMount,
    has_expansion,
    is_workspace_source,
    user_is_root,
    value_from_secret,
)
from sentra_lint.images import ImageRef, parse_image_ref
from sentra_lint.shell.commands import CommandText
from sentra_lint.source import SourceFile, Span
from sentra_lint.yamlmodel import MapNode, Node, ParseProblem, ScalarNode, SeqNode, as_bool

_N = TypeVar("_N")

# Shells whose scripts we read as POSIX shell.
_POSIX_SHELLS = ("bash", "sh", "dash", "zsh", "ksh")
_SCRIPT_MAX_BYTES = 1024 * 1024
# Commands whose ``run`` starts a container (``docker-compose run`` included).
_CONTAINER_TOOLS = ("docker", "podman", "nerdctl", "docker-compose")


_DOCKER_SCHEME = "docker://"


def _image_field(src: SourceFile, node: ScalarNode | None) -> Field[ImageRef]:
    if node is None or node.is_null:
        return Field()
    text = node.value
    # ``container: docker://image`` is the image (the runner strips the scheme).
    name = text.strip()
    name = name[len(_DOCKER_SCHEME) :] if name.startswith(_DOCKER_SCHEME) else text
    return Field(parse_image_ref(name), node.span(src), not has_expansion(text), text)


# Actions that start a container from their inputs: ``options`` are
# ``docker run`` options, ``image`` the image.
_RUN_ACTIONS = frozenset({"addnab/docker-run-action"})


def _action_launch(src: SourceFile, job: Any, step: Any) -> ContainerSpec | None:
    """The launch of a ``uses: docker://image`` step or a docker-run action step."""
    ref = step.uses_ref
    if ref is None or step.uses_node is None:
        return None
    where = f"job '{job.id}'" if job is not None else "action"
    if ref.kind == "docker" and ref.image:
        # A step container: GitHub starts it with its own fixed flags, nothing
        # to add here; only what is written (the image) is judged.
        label = f"step container in {where}, step '{step.label}'"
        b = SpecBuilder("docker-run", label, src.path, step.uses_node.span(src), None)
        b.image = _image_field(src, step.uses_node)
        b.unknown_options = True
        return b.build()
    if ref.slug not in _RUN_ACTIONS:
        return None
    label = f"{ref.slug} in {where}, step '{step.label}'"
    image_node = step.input("image")
    image = _image_field(src, image_node if isinstance(image_node, ScalarNode) else None)
    opts = step.input("options")
    with_ = step.with_
    key = with_.key_node("options") if isinstance(with_, MapNode) and opts is not None else None
    anchor = key.span(src) if key is not None else step.uses_node.span(src)
    if isinstance(opts, ScalarNode) and not opts.is_null:
        vmap = opts.value_map(src)
        return spec_from_options_text(
            opts.value,
            source_kind="docker-run",
            anchor_span=anchor,
            label=label,
            path=src.path,
            to_span=lambda i, j: vmap.span(src, i, j),
            options_span=opts.span(src),
            image=image,
        )
    b = SpecBuilder("docker-run", label, src.path, anchor, None)
    b.image = image
    if opts is not None:
        b.unknown_options = True
    return b.build()


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


_NEEDS_OUTPUT = lazy_compile(r"\s*\$\{\{\s*needs\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}\s*")
_STEP_OUTPUT = lazy_compile(r"\s*\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}\s*")


def _first_line(node: Node | None) -> str | None:
    if isinstance(node, ScalarNode) and not node.is_null:
        for line in re.split(r"[\n,]+", node.value):
            if line.strip():
                return line.strip()
    if isinstance(node, SeqNode) and node.items and isinstance(node.items[0], ScalarNode):
        return node.items[0].value.strip() or None
    return None


def image_from_job_output(wf: Any, text: str) -> str | None:
    """What ``${{ needs.build.outputs.image }}`` names: the image the ``build``
    job's output holds, as the cross-file rules compare it (a repository with
    an unknown tag), or ``None`` when it cannot be told.

    The output may be written out (``ghcr.io/acme/agent:${{ github.sha }}``),
    or be a docker/metadata-action's ``tags``/``version`` or a
    docker/build-push-action's ``imageid``/``digest`` output.
    """
    m = _NEEDS_OUTPUT.fullmatch(text)
    if m is None:
        return None
    job = next((j for j in wf.jobs if j.id == m.group(1)), None)
    if job is None:
        return None
    outputs = job.node.get("outputs") if isinstance(job.node, MapNode) else None
    value = outputs.get(m.group(2)) if isinstance(outputs, MapNode) else None
    if not isinstance(value, ScalarNode) or value.is_null:
        return None
    step_ref = _STEP_OUTPUT.fullmatch(value.value)
    if step_ref is None:
        written = value.value.strip()
        return written if not written.startswith("${{") else None
    step = next((st for st in job.steps if st.id == step_ref.group(1)), None)
    ref = step.uses_ref if step is not None else None
    if step is None or ref is None:
        return None
    if ref.slug == "docker/metadata-action":
        name = _first_line(step.input("images"))
        if name is not None:
            name = name.removeprefix("name=").split(",")[0].strip()
            return f"{name}:{text.strip()}" if name else None
    if ref.slug == "docker/build-push-action":
        return _first_line(step.input("tags"))
    return None


def _container_spec(wf: Any, job: Any, cont: Any, kind: str, label: str) -> ContainerSpec:
    src: SourceFile = wf.source
    node = cont.node
    options_key = node.key_node("options") if isinstance(node, MapNode) else None
    anchor = options_key.span(src) if options_key is not None else cont.span
    image = _image_field(src, cont.image)
    if cont.image is not None and image.raw is not None:
        built = image_from_job_output(wf, image.raw)
        if built is not None:
            # Built by an earlier job of this workflow: a local image for the
            # pinning rules, and a name the cross-file rules can link.
            image = Field(parse_image_ref(built), image.span, False, built)
    whole_expression = (
        cont.short
        and cont.image is not None
        and has_expansion(cont.image.value)
        and cont.image.value.strip().startswith("${{")
        and cont.image.value.strip().endswith("}}")
    )
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
    site: FixSite | None = None
    if isinstance(opts, ScalarNode) and not opts.is_null:
        site = FixSite(src, opts)
    elif opts is None and isinstance(node, MapNode) and not node.flow:
        site = FixSite(src, node)
    b.fix_site = site
    b.job = job.id if job is not None else None
    return b.build()


_MATRIX_REF = lazy_compile(r"\s*\$\{\{\s*matrix\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}\s*")
MAX_MATRIX_LAUNCHES = 64
"""More combinations than this are not expanded: the launch stays unknown."""


def _matrix_values(job: Any, node: ScalarNode | None) -> tuple[str, list[ScalarNode]] | None:
    """``(name, values)`` when ``node`` is exactly ``${{ matrix.name }}`` and the
    job's matrix lists only literal strings for it (``include:`` entries too)."""
    if node is None or node.is_null:
        return None
    m = _MATRIX_REF.fullmatch(node.value)
    strategy = getattr(job, "strategy", None)
    matrix = strategy.get("matrix") if m and isinstance(strategy, MapNode) else None
    if m is None or not isinstance(matrix, MapNode):
        return None
    name = m.group(1)
    values: list[ScalarNode] = []
    listed = matrix.get(name)
    if isinstance(listed, SeqNode):
        values.extend(listed.items)  # type: ignore[arg-type]
    elif listed is not None:
        return None  # an expression (fromJSON(...)): unknown
    include = matrix.get("include")
    if isinstance(include, SeqNode):
        for entry in include.items:
            value = entry.get(name) if isinstance(entry, MapNode) else None
            if value is not None:
                values.append(value)  # type: ignore[arg-type]
    elif include is not None:
        return None
    if not values or not all(
        isinstance(v, ScalarNode) and not v.is_null and not has_expansion(v.value) for v in values
    ):
        return None
    return name, values


def _matrix_specs(wf: Any, job: Any, cont: Any, kind: str, label: str) -> list[ContainerSpec]:
    """The launch, once per literal matrix value its ``options`` or ``image`` is.

    ``options: ${{ matrix.opts }}`` with ``opts: ["--privileged", ""]`` is two
    launches; each is judged on the matrix entry's own words, and its findings
    point back at where the launch uses the matrix.
    """
    src: SourceFile = wf.source
    opts = _matrix_values(job, cont.options)
    image = _matrix_values(job, cont.image)
    if opts is None and image is None:
        return [_container_spec(wf, job, cont, kind, label)]
    opt_values: list[ScalarNode | None] = list(opts[1]) if opts else [None]
    image_values: list[ScalarNode | None] = list(image[1]) if image else [None]
    if len(opt_values) * len(image_values) > MAX_MATRIX_LAUNCHES:
        return [_container_spec(wf, job, cont, kind, label)]
    out: list[ContainerSpec] = []
    for opt_node in opt_values:
        for image_node in image_values:
            variant = cont
            parts: list[str] = []
            related: list[tuple[Span, str]] = []
            if opt_node is not None and opts is not None and cont.options is not None:
                variant = dataclasses.replace(variant, options=opt_node)
                parts.append(f"{opts[0]}={opt_node.value!r}")
                related.append((cont.options.span(src), f"options: come from matrix.{opts[0]}"))
            if image_node is not None and image is not None and cont.image is not None:
                variant = dataclasses.replace(variant, image=image_node)
                if cont.short:
                    variant = dataclasses.replace(variant, node=image_node)
                parts.append(f"{image[0]}={image_node.value}")
                related.append((cont.image.span(src), f"the image comes from matrix.{image[0]}"))
            spec = _container_spec(wf, job, variant, kind, f"{label} (matrix {', '.join(parts)})")
            out.append(dataclasses.replace(spec, related=tuple(related)))
    return out


def _rebuild(spec: ContainerSpec) -> SpecBuilder:
    """A builder holding an already-built spec, to add env and volumes to it."""
    b = SpecBuilder(spec.source_kind, spec.label, spec.path, spec.anchor_span, spec.options_span)
    for name in (
        "image",
        "user",
        "privileged",
        "no_new_privileges",
        "read_only",
        "memory",
        "memory_swap",
        "memory_reservation",
        "cpus",
        "cpu_quota",
        "cpu_period",
        "pids_limit",
        "oom_kill_disable",
        "runtime",
        "gpus",
        "cpuset_cpus",
        "use_api_socket",
        "workdir",
        "entrypoint",
        "unknown_options",
        "job",
    ):
        setattr(b, name, getattr(spec, name))
    for name in (
        "cap_drop",
        "cap_add",
        "tmpfs",
        "volumes",
        "volumes_from",
        "security_opts",
        "devices",
        "device_cgroup_rules",
        "related",
        "env",
        "env_files",
        "unknown_flags",
        "problems",
        "command",
        "labels",
    ):
        setattr(b, name, list(getattr(spec, name)))
    ns = spec.namespaces
    b.network, b.pid, b.ipc, b.uts, b.userns, b.cgroupns = (
        ns.network,
        ns.pid,
        ns.ipc,
        ns.uts,
        ns.userns,
        ns.cgroupns,
    )
    return b


def docker_run_specs(
    script_text: str, base_label: str, path: str, to_span: Any
) -> list[ContainerSpec]:
    """Every ``docker run|create`` in a shell script, as specs."""
    if not any(tool in script_text for tool in _CONTAINER_TOOLS):
        return []
    from sentra_lint.shell import parse_shell

    script = parse_shell(script_text)
    specs: list[ContainerSpec] = []
    for cmd in script.commands:
        if not cmd.argv or cmd.name not in _CONTAINER_TOOLS:
            continue
        tokens = tokens_from_words(cmd.argv)
        spec = spec_from_docker_words(tokens, label=base_label, path=path, to_span=to_span)
        if spec is not None:
            specs.append(spec)
    return specs


# What :func:`_script_paths` looks for, in the text: a ``./`` or ``.sh`` path, or a shell
# command word (``bash scripts/x``).
_MAY_RUN_SCRIPT = lazy_compile(r"\./|\.sh|(?<![\w-])(?:" + "|".join(_POSIX_SHELLS) + r")(?![\w-])")


def may_run_scripts(script: str) -> bool:
    """Whether ``script`` can run a repository script (else :func:`_script_paths` finds none)."""
    return _MAY_RUN_SCRIPT.search(script) is not None


def _script_paths(script: Any) -> Iterator[str]:
    """Repository scripts a step runs: ``./x.sh``, ``bash x.sh``, ``sh scripts/x``."""
    for cmd in script.commands:
        argv = cmd.argv
        if not argv:
            continue
        first = argv[0]
        if (
            first.literal
            and (first.text.startswith("./") or first.text.endswith(".sh"))
            and "/" in first.text
        ):
            yield first.text
        elif cmd.name in _POSIX_SHELLS and len(argv) > 1:
            arg = argv[1]
            if (
                arg.literal
                and not arg.text.startswith("-")
                and (arg.text.endswith(".sh") or "/" in arg.text)
            ):
                yield arg.text


def _repo_root(workflow_path: str) -> Path | None:
    p = Path(workflow_path)
    parts = p.parts
    if ".github" in parts:
        idx = len(parts) - 1 - parts[::-1].index(".github")
        return Path(*parts[:idx]) if idx else Path(".")
    return None


def read_step_scripts(wf: Any, run_text: str, seen: set[str] | None = None) -> list[SourceFile]:
    """The repository scripts a ``run:`` script runs (``./x.sh``, ``bash scripts/x``), read.

    Scripts outside the repository, missing, too large or not text are left
    out; ``seen`` (real paths) keeps a script from being read twice.
    """
    from sentra_lint import io as sio
    from sentra_lint.shell import parse_shell
    from sentra_lint.source import normalise_newlines

    root = _repo_root(wf.source.path)
    if root is None or not may_run_scripts(run_text):
        return []
    if seen is None:
        seen = set()
    script = parse_shell(run_text)
    out: list[SourceFile] = []
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
        display = sio.display_path(candidate)
        out.append(SourceFile(path=display, text=normalise_newlines(text)))
    return out


def _script_specs(wf: Any, run_text: str, label: str, seen: set[str]) -> list[ContainerSpec]:
    specs: list[ContainerSpec] = []
    for script_src in read_step_scripts(wf, run_text, seen):
        display = script_src.path
        specs.extend(
            docker_run_specs(
                script_src.text,
                f"{label} (script {display})",
                display,
                lambda i, j, s=script_src: s.span(i, j),
            )
        )
    return specs


def _image_key(text: str) -> str | None:
    ref = parse_image_ref(text)
    if ref.unknown:
        return None
    return f"{ref.name}:{ref.tag or 'latest'}"


def _tags_from_build(argv: list[str]) -> Iterator[str]:
    """``-t``/``--tag`` of ``docker|podman [buildx|image] build``, and the target of ``docker tag``."""
    if len(argv) < 2 or argv[0].rsplit("/", 1)[-1] not in ("docker", "podman", "buildah"):
        return
    rest = argv[1:]
    if rest and rest[0] in ("buildx", "image"):
        rest = rest[1:]
    if rest and rest[0] == "tag" and len(rest) >= 3:
        yield rest[2]
        return
    if not rest or rest[0] not in ("build", "bud"):
        return
    for i, word in enumerate(rest):
        if word in ("-t", "--tag") and i + 1 < len(rest):
            yield rest[i + 1]
        elif word.startswith(("--tag=", "-t=")):
            yield word.partition("=")[2]
        elif word.startswith("-t") and len(word) > 2 and not word.startswith("--"):
            yield word[2:]


# The programs that build images (:func:`_tags_from_build`).
_BUILDERS = CommandText([("docker",), ("podman",), ("buildah",)])


def mentions_builder(script: str) -> bool:
    """Whether ``script`` names ``docker``, ``podman`` or ``buildah`` (else it builds no image)."""
    return _BUILDERS.may_hold(script)


def _built_images(wf: Any) -> frozenset[str]:
    """Images the workflow builds itself (``docker build -t``, ``docker tag``,
    ``docker/build-push-action`` tags): running one has no pinning or registry question."""
    found: set[str] = set()
    for _job, step in wf.iter_steps():
        run = step.run
        if (
            isinstance(run, ScalarNode)
            and not run.is_null
            and mentions_builder(run.value)
        ):
            from sentra_lint.shell import parse_shell

            for cmd in parse_shell(run.value).commands:
                if cmd.argv and all(w.literal for w in cmd.argv[:2]):
                    found.update(_tags_from_build([w.text for w in cmd.argv]))
        ref = step.uses_ref
        if ref is not None and ref.slug == "docker/build-push-action":
            tags = step.input("tags")
            if isinstance(tags, ScalarNode):
                found.update(tag for tag in re.split(r"[\s,]+", tags.value) if tag)
    return frozenset(k for k in (_image_key(t) for t in found) if k is not None)


_REPO_BUILT: dict[str, frozenset[str]] = {}
MAX_REPO_WORKFLOWS = 200


def repository_built_images(root: Path | None, skip: str | None = None) -> frozenset[str]:
    """Images the workflows of the repository at ``root`` build (``docker build -t``,
    ``docker/build-push-action`` tags): running one of them elsewhere in the
    repository (a Compose service, another workflow) runs the repository's own
    image, which has no pinning question. Read once per repository."""
    if root is None:
        return frozenset()
    key = str(root.resolve())
    cached = _REPO_BUILT.get(key)
    if cached is not None:
        return cached
    from sentra_lint import io as sio
    from sentra_lint.source import normalise_newlines
    from sentra_lint.workflow.model import build_workflow
    from sentra_lint.yamlmodel import load_yaml

    found: set[str] = set()
    folder = root / ".github" / "workflows"
    try:
        paths = sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml"))
    except OSError:
        paths = []
    for path in paths[:MAX_REPO_WORKFLOWS]:
        try:
            if path.stat().st_size > _SCRIPT_MAX_BYTES:
                continue
            text = normalise_newlines(sio.decode(path.read_bytes()))
        except (OSError, sio.Skip):
            continue
        if "build" not in text and "tag" not in text:
            continue
        src = SourceFile(str(path), text)
        doc = load_yaml(src)
        if doc.root is None:
            continue
        try:
            found.update(_built_images(build_workflow(src, doc)))
        except Exception:  # another file's oddity must not break this one
            continue
    result = frozenset(found)
    _REPO_BUILT[key] = result
    return result


def _mark_local_image(spec: ContainerSpec, built: frozenset[str]) -> ContainerSpec:
    """A locally built image (``localhost/…`` or built by this workflow) is not judged."""
    image = spec.image
    ref = image.value
    if not image.certain or ref is None or ref.unknown:
        return spec
    if ref.registry == "localhost" or (ref.digest is None and _image_key(ref.raw) in built):
        return dataclasses.replace(spec, image=Field(ref, image.span, False, image.raw))
    return spec


def _resolve_passthrough(
    spec: ContainerSpec, scopes: tuple[tuple[str, MapNode | None], ...]
) -> ContainerSpec:
    """``-e NAME`` hands the container the value ``NAME`` has where the command
    runs: the step's ``env:``, else the job's, else the workflow's."""
    if not any(ev.value is None and ev.name for ev in spec.env):
        return spec
    env: list[EnvVar] = []
    for ev in spec.env:
        if ev.value is None and ev.name:
            for where, scope in scopes:
                node = scope.get(ev.name) if isinstance(scope, MapNode) else None
                if isinstance(node, ScalarNode) and not node.is_null:
                    ev = dataclasses.replace(
                        ev,
                        value=node.value,
                        known=not has_expansion(node.value),
                        from_secret=value_from_secret(node.value),
                        via=where,
                    )
                    break
        env.append(ev)
    return dataclasses.replace(spec, env=tuple(env))


def specs_from_workflow(wf: Any) -> tuple[list[ContainerSpec], list[ParseProblem]]:
    src: SourceFile = wf.source
    specs: list[ContainerSpec] = []
    built = _built_images(wf) | repository_built_images(_repo_root(wf.source.path))
    seen_scripts: set[str] = set()
    for job in wf.jobs:
        if job.container is not None:
            specs.extend(
                _matrix_specs(
                    wf, job, job.container, "workflow-container", f"job '{job.id}' container"
                )
            )
        for svc in job.services:
            specs.extend(
                _matrix_specs(
                    wf,
                    job,
                    svc.container,
                    "workflow-service",
                    f"service '{svc.id}' of job '{job.id}'",
                )
            )
    for job, step in wf.iter_steps():
        if step.uses is not None:
            launch = _action_launch(src, job, step)
            if launch is not None:
                scopes = (
                    ("the step's env", step.env),
                    ("the job's env", getattr(job, "env", None)),
                    ("the workflow's env", wf.env),
                )
                specs.append(_mark_local_image(_resolve_passthrough(launch, scopes), built))
            continue
        run = step.run
        if not isinstance(run, ScalarNode) or run.is_null:
            continue
        if not step.is_posix:
            continue
        where = f"job '{job.id}'" if job is not None else "action"
        label = f"docker run in {where}, step '{step.label}'"
        vmap = run.value_map(src)
        job_id = job.id if job is not None else None
        step_specs = [
            dataclasses.replace(s, fix_site=FixSite(src, None, run.style), job=job_id)
            for s in docker_run_specs(
                run.value, label, src.path, lambda i, j, m=vmap: m.span(src, i, j)
            )
        ]
        step_specs.extend(
            dataclasses.replace(s, job=job_id)
            for s in _script_specs(wf, run.value, label, seen_scripts)
        )
        scopes = (
            ("the step's env", step.env),
            ("the job's env", getattr(job, "env", None)),
            ("the workflow's env", wf.env),
        )
        specs.extend(_mark_local_image(_resolve_passthrough(s, scopes), built) for s in step_specs)
    specs = [_job_facts(wf, s) for s in specs]
    return specs, _problems(specs)


def mounts_workspace(spec: ContainerSpec) -> bool:
    """Whether the launch sees the job's checkout (its ``.git`` directory)."""
    if spec.source_kind == "workflow-container":
        return True  # the runner mounts the workspace into every job container
    if spec.source_kind != "docker-run":
        return False
    return any(is_workspace_source(vol.source) for vol in spec.volumes)


def _job_facts(wf: Any, spec: ContainerSpec) -> ContainerSpec:
    """The runner and the persisted checkout of the launch's job, on the spec."""
    from sentra_lint.workflow.analysis import is_checkout

    if spec.job is None:
        return spec
    job = next((j for j in wf.jobs if j.id == spec.job), None)
    if job is None:
        return spec
    src: SourceFile = wf.source
    runner: tuple[Field[str], ...] | None = None
    labels = job.runs_on_labels()
    if labels:
        runner = tuple(
            Field(None, n.span(src), False, n.value) if has_expansion(n.value) else Field(n.value, n.span(src), True, n.value)
            for n in labels
        )
    persisted: Span | None = None
    if mounts_workspace(spec):
        for step in job.steps:
            if not is_checkout(step) or step.uses_span is None:
                continue
            value = step.input_scalar("persist-credentials")
            if value is not None and "${{" in value.value:
                continue
            if as_bool(step.input("persist-credentials")) is False:
                continue
            persisted = step.uses_span
            break
    if runner is None and persisted is None:
        return spec
    return dataclasses.replace(spec, runner=runner, persisted_checkout=persisted)


# --------------------------------------------------------------------------
# Compose
# --------------------------------------------------------------------------

_COMPOSE_NAMESPACES = {
    "network_mode": "network",
    "pid": "pid",
    "ipc": "ipc",
    "uts": "uts",
    "userns_mode": "userns",
    "cgroup": "cgroupns",
}
_DURATION = lazy_compile(r"^(\d+(?:\.\d+)?)(us|µs|ms|s|m|h)$")
_DURATION_US = {"us": 1, "µs": 1, "ms": 1000, "s": 1_000_000, "m": 60_000_000, "h": 3_600_000_000}


class _Compose:
    """Reads one Compose service's values: interpolation applied, spans kept."""

    def __init__(self, src: SourceFile, svc: Any) -> None:
        from sentra_lint.compose.interpolation import interpolate

        self.src = src
        self.svc = svc
        self.interpolate = interpolate

    def text(self, node: Node | None) -> tuple[str, bool] | None:
        """``(text, known)`` of a non-null scalar; ``None`` for anything else."""
        if not isinstance(node, ScalarNode) or node.is_null:
            return None
        text, certain = self.interpolate(node.value)
        return text, certain

    def scalar(self, *path: str) -> ScalarNode | None:
        node = self.svc.get_path(*path) if len(path) > 1 else self.svc.get(path[0])
        return node if isinstance(node, ScalarNode) and not node.is_null else None

    def string(self, *path: str) -> Field[str]:
        node = self.scalar(*path)
        read = self.text(node)
        if node is None or read is None:
            return Field()
        text, known = read
        return Field(text.strip() if known else None, node.span(self.src), known, node.value)

    def boolean(self, b: SpecBuilder, key: str) -> Field[bool]:
        node = self.scalar(key)
        read = self.text(node)
        if node is None or read is None:
            return Field()
        text, known = read
        span = node.span(self.src)
        if not known:
            return Field(None, span, False, node.value)
        value = as_bool(ScalarNode(text, node.start, node.end), yaml11=True)
        if value is None:
            b.problem(span, f"{key} takes true or false, not {text!r}")
        return Field(value, span, True, node.value)

    def number(
        self, b: SpecBuilder, parse: Callable[[str], _N | None], what: str, *paths: tuple[str, ...]
    ) -> Field[_N]:
        """The first of ``paths`` that is set, read with ``parse``."""
        for path in paths:
            node = self.scalar(*path)
            read = self.text(node)
            if node is None or read is None:
                continue
            text, known = read
            span = node.span(self.src)
            if not known:
                return Field(None, span, False, node.value)
            value = parse(text)
            if value is None:
                b.problem(span, f"{'.'.join(path)}: {text!r} is not {what}")
            return Field(value, span, True, node.value)
        return Field()

    def entries(self, key: str) -> list[Node]:
        items: list[Node] = self.svc.items(key)
        return items


def _compose_period(text: str) -> int | None:
    """``cpu_period``: microseconds, as a number or a duration (``100ms``)."""
    number = parse_int(text)
    if number is not None:
        return number
    m = _DURATION.match(text.strip())
    if m is None:
        return None
    micros = float(m.group(1)) * _DURATION_US[m.group(2)]
    return int(micros) if micros < float("inf") else None  # an overflowing duration is rejected


def _compose_long_volume(b: SpecBuilder, r: _Compose, node: MapNode) -> None:
    src = r.src
    span = node.span(src)

    def get(*path: str) -> tuple[str, bool] | None:
        cur: Node | None = node
        for k in path:
            cur = cur.get(k) if isinstance(cur, MapNode) else None
        return r.text(cur)

    kind_r = get("type")
    kind = (
        (kind_r[0].strip().lower() if kind_r and kind_r[1] else "unknown") if kind_r else "volume"
    )
    target_r = get("target")
    source_r = get("source")
    target = target_r[0] if target_r and target_r[1] else None
    target_known = target_r is None or target_r[1]
    ro_node = node.get("read_only")
    read_only = as_bool(ro_node, yaml11=True) is True
    if kind == "tmpfs":
        size_r = get("tmpfs", "size")
        size_raw = size_r[0] if size_r else None
        size_known = size_r is None or size_r[1]
        size = parse_bytes(size_raw) if size_raw is not None and size_known else None
        mode_r = get("tmpfs", "mode")
        b.tmpfs.append(
            TmpfsMount(
                target,
                span,
                size,
                size_raw,
                mode_r[0] if mode_r else None,
                (),
                read_only,
                target_known and size_known,
                "mount",
            )
        )
        return
    source = source_r[0] if source_r else None
    source_known = source_r is None or source_r[1]
    if not source_known and source_r is not None:
        source = source_r[0]
    b.volumes.append(
        VolumeMount(
            kind,
            source,
            target,
            span,
            None,
            read_only,
            source_known and target_known and kind != "unknown",
            source_known,
            "mount",
        )
    )


def _compose_device(b: SpecBuilder, r: _Compose, node: Node) -> None:
    if isinstance(node, ScalarNode):
        read = r.text(node)
        if read is not None:
            b.add_device(read[0], node.span(r.src), read[1])
    elif isinstance(node, MapNode):
        parts: list[str] = []
        known = True
        for key in ("source", "target", "permissions"):
            read = r.text(node.get(key))
            if read is None:
                break
            parts.append(read[0])
            known = known and read[1]
        if parts:
            b.add_device(":".join(parts), node.span(r.src), known)


def _compose_words(r: _Compose, key: str) -> list[Field[str]]:
    """``entrypoint:`` / ``command:`` as words: a list, or a string split like a shell would."""
    node = r.svc.get(key)
    words: list[Field[str]] = []
    if isinstance(node, SeqNode):
        for item in node.items:
            read = r.text(item)
            if read is not None and isinstance(item, ScalarNode):
                text, known = read
                words.append(Field(text if known else None, item.span(r.src), known, item.value))
    elif isinstance(node, ScalarNode) and not node.is_null:
        read = r.text(node)
        if read is not None:
            text, known = read
            span = node.span(r.src)
            for part in text.split():
                words.append(Field(part if known else None, span, known, part))
    return words


def _compose_command(b: SpecBuilder, r: _Compose) -> None:
    entry = _compose_words(r, "entrypoint")
    if entry:
        first = entry[0]
        b.entrypoint = first
        b.command.extend(entry[1:])
    b.command.extend(_compose_words(r, "command"))
    labels = r.svc.get("labels")
    if isinstance(labels, MapNode):
        for key, value in labels.pairs():
            if isinstance(key, ScalarNode):
                v = value.value if isinstance(value, ScalarNode) and not value.is_null else ""
                text = f"{key.value}={v}"
                b.labels.append(Field(text, key.span(r.src), True, text))
    elif isinstance(labels, SeqNode):
        for item in labels.items:
            if isinstance(item, ScalarNode) and not item.is_null:
                b.labels.append(Field(item.value, item.span(r.src), True, item.value))


def _compose_gpus(r: _Compose) -> Field[str]:
    """``gpus:``, or a ``deploy.resources.reservations.devices`` entry asking for a GPU."""
    gpus = r.svc.get("gpus")
    if gpus is not None and not (isinstance(gpus, ScalarNode) and gpus.is_null):
        text = gpus.value if isinstance(gpus, ScalarNode) else "gpus"
        return Field(text, gpus.span(r.src), True, text)
    devices = r.svc.get_path("deploy", "resources", "reservations", "devices")
    if isinstance(devices, SeqNode):
        for entry in devices.items:
            caps = entry.get("capabilities") if isinstance(entry, MapNode) else None
            names = [c.value for c in caps.items if isinstance(c, ScalarNode)] if isinstance(caps, SeqNode) else []
            if "gpu" in names:
                return Field("gpu", entry.span(r.src), True, "gpu")
    return Field()


def _compose_spec(src: SourceFile, svc: Any) -> ContainerSpec:
    r = _Compose(src, svc)
    b = SpecBuilder("compose", f"compose service '{svc.name}'", src.path, svc.name_span)
    if svc.extends_file is not None:
        # The base service lives in a file not read here: it may set any control.
        b.unknown_options = True
    image = r.scalar("image")
    if image is not None:
        read = r.text(image)
        assert read is not None
        text, known = read
        locally_built = svc.build is not None and not (
            isinstance(svc.build, ScalarNode) and svc.build.is_null
        )
        # A locally built image has no registry or pinning question: not judged.
        b.image = Field(
            parse_image_ref(text) if known else None,
            image.span(src),
            known and not locally_built,
            image.value,
        )
    b.user = r.string("user")
    b.runtime = r.string("runtime")
    _compose_command(b, r)
    b.cpuset_cpus = r.string("cpuset")
    b.gpus = _compose_gpus(r)
    for node in r.entries("device_cgroup_rules"):
        read = r.text(node)
        if read is not None:
            b.device_cgroup_rules.append(
                Field(read[0] if read[1] else None, node.span(src), read[1], read[0])
            )
    for key, attr in _COMPOSE_NAMESPACES.items():
        setattr(b, attr, r.string(key))
    b.privileged = r.boolean(b, "privileged")
    b.read_only = r.boolean(b, "read_only")
    b.oom_kill_disable = r.boolean(b, "oom_kill_disable")
    b.use_api_socket = r.boolean(b, "use_api_socket")
    b.memory = r.number(
        b,
        parse_memory,
        "a memory size",
        ("mem_limit",),
        ("deploy", "resources", "limits", "memory"),
    )
    b.memory_swap = r.number(b, parse_memory_swap, "a memory size or -1", ("memswap_limit",))
    b.memory_reservation = r.number(
        b,
        parse_bytes,
        "a memory size",
        ("mem_reservation",),
        ("deploy", "resources", "reservations", "memory"),
    )
    b.cpus = r.number(
        b, parse_cpus, "a number of CPUs", ("cpus",), ("deploy", "resources", "limits", "cpus")
    )
    b.cpu_quota = r.number(b, parse_int, "a whole number", ("cpu_quota",))
    b.cpu_period = r.number(b, _compose_period, "a period", ("cpu_period",))
    b.pids_limit = r.number(
        b,
        parse_pids_limit,
        "a whole number",
        ("pids_limit",),
        ("deploy", "resources", "limits", "pids"),
    )
    for key, add in (
        ("cap_drop", b.add_cap_drop),
        ("cap_add", b.add_cap_add),
        ("security_opt", b.add_security_opt),
        ("tmpfs", b.add_tmpfs),
    ):
        for node in r.entries(key):
            read = r.text(node)
            if read is not None and isinstance(node, ScalarNode):
                add(read[0], node.span(src), read[1])
    for node in r.entries("volumes"):
        if isinstance(node, MapNode):
            _compose_long_volume(b, r, node)
        else:
            read = r.text(node)
            if read is not None and isinstance(node, ScalarNode):
                b.add_volume(read[0], node.span(src), read[1])
    for node in r.entries("volumes_from"):
        read = r.text(node)
        if read is not None and isinstance(node, ScalarNode):
            b.volumes_from.append(Field(read[0], node.span(src), read[1], node.value))
    for node in r.entries("devices"):
        _compose_device(b, r, node)
    for node in r.entries("env_file"):
        read = r.text(node)
        if read is not None and isinstance(node, ScalarNode):
            b.env_files.append(Field(read[0], node.span(src), read[1], node.value))
    for entry in svc.environment():
        value: str | None = entry.value
        known = True
        if entry.value is not None:
            resolved, known = r.interpolate(entry.value)
            value = resolved if known else entry.value
        b.add_env_pair(entry.name, value, entry.key_node.span(src), known)
    node = svc.node
    b.fix_site = FixSite(src, node) if isinstance(node, MapNode) and not node.flow else None
    return b.build()


def specs_from_compose(cf: Any) -> tuple[list[ContainerSpec], list[ParseProblem]]:
    """One spec per Compose service (``extends`` and ``x-`` anchors applied)."""
    src: SourceFile = cf.source
    specs = [_compose_spec(src, svc) for svc in cf.services]
    # A service that runs the image a sibling service builds (``build:`` with
    # the same ``image:``) runs a local image: no pinning or registry question.
    built = frozenset(
        key
        for svc, spec in zip(cf.services, specs, strict=True)
        if svc.build is not None and spec.image.raw
        for key in (_image_key(spec.image.raw),)
        if key is not None
    )
    if specs:
        from sentra_lint.compose.project import repo_root

        built |= repository_built_images(repo_root(Path(src.path)))
    if built:
        specs = [_mark_local_image(spec, built) for spec in specs]
    return specs, _problems(specs)


# --------------------------------------------------------------------------
# Dev containers
# --------------------------------------------------------------------------

_DEVCONTAINER_VAR = lazy_compile(r"\$\{[A-Za-z]")


def _dc_known(text: str) -> bool:
    """Whether a devcontainer.json string holds no ``${localEnv:…}``-style variable."""
    return not _DEVCONTAINER_VAR.search(text)


def _dc_token(src: SourceFile, node: ScalarNode) -> Token:
    """One ``runArgs`` entry: exactly one ``docker run`` word, no shell in between."""
    value = node.value
    vmap = node.value_map(src)
    offsets = tuple(vmap.starts) if len(vmap.starts) == len(value) else ()
    m = _DEVCONTAINER_VAR.search(value)
    return Token(
        value,
        src.text[node.start : node.end],
        node.start,
        node.end,
        m.start() if m else None,
        False,
        offsets,
    )


def _dc_user(src: SourceFile, dc: Any, b: SpecBuilder) -> None:
    """The user the container's processes run as: ``runArgs --user``, ``containerUser``,
    then ``remoteUser``; one that names root is what matters most."""
    candidates: list[Field[str]] = []
    if b.user.present:
        candidates.append(b.user)
    for node in (dc.container_user, dc.remote_user):
        if node is not None:
            known = _dc_known(node.value)
            candidates.append(
                Field(node.value.strip() if known else None, node.span(src), known, node.value)
            )
    for f in candidates:
        if f.certain and f.value is not None and user_is_root(f.value):
            b.user = f
            return
    if candidates:
        b.user = candidates[0]


def _dc_anchor(src: SourceFile, dc: Any) -> Span:
    root = dc.root
    for key in ("runArgs", "image", "build", "dockerFile", "name"):
        node = root.key_node(key) if isinstance(root, MapNode) else None
        if node is not None:
            span: Span = node.span(src)
            return span
    return Span.point(1)


def specs_from_devcontainer(dc: Any) -> tuple[list[ContainerSpec], list[ParseProblem]]:
    """The dev container's launch, as one spec.

    A Compose-based dev container (``dockerComposeFile``) is launched by its
    Compose file, which is linted on its own: no spec here.
    """
    src: SourceFile = dc.source
    if dc.root is None or dc.uses_compose:
        return [], []
    name = dc.root.get("name")
    label = (
        f"dev container '{name.value}'"
        if isinstance(name, ScalarNode) and not name.is_null and name.value.strip()
        else "dev container"
    )
    image: Field[ImageRef] = Field()
    if dc.image is not None:
        known = _dc_known(dc.image.value)
        image = Field(
            parse_image_ref(dc.image.value) if known else None,
            dc.image.span(src),
            known and dc.build_dockerfile is None,
            dc.image.value,
        )
    tokens = [_dc_token(src, n) for n in dc.run_args]
    options_span = dc.run_args_node.span(src) if dc.run_args_node is not None else None
    spec = spec_from_tokens(
        tokens,
        source_kind="devcontainer",
        anchor_span=_dc_anchor(src, dc),
        label=label,
        path=src.path,
        to_span=src.span,
        options_span=options_span,
        image=image,
        mode="options",
    )
    b = _rebuild(spec)
    if dc.run_args_node is not None and len(dc.run_args) != len(dc.run_args_node.items):
        b.unknown_options = True  # entries that are not strings: not words Docker reads
    if dc.privileged is not None:
        value = as_bool(dc.privileged)
        b.privileged = Field(value, dc.privileged.span(src), True, dc.privileged.value)
    for node in dc.cap_add:
        b.add_cap_add(node.value, node.span(src), _dc_known(node.value))
    for node in dc.security_opt:
        b.add_security_opt(node.value, node.span(src), _dc_known(node.value))
    for node in dc.mounts:
        if isinstance(node, ScalarNode):
            b.add_mount(node.value, node.span(src), _dc_known(node.value))
        elif isinstance(node, MapNode):
            parts = []
            for key in ("type", "source", "target"):
                v = node.get(key)
                if isinstance(v, ScalarNode) and not v.is_null:
                    parts.append(f"{key}={v.value}")
            text = ",".join(parts)
            b.add_mount(text, node.span(src), _dc_known(text))
    if dc.workspace_mount is not None:
        text = dc.workspace_mount.value
        b.add_mount(text, dc.workspace_mount.span(src), _dc_known(text))
    _dc_user(src, dc, b)
    for env in (dc.container_env, dc.remote_env):
        if env is None:
            continue
        for key, value in env.pairs():
            if not isinstance(key, ScalarNode):
                continue
            env_value = value.value if isinstance(value, ScalarNode) and not value.is_null else None
            b.add_env_pair(
                key.value, env_value, key.span(src), env_value is None or _dc_known(env_value)
            )
    specs = [b.build()]
    return specs, _problems(specs)
