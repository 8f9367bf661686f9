"""Date parsing for source values: strptime-style formats, whole and partial dates.

Parsing runs once per distinct value (dates repeat a lot), so it can be exact and readable
rather than vectorized. Partial dates (a birth date with an unknown day or month, written as
00 or left out) come back as ``YYYY`` or ``YYYY-MM``.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1
    )
}
_DIRECTIVES = {
    "Y": r"(?P<Y>\d{4})",
    "y": r"(?P<y>\d{2})",
    "m": r"(?P<m>\d{1,2})",
    "d": r"(?P<d>\d{1,2})",
    "b": r"(?P<b>[A-Za-z]{3})",
    "B": r"(?P<b>[A-Za-z]{3})[A-Za-z]*",
    "H": r"\d{1,2}",
    "M": r"\d{2}",
    "S": r"\d{2}",
    "f": r"\d{1,6}",
    "z": r"(?:Z|[+-]\d{2}:?\d{2})",
    "%": "%",
}
MIN_YEAR, MAX_YEAR = 1900, 2100


class DateFormatError(ValueError):
    """A format string uses a directive sojourn does not support."""


_FIXED = {"m": r"(?P<m>\d{2})", "d": r"(?P<d>\d{2})"}


@lru_cache(maxsize=256)
def compile_format(fmt: str) -> re.Pattern[str]:
    """A regex that fully matches values written in the strptime-style ``fmt``. A month or day
    next to another directive (``%Y%m%d``) must have two digits: ``2024015`` is not a date."""
    out, i = [], 0
    while i < len(fmt):
        if fmt[i] == "%":
            if i + 1 >= len(fmt) or fmt[i + 1] not in _DIRECTIVES:
                raise DateFormatError(f"unsupported date directive in {fmt!r}")
            adjacent = fmt[i + 2 : i + 3] == "%" or fmt[i - 2 : i - 1] == "%"
            out.append(_FIXED.get(fmt[i + 1], "") if adjacent else "")
            out[-1] = out[-1] or _DIRECTIVES[fmt[i + 1]]
            i += 2
        else:
            out.append(re.escape(fmt[i]))
            i += 1
    return re.compile("".join(out) + r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


def parse_parts(value: str, formats: tuple[str, ...]) -> tuple[int, int, int] | str:
    """(year, month, day) with 0 for an unknown month/day, or a reason why it is not a date."""
    for fmt in formats:
        match = compile_format(fmt).match(value)
        if match:
            return _parts(match.groupdict(), fmt)
    return f"{value!r} does not match the date format {' or '.join(formats)}"


def _parts(groups: dict[str, str | None], fmt: str) -> tuple[int, int, int] | str:
    if groups.get("Y"):
        year = int(groups["Y"] or 0)
    elif groups.get("y"):
        year = _two_digit_year(int(groups["y"] or 0))
    else:
        return f"the date format {fmt} has no year"
    month = int(groups.get("m") or 0)
    if groups.get("b"):
        month = _MONTHS.get(str(groups["b"]).upper(), -1)
        if month < 0:
            return f"{groups['b']!r} is not a month name"
    day = int(groups.get("d") or 0)
    return year, month, day


def _two_digit_year(yy: int) -> int:
    """Two-digit years pivot as POSIX and Python do: 69-99 are 1900s, 00-68 are 2000s. Fixed,
    not relative to today, so the same row always gives the same date (and record id)."""
    return 1900 + yy if yy >= 69 else 2000 + yy


def parse_date(value: str, formats: tuple[str, ...]) -> tuple[dt.date | None, str | None]:
    """A whole calendar date, or None and the reason."""
    parts = parse_parts(value, formats)
    if isinstance(parts, str):
        return None, parts
    year, month, day = parts
    if month == 0 or day == 0:
        return None, f"{value!r} is not a complete date (day or month unknown)"
    return _validated(value, year, month, day)


def parse_partial_date(value: str, formats: tuple[str, ...]) -> tuple[str | None, str | None]:
    """ISO text ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, or None and the reason."""
    parts = parse_parts(value, formats)
    if isinstance(parts, str):
        return None, parts
    year, month, day = parts
    if month == 0:
        return (f"{year:04d}", None) if MIN_YEAR <= year <= MAX_YEAR else _bad_year(value)
    checked, reason = _validated(value, year, month, day or 1)
    if checked is None:
        return None, reason
    return (checked.isoformat()[:7] if day == 0 else checked.isoformat()), None


def _validated(value: str, year: int, month: int, day: int) -> tuple[dt.date | None, str | None]:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return _bad_year(value)
    try:
        return dt.date(year, month, day), None
    except ValueError:
        return None, f"{value!r} is not a calendar date"


def _bad_year(value: str) -> tuple[None, str]:
    return None, f"{value!r} has a year outside {MIN_YEAR}-{MAX_YEAR}"
