"""Container image references: ``[registry/]repository[:tag][@digest]``.

Shared by the Dockerfile model (``FROM``), every container launch source and
the cross-file image index. A reference that holds an expression or an
unresolved variable is ``unknown``: rules never guess its parts.
"""

from __future__ import annotations

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile

DEFAULT_REGISTRY = "docker.io"
_DIGEST = lazy_compile(r"^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$")
_UNKNOWN = lazy_compile(r"\$\{\{|\$\{?[A-Za-z_]|\{\{|\{%|<%")
# Docker's repository grammar: lowercase path components separated by / with . _ - inside.
_REPOSITORY = lazy_compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$")


@dataclass(frozen=True, slots=True)
class ImageRef:
    """An image reference split into registry, repository, tag and digest."""

    raw: str
    registry: str | None
    """As written (``None`` when the reference names no registry)."""
    repository: str
    tag: str | None
    digest: str | None
    unknown: bool = False

    @property
    def effective_registry(self) -> str:
        return self.registry or DEFAULT_REGISTRY

    @property
    def normalized_repository(self) -> str:
        """``library/`` added for single-component Docker Hub names."""
        if self.effective_registry == DEFAULT_REGISTRY and "/" not in self.repository:
            return "library/" + self.repository
        return self.repository

    @property
    def name(self) -> str:
        """``registry/repository`` after normalisation (no tag, no digest)."""
        return f"{self.effective_registry}/{self.normalized_repository}"

    @property
    def is_latest_or_untagged(self) -> bool:
        return self.digest is None and (self.tag is None or self.tag == "latest")

    @property
    def is_scratch(self) -> bool:
        return self.registry is None and self.repository == "scratch"


def parse_image_ref(raw: str) -> ImageRef:
    """Split an image reference. Never raises; odd input gives ``unknown``."""
    text = raw.strip()
    if not text or _UNKNOWN.search(text) or any(c.isspace() for c in text):
        return ImageRef(raw, None, text, None, None, unknown=True)
    digest: str | None = None
    if "@" in text:
        text, _, digest = text.partition("@")
        if not _DIGEST.match(digest):
            digest = digest or None
    tag: str | None = None
    slash = text.rfind("/")
    colon = text.rfind(":")
    if colon > slash:
        text, tag = text[:colon], text[colon + 1 :] or None
    registry: str | None = None
    first, sep, rest = text.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, text = first.lower(), rest
    if docker_hub_alias(registry):
        registry = DEFAULT_REGISTRY
    # Template text and names Docker would reject (upper case, placeholders) are not real images.
    valid = bool(text) and _REPOSITORY.match(text) is not None
    return ImageRef(raw, registry, text, tag, digest, unknown=not valid)


def docker_hub_alias(registry: str | None) -> bool:
    return registry in ("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com")


def registry_trusted(ref: ImageRef, trusted: list[str] | tuple[str, ...]) -> bool:
    """Whether ``ref`` comes from one of ``trusted`` (registries or ``registry/path/`` prefixes)."""
    full = f"{ref.effective_registry}/{ref.normalized_repository}"
    for entry in trusted:
        e = entry.strip().rstrip("/").lower()
        if not e:
            continue
        if docker_hub_alias(e.split("/", 1)[0]):
            e = DEFAULT_REGISTRY + e[len(e.split("/", 1)[0]) :]
        if full.lower() == e or full.lower().startswith(e + "/"):
            return True
    return False
