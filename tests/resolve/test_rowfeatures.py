"""The scalar feature row of one record equals its row from the column-wise ``features``."""

from __future__ import annotations

import polars as pl
import pytest

from sojourn.resolve.features import SOURCE_COLUMNS, features
from sojourn.resolve.rowfeatures import feature_row, full_name


@pytest.fixture(scope="module")
def records(generated_records: pl.DataFrame) -> pl.DataFrame:
    return generated_records


def test_every_generated_record_gets_its_batch_row(records: pl.DataFrame) -> None:
    batch = features(records).to_dicts()
    assert len(batch) == records.height > 5_000
    for record, expected in zip(records.iter_rows(named=True), batch, strict=True):
        row = feature_row(record)
        assert row == expected, record
        assert list(row) == list(expected)  # same columns, same order
    assert any(r["birth_parts"] for r in batch)
    assert any(r["passport"] for r in batch) and any(r["a_number"] for r in batch)


#: Records at the edges of the column-wise definitions: empty strings, missing parts, odd
#: dates, a passport without a country, a name in another script, malformed identifiers.
EDGES: list[dict[str, str | None]] = [
    {"id": "e1", "given_name": "José", "family_name": "García López", "birth_date": "1985-03"},
    {"id": "e2", "full_name": "محمد المصري", "birth_date": "+198"},
    {"id": "e3", "given_name": "", "family_name": "", "full_name": "Wei Zhang"},
    {"id": "e4", "given_name": "", "middle_name": "", "family_name": "Ng", "birth_date": ""},
    {"id": "e5", "full_name": "", "birth_date": "19a5-01-01", "passport_number": "x12345"},
    {"id": "e6", "passport_number": "AB 123 456", "passport_country": "", "ssn": "123-45-6789"},
    {"id": "e7", "passport_number": "0000000", "a_number": "12345678", "sevis_id": "n1"},
    {"id": "e8", "address": "  ", "postcode": "sw1a 1aa", "birth_place": "Zürich"},
    {"id": "e9", "family_name": "al Masri", "birth_date": "-123", "fbi_number": "ab-12"},
    {"id": "e10"},
    {"id": "e11", "birth_date": "1985-03-07"},
    {"id": "e12", "birth_date": "١٩٨٥-03-07"},  # non-ASCII digits: no date keys
]


def test_edge_records_get_their_batch_rows() -> None:
    frame = pl.DataFrame(
        [{c: record.get(c) for c in SOURCE_COLUMNS} for record in EDGES],
        schema=dict.fromkeys(SOURCE_COLUMNS, pl.Utf8),
        orient="row",
    )
    for record, expected in zip(EDGES, features(frame).to_dicts(), strict=True):
        assert feature_row(record) == expected, record


def test_absent_keys_count_as_missing() -> None:
    row = feature_row({"id": "x"})
    assert row["id"] == "x"
    assert all(value is None for key, value in row.items() if key != "id")


def test_full_name_prefers_the_parts_and_keeps_empty_parts() -> None:
    assert full_name({"given_name": "Ana", "family_name": "Silva"}) == "Ana Silva"
    # The middle name is a feature of its own (``middle_initial``), not part of the name.
    assert full_name({"given_name": "Ana", "middle_name": "Maria", "family_name": "Silva"}) == (
        "Ana Silva"
    )
    assert full_name({"given_name": "Ana", "family_name": ""}) == "Ana "
    assert full_name({"given_name": "", "full_name": "Ana Silva"}) == "Ana Silva"
    assert full_name({"full_name": ""}) == ""
    assert full_name({}) is None
