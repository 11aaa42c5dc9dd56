"""Typed model of a Compose file.

Built from a :class:`~sentra_lint.yamlmodel.YamlDoc` by :func:`build_compose`.
Each :class:`ComposeService` answers field lookups with ``extends`` applied
(same-file ``extends: {service: base}`` and ``extends: base``), following the
Compose merge rules where they matter for linting:

- a scalar or sequence-replacing field (``image``, ``user``, ``privileged``,
  ``command``) comes from the nearest service in the chain that sets it
  (:meth:`ComposeService.get`, :meth:`ComposeService.get_path` for nested
  mappings such as ``deploy.resources.limits.memory``);
- list fields that Compose appends (``cap_add``, ``cap_drop``, ``devices``,
  ``security_opt``, ``volumes``, ``tmpfs``, ``ports``...) collect the entries
  of the whole chain, base first (:meth:`ComposeService.items`);
- ``environment`` (mapping or ``KEY=value`` list form) merges by name, the
  extending service winning (:meth:`ComposeService.environment`).

``x-`` extension fields, anchors and ``<<`` merge keys are resolved by the
YAML layer. Values may hold ``${VAR}`` interpolations: see
:mod:`sentra_lint.compose.interpolation`.
"""

from __future__ import annotations

from dataclasses import field

from sentra_lint._dataclass import dataclass
from sentra_lint.source import SourceFile, Span
from sentra_lint.yamlmodel import MapNode, Node, ParseProblem, ScalarNode, SeqNode, YamlDoc

# Fields whose list entries Compose concatenates along ``extends``.
APPENDED_LISTS = frozenset(
    {
        "cap_add",
        "cap_drop",
        "devices",
        "device_cgroup_rules",
        "dns",
        "dns_search",
        "dns_opt",
        "env_file",
        "expose",
        "external_links",
        "extra_hosts",
        "group_add",
        "links",
        "ports",
        "security_opt",
        "tmpfs",
        "volumes",
        "volumes_from",
    }
)


@dataclass(frozen=True, slots=True)
class EnvEntry:
    """One ``environment`` entry (``KEY: value`` or ``- KEY=value``)."""

    name: str
    value: str | None
    """``None`` for ``KEY:`` / ``- KEY`` (passed through from the host)."""
    node: Node
    """The value node (mapping form) or the whole entry (list form)."""
    key_node: ScalarNode
    """The key (mapping form) or the entry scalar (list form)."""
    service: str
    """The service (in the ``extends`` chain) that sets it."""


@dataclass(frozen=True, slots=True, eq=False)
class ComposeService:
    """One entry of a Compose file's ``services:``."""

    name: str
    name_span: Span
    key: ScalarNode
    node: MapNode
    extends_name: str | None = None
    """The same-file service this one extends, when it does."""
    extends_file: str | None = None
    """``extends.file`` when the base lives in another file (not resolved)."""
    extends_node: Node | None = None
    chain: tuple[MapNode, ...] = ()
    """This service's mapping, then each base's, nearest first."""
    chain_names: tuple[str, ...] = ()
    source: SourceFile | None = field(default=None, repr=False)

    # -- lookups -----------------------------------------------------------

    def own(self, key: str) -> Node | None:
        """The field as written in this service only."""
        return self.node.get(key)

    def get(self, key: str) -> Node | None:
        """The field from the nearest service in the ``extends`` chain that sets it."""
        for m in self.chain:
            value = m.get(key)
            if value is not None:
                return value
        return None

    def key_node(self, key: str) -> Node | None:
        """The key node of :meth:`get`'s answer (where to point a finding)."""
        for m in self.chain:
            if key in m:
                return m.key_node(key)
        return None

    def origin(self, key: str) -> str | None:
        """Which service in the chain sets ``key``."""
        for name, m in zip(self.chain_names, self.chain, strict=False):
            if key in m:
                return name
        return None

    def get_path(self, *keys: str) -> Node | None:
        """A nested field (``get_path("deploy", "resources", "limits", "memory")``),
        nested mappings merged along the chain as Compose does."""
        for m in self.chain:
            node: Node | None = m
            for k in keys:
                node = node.get(k) if isinstance(node, MapNode) else None
                if node is None:
                    break
            if node is not None:
                return node
        return None

    def items(self, key: str) -> list[Node]:
        """Entries of a list field along the chain, base first. A scalar in
        place of a list (``tmpfs: /tmp``) counts as one entry; for fields
        Compose does not append, only the nearest definition counts."""
        chain = list(reversed(self.chain)) if key in APPENDED_LISTS else []
        if not chain:
            node = self.get(key)
            return _entries(node)
        out: list[Node] = []
        for m in chain:
            out.extend(_entries(m.get(key)))
        return out

    def environment(self) -> list[EnvEntry]:
        """``environment`` merged along the chain: one entry per name, the
        extending service's value winning, in first-seen order."""
        merged: dict[str, EnvEntry] = {}
        for name, m in reversed(list(zip(self.chain_names, self.chain, strict=False))):
            for entry in _env_entries(m.get("environment"), name):
                merged[entry.name] = entry
        return list(merged.values())

    # -- common fields -----------------------------------------------------

    @property
    def image(self) -> ScalarNode | None:
        node = self.get("image")
        return node if isinstance(node, ScalarNode) and not node.is_null else None

    @property
    def build(self) -> Node | None:
        return self.get("build")

    @property
    def build_context(self) -> str | None:
        b = self.build
        if isinstance(b, ScalarNode):
            return None if b.is_null else b.value
        if isinstance(b, MapNode):
            ctx = b.get("context")
            return ctx.value if isinstance(ctx, ScalarNode) and not ctx.is_null else "."
        return None

    @property
    def build_dockerfile(self) -> str | None:
        b = self.build
        if isinstance(b, MapNode):
            df = b.get("dockerfile")
            if isinstance(df, ScalarNode) and not df.is_null:
                return df.value
        return None

    def span(self, node: Node) -> Span:
        """The span of one of this service's nodes in the Compose file."""
        if self.source is None:  # pragma: no cover - always set by build_compose
            raise ValueError("service built without its source file")
        return node.span(self.source)


def _entries(node: Node | None) -> list[Node]:
    if node is None:
        return []
    if isinstance(node, SeqNode):
        return [n for n in node.items if not (isinstance(n, ScalarNode) and n.is_null)]
    if isinstance(node, ScalarNode):
        return [] if node.is_null else [node]
    return [node]


def _env_entries(node: Node | None, service: str) -> list[EnvEntry]:
    out: list[EnvEntry] = []
    if isinstance(node, MapNode):
        for name, key, value in node.str_items():
            text: str | None
            if isinstance(value, ScalarNode):
                text = None if value.is_null else value.value
            else:
                text = None
            out.append(EnvEntry(name, text, value, key, service))
    elif isinstance(node, SeqNode):
        for item in node.items:
            if isinstance(item, ScalarNode) and not item.is_null:
                name, eq, value_text = item.value.partition("=")
                out.append(EnvEntry(name.strip(), value_text if eq else None, item, item, service))
    return out


@dataclass(frozen=True, slots=True)
class ComposeFile:
    """A parsed Compose file: its services, volumes and networks."""

    source: SourceFile
    root: MapNode | None
    services: tuple[ComposeService, ...] = ()
    problems: tuple[ParseProblem, ...] = ()
    volumes: MapNode | None = None
    networks: MapNode | None = None
    secrets: MapNode | None = None
    configs: MapNode | None = None
    name: str | None = None
    extensions: tuple[tuple[str, Node], ...] = ()
    """Top-level ``x-`` fields."""

    def service(self, name: str) -> ComposeService | None:
        for s in self.services:
            if s.name == name:
                return s
        return None


def _extends_target(node: Node | None) -> tuple[str | None, str | None]:
    """``(service, file)`` of an ``extends`` value."""
    if isinstance(node, ScalarNode):
        return (None if node.is_null else node.value.strip()), None
    if isinstance(node, MapNode):
        svc = node.get("service")
        f = node.get("file")
        return (
            svc.value.strip() if isinstance(svc, ScalarNode) and not svc.is_null else None,
            f.value.strip() if isinstance(f, ScalarNode) and not f.is_null else None,
        )
    return None, None


def build_compose(src: SourceFile, doc: YamlDoc) -> ComposeFile:
    """The Compose model of ``doc``. Never raises; wrong types are skipped."""
    problems: list[ParseProblem] = []
    root = doc.root
    if not isinstance(root, MapNode):
        if root is not None and not (isinstance(root, ScalarNode) and root.is_null):
            problems.append(
                ParseProblem(root.span(src), "a Compose file must be a mapping at the top level")
            )
        return ComposeFile(src, None, problems=tuple(problems))

    services_node = root.get("services")
    raw: dict[str, tuple[ScalarNode, MapNode]] = {}
    if isinstance(services_node, MapNode):
        for name, key, value in services_node.str_items():
            if isinstance(value, MapNode):
                raw[name] = (key, value)
            elif not (isinstance(value, ScalarNode) and value.is_null):
                problems.append(ParseProblem(value.span(src), f"services.{name} must be a mapping"))
    elif services_node is not None and not (
        isinstance(services_node, ScalarNode) and services_node.is_null
    ):
        problems.append(ParseProblem(services_node.span(src), "services must be a mapping"))

    services: list[ComposeService] = []
    for name, (key, node) in raw.items():
        ext_node = node.get("extends")
        base, base_file = _extends_target(ext_node)
        chain: list[MapNode] = [node]
        names: list[str] = [name]
        if base is not None and base_file is None:
            current: str | None = base
            where = ext_node if ext_node is not None else key
            seen = {name}
            while current is not None:
                if current in seen:
                    problems.append(
                        ParseProblem(
                            where.span(src),
                            f"services.{name}: extends forms a cycle through {current!r}",
                        )
                    )
                    break
                target = raw.get(current)
                if target is None:
                    if current == base:
                        problems.append(
                            ParseProblem(
                                where.span(src),
                                f"services.{name} extends {current!r}, which is not a service in this file",
                            )
                        )
                    break
                seen.add(current)
                chain.append(target[1])
                names.append(current)
                nxt, nxt_file = _extends_target(target[1].get("extends"))
                current = nxt if nxt_file is None else None
        services.append(
            ComposeService(
                name=name,
                name_span=key.span(src),
                key=key,
                node=node,
                extends_name=base if base_file is None else None,
                extends_file=base_file,
                extends_node=ext_node,
                chain=tuple(chain),
                chain_names=tuple(names),
                source=src,
            )
        )

    def _map(k: str) -> MapNode | None:
        v = root.get(k)
        return v if isinstance(v, MapNode) else None

    name_node = root.get("name")
    return ComposeFile(
        source=src,
        root=root,
        services=tuple(services),
        problems=tuple(problems),
        volumes=_map("volumes"),
        networks=_map("networks"),
        secrets=_map("secrets"),
        configs=_map("configs"),
        name=name_node.value
        if isinstance(name_node, ScalarNode) and not name_node.is_null
        else None,
        extensions=tuple((k, v) for k, _, v in root.str_items() if k.startswith("x-")),
    )
