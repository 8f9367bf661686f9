"""A middle initial (a mapping's ``middle_name``: one letter, with or without a dot, any
case) is used sensibly by the comparisons: present on one side only it does not break the
names' agreement (no worse than one name's tokens within the other's, above a near
spelling); the same initial agrees; two different initials are recorded as a disagreement
(a lower name level, or a ``middle_initial`` comparison that differs), while the rest of the
name still agrees."""

from __future__ import annotations

import polars as pl

from sojourn.resolve.compare import COMPARISONS, EXACT_NAME, compare_one
from sojourn.resolve.features import features
from sojourn.resolve.rowfeatures import feature_row

LEVELS = COMPARISONS["name"]
WITHIN = LEVELS.index("one name's tokens within the other's")
PEOPLE: dict[str, dict[str, str | None]] = {
    "plain": {"given_name": "John", "middle_name": None, "family_name": "Smith"},
    "a": {"given_name": "John", "middle_name": "A.", "family_name": "Smith"},
    "a_again": {"given_name": "JOHN", "middle_name": "a", "family_name": "SMITH"},
    "b": {"given_name": "John", "middle_name": "B", "family_name": "Smith"},
    "typo": {"given_name": "Jonh", "middle_name": None, "family_name": "Smith"},
}


def _vector(x: str, y: str) -> dict[str, object]:
    records = [{"id": k, **v} for k, v in PEOPLE.items()]
    batch = features(pl.DataFrame(records, schema=dict.fromkeys(records[0], pl.Utf8)))
    rows = {str(r["id"]): r for r in batch.to_dicts()}
    assert all(rows[k] == feature_row({"id": k, **v}) for k, v in PEOPLE.items())
    return compare_one(rows[x], rows[y])


def _name(vector: dict[str, object]) -> int:
    level = vector["name"]
    assert isinstance(level, int)
    return level


def test_a_middle_initial_on_one_side_only_does_not_break_agreement() -> None:
    one_side = _vector("a", "plain")
    assert _name(one_side) >= WITHIN > LEVELS.index("jw>=0.95")
    assert _name(one_side) > _name(_vector("plain", "typo"))  # better than a typo
    # Its own level, whose weight the model learns (one list keeps middle names, one not).
    assert one_side["middle_initial"] == COMPARISONS["middle_initial"].index("on one side only")


def test_the_same_initial_agrees_whatever_its_case_or_dot() -> None:
    same = _vector("a", "a_again")
    assert _name(same) == EXACT_NAME
    assert same["middle_initial"] == COMPARISONS["middle_initial"].index("same")


def test_two_different_initials_are_weak_evidence_against() -> None:
    different, one_side = _vector("a", "b"), _vector("a", "plain")
    assert _name(different) < _name(one_side) or different.get("middle_initial") == 0
    assert _name(different) > LEVELS.index("different")  # the rest of the name agrees
