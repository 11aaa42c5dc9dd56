"""The repository the SX rules check: every file's facts, and the image index over them.

The index links a container launch to the Dockerfile (and stage) that
builds its image, when the repository proves it:

1. the launch builds its own image (a Compose service's ``build:``, a dev
   container's ``build.dockerfile``);
2. the config's ``images:`` mapping names the image (a key without a tag
   covers every tag);
3. builds in workflows, scripts and Compose files tag the image: names are
   compared after normalisation, an unknown tag only within one file. Every
   build of the name must point at the same Dockerfile and stage, and that
   Dockerfile must be in the repository; otherwise nothing is proved.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import field
from typing import TYPE_CHECKING

from sentra_lint._dataclass import dataclass
from sentra_lint.crossfile.facts import Build, FileFacts, Launch
from sentra_lint.crossfile.names import ImageName, image_name, same_image

if TYPE_CHECKING:
    from sentra_lint.crossfile.image import ImageModel


@dataclass(frozen=True, slots=True)
class Link:
    """A proved link from a launch to the image model of a Dockerfile stage."""

    launch: Launch
    build: Build
    dockerfile: FileFacts
    image: ImageModel


@dataclass(slots=True)
class Repository:
    """The facts of a run's files joined: which launches run which images."""

    files: list[FileFacts] = field(default_factory=list)
    config_builds: list[Build] = field(default_factory=list)
    _dockerfiles: dict[str, FileFacts] = field(default_factory=dict)
    _built: dict[str, list[tuple[int, Build, ImageName]]] | None = None
    """Every build's comparable tag names by repository (with the build's order), made on first use."""

    def __post_init__(self) -> None:
        for f in self.files:
            if f.images:
                self._dockerfiles[os.path.normcase(f.abspath)] = f

    @property
    def launches(self) -> Iterator[Launch]:
        seen: set[tuple[str, int, int]] = set()
        for f in self.files:
            for la in f.launches:
                key = (la.path, la.anchor.line, la.anchor.column)
                if key in seen:
                    continue  # a script run by two workflows
                seen.add(key)
                yield la

    @property
    def builds(self) -> Iterator[Build]:
        for f in self.files:
            yield from f.builds

    def dockerfile(self, abspath: str | None) -> FileFacts | None:
        if abspath is None:
            return None
        return self._dockerfiles.get(os.path.normcase(abspath))

    def resolve(self, launch: Launch) -> Link | None:
        """The Dockerfile stage that builds the launch's image, when proved."""
        if launch.build is not None:
            return self._link(launch, [launch.build])
        if launch.image is None:
            return None
        name = image_name(launch.image)
        if name is None:
            return None
        for b in self.config_builds:
            key = image_name(b.tags[0])
            if key is None or key.repository != name.repository:
                continue
            if ":" not in b.tags[0].rsplit("/", 1)[-1] or same_image(name, key, False):
                return self._link(launch, [b])
        if self._built is None:
            # Names of different repositories never match: each launch compares only its own.
            self._built = {}
            for order, b in enumerate(self.builds):
                for tag in b.tags:
                    built = image_name(tag)
                    if built is not None:
                        self._built.setdefault(built.repository, []).append((order, b, built))
        matches: list[Build] = []
        seen: set[int] = set()
        for order, b, built in self._built.get(name.repository, ()):
            if order not in seen and same_image(name, built, b.group == launch.group):
                seen.add(order)
                matches.append(b)
        return self._link(launch, matches) if matches else None

    def _link(self, launch: Launch, builds: list[Build]) -> Link | None:
        targets = {(b.dockerfile, b.target) for b in builds}
        if len(targets) != 1 or any(b.dockerfile is None or not b.target_known for b in builds):
            return None
        build = builds[0]
        df = self.dockerfile(build.dockerfile)
        if df is None:
            return None
        model = df.stage(build.target)
        if model is None:
            return None
        return Link(launch, build, df, model)

    def links(self) -> Iterator[Link]:
        """Every launch whose image the repository proves, in file order."""
        for la in self.launches:
            link = self.resolve(la)
            if link is not None:
                yield link

    def called(self, caller: FileFacts, target: str, kind: str) -> FileFacts | None:
        """The file a local ``uses:`` of ``caller`` names, when it is among the files read."""
        for path in called_paths(caller.abspath, target, kind):
            found = self._by_abspath().get(os.path.normcase(path))
            if found is not None:
                return found
        return None

    def missing_callees(self) -> list[tuple[str, str]]:
        """``(absolute path, kind)`` of called files that are not among the files read."""
        have = self._by_abspath()
        wanted: dict[str, str] = {}
        for f in self.files:
            for call in f.calls:
                paths = called_paths(f.abspath, call.target, call.kind)
                if any(os.path.normcase(p) in have for p in paths):
                    continue
                for p in paths:
                    wanted.setdefault(p, call.kind)
        return list(wanted.items())

    def _by_abspath(self) -> dict[str, FileFacts]:
        return {os.path.normcase(f.abspath): f for f in self.files}

    def missing_dockerfiles(self) -> list[str]:
        """Dockerfiles that builds name but that are not among the files read (absolute paths)."""
        wanted: list[str] = []
        seen: set[str] = set()
        builds = [
            *self.builds,
            *self.config_builds,
            *(la.build for la in self.launches if la.build),
        ]
        for b in builds:
            if (
                b.dockerfile is None
                or self.dockerfile(b.dockerfile) is not None
                or b.dockerfile in seen
            ):
                continue
            seen.add(b.dockerfile)
            wanted.append(b.dockerfile)
        return wanted


def called_paths(caller: str, target: str, kind: str) -> list[str]:
    """Where a local ``uses:`` of the file at ``caller`` points (absolute paths to try).

    ``./x`` and ``$/x`` are relative to the repository root, the folder that
    holds the caller's ``.github``; a reference that leaves it is not followed.
    """
    parts = os.path.abspath(caller).split(os.sep)
    if ".github" not in parts[:-1]:
        return []
    at = len(parts) - 1 - parts[:-1][::-1].index(".github") - 1
    root = os.sep.join(parts[:at]) or os.sep
    rel = target[2:] if target.startswith(("./", "$/")) else target
    full = os.path.normpath(os.path.join(root, rel))
    if full != root and not full.startswith(root.rstrip(os.sep) + os.sep):
        return []
    if kind == "action":
        return [os.path.join(full, "action.yml"), os.path.join(full, "action.yaml")]
    return [full]
