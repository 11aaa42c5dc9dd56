"""SHA-256 without loading OpenSSL at start-up.

``hashlib`` imports ``_hashlib`` (OpenSSL), about 2 ms of every run; the
digest the fingerprints and the policy pack checks need is the same from
CPython's own small ``_sha256`` module, when the interpreter has it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hashlib import sha256
else:
    try:
        from _sha256 import sha256
    except ImportError:  # pragma: no cover - an interpreter built without it
        from hashlib import sha256

__all__ = ["sha256"]
