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

from sentra_lint.verify.fs import NodeInfo, ReadProblem, RootFS
from sentra_lint.verify.probe import Observation, observe


class CaptureError(Exception):
    """The destination cannot be written."""


class RecordingFS(RootFS):
    """A :class:`RootFS` that remembers every file it read."""

    def __init__(self, root: str) -> None:
        super().__init__(root)
        self.files: dict[str, bytes] = {}
        self.present: set[str] = set()
        self.sockets: set[str] = set()

    def read_bytes(self, path: str, limit: int = 1024 * 1024) -> bytes | ReadProblem:
        data = super().read_bytes(path, limit)
        if isinstance(data, bytes):
            if path == "/proc/self/environ":
                self.files[path] = _names_only(data)
            elif path.endswith("/.git/config"):
                self.files[path] = _keys_only(data)
            else:
                self.files[path] = data
        return data

    def node(self, path: str) -> NodeInfo | ReadProblem:
        found = super().node(path)
        if isinstance(found, NodeInfo) and found.kind == "file" and path not in self.files:
            # A credential file is recorded as present, never with its content.
            self.present.add(path)
        elif isinstance(found, NodeInfo) and found.kind == "socket":
            self.sockets.add(path)
        return found


def _names_only(environ: bytes) -> bytes:
    names = []
    for entry in environ.split(b"\0"):
        name, sep, _ = entry.partition(b"=")
        if sep and name:
            names.append(name + b"=")
    return b"\0".join(names) + (b"\0" if names else b"")


def _keys_only(config: bytes) -> bytes:
    """A git config with every value removed: sections and key names stay (``extraheader =``)."""
    out = []
    for line in config.decode("utf-8", "replace").splitlines():
        stripped = line.strip()
        if stripped.startswith("[") or not stripped or stripped.startswith(("#", ";")):
            out.append(line)
        else:
            out.append(line.split("=", 1)[0].rstrip() + " = (removed)")
    return ("\n".join(out) + "\n").encode()


def capture(dest: str, root: str = "/", *, proxy_socket: str | None = None, workspace: str | None = None) -> Observation:
    """Observe ``root`` and write what was read under ``dest``; the observation."""
    fs = RecordingFS(root)
    obs = observe(root, fs, proxy_socket=proxy_socket, workspace=workspace)
    target = Path(dest)
    try:
        target.mkdir(parents=True, exist_ok=True)
        if any(target.iterdir()):
            raise CaptureError(f"{dest}: not empty; capture writes into a new or empty directory")
        for path, data in sorted(fs.files.items()):
            out = target / path.lstrip("/")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
        for path in sorted(fs.present - set(fs.files)):
            out = target / path.lstrip("/")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text("present (content not captured)\n", encoding="utf-8")
        for path in sorted(fs.sockets - {s.path for s in obs.sockets}):
            out = target / path.lstrip("/")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text("socket\n", encoding="utf-8")
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
