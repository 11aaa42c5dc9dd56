"""``verify --capture DIR``: write the files verify reads into a tree ``--root`` can judge later.

The tree holds exactly what a verify run read from the live system, at the
same paths: ``DIR/proc/self/status``, ``DIR/proc/self/mountinfo``,
``DIR/sys/fs/cgroup/...``. Two files are changed on the way: the
environment keeps only variable names (``NAME=`` with the value removed),
and a Docker socket becomes a plain file that says whether ``connect()``
reached it.
"""

from __future__ import annotations

from pathlib import Path

from sentra_lint.verify.fs import ReadProblem, RootFS
from sentra_lint.verify.probe import Observation, observe


class CaptureError(Exception):
    """The destination cannot be written."""


class RecordingFS(RootFS):
    """A :class:`RootFS` that remembers every file it read."""

    def __init__(self, root: str) -> None:
        super().__init__(root)
        self.files: dict[str, bytes] = {}

    def read_bytes(self, path: str, limit: int = 1024 * 1024) -> bytes | ReadProblem:
        data = super().read_bytes(path, limit)
        if isinstance(data, bytes):
            if path == "/proc/self/environ":
                data = _names_only(data)
            self.files[path] = data
        return data


def _names_only(environ: bytes) -> bytes:
    names = []
    for entry in environ.split(b"\0"):
        name, sep, _ = entry.partition(b"=")
        if sep and name:
            names.append(name + b"=")
    return b"\0".join(names) + (b"\0" if names else b"")


def capture(dest: str, root: str = "/") -> Observation:
    """Observe ``root`` and write what was read under ``dest``; the observation."""
    fs = RecordingFS(root)
    obs = observe(root, fs)
    target = Path(dest)
    try:
        target.mkdir(parents=True, exist_ok=True)
        if any(target.iterdir()):
            raise CaptureError(f"{dest}: not empty; capture writes into a new or empty directory")
        for path, data in sorted(fs.files.items()):
            out = target / path.lstrip("/")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
        for s in obs.sockets:
            out = target / s.path.lstrip("/")
            out.parent.mkdir(parents=True, exist_ok=True)
            if s.reachable is True:
                out.write_text("reachable\n", encoding="utf-8")
            elif s.reachable is False:
                out.write_text(f"unreachable: {s.reason}\n", encoding="utf-8")
            else:
                out.write_text("present\n", encoding="utf-8")
    except OSError as exc:
        raise CaptureError(f"{dest}: {exc.strerror or exc}") from None
    return obs
