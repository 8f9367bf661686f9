"""Identifier normalization and format checks."""

from __future__ import annotations

import pytest

from sojourn.resolve.identifiers import a_number, fbi_number, passport, sevis_id, ssn


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("A-012-345-678", "A012345678"),
        ("12345678", "A012345678"),
        ("A123456789", "A123456789"),
        ("A000000000", None),
        ("A12", None),
        (None, None),
    ],
)
def test_a_number(value: str | None, expected: str | None) -> None:
    assert a_number(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("123-45-6789", "123456789"),
        ("000-12-3456", None),
        ("666-12-3456", None),
        ("912-12-3456", None),
        ("123-00-4567", None),
        ("123-45-0000", None),
        ("12345", None),
    ],
)
def test_ssn(value: str, expected: str | None) -> None:
    assert ssn(value) == expected


def test_passport_keeps_the_issuing_country() -> None:
    assert passport("ab 123 456", "mex") == "MEX:AB123456"
    assert passport("AB123456") == ":AB123456"
    assert passport("000000") is None  # one repeated character: a placeholder
    assert passport("X1") is None


def test_sevis_and_fbi() -> None:
    assert sevis_id("n0001234567") == "N0001234567"
    assert sevis_id("N12") is None
    assert fbi_number("123-456-ab7") == "123456AB7"
    assert fbi_number("1234567890") is None
