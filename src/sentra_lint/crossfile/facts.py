"""Per-file facts for the repository rules, computed from the models a file was parsed into.

The engine parses every file once (in a worker process when there are
many); :func:`collect` turns that file's models into a small, picklable
:class:`FileFacts`: the image model of each Dockerfile stage, every image
build the file declares, and every container launch with just what the
SX rules read (image, ``--user``, mounts, spans). The parent process then
joins the facts of all files into a :class:`~sentra_lint.crossfile.repository.Repository`.

Builds are proved from:

* ``docker/build-push-action`` steps: ``context``, ``file``, ``target`` and
  ``tags`` (a multi-line or comma-separated string, or a list; parts in
  ``${{ }}`` are unknown; ``${{ steps.<id>.outputs.tags }}`` of a
  ``docker/metadata-action`` step stands for its ``images`` with unknown tags);
* ``docker build``/``docker buildx build``/``docker image build``/``podman
  build`` with ``-t`` in ``run:`` steps and in repository scripts they run;
* a Compose service's ``build:`` (string, or ``context``/``dockerfile``/
  ``target``) next to its ``image:``;
* a dev container's ``build.dockerfile``.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from dataclasses import field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.source import Kind, SourceFile, Span
from sentra_lint.suppress import Pragma

if TYPE_CHECKING:
    from sentra_lint.crossfile.image import ImageModel
    from sentra_lint.workflow.calls import InputSink, LocalCall

_EXPR = lazy_compile(r"\$\{\{|\$\{?[A-Za-z_(]|`")


@dataclass(frozen=True, slots=True)
class Build:
    """One image build: the tags it gives and the Dockerfile and stage it builds."""

    tags: tuple[str, ...]
    """Image references as written (each may hold unknown parts)."""
    dockerfile: str | None
    """Absolute, normalised path of the Dockerfile; ``None`` when not certain."""
    target: str | None
    """The ``--target`` stage; ``None`` for the last stage."""
    target_known: bool
    path: str
    """The file that declares the build (a script for builds in scripts)."""
    span: Span
    how: str
    """For messages: ``the docker/build-push-action step 'Build'``."""
    group: str
    """The workflow or Compose file the build belongs to (an unknown tag matches only there)."""


@dataclass(frozen=True, slots=True)
class Mount:
    """A mount of a launch, as the cross-file rules compare it with an image."""

    target: str | None
    kind: str
    """``tmpfs``, ``bind``, ``volume`` (named or anonymous) or ``unknown``."""
    span: Span | None


@dataclass(frozen=True, slots=True)
class Launch:
    """A container launch, with what the cross-file rules need to link it to an image."""

    path: str
    group: str
    label: str
    anchor: Span
    image: str | None
    image_span: Span | None
    build: Build | None
    """The launch's own build (a Compose service with ``build:``, a dev container's Dockerfile)."""
    user: str | None
    user_span: Span | None
    user_known: bool
    user_present: bool
    mounts: tuple[Mount, ...]
    unknown_options: bool
    home_remapped: bool = False
    """A workflow job container: the runner sets ``HOME=/github/home`` and mounts a volume there."""
    key: Span | None = None
    """The ``container:`` key of a workflow job container."""
    target: str | None = None
    """Why the run aims the hardening rules at this launch (``ContainerSpec.target``)."""

    @property
    def subject(self) -> str:
        """The label with the reason the launch is a target."""
        return f"{self.label} ({self.target})" if self.target else self.label


@dataclass(slots=True)
class FileFacts:
    """What the repository pass needs from one file."""

    path: str
    abspath: str
    kind: str
    images: tuple[ImageModel, ...] = ()
    builds: tuple[Build, ...] = ()
    launches: tuple[Launch, ...] = ()
    pragmas: tuple[Pragma, ...] = ()
    lines: dict[int, tuple[str, tuple[int, ...]]] = field(default_factory=dict)
    """Line -> (its text, the lines whose comment may suppress a finding there)."""
    scripts: tuple[str, ...] = ()
    """Repository scripts read for builds (absolute paths)."""
    calls: tuple[LocalCall, ...] = ()
    """Calls of the repository's own actions and reusable workflows (``uses: ./...``)."""
    sinks: tuple[InputSink, ...] = ()
    """Inputs expanded into ``run:`` scripts (a composite action, a reusable workflow)."""

    def stage(self, target: str | None) -> ImageModel | None:
        if not self.images:
            return None
        if target is None:
            return self.images[-1]
        low = target.lower()
        for m in self.images:
            if m.stage == low:
                return m
        index = low.lstrip("0") or "0"  # no int() of an absurd digit string
        if low.isascii() and low.isdigit() and len(index) < 10 and int(index) < len(self.images):
            return self.images[int(index)]
        return None


def collect(src: SourceFile, kind: Kind, analysis: Any) -> FileFacts:
    """The facts of one analysed file (see :func:`sentra_lint.analysis.analyse`)."""
    from sentra_lint.suppress import scan

    facts = FileFacts(src.path, os.path.abspath(src.path), kind.value)
    for name, target in analysis.targets:
        if name == "dockerfile":
            from sentra_lint.crossfile.image import image_models

            facts.images = image_models(target)
        elif name == "workflow":
            builds, scripts = workflow_builds(target)
            facts.builds += tuple(builds)
            facts.scripts = tuple(scripts)
            _collect_calls(facts, target)
        elif name == "compose":
            facts.builds += tuple(compose_builds(target))
    compose_own = {b.span: b for b in facts.builds if b.how.startswith("the build of compose")}
    dev_build: Build | None = None
    for name, target in analysis.targets:
        if name == "devcontainer":
            dev_build = devcontainer_build(target)
    job_keys: dict[str, Span] = {}
    for name, target in analysis.targets:
        if name == "workflow":
            for job in target.jobs:
                if job.container is not None:
                    job_keys[f"job '{job.id}' container"] = job.container.span
    launches: list[Launch] = []
    for name, target in analysis.targets:
        if name != "container":
            continue
        own = None
        if target.source_kind == "compose":
            own = compose_own.get(target.anchor_span)
        elif target.source_kind == "devcontainer":
            own = dev_build
        la = launch_of(target, src.path, own)
        if la.home_remapped and la.label in job_keys:
            la = replace(la, key=job_keys[la.label])
        launches.append(la)
    facts.launches = tuple(launches)
    call_spans = [p.span for c in facts.calls for p in c.passed]
    if facts.launches or call_spans:
        facts.pragmas = tuple(scan(src))
        comment_lines = analysis.comment_lines
        for call_span in call_spans:
            line = call_span.line
            facts.lines[line] = (
                src.line_text(line),
                tuple(comment_lines(line) if comment_lines else [line]),
            )
        for la in facts.launches:
            if la.path != src.path:
                continue
            spans = [la.anchor, la.key, la.user_span, la.image_span, *(m.span for m in la.mounts)]
            for sp in spans:
                if sp is None:
                    continue
                lines = comment_lines(sp.line) if comment_lines else [sp.line]
                facts.lines[sp.line] = (src.line_text(sp.line), tuple(lines))
    return facts


def _collect_calls(facts: FileFacts, wf: Any) -> None:
    """Local calls a workflow makes, and the inputs an action expands into scripts."""
    from sentra_lint.workflow.calls import input_sinks, is_callable, local_calls

    callable_ = is_callable(wf)
    # A called file's calls matter when they pass its inputs on (a chain of calls).
    facts.calls = tuple(c for c in local_calls(wf) if c.passed and (c.outsiders or callable_))
    if callable_:
        facts.sinks = tuple(input_sinks(wf))


# ---------------------------------------------------------------------------
# Launches


def launch_of(spec: Any, group: str, own: Build | None) -> Launch:
    mounts: list[Mount] = []
    for t in spec.tmpfs:
        mounts.append(Mount(t.path if t.known else None, "tmpfs", t.span))
    for v in spec.volumes:
        kind = v.kind if v.kind in ("bind", "volume") else "unknown"
        mounts.append(Mount(v.path if v.known else None, kind, v.span))
    image = spec.image
    user = spec.user
    return Launch(
        path=spec.path,
        group=group,
        label=spec.label,
        anchor=spec.anchor_span,
        image=image.raw if image.present and image.raw is not None else None,
        image_span=image.span,
        build=own,
        user=user.value if user.certain else None,
        user_span=user.span,
        user_known=user.known,
        user_present=user.present,
        mounts=tuple(mounts),
        unknown_options=spec.unknown_options,
        home_remapped=spec.source_kind == "workflow-container",
        target=spec.target,
    )


# ---------------------------------------------------------------------------
# Paths


def _known(text: str | None) -> bool:
    return text is not None and not _EXPR.search(text)


def join(base: str, *parts: str) -> str:
    """``base`` (a directory as shown to users) joined with relative parts, absolute and normalised."""
    path = base
    for p in parts:
        path = os.path.join(path, p)
    return os.path.normpath(os.path.abspath(path))


def repo_root(path: str) -> str:
    """The repository a workflow or action belongs to: the folder above ``.github``, else
    the nearest folder holding ``.git``, else the file's folder."""
    parts = Path(path).parts
    if ".github" in parts:
        idx = len(parts) - 1 - parts[::-1].index(".github")
        return str(Path(*parts[:idx])) if idx else "."
    return _git_root(str(Path(path).resolve().parent)) or str(Path(path).parent)


@functools.lru_cache(maxsize=4096)
def _git_root(folder: str) -> str | None:
    """The nearest folder at or above ``folder`` that holds ``.git`` (asked once per folder:
    the files of one folder share it)."""
    current = Path(folder)
    for candidate in (current, *current.parents):
        if (candidate / ".git").exists():
            return str(candidate)
    return None


def _dockerfile_path(base: str, context: str | None, file: str | None) -> str | None:
    """The Dockerfile of a build run in ``base``: ``file`` (relative to ``base``) or ``context/Dockerfile``."""
    if context is not None and ("://" in context or context.startswith("git@") or context == "-"):
        return None
    if file is not None:
        if not _known(file) or file == "-":
            return None
        return join(base, file)
    if context is None or not _known(context):
        return None
    return join(base, context, "Dockerfile")


# ---------------------------------------------------------------------------
# Workflows


def workflow_builds(wf: Any) -> tuple[list[Build], list[str]]:
    from sentra_lint.yamlmodel import ScalarNode

    src: SourceFile = wf.source
    root = repo_root(src.path)
    builds: list[Build] = []
    scripts: list[str] = []
    meta: dict[str, list[str]] = {}
    for job, step in wf.iter_steps():
        ref = step.uses_ref
        slug = ref.slug if ref is not None else None
        if slug == "docker/metadata-action" and step.id:
            images = step.input("images")
            if isinstance(images, ScalarNode) and not images.is_null:
                names = []
                for line in re.split(r"[\n]+", images.value):
                    first = line.split(",", 1)[0].strip()
                    first = first.removeprefix("name=").strip()
                    if first and _known(first):
                        names.append(first)
                meta[step.id] = names
        if slug == "docker/build-push-action":
            b = _build_push(wf, step, root, meta)
            if b is not None:
                builds.append(b)
            continue
        run = step.run
        if not isinstance(run, ScalarNode) or run.is_null:
            continue
        base = _step_dir(job, step, wf, root)
        where = f"job '{job.id}'" if job is not None else "the action"
        vmap = run.value_map(src)
        builds.extend(
            shell_builds(
                run.value,
                base,
                src.path,
                lambda i, j, m=vmap: m.span(src, i, j),
                f"`docker build` in {where}, step '{step.label}'",
                src.path,
            )
        )
        builds.extend(_script_builds(run.value, root, src.path, where, step.label, scripts))
    return builds, scripts


def _step_dir(job: Any, step: Any, wf: Any, root: str) -> str | None:
    from sentra_lint.yamlmodel import MapNode, ScalarNode

    wd = step.working_directory
    text = wd.value if isinstance(wd, ScalarNode) and not wd.is_null else None
    if text is None:
        for defaults in (getattr(job, "defaults", None), wf.defaults):
            run = defaults.get("run") if isinstance(defaults, MapNode) else None
            node = run.get("working-directory") if isinstance(run, MapNode) else None
            if isinstance(node, ScalarNode) and not node.is_null:
                text = node.value
                break
    if text is None:
        return root
    if not _known(text) or text.startswith("/"):
        return None
    return os.path.join(root, text)


def _input_text(step: Any, name: str) -> tuple[str | None, bool]:
    """``(value, known)`` of a ``with:`` input; an absent input is ``(None, True)``."""
    from sentra_lint.yamlmodel import ScalarNode

    node = step.input(name)
    if node is None or (isinstance(node, ScalarNode) and node.is_null):
        return None, True
    if not isinstance(node, ScalarNode):
        return None, False
    text = node.value.strip()
    return text, _known(text)


def _build_push(wf: Any, step: Any, root: str, meta: dict[str, list[str]]) -> Build | None:
    from sentra_lint.yamlmodel import ScalarNode, SeqNode

    src: SourceFile = wf.source
    context, context_known = _input_text(step, "context")
    file, file_known = _input_text(step, "file")
    target, target_known = _input_text(step, "target")
    if context is not None and context.startswith("{{defaultContext}}"):
        rest = context[len("{{defaultContext}}") :].lstrip(":")
        context = rest or "."
    dockerfile: str | None = None
    if context_known and file_known:
        dockerfile = _dockerfile_path(root, context or ".", file)
    node = step.input("tags")
    raw: list[str] = []
    if isinstance(node, ScalarNode) and not node.is_null:
        raw = [t for t in re.split(r"[\n,]+", node.value)]
    elif isinstance(node, SeqNode):
        raw = [n.value for n in node.items if isinstance(n, ScalarNode) and not n.is_null]
    tags: list[str] = []
    for t in (x.strip() for x in raw):
        if not t:
            continue
        m = re.fullmatch(r"\$\{\{\s*steps\.([\w-]+)\.outputs\.tags\s*\}\}", t)
        if m is not None:
            tags.extend(
                f"{name}:${{{{ steps.{m.group(1)}.outputs.version }}}}"
                for name in meta.get(m.group(1), ())
            )
            continue
        tags.append(t)
    if not tags:
        return None
    key = step.with_.key_node("tags") if step.with_ is not None else None
    span = key.span(src) if key is not None else step.span
    return Build(
        tags=tuple(tags),
        dockerfile=dockerfile,
        target=target,
        target_known=target_known,
        path=src.path,
        span=span,
        how="the docker/build-push-action step"
        + (f" '{step.name or step.id}'" if step.name or step.id else ""),
        group=src.path,
    )


# docker build options that take a value (the rest are flags).
_BUILD_VALUE = frozenset(
    [
        "-t",
        "--tag",
        "-f",
        "--file",
        "--target",
        "--build-arg",
        "--platform",
        "--cache-from",
        "--cache-to",
        "--label",
        "--secret",
        "--ssh",
        "--output",
        "-o",
        "--network",
        "--progress",
        "--iidfile",
        "--metadata-file",
        "--builder",
        "--add-host",
        "--shm-size",
        "--ulimit",
        "--build-context",
        "--allow",
        "--attest",
        "--sbom",
        "--provenance",
        "--annotation",
        "--call",
        "--memory",
        "-m",
        "--memory-swap",
        "--cpu-shares",
        "-c",
        "--cpu-period",
        "--cpu-quota",
        "--cpuset-cpus",
        "--cpuset-mems",
        "--isolation",
        "--cgroup-parent",
        "--security-opt",
        "--format",
        "--authfile",
        "--layers",
        "--jobs",
        "--from",
        "--volume",
        "-v",
        "--env",
        "--identity-label",
    ]
)


def shell_builds(
    text: str, base: str | None, path: str, to_span: Any, how: str, group: str
) -> Iterator[Build]:
    """Every ``docker build -t`` of a shell script, run in the folder ``base``."""
    from sentra_lint.container.adapters import mentions_builder
    from sentra_lint.shell import parse_shell

    if not mentions_builder(text):
        return

    script = parse_shell(text)
    moved = False
    for cmd in script.commands:
        if cmd.name in ("cd", "pushd", "popd"):
            moved = True
            continue
        b = _docker_build(cmd, None if moved else base, path, to_span, how, group)
        if b is not None:
            yield b


def _docker_build(
    cmd: Any, base: str | None, path: str, to_span: Any, how: str, group: str
) -> Build | None:
    argv = cmd.argv
    if len(argv) < 2 or cmd.name not in ("docker", "podman", "buildah"):
        return None
    words = list(argv[1:])
    if words and words[0].text in ("buildx", "image", "builder"):
        words = words[1:]
    if not words or words[0].text not in ("build", "bud"):
        return None
    verb = words[0]
    words = words[1:]
    tags: list[str] = []
    file: str | None = None
    file_known = True
    target: str | None = None
    target_known = True
    positional: list[Any] = []
    tag_word = None
    i = 0
    while i < len(words):
        w = words[i]
        t = w.text
        if t.startswith("-") and t != "-":
            name, eq, value = t.partition("=")
            if name.startswith("-") and not name.startswith("--") and len(name) > 2 and not eq:
                name, value, eq = name[:2], name[2:], "="
            if name in _BUILD_VALUE:
                if eq:
                    val_word = w
                else:
                    val_word = words[i + 1] if i + 1 < len(words) else None
                    value = val_word.text if val_word is not None else ""
                    i += 1
                literal = val_word is not None and val_word.literal
                raw_value = (
                    value
                    if literal or val_word is None
                    else (val_word.raw if not eq else w.raw.partition("=")[2])
                )
                if name in ("-t", "--tag"):
                    tags.append(raw_value)
                    tag_word = tag_word or w
                elif name in ("-f", "--file"):
                    file, file_known = value, literal
                elif name == "--target":
                    target, target_known = value, literal
            i += 1
            continue
        positional.append(w)
        i += 1
    if not tags or len(positional) != 1 or base is None:
        return None
    ctx = positional[0]
    dockerfile = None
    if ctx.literal and file_known:
        dockerfile = _dockerfile_path(base, ctx.text, file)
    anchor = tag_word or verb
    return Build(
        tags=tuple(tags),
        dockerfile=dockerfile,
        target=target,
        target_known=target_known,
        path=path,
        span=to_span(anchor.start, anchor.end),
        how=how,
        group=group,
    )


def _script_builds(
    run: str, root: str, group: str, where: str, step: str, seen: list[str]
) -> list[Build]:
    from sentra_lint import io as sio
    from sentra_lint.container.adapters import _script_paths, may_run_scripts
    from sentra_lint.shell import parse_shell
    from sentra_lint.source import normalise_newlines

    if not may_run_scripts(run):
        return []
    out: list[Build] = []
    root_real = os.path.realpath(root)
    for rel in _script_paths(parse_shell(run)):
        if not _known(rel):
            continue
        candidate = Path(root, rel).resolve()
        real = str(candidate)
        if not (real == root_real or real.startswith(root_real + os.sep)):
            continue
        try:
            if not candidate.is_file() or candidate.stat().st_size > 1024 * 1024:
                continue
            text = normalise_newlines(sio.decode(candidate.read_bytes()))
        except (OSError, sio.Skip):
            continue
        seen.append(real)
        display = sio.display_path(candidate)
        script_src = SourceFile(path=display, text=text)
        out.extend(
            shell_builds(
                text,
                root,
                display,
                script_src.span,
                f"`docker build` in {display} (run by {where}, step '{step}')",
                group,
            )
        )
    return out


# ---------------------------------------------------------------------------
# Compose and dev containers


def compose_builds(cf: Any) -> Iterator[Build]:
    from sentra_lint.yamlmodel import MapNode, ScalarNode

    src: SourceFile = cf.source
    base = os.path.dirname(src.path) or "."
    for svc in cf.services:
        build = svc.build
        if build is None or (isinstance(build, ScalarNode) and build.is_null):
            continue
        context = svc.build_context
        dockerfile_rel = svc.build_dockerfile
        target: str | None = None
        target_known = True
        if isinstance(build, MapNode):
            tnode = build.get("target")
            if isinstance(tnode, ScalarNode) and not tnode.is_null:
                target, target_known = tnode.value, _known(tnode.value)
            if build.get("dockerfile_inline") is not None:
                context = None
        dockerfile: str | None = None
        if (
            context is not None
            and _known(context)
            and "://" not in context
            and (dockerfile_rel is None or _known(dockerfile_rel))
        ):
            dockerfile = join(base, context, dockerfile_rel or "Dockerfile")
        image = svc.image
        tags = (image.value,) if image is not None else ()
        yield Build(
            tags=tags,
            dockerfile=dockerfile,
            target=target,
            target_known=target_known,
            path=src.path,
            span=svc.name_span,
            how=f"the build of compose service '{svc.name}'",
            group=src.path,
        )


def devcontainer_build(dc: Any) -> Build | None:
    from sentra_lint.yamlmodel import MapNode, ScalarNode

    src: SourceFile = dc.source
    node = dc.build_dockerfile
    if node is None or dc.root is None or dc.uses_compose:
        return None
    base = os.path.dirname(src.path) or "."
    text = node.value
    dockerfile = join(base, text) if _known(text) else None
    target: str | None = None
    target_known = True
    build = dc.root.get("build")
    if isinstance(build, MapNode):
        t = build.get("target")
        if isinstance(t, ScalarNode) and not t.is_null:
            target, target_known = t.value, _known(t.value)
    return Build(
        (),
        dockerfile,
        target,
        target_known,
        src.path,
        node.span(src),
        "the dev container's build.dockerfile",
        src.path,
    )


def config_builds(images: dict[str, Any], config_dir: str | None, config_path: str) -> list[Build]:
    """The ``images:`` mapping of the config: image name -> ``{dockerfile, target}``."""
    out: list[Build] = []
    base = config_dir or "."
    for name, entry in (images or {}).items():
        if not isinstance(entry, dict) or not isinstance(entry.get("dockerfile"), str):
            continue
        target = entry.get("target")
        out.append(
            Build(
                tags=(str(name),),
                dockerfile=join(base, entry["dockerfile"]),
                target=str(target) if target is not None else None,
                target_known=True,
                path=config_path,
                span=Span.point(1),
                how=f"the images: entry '{name}' of {config_path}",
                group="config",
            )
        )
    return out


def shown_path(abspath: str, cwd: str | None = None) -> str:
    from sentra_lint import io as sio

    return sio.display_path(Path(abspath), cwd)


__all__ = ["Build", "FileFacts", "Launch", "Mount", "collect", "config_builds"]
