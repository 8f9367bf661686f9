"""A middle initial (a mapping's ``middle_name``, one letter, with or without a dot) joins the
full name the comparisons read: present on one side only, the names still agree at the
level "one name's tokens within the other's" (above a Jaro–Winkler agreement); two different
initials agree no better than a typo would."""

from __future__ import annotations

import polars as pl

from sojourn.resolve.compare import COMPARISONS, EXACT_NAME, compare_one
from sojourn.resolve.features import features
from sojourn.resolve.rowfeatures import feature_row

LEVELS = COMPARISONS["name"]
PEOPLE: dict[str, dict[str, str | None]] = {
    "plain": {"given_name": "John", "middle_name": None, "family_name": "Smith"},
    "a": {"given_name": "John", "middle_name": "A.", "family_name": "Smith"},
    "a_again": {"given_name": "JOHN", "middle_name": "a", "family_name": "SMITH"},
    "b": {"given_name": "John", "middle_name": "B", "family_name": "Smith"},
    "typo": {"given_name": "Jonh", "middle_name": None, "family_name": "Smith"},
}


def _rows() -> dict[str, dict[str, object]]:
    records = [{"id": k, **v} for k, v in PEOPLE.items()]
    batch = features(pl.DataFrame(records, schema=dict.fromkeys(records[0], pl.Utf8)))
    rows = {str(r["id"]): r for r in batch.to_dicts()}
    assert all(rows[k] == feature_row({"id": k, **v}) for k, v in PEOPLE.items())
    return rows


def _level(rows: dict[str, dict[str, object]], x: str, y: str) -> int:
    level = compare_one(rows[x], rows[y])["name"]
    assert isinstance(level, int)
    return level


def test_a_middle_initial_on_one_side_only_does_not_break_agreement() -> None:
    rows = _rows()
    assert _level(rows, "a", "a_again") == EXACT_NAME  # case and the dot do not matter
    one_side = _level(rows, "a", "plain")
    assert LEVELS[one_side] == "one name's tokens within the other's"
    assert one_side > LEVELS.index("jw>=0.95")  # stronger than a near spelling
    assert one_side > _level(rows, "plain", "typo")  # and than a typo in the given name


def test_two_different_initials_are_weaker_than_one_missing() -> None:
    rows = _rows()
    different = _level(rows, "a", "b")
    assert different < _level(rows, "a", "plain") and different < LEVELS.index("jw>=0.95")
    assert different > LEVELS.index("different")  # weak: the rest of the name agrees
