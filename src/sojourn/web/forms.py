"""Reading what a form sent, with messages a person can act on (GOV.UK's wording patterns):
memorable dates as day, month and year, and dates typed in one box in the usual U.S. and ISO
forms. A value that cannot be read is an error for that field, never a silent empty value."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sojourn.settings import today

ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
US = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


class FormError(ValueError):
    """A value the form cannot use: ``field`` is the input's id, the message says what to do."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class Typed:
    """What was typed in a memorable date's boxes (kept to show again after an error)."""

    day: str = ""
    month: str = ""
    year: str = ""

    @property
    def empty(self) -> bool:
        return not (self.day.strip() or self.month.strip() or self.year.strip())


def memorable(field: str, label: str, typed: Typed, past: bool = True) -> dt.date | None:
    """The date in ``typed`` (None if all three boxes are empty); FormError otherwise."""
    if typed.empty:
        return None
    parts = {"day": typed.day.strip(), "month": typed.month.strip(), "year": typed.year.strip()}
    missing = [k for k, v in parts.items() if not v]
    if missing:
        raise FormError(field, f"{label} must include a {' and a '.join(missing)}")
    if not all(v.isdigit() for v in parts.values()) or len(parts["year"]) != 4:
        raise FormError(field, f"{label} must be a real date, with a 4-digit year")
    try:
        day = dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError as exc:
        raise FormError(field, f"{label} must be a real date") from exc
    if past and day > today():
        raise FormError(field, f"{label} must be in the past")
    return day


def one_box(field: str, label: str, text: str | None) -> dt.date | None:
    """A date typed in one box: 1980-12-31, 12/31/1980 (month first, as U.S. forms) or
    12.31.1980; None if empty; FormError for anything else."""
    if not text or not text.strip():
        return None
    iso, us = ISO.match(text), US.match(text)
    try:
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        if us:
            return dt.date(int(us[3]), int(us[1]), int(us[2]))
    except ValueError as exc:
        raise FormError(field, f"{label} must be a real date") from exc
    raise FormError(field, f"{label} must be a date like 12/31/1980 or 1980-12-31")
