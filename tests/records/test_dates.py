"""Date parsing: formats, partial birth dates, and the reasons given for bad values."""

from __future__ import annotations

import datetime as dt

import pytest

from sojourn.records.dates import DateFormatError, compile_format, parse_date, parse_partial_date


@pytest.mark.parametrize(
    ("value", "fmt", "expected"),
    [
        ("20240105", "%Y%m%d", dt.date(2024, 1, 5)),
        ("01/05/2024", "%m/%d/%Y", dt.date(2024, 1, 5)),
        ("05-JAN-2024", "%d-%b-%Y", dt.date(2024, 1, 5)),
        ("05-jan-2024", "%d-%b-%Y", dt.date(2024, 1, 5)),
        ("05.01.2024", "%d.%m.%Y", dt.date(2024, 1, 5)),
        ("2024-01-05T13:45:00", "%Y-%m-%dT%H:%M:%S", dt.date(2024, 1, 5)),
        ("2024-01-05 13:45", "%Y-%m-%d", dt.date(2024, 1, 5)),
    ],
)
def test_parse_date_formats(value: str, fmt: str, expected: dt.date) -> None:
    assert parse_date(value, (fmt,)) == (expected, None)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("20240230", "is not a calendar date"),
        ("2024-01-05", "does not match the date format %Y%m%d"),
        ("18000101", "year outside"),
        ("20240005", "not a complete date"),
    ],
)
def test_parse_date_reasons(value: str, reason: str) -> None:
    parsed, why = parse_date(value, ("%Y%m%d",))
    assert parsed is None
    assert why is not None and reason in why


def test_several_formats_are_tried_in_order() -> None:
    formats = ("%Y-%m-%d", "%m/%d/%Y")
    assert parse_date("03/04/2020", formats) == (dt.date(2020, 3, 4), None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("00/00/1985", "1985"), ("03/00/1985", "1985-03"), ("03/04/1985", "1985-03-04")],
)
def test_partial_birth_dates(value: str, expected: str) -> None:
    assert parse_partial_date(value, ("%m/%d/%Y",)) == (expected, None)


def test_partial_date_still_checks_the_calendar() -> None:
    assert parse_partial_date("02/30/1985", ("%m/%d/%Y",))[0] is None


def test_two_digit_years_are_never_in_the_future() -> None:
    parsed, _ = parse_date("01/02/99", ("%m/%d/%y",))
    assert parsed == dt.date(1999, 1, 2)


def test_unsupported_directive_is_an_error() -> None:
    with pytest.raises(DateFormatError):
        compile_format("%Q")
