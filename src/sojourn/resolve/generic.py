"""Placeholder and generic values: read as missing before any comparison.

A postcode of ``00000``, a passport number ``999999999``, an address ``UNKNOWN``, or one
birth date carried by a large share of the records (a default filled in for the unknown)
says nothing about who a record is; compared as a value, it makes everyone who carries it
look alike, and training learns that. Such values are found on the records being resolved:

* by form: one character repeated (``00000``, ``XXXX``), a counting run (``123456789``),
  or a word meaning "not known" (``UNKNOWN``, ``NONE``, ``N/A``, ``NO FIXED ABODE`` …);
* by frequency: a value carried by more than ``SHARE`` of the records (and more than
  ``MIN_RECORDS`` of them) — far more than a household or a building shares.

The values found are kept in the trained model (``Model.generic``), so the real-time path
reads them as missing too (``neutralise_row``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

import polars as pl

#: Feature columns checked, with whether frequency alone makes a value generic there.
COLUMNS: dict[str, bool] = {
    "postcode": True, "address": True, "birth_place": False, "passport": True,
    "passport_no": True, "a_number": True, "ssn": True, "sevis_id": True,
    "fbi_number": True, "birth_date": True,
}  # fmt: skip
#: Feature columns derived from a checked one, missing wherever their source value is generic
#: (a default birth date's month and day keys would block its carriers together).
DERIVED: dict[str, tuple[str, ...]] = {"birth_date": ("birth_parts",)}
SHARE = 0.01
MIN_RECORDS = 50
WORDS = frozenset(
    {"UNKNOWN", "UNK", "NONE", "NULL", "NA", "NIL", "TBD", "TBA", "NOTKNOWN", "NOTAVAILABLE",
     "NOTAPPLICABLE", "NOADDRESS", "NOFIXEDABODE", "NOFIXEDADDRESS", "HOMELESS", "REFUSED",
     "MISSING", "BLANK", "XXX", "DUMMY", "TEST"}
)  # fmt: skip
_COUNTING = "01234567890123456789"
_COUNTING_DOWN = "98765432109876543210"


def placeholder(value: str) -> bool:
    """Whether ``value`` has the form of a placeholder (see the module's docstring)."""
    text = re.sub(r"[^0-9A-Za-z]", "", value.partition(":")[2] or value).upper()
    if not text:
        return True
    if text in WORDS:
        return True
    if len(text) >= 3 and len(set(text)) == 1:
        return True
    return len(text) >= 5 and (text in _COUNTING or text in _COUNTING_DOWN)


def find(feats: pl.DataFrame) -> dict[str, list[str]]:
    """The generic values of each checked column of ``feats`` (sorted; empty columns left out)."""
    found: dict[str, list[str]] = {}
    limit = max(MIN_RECORDS, int(SHARE * feats.height))
    for column, by_frequency in COLUMNS.items():
        if column not in feats.columns or feats.schema[column] != pl.Utf8:
            continue
        counts = feats[column].drop_nulls().value_counts(name="n")
        values = [
            str(v)
            for v, n in counts.iter_rows()
            if placeholder(str(v)) or (by_frequency and n > limit)
        ]
        if values:
            found[column] = sorted(values)
    return found


def neutralise(feats: pl.DataFrame, generic: Mapping[str, list[str]]) -> pl.DataFrame:
    """``feats`` with the generic values read as missing."""
    present = {c: v for c, v in generic.items() if c in feats.columns}
    if not present:
        return feats
    return feats.with_columns(
        pl.when(pl.col(c).is_in(values)).then(None).otherwise(pl.col(target)).alias(target)
        for c, values in present.items()
        for target in cleared(c, feats.columns)
    )


def neutralise_row(row: dict[str, Any], generic: Mapping[str, list[str]]) -> dict[str, Any]:
    """One feature row (real-time path) with the generic values read as missing."""
    for column, values in generic.items():
        if column in row and row[column] is not None and row[column] in values:
            for target in cleared(column, row):
                row[target] = None
    return row


def cleared(column: str, present: Collection[str]) -> list[str]:
    """The columns of ``present`` read as missing where ``column`` holds a generic value:
    itself and what is derived from it (``DERIVED``)."""
    return [c for c in (column, *DERIVED.get(column, ())) if c in present]
