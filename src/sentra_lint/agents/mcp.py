"""MCP server configurations: the containers they start, as launches with role ``agent``.

An MCP configuration (``.mcp.json``, ``mcp.json``, a workflow step's
``mcp_config`` input, ``--mcp-config '{...}'``, a heredoc that writes one)
lists servers under ``mcpServers`` (VS Code: ``servers``). A server whose
``command`` is ``docker``/``podman`` with ``args: ["run", ...]`` is a
``docker run`` like any other; a server with a ``"container": "image"`` key
is started by its host (gh-aw) from that image, with its ``env``. Both are
container launches with role ``agent``: the secrets they receive are their
``-e NAME`` flags and ``env`` entries. A server started with ``npx``,
``uvx`` or a binary is an agent tool on the host: evidence for the step,
not a launch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.agents.facts import Evidence

if TYPE_CHECKING:
    from sentra_lint.container.spec import ContainerSpec
    from sentra_lint.source import SourceFile, Span
    from sentra_lint.workflow.model import Workflow
    from sentra_lint.yamlmodel import MapNode, ScalarNode

__all__ = ["McpServer", "json_objects", "servers_in", "specs_from_mcp_file", "specs_from_workflow_mcp"]

ToSpan = Callable[[int, int], "Span"]
_VAR = lazy_compile(r"\$\{|\$[A-Za-z_]")


@dataclass(frozen=True, slots=True)
class McpServer:
    """One ``mcpServers`` entry: its name node and its settings."""

    name: ScalarNode
    node: MapNode


def _mask(text: str) -> str:
    """``text`` with what stops a JSON parser but keeps offsets: ``${{ }}`` and shell
    variables outside strings (become ``0`` and spaces) and ``\\$`` inside them (a
    shell heredoc's escape)."""
    out = list(text)
    i, n = 0, len(text)
    in_str = False
    while i < n:
        c = text[i]
        if in_str:
            if c == "\\" and i + 1 < n:
                if text[i + 1] == "$":
                    out[i] = "$"
                i += 2
                continue
            if c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif text.startswith("${{", i):
            end = text.find("}}", i)
            if end == -1:
                break
            _blank(out, text, i, end + 2)
            i = end + 2
            continue
        elif c == "$" and i + 1 < n and (text[i + 1] in "{(" or text[i + 1].isalpha() or text[i + 1] == "_"):
            # a shell variable a heredoc expands (`"port": $PORT`): some value
            if text[i + 1] in "{(":
                close = "}" if text[i + 1] == "{" else ")"
                end = text.find(close, i)
                end = n - 1 if end == -1 else end
            else:
                end = i
                while end + 1 < n and (text[end + 1].isalnum() or text[end + 1] == "_"):
                    end += 1
            _blank(out, text, i, end + 1)
            i = end + 1
            continue
        i += 1
    return "".join(out)


def _blank(out: list[str], text: str, start: int, end: int) -> None:
    """``text[start:end]`` becomes ``0`` and spaces (line breaks kept)."""
    out[start] = "0"
    for k in range(start + 1, min(end, len(text))):
        out[k] = "\n" if text[k] == "\n" else " "


def _balanced_end(text: str, start: int) -> int | None:
    """The offset just after the ``}`` closing the object at ``start`` (strings skipped)."""
    depth = 0
    in_str = False
    i, n = start, len(text)
    while i < n:
        c = text[i]
        if in_str:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def json_objects(text: str, marker: str = "mcpServers") -> Iterator[tuple[int, Any]]:
    """``(offset, root node)`` of every JSON object in ``text`` that holds ``marker``.

    The object is parsed from a copy of ``text`` (same offsets) so node
    offsets index ``text``.
    """
    from sentra_lint.source import SourceFile
    from sentra_lint.yamlmodel.jsonc import load_jsonc

    if marker not in text:
        return
    masked = _mask(text)
    pos = 0
    while True:
        at = masked.find(marker, pos)
        if at == -1:
            return
        # The objects around the marker, innermost first; the outermost that parses is the config.
        chain: list[tuple[int, int]] = []
        brace = masked.rfind("{", 0, at)
        while brace != -1:
            end = _balanced_end(masked, brace)
            if end is not None and end > at:
                chain.append((brace, end))
            brace = masked.rfind("{", 0, brace)
        pos = at + len(marker)
        for start, end in reversed(chain):
            doc = load_jsonc(SourceFile(path="<mcp>", text=" " * start + masked[start:end]))
            if doc.root is not None and not doc.problems:
                yield start, doc.root
                pos = end
                break


def servers_in(root: Any) -> Iterator[McpServer]:
    """The server entries of a configuration root (``mcpServers`` or ``servers``), also nested one level."""
    from sentra_lint.yamlmodel import MapNode, ScalarNode

    if not isinstance(root, MapNode):
        return
    for key in ("mcpServers", "servers"):
        table = root.get(key)
        if isinstance(table, MapNode):
            for name, node in table.pairs():
                if isinstance(name, ScalarNode) and isinstance(node, MapNode):
                    yield McpServer(name, node)
            return
    for _key, value in root.pairs():
        if isinstance(value, MapNode) and isinstance(value.get("mcpServers"), MapNode):
            yield from servers_in(value)
            return


def _text(node: Any) -> str | None:
    from sentra_lint.yamlmodel import ScalarNode

    return node.value if isinstance(node, ScalarNode) and not node.is_null else None


def _token(node: ScalarNode) -> Any:
    from sentra_lint.container.flags import Token

    value = node.value
    m = _VAR.search(value)
    return Token(value, value, node.start, node.end, m.start() if m else None, False, ())


def server_spec(server: McpServer, path: str, to_span: ToSpan, label: str) -> ContainerSpec | None:
    """The launch an MCP server entry makes, or ``None`` when it runs on the host."""
    import dataclasses

    from sentra_lint.container.from_argv import spec_from_docker_words
    from sentra_lint.container.spec import Field, SpecBuilder, has_expansion
    from sentra_lint.images import parse_image_ref
    from sentra_lint.yamlmodel import MapNode, ScalarNode, SeqNode

    node = server.node
    name_span = to_span(server.name.start, server.name.end)
    evidence = Evidence("mcp-server", server.name.value, server.name.value, name_span, path)
    command = node.get("command")
    container = node.get("container")
    args = node.get("args")
    spec: ContainerSpec | None = None
    cmd_text = _text(command)
    if cmd_text is not None and cmd_text.rsplit("/", 1)[-1] in ("docker", "podman") and isinstance(args, SeqNode):
        words = [command, *args.items]
        if all(isinstance(w, ScalarNode) for w in words):
            tokens = [_token(w) for w in words]  # type: ignore[arg-type]
            spec = spec_from_docker_words(tokens, label=label, path=path, to_span=to_span, source_kind="mcp")
    elif _text(container) is not None:
        assert isinstance(container, ScalarNode)
        b = SpecBuilder("mcp", label, path, name_span)
        text = container.value
        b.image = Field(parse_image_ref(text), to_span(container.start, container.end), not has_expansion(text), text)
        # gh-aw's host adds its own flags (mounts, args): what it sets is not in this file.
        b.unknown_options = True
        spec = b.build()
    if spec is None:
        return None
    env = node.get("env")
    if isinstance(env, MapNode):
        extra = []
        from sentra_lint.container.spec import EnvVar, is_secret_like_name, value_from_secret

        for key, value in env.pairs():
            if not isinstance(key, ScalarNode):
                continue
            v = _text(value)
            extra.append(
                EnvVar(
                    key.value,
                    v,
                    to_span(key.start, key.end),
                    v is None or not has_expansion(v),
                    v is not None and value_from_secret(v),
                    is_secret_like_name(key.value),
                )
            )
        spec = dataclasses.replace(spec, env=(*spec.env, *extra))
    return dataclasses.replace(spec, role="agent", evidence=(evidence,))


def specs_from_mcp_file(src: SourceFile, root: Any) -> list[ContainerSpec]:
    """Launches of an ``.mcp.json`` / ``mcp.json`` file."""
    out: list[ContainerSpec] = []
    for server in servers_in(root):
        spec = server_spec(server, src.path, src.span, f"MCP server '{server.name.value}'")
        if spec is not None:
            out.append(spec)
    return out


def _scalar_sources(wf: Workflow) -> Iterator[tuple[Any, Any, str]]:
    """``(job, scalar, where)`` for every step scalar that may hold an MCP configuration."""
    from sentra_lint.yamlmodel import ScalarNode

    for job, step in wf.iter_steps():
        where = f"step '{step.label}'" + (f" of job '{job.id}'" if job is not None else "")
        if isinstance(step.run, ScalarNode) and not step.run.is_null:
            yield job, step.run, where
        if step.with_ is not None:
            for _key, value in step.with_.pairs():
                if isinstance(value, ScalarNode) and not value.is_null:
                    yield job, value, where


def specs_from_workflow_mcp(wf: Workflow) -> list[ContainerSpec]:
    """Launches of the MCP configurations written inside a workflow's steps."""
    import dataclasses

    src = wf.source
    out: list[ContainerSpec] = []
    for job, scalar, where in _scalar_sources(wf):
        text = scalar.value
        if "mcpServers" not in text and '"servers"' not in text:
            continue
        vmap = scalar.value_map(src)

        def to_span(i: int, j: int, m: Any = vmap) -> Span:
            span: Span = m.span(src, i, j)
            return span

        for marker in ("mcpServers", '"servers"'):
            for _start, root in json_objects(text, marker):
                for server in servers_in(root):
                    spec = server_spec(server, src.path, to_span, f"MCP server '{server.name.value}' in {where}")
                    if spec is not None:
                        out.append(dataclasses.replace(spec, job=job.id if job is not None else None))
    return out


def host_servers(root: Any) -> Iterator[McpServer]:
    """Servers that run on the host (``npx``, ``uvx``, a binary): agent tools, not launches."""
    for server in servers_in(root):
        command = _text(server.node.get("command"))
        if command is not None and command.rsplit("/", 1)[-1] not in ("docker", "podman"):
            yield server
