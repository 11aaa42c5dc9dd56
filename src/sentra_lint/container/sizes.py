"""Resource values as the Docker CLI and Compose accept them.

Memory sizes follow the rules of Docker's ``RAMInBytes`` (used by
``--memory``, ``--memory-swap``, ``--shm-size``, ``--mount tmpfs-size`` and by
Compose's ``mem_limit`` / ``memswap_limit`` / ``shm_size``): a decimal number,
an optional space, an optional unit letter ``b k m g t p`` (any case), an
optional ``i`` and an optional ``b``. Units are binary (``1k`` = 1024), so
``2g``, ``2G``, ``2gb``, ``2GB``, ``2GiB`` and ``2gib`` are all 2 GiB. A plain
number is bytes. Fractions are allowed (``1.5g``) and truncated to whole bytes.

Limits that Docker reads as "no limit" are returned as :data:`UNLIMITED`, a
value of its own type, so a rule cannot compare it with a byte count by
mistake (mypy makes it handle the case).

Every parser returns ``None`` for a value Docker would reject. None of them
raise.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Final, Literal

from sentra_lint._lazy_re import lazy_compile

__all__ = [
    "GIB",
    "KIB",
    "MIB",
    "UNLIMITED",
    "Limit",
    "Unlimited",
    "format_bytes",
    "parse_bytes",
    "parse_cpus",
    "parse_int",
    "parse_memory",
    "parse_memory_swap",
    "parse_pids_limit",
]

KIB: Final = 1024
MIB: Final = 1024**2
GIB: Final = 1024**3


class Unlimited(Enum):
    """The one value of "no limit at all" (``-1``, or ``0`` where Docker reads it so)."""

    UNLIMITED = "unlimited"

    def __repr__(self) -> str:
        return "UNLIMITED"


UNLIMITED: Final = Unlimited.UNLIMITED
"""Compare with ``is``: ``if spec.memory_swap.value is UNLIMITED: ...``."""

Limit = int | Literal[Unlimited.UNLIMITED]
"""A byte count or count, or :data:`UNLIMITED`."""

_SIZE = lazy_compile(r"^(\d+(?:\.\d+)?) ?([bkmgtp])?(i)?(b)?$", re.IGNORECASE)
_MULTIPLIER = {"": 1, "b": 1, "k": KIB, "m": MIB, "g": GIB, "t": 1024**4, "p": 1024**5}
_INT = lazy_compile(r"^[+-]?\d+$")
_CPUS_DECIMAL = lazy_compile(r"^\+?(\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_CPUS_FRACTION = lazy_compile(r"^\+?(\d+)/(\d+)$")

Value = str | int | float


def parse_bytes(value: Value) -> int | None:
    """Bytes of a size such as ``512m``, ``2GiB`` or ``1073741824``.

    An ``int`` (as a YAML number in a Compose file) is a byte count; a
    negative number or a malformed string gives ``None``.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value >= 0 and value == value and value != float("inf") else None
    m = _SIZE.match(value.strip())
    if m is None:
        return None
    number, unit, binary, byte = m.groups()
    if binary and not unit:
        # "2i" / "2ib": an "i" without a unit letter is not a size anyone writes.
        return None
    if unit and unit.lower() == "b" and (binary or byte):
        return None
    from decimal import Decimal  # imported on use: decimal and fractions cost 1.5 ms at start-up

    try:
        return int(Decimal(number) * _MULTIPLIER[(unit or "").lower()])
    except ArithmeticError:  # decimal.Overflow: a number of about a million digits
        return None


def parse_memory(value: Value) -> Limit | None:
    """``--memory`` / ``mem_limit``: bytes, or :data:`UNLIMITED` for ``0`` and ``-1``.

    Docker treats a zero memory limit as "not limited".
    """
    if _is_minus_one(value):
        return UNLIMITED
    size = parse_bytes(value)
    if size is None:
        return None
    return UNLIMITED if size == 0 else size


def parse_memory_swap(value: Value) -> Limit | None:
    """``--memory-swap`` / ``memswap_limit``: memory plus swap in bytes.

    ``-1`` is :data:`UNLIMITED` (unlimited swap). ``0`` is returned as ``0``:
    Docker ignores it and applies its default (swap equal to the memory
    limit again, i.e. twice the memory in total), the same as leaving it out.
    """
    if _is_minus_one(value):
        return UNLIMITED
    return parse_bytes(value)


def parse_pids_limit(value: Value) -> Limit | None:
    """``--pids-limit`` / ``pids_limit``: a count, :data:`UNLIMITED` for ``0`` or less."""
    number = parse_int(value)
    if number is None:
        return None
    return UNLIMITED if number <= 0 else number


def parse_int(value: Value) -> int | None:
    """A whole number as Docker's integer flags read it (``--cpu-quota``, ``--cpu-period``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = value.strip()
    sign = -1 if text.startswith("-") else 1
    body = text[1:] if text[:1] in "+-" else text
    if not body:
        return None
    try:
        if body.isdigit() and not (body.startswith("0") and len(body) > 1):
            return sign * int(body)
        if body.isdigit() and "8" not in body and "9" not in body:
            return sign * int(body, 8)  # a leading 0 is octal, as Go's ParseInt(s, 0, 64)
        if body[:2].lower() in ("0x", "0o", "0b"):
            return sign * int(body, 0)
    except ValueError:
        return None
    return None


UID_MAX: Final = 2**32 - 1
"""The largest user or group ID Docker accepts (a ``uint32``)."""


def parse_uid(text: str) -> int | None:
    """A numeric user or group ID (``1000`` of ``USER 1000``), ``None`` when it is not one.

    Only ASCII digits count, and only up to :data:`UID_MAX`: Docker rejects a
    larger number, so an absurd one (a million digits) is no UID rather than
    a number to convert. Leading zeros are allowed (``000`` is 0).
    """
    if not (text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0") or "0"
    if len(digits) > len(str(UID_MAX)):
        return None
    number = int(digits)
    return number if number <= UID_MAX else None


def parse_cpus(value: Value) -> float | None:
    """``--cpus`` / ``cpus``: a number of CPUs (``1.5``, ``0.25``, ``3/2``).

    ``0`` is returned as ``0.0``; Docker reads it as no CPU limit. A negative
    or malformed value gives ``None``.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
        return number if number >= 0 and number == number and number != float("inf") else None
    text = value.strip()
    if _CPUS_DECIMAL.match(text):
        from decimal import Decimal, InvalidOperation

        try:
            number = float(Decimal(text))
        except (InvalidOperation, OverflowError):  # pragma: no cover
            return None
        return number if number != float("inf") else None
    m = _CPUS_FRACTION.match(text)
    if m is not None:
        from fractions import Fraction

        try:
            numerator, denominator = int(m.group(1)), int(m.group(2))
            return float(Fraction(numerator, denominator)) if denominator != 0 else None
        except (ValueError, OverflowError):  # over int()'s 4,300 digits, or past a float
            return None
    return None


def format_bytes(size: int) -> str:
    """A short human form for messages: ``2g``, ``512m``, ``1536k``, ``100b``."""
    if size.bit_length() > 4096:  # str() refuses an int of over 4,300 digits
        return "over 2^4096 bytes"
    for unit, factor in (("p", 1024**5), ("t", 1024**4), ("g", GIB), ("m", MIB), ("k", KIB)):
        if size >= factor and size % factor == 0:
            return f"{size // factor}{unit}"
    return f"{size}b"


def _is_minus_one(value: Value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value == -1
    return value.strip() == "-1"
