"""Name fields that hold no name (``Oldest``, ``Mr``, ``No Last Name``) are read as missing,
alike in batch features and in the real-time row; plausible names never are; and the family
name with the middle initial is a blocking key (issue 16: census × SSA misses)."""

from __future__ import annotations

import polars as pl
import pytest

from sojourn.resolve.blocking import RULES, candidate_pairs
from sojourn.resolve.compare import compare_one
from sojourn.resolve.features import SOURCE_COLUMNS, features
from sojourn.resolve.placeholder_names import blank_row, not_a_name
from sojourn.resolve.rowfeatures import feature_row


@pytest.mark.parametrize(
    "value", ["Oldest", "MR.", "mrs", "Lady Of The", "lady-of  the house", "No Last Name",
              "Grandchild", "respondent", "Male", "daughter of", "Gentleman Of"],
)  # fmt: skip
def test_what_is_not_a_name(value: str) -> None:
    assert not_a_name(value)


@pytest.mark.parametrize(
    "value", ["Son", "Goh", "Loh", "Man", "Child", "Parent", "Baby", "Boy", "Lady", "Na",
              "None", "Mr Lee", "Oldham", "Malena", "Kidd", "House", "J", "", None],
)  # fmt: skip
def test_plausible_names_stay_names(value: str | None) -> None:
    assert not not_a_name(value)


RECORDS: list[dict[str, str | None]] = [
    {"id": "r1", "given_name": "Male", "family_name": "Milam", "birth_date": "1996-12-22"},
    {"id": "r2", "given_name": "Lindsey", "family_name": "Milam", "birth_date": "1996-12-02"},
    {"id": "r3", "given_name": "Erin", "family_name": "Resident", "middle_name": "Oldest"},
    {"id": "r4", "full_name": "No Name", "birth_date": "1980-01-01"},
    {"id": "r5", "given_name": "Mr", "family_name": "Lee", "full_name": "Mr Lee"},
]


def _frame(records: list[dict[str, str | None]]) -> pl.DataFrame:
    rows = [{c: r.get(c) for c in SOURCE_COLUMNS} for r in records]
    return pl.DataFrame(rows, schema=dict.fromkeys(SOURCE_COLUMNS, pl.Utf8), orient="row")


def test_batch_and_real_time_read_them_as_missing_alike() -> None:
    batch = features(_frame(RECORDS)).to_dicts()
    for record, expected in zip(RECORDS, batch, strict=True):
        assert feature_row(record) == expected, record
    by_id = {row["id"]: row for row in batch}
    assert by_id["r1"]["given_latin"] is None and by_id["r1"]["name_sorted"] == "milam"
    assert by_id["r3"]["family_latin"] is None and by_id["r3"]["middle_initial"] is None
    assert by_id["r3"]["name_sorted"] == "erin"
    assert by_id["r4"]["name_sorted"] is None
    assert by_id["r5"]["name_sorted"] == "lee"  # the given name "Mr" only; the family name kept


def test_a_replaced_given_name_is_a_missing_part_not_a_different_name() -> None:
    r1, r2 = (feature_row(r) for r in RECORDS[:2])
    assert compare_one(r1, r2)["name"] == 5  # one name's tokens within the other's
    kept = {**RECORDS[0], "given_name": "Malena"}
    assert compare_one(feature_row(kept), r2)["name"] < 5


def test_blank_row_leaves_other_columns_alone() -> None:
    record = {"id": "x", "given_name": "Kid", "family_name": "Preston", "address": "Oldest"}
    assert blank_row(record) == {**record, "given_name": None}


def test_family_name_and_middle_initial_make_candidates_without_a_birth_date() -> None:
    records = [
        {"id": "a", "given_name": "David", "middle_name": "R", "family_name": "Lo"},
        {"id": "b", "given_name": "Oavid", "middle_name": "Robert", "family_name": "Lo"},
        {"id": "c", "given_name": "David", "middle_name": "K", "family_name": "Lo"},
    ]
    pairs = candidate_pairs(features(_frame(records)), RULES).pairs
    found = {(r["id_l"], r["id_r"]): r["rules"] for r in pairs.to_dicts()}
    assert found[("a", "b")] == ["family_middle"]
    assert ("b", "c") not in found
