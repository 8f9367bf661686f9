"""Identifiers one keystroke apart: the ``other_id`` comparison and its blocking keys.

An SSN, a SEVIS or FBI number, or a generic identifier (``identifiers:`` of a mapping) is
copied by hand from one form to another: one digit mistyped, two adjacent digits swapped, one
dropped or doubled. Compared only for equality, such a copy counts against the pair as much
as someone else's number would. So ``other_id`` has three levels: *different*, *one
character off* (optimal string alignment distance 1 between two values of one type, each at
least ``MIN_NEAR`` characters long) and *same*; and the records whose identifiers are one
character off are candidate pairs (``near_keys``: each value and each value with one
character deleted — two values one edit apart always share one of these).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rapidfuzz.distance import OSA

MISSING = -1
#: The identifier feature columns of their own (each value typed by its column's name).
OTHER_IDS = ("sevis_id", "fbi_number", "ssn")
#: Generic identifiers (``type:VALUE`` texts), also part of ``other_id``.
GENERIC_IDS = "identifiers"
#: Values shorter than this agree exactly or not at all (a short number one character off
#: is too often someone else's).
MIN_NEAR = 5
DIFFERENT, NEAR, SAME = 0, 1, 2


def typed(row: Mapping[str, Any]) -> list[str]:
    """A feature row's identifiers as ``type:VALUE`` texts."""
    values = [f"{column}:{row[column]}" for column in OTHER_IDS if row.get(column)]
    return values + list(row.get(GENERIC_IDS) or ())


def _split(value: str) -> tuple[str, str]:
    kind, _, number = value.partition(":")
    return kind, number


def near(a: str, b: str) -> bool:
    """Two ``type:VALUE`` texts of one type whose values are one edit apart."""
    (kind_a, value_a), (kind_b, value_b) = _split(a), _split(b)
    if kind_a != kind_b or min(len(value_a), len(value_b)) < MIN_NEAR:
        return False
    return OSA.distance(value_a, value_b, score_cutoff=1) == 1


def level(a: Sequence[str], b: Sequence[str]) -> int:
    """``other_id``: the same value of a type on both sides; else one of a type one edit
    from the other's; else both having a type: different; else no evidence."""
    if not a or not b:
        return MISSING
    if set(a) & set(b):
        return SAME
    if {_split(v)[0] for v in a}.isdisjoint(_split(v)[0] for v in b):
        return MISSING
    return NEAR if any(near(x, y) for x in a for y in b) else DIFFERENT


def near_keys(values: Iterable[str]) -> list[str] | None:
    """Blocking keys of a record's identifiers (``type~VALUE``): each value at least
    ``MIN_NEAR`` long, itself and with one character deleted, so that two values one edit
    apart share a key."""
    keys: set[str] = set()
    for value in values:
        kind, number = _split(value)
        if len(number) >= MIN_NEAR:
            keys.add(f"{kind}~{number}")
            keys.update(f"{kind}~{number[:i]}{number[i + 1 :]}" for i in range(len(number)))
    return sorted(keys) or None
