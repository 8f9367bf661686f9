"""One source value converted as ``convert.Converter`` converts a column, in plain Python, for
text that is printable ASCII (``plain``), or, in a name or a text, any text without controls
and spaces other than the space (``worded``): there, trimming, upper-casing and ``\\s`` mean the
same in Python and in Polars. A value whose reading by Polars is not certain here (a number
Polars might parse differently) raises UnsupportedValueError, and the caller uses the transform."""

from __future__ import annotations

import re
from typing import Any

from sojourn.records.convert import Converter
from sojourn.records.identifiers import CHECKS
from sojourn.records.kinds import FieldType
from sojourn.records.mapids import GENERIC
from sojourn.records.mapping import FieldMap

_PLAIN = re.compile(r"[\x20-\x7e]*")
#: Any letter, digit, mark or symbol, and the space; no other space, control or surrogate.
_WORDS = re.compile(r"(?:[^\s\x00-\x1f\x7f-\x9f\ud800-\udfff]| )*")
_SPACES = re.compile(" +")
_DASHES = re.compile("[ -]+")
_ONE_DASH = re.compile("[ -]")
_A_DIGITS = re.compile("[0-9]{7,9}")
_ZEROS = re.compile("0+")
_INT = re.compile("[+-]?[0-9]{1,18}")

Converted1 = tuple[Any, str | None]


class UnsupportedValueError(ValueError):
    """A value the Python path cannot be sure to read as Polars does."""


def plain(text: str) -> bool:
    """Whether ``text`` is printable ASCII (spaces, but no tab, newline or other control)."""
    return _PLAIN.fullmatch(text) is not None


def worded(text: str) -> bool:
    """Whether ``text`` has no space but the plain space and no control character: a name or
    a text value the Python path reads as the transform does (they are only trimmed, their
    spaces collapsed, and compared with empty markers)."""
    return _WORDS.fullmatch(text) is not None


def clean(value: str | None, fm: FieldMap) -> str | None:
    """Trimmed, and None when it is one of the field's empty markers."""
    if value is None:
        return None
    text = value.strip()
    return None if text.upper() in _nulls(fm) else text


def _nulls(fm: FieldMap) -> set[str]:
    return {n.upper() for n in fm.null_values}


def source_of(fm: FieldMap, values: dict[str, str | None]) -> str | None:
    """The field's source value: its constant, its column, or its columns joined."""
    if fm.value is not None:
        return fm.value
    if len(fm.columns) == 1:
        return values[fm.columns[0]]
    parts = [clean(values[c], fm) for c in fm.columns]
    return fm.sep.join(p for p in parts if p is not None) or None


def convert_one(fm: FieldMap, converter: Converter, value: str | None) -> Converted1:
    """The canonical value and the error of one source value."""
    kind = fm.spec.type
    text = clean(value, fm)
    if text is None:
        return None, None
    if kind in (FieldType.NAME, FieldType.TEXT):
        return _SPACES.sub(" ", text), None
    if kind is FieldType.IDENTIFIER:
        return _identifier(fm, text)
    if kind is FieldType.A_NUMBER:
        return _a_number(text)
    if kind is FieldType.INT:
        return _integer(text)
    return converter.lookup_one(text)


def _identifier(fm: FieldMap, text: str) -> Converted1:
    if fm.target.startswith(GENERIC):
        return _DASHES.sub("", text).upper() or None, None
    compact = _SPACES.sub("", text).upper()
    check = CHECKS.get(fm.target)
    if check is None or not (fm.checked or fm.target == "ssn"):
        return compact, None
    reason = check(compact)
    return (compact if reason is None else None), reason


def _a_number(text: str) -> Converted1:
    digits = _ONE_DASH.sub("", text).upper()
    digits = digits.removeprefix("A")
    if _A_DIGITS.fullmatch(digits) and not _ZEROS.fullmatch(digits):
        return "A" + digits.zfill(9), None
    return None, f"'{text}' is not an A-number (A followed by 7 to 9 digits)"


def _integer(text: str) -> Converted1:
    digits = text.replace(",", "")
    if not _INT.fullmatch(digits):
        raise UnsupportedValueError(text)
    number = int(digits)
    if number >= 0:
        return number, None
    return None, f"'{text}' is not a whole number of zero or more"
