"""``checks.birth_reasons`` for one row: why a birth date its record's own dates make
impossible cannot be, or None."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from sojourn.records.kinds import EVENT_DATE_FIELD, EVENT_FIELDS, FieldType
from sojourn.records.limits import MAX_AGE_YEARS


def birth_reason(kind: str, columns: dict[str, Any], today: dt.date) -> str | None:
    """The first of: after today, after one of the record's dates, more than MAX_AGE_YEARS
    before its event date (a partial date fails only if every day it could be does)."""
    birth = columns.get("birth_date")
    if birth is None:
        return None
    lo, hi = _earliest(birth), _latest(birth)
    dated = [n for n, s in EVENT_FIELDS[kind].items() if s.type is FieldType.DATE and n in columns]
    if lo is not None and lo > today:
        return f"'{birth}' is after today ({today})"
    for name in dated:
        if lo is not None and columns[name] is not None and lo > columns[name]:
            return f"'{birth}' is after {name} ({columns[name]})"
    event = EVENT_DATE_FIELD[kind]
    on = columns.get(event) if event in dated else None
    if on is not None and hi is not None and hi < _years_before(on, MAX_AGE_YEARS):
        return f"'{birth}' is more than {MAX_AGE_YEARS} years before {event} ({on})"
    return None


def _years_before(day: dt.date, years: int) -> dt.date:
    """As Polars' ``offset_by``: 29 February becomes the 28th in a year without one."""
    year = day.year - years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _earliest(birth: str) -> dt.date | None:
    padded = {4: birth + "-01-01", 7: birth + "-01"}.get(len(birth), birth)
    return _date(padded)


def _latest(birth: str) -> dt.date | None:
    if len(birth) == 4:
        return _date(birth + "-12-31")
    if len(birth) == 7:
        first = _date(birth + "-01")
        if first is None:
            return None
        return first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return _date(birth)
