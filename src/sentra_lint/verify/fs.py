"""Reading the kernel's files under a root directory, and never anything outside it.

Every path is resolved one component at a time, relative to a file
descriptor of the root, with ``O_NOFOLLOW``: a symbolic link is read with
``readlink`` and followed only when its target stays inside the root (an
absolute target counts as inside only when the root is ``/``). A path that
would leave the root, a file that is not a regular file (a FIFO, a device),
one larger than the cap, or one that is not text is refused with a
:class:`ReadProblem`, never an exception.
"""

from __future__ import annotations

import errno
import os
import stat

from sentra_lint._dataclass import dataclass

MAX_BYTES = 1024 * 1024
"""The most a kernel file may hold; a hostile or garbled tree cannot make verify read more."""
MAX_LINKS = 40


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """Why a file could not be read: ``missing`` (it is not there) or ``unreadable``."""

    path: str
    """The path inside the root (``/proc/self/status``)."""
    reason: str
    missing: bool = False


@dataclass(frozen=True, slots=True)
class NodeInfo:
    """What is at a path: a regular file, a socket, a directory or something else."""

    path: str
    kind: str
    """``file``, ``socket``, ``dir`` or ``other``."""
    resolved: str
    """The path inside the root after following links that stay inside it."""


class RootFS:
    """Read-only access to the files under one root directory."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)
        self.live = self.root == "/"

    def display(self, path: str) -> str:
        """How a path inside the root is shown: ``/proc/self/status`` (live) or ``ROOT/proc/self/status``."""
        return path if self.live else self.root.rstrip("/") + path

    # -- resolution ------------------------------------------------------------

    def _resolve(self, path: str) -> tuple[int, str, list[str]] | ReadProblem:
        """An open directory descriptor, the last component's name, and the resolved parts.

        The caller closes the descriptor.
        """
        try:
            root_fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError as exc:
            return ReadProblem(path, f"cannot open the root {self.root}: {exc.strerror or exc}", missing=True)
        pending = [p for p in path.split("/") if p not in ("", ".")]
        done: list[str] = []
        fds = [root_fd]
        links = 0
        try:
            while pending:
                name = pending.pop(0)
                if name == "..":
                    if not done:
                        return ReadProblem(path, "the path leaves the root")
                    done.pop()
                    os.close(fds.pop())
                    continue
                if not pending:
                    # The last component: lstat it to see whether it is a link.
                    try:
                        st = os.lstat(name, dir_fd=fds[-1])
                    except OSError as exc:
                        return _problem(path, exc)
                    if not stat.S_ISLNK(st.st_mode):
                        fd = os.dup(fds[-1])
                        return fd, name, [*done, name]
                else:
                    try:
                        fd = os.open(
                            name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fds[-1]
                        )
                    except OSError as exc:
                        if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
                            return _problem(path, exc)
                        try:
                            st = os.lstat(name, dir_fd=fds[-1])
                        except OSError as exc2:
                            return _problem(path, exc2)
                        if not stat.S_ISLNK(st.st_mode):
                            return ReadProblem(path, f"'{'/' + '/'.join([*done, name])}' is not a directory", missing=True)
                    else:
                        fds.append(fd)
                        done.append(name)
                        continue
                # ``name`` is a symbolic link: follow it only inside the root.
                links += 1
                if links > MAX_LINKS:
                    return ReadProblem(path, "too many levels of symbolic links")
                try:
                    target = os.readlink(name, dir_fd=fds[-1])
                except OSError as exc:
                    return _problem(path, exc)
                if target.startswith("/"):
                    if not self.live:
                        return ReadProblem(path, f"a symbolic link to '{target}' leaves the root")
                    while len(fds) > 1:
                        os.close(fds.pop())
                    done.clear()
                pending[:0] = [p for p in target.split("/") if p not in ("", ".")]
            return ReadProblem(path, "not a file")
        finally:
            for fd in fds:
                os.close(fd)

    # -- reading ---------------------------------------------------------------

    def node(self, path: str) -> NodeInfo | ReadProblem:
        """What is at ``path`` (after links that stay inside the root)."""
        found = self._resolve(path)
        if isinstance(found, ReadProblem):
            return found
        dir_fd, name, parts = found
        try:
            st = os.lstat(name, dir_fd=dir_fd)
        except OSError as exc:
            return _problem(path, exc)
        finally:
            os.close(dir_fd)
        mode = st.st_mode
        kind = (
            "file" if stat.S_ISREG(mode) else "socket" if stat.S_ISSOCK(mode)
            else "dir" if stat.S_ISDIR(mode) else "other"
        )
        return NodeInfo(path, kind, "/" + "/".join(parts))

    def _open(self, path: str, flags: int) -> int | ReadProblem:
        """A read-only descriptor of ``path`` inside the root (never through a symbolic link), or why not."""
        found = self._resolve(path)
        if isinstance(found, ReadProblem):
            return found
        dir_fd, name, _ = found
        try:
            return os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | flags, dir_fd=dir_fd)
        except OSError as exc:
            return _problem(path, exc)
        finally:
            os.close(dir_fd)

    def read_bytes(self, path: str, limit: int = MAX_BYTES) -> bytes | ReadProblem:
        """The content of a regular file, at most ``limit`` bytes (more is a problem, not a truncation)."""
        fd = self._open(path, os.O_NONBLOCK)
        if isinstance(fd, ReadProblem):
            return fd
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return ReadProblem(path, "not a regular file")
            chunks: list[bytes] = []
            size = 0
            while True:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    return ReadProblem(path, f"larger than {limit // 1024} KiB")
            return b"".join(chunks)
        except OSError as exc:
            return _problem(path, exc)
        finally:
            os.close(fd)

    def read_text(self, path: str, limit: int = MAX_BYTES) -> str | ReadProblem:
        """A kernel text file: ASCII/UTF-8 without NUL bytes."""
        data = self.read_bytes(path, limit)
        if isinstance(data, ReadProblem):
            return data
        if b"\0" in data:
            return ReadProblem(path, "binary content (NUL bytes) where text was expected")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return ReadProblem(path, f"not UTF-8 text (byte {exc.start})")

    def list_dir(self, path: str) -> list[str] | ReadProblem:
        fd = self._open(path, os.O_DIRECTORY)
        if isinstance(fd, ReadProblem):
            return fd
        try:
            return sorted(os.listdir(fd))
        except OSError as exc:
            return _problem(path, exc)
        finally:
            os.close(fd)


def _problem(path: str, exc: OSError) -> ReadProblem:
    missing = exc.errno in (errno.ENOENT, errno.ENOTDIR)
    reason = "not found" if missing else (exc.strerror or str(exc)).lower()
    if exc.errno == errno.ELOOP:
        reason = "a symbolic link where a file was expected"
    return ReadProblem(path, reason, missing=missing)
