"""Typed model of a ``devcontainer.json``.

The file is JSON with comments and trailing commas; it is parsed by
:func:`sentra_lint.yamlmodel.jsonc.load_jsonc` into the same node types as
YAML, with character offsets, so ``runArgs`` entries can be mapped to exact
file positions. Properties of the wrong type are skipped.

Properties that launch-posture rules read (Dev Container specification):
``image``, ``build.dockerfile`` (or the legacy ``dockerFile``),
``build.context``, ``runArgs``, ``capAdd``, ``privileged``, ``securityOpt``,
``mounts``, ``containerUser``, ``remoteUser``, ``containerEnv``,
``remoteEnv``, ``init``, ``workspaceMount``, ``dockerComposeFile`` and
``service`` (Compose-based dev containers), ``features``.
"""

from __future__ import annotations

from sentra_lint._dataclass import dataclass
from sentra_lint.source import SourceFile
from sentra_lint.yamlmodel import TAG_STR, MapNode, Node, ParseProblem, ScalarNode, SeqNode, YamlDoc


@dataclass(frozen=True, slots=True)
class DevContainer:
    """A parsed ``devcontainer.json``: what its launch sets."""

    source: SourceFile
    root: MapNode | None
    run_args: tuple[ScalarNode, ...] = ()
    """The string entries of ``runArgs`` (each one ``docker run`` word)."""
    cap_add: tuple[ScalarNode, ...] = ()
    privileged: ScalarNode | None = None
    security_opt: tuple[ScalarNode, ...] = ()
    mounts: tuple[Node, ...] = ()
    """``mounts`` entries: strings (``source=...,target=...,type=...``) or objects."""
    container_user: ScalarNode | None = None
    remote_user: ScalarNode | None = None
    image: ScalarNode | None = None
    build_dockerfile: ScalarNode | None = None
    build_context: ScalarNode | None = None
    container_env: MapNode | None = None
    remote_env: MapNode | None = None
    init: ScalarNode | None = None
    workspace_mount: ScalarNode | None = None
    docker_compose_file: Node | None = None
    service: ScalarNode | None = None
    features: MapNode | None = None
    run_args_node: SeqNode | None = None
    problems: tuple[ParseProblem, ...] = ()

    @property
    def uses_compose(self) -> bool:
        return self.docker_compose_file is not None


def _scalar(node: Node | None) -> ScalarNode | None:
    return node if isinstance(node, ScalarNode) and not node.is_null else None


def _strings(node: Node | None) -> tuple[ScalarNode, ...]:
    """The string entries of an array (numbers, objects and nulls are not words)."""
    if isinstance(node, SeqNode):
        return tuple(n for n in node.items if isinstance(n, ScalarNode) and n.tag == TAG_STR)
    return ()


def build_devcontainer(src: SourceFile, doc: YamlDoc) -> DevContainer:
    """The model of an already parsed ``devcontainer.json``. Never raises."""
    root = doc.root
    problems = list(doc.problems)
    if not isinstance(root, MapNode):
        if root is not None:
            problems.append(
                ParseProblem(
                    root.span(src), "devcontainer.json must hold an object at the top level"
                )
            )
        return DevContainer(src, None, problems=tuple(problems))
    build = root.get("build")
    build_map = build if isinstance(build, MapNode) else None
    dockerfile = _scalar(build_map.get("dockerfile")) if build_map is not None else None
    if dockerfile is None:
        dockerfile = _scalar(root.get("dockerFile"))
    context = _scalar(build_map.get("context")) if build_map is not None else None
    if context is None:
        context = _scalar(root.get("context"))
    mounts = root.get("mounts")
    run_args = root.get("runArgs")
    compose_file = root.get("dockerComposeFile")
    container_env = root.get("containerEnv")
    remote_env = root.get("remoteEnv")
    features = root.get("features")
    return DevContainer(
        source=src,
        root=root,
        run_args=_strings(run_args),
        cap_add=_strings(root.get("capAdd")),
        privileged=_scalar(root.get("privileged")),
        security_opt=_strings(root.get("securityOpt")),
        mounts=tuple(
            n
            for n in (mounts.items if isinstance(mounts, SeqNode) else ())
            if isinstance(n, MapNode) or (isinstance(n, ScalarNode) and n.tag == TAG_STR)
        ),
        container_user=_scalar(root.get("containerUser")),
        remote_user=_scalar(root.get("remoteUser")),
        image=_scalar(root.get("image")),
        build_dockerfile=dockerfile,
        build_context=context,
        container_env=container_env if isinstance(container_env, MapNode) else None,
        remote_env=remote_env if isinstance(remote_env, MapNode) else None,
        init=_scalar(root.get("init")),
        workspace_mount=_scalar(root.get("workspaceMount")),
        docker_compose_file=compose_file
        if isinstance(compose_file, SeqNode) or _scalar(compose_file) is not None
        else None,
        service=_scalar(root.get("service")),
        features=features if isinstance(features, MapNode) else None,
        run_args_node=run_args if isinstance(run_args, SeqNode) else None,
        problems=tuple(problems),
    )


def parse_devcontainer(src: SourceFile) -> DevContainer:
    """Parse and model a ``devcontainer.json``. Never raises: bad JSON gives
    a model with no properties and one problem at the error's position."""
    from sentra_lint.yamlmodel.jsonc import load_jsonc

    return build_devcontainer(src, load_jsonc(src))
