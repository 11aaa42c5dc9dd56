"""Image names as the cross-file index compares them.

A name is normalised the way Docker resolves it: no registry means
``docker.io``, a one-part Docker Hub name gets ``library/``, no tag means
``latest``. A digest is dropped; a reference by digest alone, and a tag
made of an expression or a variable (``ghcr.io/acme/agent:${{ github.sha }}``,
``acme/agent:$TAG``), has an *unknown* tag. A repository part that holds an
expression cannot be compared at all.
"""

from __future__ import annotations

from sentra_lint._dataclass import dataclass
from sentra_lint._lazy_re import lazy_compile
from sentra_lint.images import parse_image_ref

_EXPANSION = lazy_compile(r"\$\{\{|\$\{?[A-Za-z_(]|`")
_SPACE = lazy_compile(r"\s")  # what str.isspace() calls white space


@dataclass(frozen=True, slots=True)
class ImageName:
    """An image reference made comparable with others."""

    repository: str
    """``registry/repository``, normalised and lower case (``docker.io/library/python``)."""
    tag: str | None
    """The tag; ``None`` when it is not known (an expression, or a digest-only reference)."""

    def __str__(self) -> str:
        return f"{self.repository}:{self.tag if self.tag is not None else '*'}"


def image_name(raw: str) -> ImageName | None:
    """The comparable form of an image reference; ``None`` when its repository is not literal."""
    text = raw.strip().strip("\"'")
    if not text or _SPACE.search(text.replace("${{ ", "${{").replace(" }}", "}}")):
        return None
    m = _EXPANSION.search(text)
    known = text if m is None else text[: m.start()]
    digest = False
    if "@" in known:
        known, _, _ = known.partition("@")
        digest = True
    slash = known.rfind("/")
    colon = known.rfind(":")
    if colon > slash:
        name, tag_text = known[:colon], known[colon + 1 :]
        tag: str | None = None if m is not None else (tag_text or None)
        if m is None and not tag_text:
            return None
        if m is None and "@" in text:
            tag = tag_text.partition("@")[0] or None
    else:
        if m is not None:
            return None  # the expression is inside the repository part
        name = known
        tag = None if digest else "latest"
    if not name or name.endswith("/"):
        return None
    ref = parse_image_ref(name)
    if ref.unknown:
        return None
    return ImageName(ref.name.lower(), tag)


def same_image(launch: ImageName, build: ImageName, same_file: bool) -> bool:
    """Whether a launch's image is the one a build tags.

    Known tags must be equal; an unknown tag on either side matches any tag
    of the same repository only when launch and build are in the same file.
    """
    if launch.repository != build.repository:
        return False
    if launch.tag is not None and build.tag is not None:
        return launch.tag == build.tag
    return same_file
