"""Helpers the SX rules share: path tests, user comparison and how messages name things."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sentra_lint.container.sizes import parse_uid
from sentra_lint.findings import Related
from sentra_lint.shell.commands import is_root_user, user_part

if TYPE_CHECKING:
    from sentra_lint.crossfile.facts import Mount
    from sentra_lint.crossfile.image import Content, ImageModel, ImageUser
    from sentra_lint.crossfile.repository import Link


def inside(path: str, folder: str, strict: bool = False) -> bool:
    """Whether ``path`` is ``folder`` or below it (only below it when ``strict``)."""
    folder = folder.rstrip("/") or "/"
    if path == folder:
        return not strict
    return path.startswith(folder if folder == "/" else folder + "/")


def hiding_mount(mounts: tuple[Mount, ...], content: Content) -> Mount | None:
    """The mount that decides what the container sees at ``content.path``, if it hides it.

    The deepest mount over the path wins. A tmpfs hides what the image put
    there; so does a bind mount, except over copied files (binding the
    source over the copy is a common development setup). A named or
    anonymous volume starts as a copy of the image's files: not hidden.
    """
    covering = [
        m for m in mounts if m.target is not None and inside(content.path, m.target, content.strict)
    ]
    if not covering:
        return None
    deepest = max(covering, key=lambda m: len((m.target or "").rstrip("/")))
    if deepest.kind == "tmpfs" or (deepest.kind == "bind" and not content.copied):
        return deepest
    return None


def same_user(launch_user: str, image: ImageUser, model: ImageModel) -> bool | None:
    """Whether the launch's user is the image's user; ``None`` when that cannot be told."""
    part = user_part(launch_user).strip()
    if is_root_user(launch_user):
        return image.is_root
    number = parse_uid(part)
    uid = number if part.isdigit() else model.uid_of(part)
    name = part if not part.isdigit() else None if number is None else model.name_of(number)
    if uid is not None and image.uid is not None:
        return uid == image.uid
    if name is not None and image.name is not None:
        return name == image.name
    return None


def where(model: ImageModel, line: int) -> str:
    """``Dockerfile:5``: the Dockerfile as shown, and a line."""
    return f"{model.path}:{line}"


def image_label(link: Link) -> str:
    la = link.launch
    if la.image:
        return f"`{la.image.strip()}`"
    return f"the image built from {link.image.path}"


def build_note(link: Link) -> Related:
    b = link.build
    stage = f" (stage '{link.image.stage}')" if b.target else ""
    return Related(b.path, b.span, f"the image is built from {link.image.path}{stage} by {b.how}")
