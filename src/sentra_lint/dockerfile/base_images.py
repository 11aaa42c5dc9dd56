"""Facts about well-known base images that the Dockerfile cannot show.

An image's default user is set by the base image's own ``USER``: the
distroless ``:nonroot`` tags run as UID 65532, the .NET chiseled images as
``app`` (UID 1654), Bitnami's images as UID 1001. A Dockerfile built on them
that never says ``USER`` still runs as a non-root user. This table names
them; a configuration adds its own organisation's images (SD001's
``non-root-images`` option).

A pattern is ``image[:tag]`` with shell-style wildcards (``*``, ``?``,
``[..]``), matched against the reference with ``docker.io/`` and
``library/`` removed and any digest dropped; a pattern without ``:`` matches
every tag of the image, an untagged reference has the tag ``latest``.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable

NON_ROOT_IMAGES: tuple[tuple[str, str], ...] = (
    ("*:nonroot", "distroless-style `nonroot` tags run as UID 65532"),
    ("*:nonroot-*", "distroless-style `nonroot` tags run as UID 65532"),
    ("*:*-nonroot", "distroless-style `nonroot` tags run as UID 65532"),
    ("*:*-nonroot-*", "distroless-style `nonroot` tags run as UID 65532"),
    ("*:*chiseled*", ".NET chiseled images run as `app` (UID 1654)"),
    ("mcr.microsoft.com/dotnet/*:*distroless*", ".NET distroless images run as `app` (UID 1654)"),
    ("cgr.dev/chainguard/*", "Chainguard images run as `nonroot` (UID 65532)"),
    ("bitnami/*", "Bitnami images run as UID 1001"),
    ("bitnamilegacy/*", "Bitnami images run as UID 1001"),
    ("nginxinc/nginx-unprivileged", "runs as `nginx` (UID 101)"),
    ("quay.io/keycloak/keycloak", "runs as UID 1000"),
    ("jenkins/jenkins", "runs as `jenkins` (UID 1000)"),
    ("jupyter/*", "Jupyter Docker Stacks run as `jovyan` (UID 1000)"),
    ("quay.io/jupyter/*", "Jupyter Docker Stacks run as `jovyan` (UID 1000)"),
    ("registry.access.redhat.com/ubi*/python-*", "Red Hat S2I images run as UID 1001"),
    ("registry.access.redhat.com/ubi*/nodejs-*", "Red Hat S2I images run as UID 1001"),
)
"""``(pattern, why)``: base images whose default user is not root."""

ROOT_EXCEPTIONS: tuple[str, ...] = (
    "cgr.dev/chainguard/wolfi-base",
    "cgr.dev/chainguard/*:*-dev",
    "cgr.dev/chainguard/*:latest-dev*",
    "bitnami/minideb",
    "bitnami/git",
)
"""Images a broad pattern above covers but that run as root (a shell or build base)."""


def normalised_reference(repository: str, registry: str | None, tag: str | None) -> str:
    """``registry/repository:tag`` as the patterns read it (Docker Hub prefixes dropped)."""
    name = repository if registry in (None, "docker.io", "index.docker.io") else f"{registry}/{repository}"
    name = name.removeprefix("library/")
    return f"{name}:{tag or 'latest'}"


def _matches(reference: str, pattern: str) -> bool:
    if ":" not in pattern.rsplit("/", 1)[-1]:
        pattern += ":*"
    return fnmatch.fnmatchcase(reference, pattern)


def non_root_base(reference: str, extra: Iterable[str] = ()) -> str | None:
    """Why the image ``reference`` (see :func:`normalised_reference`) runs as non-root, or ``None``.

    ``extra`` patterns (from the configuration) are checked first and are
    not subject to the exceptions.
    """
    for pattern in extra:
        if _matches(reference, pattern):
            return f"the configuration lists `{pattern}` as a non-root image"
    if any(_matches(reference, p) for p in ROOT_EXCEPTIONS):
        return None
    for pattern, why in NON_ROOT_IMAGES:
        if _matches(reference, pattern):
            return why
    return None
