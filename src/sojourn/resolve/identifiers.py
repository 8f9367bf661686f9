"""Identifier normalization with format checks. A value that fails its format check is
treated as absent for matching (it cannot agree or disagree with anything)."""

from __future__ import annotations

import re
from collections.abc import Callable

_ALNUM = re.compile(r"[^A-Z0-9]")
_A_NUMBER = re.compile(r"^A[0-9]{9}$")
_SEVIS = re.compile(r"^N[0-9]{10}$")
_FBI = re.compile(r"^[A-Z0-9]{1,9}$")
_PASSPORT = re.compile(r"^[A-Z0-9]{5,12}$")


def _compact(value: str | None) -> str:
    return _ALNUM.sub("", (value or "").upper())


def passport(number: str | None, country: str | None = None) -> str | None:
    """``COUNTRY:NUMBER`` (or ``:NUMBER`` without a country); None when malformed."""
    compact = _compact(number)
    if not _PASSPORT.match(compact) or len(set(compact)) == 1:
        return None
    return f"{(country or '').upper()}:{compact}"


def a_number(value: str | None) -> str | None:
    """``A`` + 9 digits, not all zero."""
    compact = _compact(value)
    if compact and not compact.startswith("A"):
        compact = "A" + compact
    if len(compact) in (8, 9):
        compact = "A" + compact[1:].zfill(9)
    ok = _A_NUMBER.match(compact) and compact[1:] != "0" * 9
    return compact if ok else None


def ssn(value: str | None) -> str | None:
    """Nine digits; never-issued areas (000, 666, 900-999), group 00 and serial 0000 fail."""
    digits = _compact(value)
    if len(digits) != 9 or not digits.isdigit():
        return None
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area in ("000", "666") or area >= "900" or group == "00" or serial == "0000":
        return None
    return digits


def sevis_id(value: str | None) -> str | None:
    """``N`` + 10 digits."""
    compact = _compact(value)
    return compact if _SEVIS.match(compact) else None


def fbi_number(value: str | None) -> str | None:
    """Up to 9 letters and digits."""
    compact = _compact(value)
    return compact if _FBI.match(compact) else None


NORMALIZERS: dict[str, Callable[[str | None], str | None]] = {
    "a_number": a_number,
    "ssn": ssn,
    "sevis_id": sevis_id,
    "fbi_number": fbi_number,
}
