from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sentra_lint.container.sizes import (
    GIB,
    KIB,
    MIB,
    UNLIMITED,
    format_bytes,
    parse_bytes,
    parse_cpus,
    parse_int,
    parse_memory,
    parse_memory_swap,
    parse_pids_limit,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2g", 2 * GIB),
        ("2G", 2 * GIB),
        ("2gb", 2 * GIB),
        ("2GB", 2 * GIB),
        ("2GiB", 2 * GIB),
        ("2gib", 2 * GIB),
        ("2 g", 2 * GIB),
        ("2048m", 2 * GIB),
        ("2048M", 2 * GIB),
        ("2048MiB", 2 * GIB),
        ("512k", 512 * KIB),
        ("512KB", 512 * KIB),
        ("1024b", 1024),
        ("1024B", 1024),
        ("1073741824", GIB),
        ("1.5g", int(1.5 * GIB)),
        ("0.5m", MIB // 2),
        ("1t", 1024**4),
        ("1p", 1024**5),
        ("0", 0),
        (" 64m ", 64 * MIB),
        (64, 64),
        (0, 0),
    ],
)
def test_parse_bytes(text: str | int, expected: int) -> None:
    assert parse_bytes(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "g",
        "2x",
        "-1",
        "-2g",
        "2gg",
        "2 gb b",
        "1.5.2g",
        "abc",
        "2i",
        "2bb",
        "2bib",
        "1e3",
        "0x10",
    ],
)
def test_parse_bytes_rejects(text: str) -> None:
    assert parse_bytes(text) is None


def test_parse_bytes_rejects_negative_and_bool() -> None:
    assert parse_bytes(-5) is None
    assert parse_bytes(True) is None
    assert parse_bytes(1.5) == 1
    assert parse_bytes(float("nan")) is None


def test_memory_zero_and_minus_one_are_unlimited() -> None:
    assert parse_memory("0") is UNLIMITED
    assert parse_memory("-1") is UNLIMITED
    assert parse_memory(-1) is UNLIMITED
    assert parse_memory("2g") == 2 * GIB
    assert parse_memory("nope") is None


def test_memory_swap() -> None:
    assert parse_memory_swap("-1") is UNLIMITED
    assert parse_memory_swap(-1) is UNLIMITED
    assert parse_memory_swap("0") == 0  # Docker's default applies
    assert parse_memory_swap("4g") == 4 * GIB
    assert parse_memory_swap("-2") is None


def test_unlimited_is_not_a_number() -> None:
    value: object = UNLIMITED
    assert value != -1
    assert repr(UNLIMITED) == "UNLIMITED"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.5", 1.5),
        ("2", 2.0),
        ("0.25", 0.25),
        (".5", 0.5),
        ("3/2", 1.5),
        ("0", 0.0),
        (2, 2.0),
        ("1e0", 1.0),
    ],
)
def test_parse_cpus(text: str | int, expected: float) -> None:
    assert parse_cpus(text) == expected


@pytest.mark.parametrize("text", ["", "-1", "abc", "1.5.2", "1/0", "inf", "nan", "1,5"])
def test_parse_cpus_rejects(text: str) -> None:
    assert parse_cpus(text) is None


def test_pids_limit() -> None:
    assert parse_pids_limit("256") == 256
    assert parse_pids_limit(100) == 100
    assert parse_pids_limit("0") is UNLIMITED
    assert parse_pids_limit("-1") is UNLIMITED
    assert parse_pids_limit(-1) is UNLIMITED
    assert parse_pids_limit("lots") is None
    assert parse_pids_limit("1.5") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100000", 100000),
        ("-1", -1),
        ("+5", 5),
        ("0x10", 16),
        ("010", 8),
        ("0", 0),
        (7, 7),
        (8.0, 8),
    ],
)
def test_parse_int(text: str | int | float, expected: int) -> None:
    assert parse_int(text) == expected


@pytest.mark.parametrize("text", ["", "-", "1.5", "abc", "09", "1k", True])
def test_parse_int_rejects(text: str | bool) -> None:
    assert parse_int(text) is None


@given(
    st.integers(min_value=0, max_value=10**6),
    st.sampled_from(["", "b", "k", "m", "g", "kb", "KiB", "MB", "G"]),
)
def test_units_are_binary(number: int, unit: str) -> None:
    factor = {"": 1, "b": 1, "k": KIB, "m": MIB, "g": GIB}[unit[:1].lower()]
    assert parse_bytes(f"{number}{unit}") == number * factor


@given(st.integers(min_value=0, max_value=2**50))
def test_format_bytes_round_trips(size: int) -> None:
    assert parse_bytes(format_bytes(size)) == size
