"""Birth-date agreement levels."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sojourn.resolve.compare import DATE_LEVELS
from sojourn.resolve.dates import DateLevel, birth_parts, date_level
from sojourn.resolve.level_exprs import date_expr


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        ("1985-03-12", "1985-03-12", DateLevel.EXACT),
        ("1985-03-12", "1985-12-03", DateLevel.SWAPPED_DAY_MONTH),
        ("1985-03", "1985-03-12", DateLevel.PARTIAL),
        ("1985", "1985-03-12", DateLevel.PARTIAL),
        ("1985-03-12", "1985-03-13", DateLevel.ONE_DIGIT),
        ("1979-12-31", "1980-01-01", DateLevel.ONE_DIGIT),  # one day apart
        ("1985-02-28", "1985-03-01", DateLevel.ONE_DIGIT),
        ("1985-02-28", "1985-03-02", DateLevel.SAME_YEAR),
        ("1985-03-12", "1985-07-29", DateLevel.SAME_YEAR),
        ("1985-04", "1985-03-12", DateLevel.SAME_YEAR),
        ("1985-03-12", "1991-03-12", DateLevel.DIFFERENT),
        (None, "1985-03-12", DateLevel.MISSING),
    ],
)
def test_levels(a: str | None, b: str | None, level: DateLevel) -> None:
    assert date_level(a, b) is level
    assert date_level(b, a) is level
    # The batch path's expression gives the same level, both ways round.
    frame = pl.DataFrame(
        {"birth_date_l": [a, b], "birth_date_r": [b, a]},
        schema={"birth_date_l": pl.Utf8, "birth_date_r": pl.Utf8},
    )
    assert frame.select(date_expr()).to_series().to_list() == [DATE_LEVELS[level]] * 2


def test_same_day_and_month_is_exact_not_swapped() -> None:
    assert date_level("1985-05-05", "1985-05-05") is DateLevel.EXACT


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        ("1984-07-18", ["1984-07-", "1984--18"]),  # day 18: no swap possible
        ("1984-03-07", ["1984-03-", "1984--07", "1984~03~07"]),
        ("1984-07-03", ["1984-07-", "1984--03", "1984~03~07"]),  # the swap of the one above
        ("1984-05-05", ["1984-05-", "1984--05"]),  # swapped, the same date
        ("1984-07", ["1984-07-"]),  # shares the month key with the full dates of July
        ("1984", None),
        ("+198", None),
        ("١٩٨٤-07-18", None),  # non-ASCII digits
        ("", None),
    ],
)
def test_birth_parts(value: str, parts: list[str] | None) -> None:
    assert birth_parts(value) == parts


@given(st.dates(), st.dates())
def test_two_dates_share_a_key_exactly_when_one_keying_error_apart(a: dt.date, b: dt.date) -> None:
    """A shared key is a shared year with the same month, the same day, or the two
    swapped; anything else (another year, month and day both different) shares none."""
    shared = set(birth_parts(a.isoformat()) or []) & set(birth_parts(b.isoformat()) or [])
    one_error = a.year == b.year and (
        a.month == b.month or a.day == b.day or (a.month, a.day) == (b.day, b.month)
    )
    assert bool(shared) == one_error
