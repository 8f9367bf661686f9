"""Format checks of the known identifier types at ingest: a value that cannot be the
identifier it is mapped as is unusable (``on_error``), never accepted and silently ignored
when matching. They apply to an ``ssn`` however it is mapped, and to every known type mapped
under a mapping's ``identifiers:`` (another field mapped under ``fields:`` is stored as
given, as before, and matching ignores a value not of its format). The checks accept exactly
what ``resolve.identifiers`` can match (a test holds the two together); the stored value
keeps its characters (spaces removed, upper-cased), so records stored before these checks
keep their ids."""

from __future__ import annotations

import re
from collections.abc import Callable

_NOT_ALNUM = re.compile(r"[^A-Z0-9]")
_SEVIS = re.compile(r"^N[0-9]{10}$")
_FBI = re.compile(r"^[A-Z0-9]{1,9}$")
_PASSPORT = re.compile(r"^[A-Z0-9]{5,12}$")
_RECEIPT = re.compile(r"^[A-Z]{3}[0-9]{10}$")

#: Why a value is not of its type, or None when it is.
Check = Callable[[str], str | None]


def _compact(value: str) -> str:
    return _NOT_ALNUM.sub("", value.upper())


def ssn_reason(value: str) -> str | None:
    """Nine digits, of an area ever issued (not 000, 666 or 900-999), group not 00, serial
    not 0000."""
    digits = _compact(value)
    if len(digits) != 9 or not digits.isdigit():
        return f"'{value}' is not an SSN (9 digits)"
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area in ("000", "666") or area >= "900" or group == "00" or serial == "0000":
        never = "area 000, 666 or 9xx, group 00 or serial 0000"
        return f"'{value}' is not an SSN ever issued ({never})"
    return None


def passport_reason(value: str) -> str | None:
    """5 to 12 letters and digits, not one character repeated (a placeholder)."""
    compact = _compact(value)
    if not _PASSPORT.match(compact) or len(set(compact)) == 1:
        return f"'{value}' is not a passport number (5 to 12 letters and digits)"
    return None


def _pattern(pattern: re.Pattern[str], what: str) -> Check:
    def check(value: str) -> str | None:
        return None if pattern.match(_compact(value)) else f"'{value}' is not {what}"

    return check


#: The check of each Record field that holds a known identifier (A-numbers have their own
#: field type and converter).
CHECKS: dict[str, Check] = {
    "ssn": ssn_reason,
    "passport_number": passport_reason,
    "sevis_id": _pattern(_SEVIS, "a SEVIS id (N and 10 digits)"),
    "fbi_number": _pattern(_FBI, "an FBI number (up to 9 letters and digits)"),
    "receipt_number": _pattern(_RECEIPT, "a receipt number (3 letters and 10 digits)"),
}
