"""Reading files safely: size cap, special files, encodings.

Returns a :class:`SourceFile` or the reason the file is skipped (SE002). Never
raises for a bad file and never opens FIFOs or devices.
"""

from __future__ import annotations

import codecs
import os
import stat
import sys
from pathlib import Path

from sentra_lint.source import Kind, SourceFile, normalise_newlines

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


class Skip(Exception):
    """The file is not linted; ``str(exc)`` is the reason."""


def decode(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or UTF-16 with a BOM; raise :class:`Skip` otherwise."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise Skip(f"invalid UTF-16 text at byte {exc.start}") from None
    if b"\x00" in data[:8192]:
        raise Skip("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Skip(f"not UTF-8 text (invalid byte at offset {exc.start})") from None


def read_source(path: Path, display: str, kind: Kind, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceFile:
    if str(path) == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            raise Skip("file vanished before it could be read") from None
        except OSError as exc:
            raise Skip(f"cannot read: {exc.strerror or exc}") from None
        if not stat.S_ISREG(st.st_mode):
            raise Skip("not a regular file (FIFO, device or socket); not opened")
        if st.st_size > max_bytes:
            raise Skip(f"file is {st.st_size} bytes, over the {max_bytes}-byte cap")
        try:
            with open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
        except FileNotFoundError:
            raise Skip("file vanished before it could be read") from None
        except OSError as exc:
            raise Skip(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise Skip(f"file is over the {max_bytes}-byte cap")
    text = normalise_newlines(decode(data))
    return SourceFile(path=display, text=text, kind=kind)


def display_path(path: Path, cwd: str | None = None) -> str:
    """Relative to the current directory with forward slashes when under it; as given otherwise."""
    if str(path) == "-":
        return "-"
    cwd = cwd or os.getcwd()
    absolute = os.path.abspath(path)
    if absolute == cwd or absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        rel = os.path.relpath(absolute, cwd)
    else:
        rel = str(path)
    return rel.replace(os.sep, "/")
