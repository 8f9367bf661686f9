"""Birth-date agreement between two (possibly partial) ISO dates.

Levels, strongest first: the same full date; day and month swapped (a common keying error);
compatible partial dates (1985-03 and 1985-03-12); one digit different (a typo) or one day
apart (1979-12-31 and 1980-01-01: a date written down a day off, or across midnight); the
same year; different; missing. The scoring model gives each level its own weight.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum


class DateLevel(StrEnum):
    """How two dates agree."""

    EXACT = "exact"
    SWAPPED_DAY_MONTH = "swapped_day_month"
    PARTIAL = "partial"
    ONE_DIGIT = "one_digit"
    SAME_YEAR = "same_year"
    DIFFERENT = "different"
    MISSING = "missing"


def date_level(a: str | None, b: str | None) -> DateLevel:
    """The agreement level of two ISO dates (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``)."""
    if not a or not b:
        return DateLevel.MISSING
    if a == b and len(a) == 10:
        return DateLevel.EXACT
    if len(a) == 10 and len(b) == 10:
        return _full_dates(a, b)
    shorter, longer = sorted((a, b), key=len)
    if longer.startswith(shorter):
        return DateLevel.PARTIAL
    return DateLevel.SAME_YEAR if a[:4] == b[:4] else DateLevel.DIFFERENT


def _full_dates(a: str, b: str) -> DateLevel:
    if a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return DateLevel.SWAPPED_DAY_MONTH
    if sum(x != y for x, y in zip(a, b, strict=True)) == 1 or _one_day(a, b):
        return DateLevel.ONE_DIGIT
    return DateLevel.SAME_YEAR if a[:4] == b[:4] else DateLevel.DIFFERENT


def _one_day(a: str, b: str) -> bool:
    try:
        return abs((dt.date.fromisoformat(a) - dt.date.fromisoformat(b)).days) == 1
    except ValueError:
        return False


_FULL = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


def birth_parts(value: str) -> list[str] | None:
    """Blocking keys of a birth date that survive one keying error: the year and month (the
    day mistyped: ``1984-07-``), the year and day (the month mistyped: ``1984--18``) and,
    where day and month could be swapped, the year with the two in order (``1984~03~07``
    for 1984-03-07 and 1984-07-03). A date of year and month (``1984-07``) has the first,
    which its full dates share; a date without a month has none.

    Two dates that differ in the day or the month alone, or have them swapped, share a key,
    and sharing a key means sharing the year, the month or day: a key holds the records of
    about one month, not one year, so its block grows a twelfth as fast with the store."""
    full = _FULL.fullmatch(value)
    if full:
        year, month, day = full.groups()
        parts = [f"{year}-{month}-", f"{year}--{day}"]
        if month != day and max(month, day) <= "12":
            parts.append(f"{year}~{min(month, day)}~{max(month, day)}")
        return parts
    month_only = _MONTH.fullmatch(value)
    return [f"{month_only[1]}-{month_only[2]}-"] if month_only else None
