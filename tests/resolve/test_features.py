"""Comparison features of stored records."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from sqlalchemy import Engine

from sojourn.records import builtin_mapping, ingest_file
from sojourn.resolve.features import features, load_records
from tests.factory import i94_row, write_i94


def test_features_of_ingested_records(engine: Engine, tmp_path: Path) -> None:
    rows = [
        i94_row("1", family="Al-Masri", FIRST_NAME="Mohammed", PASSPORT_NO="ab 1234567"),
        i94_row("2", family="ZHANG", FIRST_NAME="Wei", DOB="19850000"),
    ]
    ingest_file(engine, write_i94(tmp_path / "a.csv", rows), builtin_mapping("cbp-i94"))
    frame = features(load_records(engine)).sort("name_latin")
    first, second = frame.to_dicts()
    assert first["name_latin"] == "mohammed al masri"
    assert first["name_sorted"] == "masri mohammed"
    assert first["name_skeleton"] == "mhmd msr"
    assert "almasri" in first["name_variants"]
    assert first["passport"] == "JOR:AB1234567"
    assert first["birth_date"] == "1985-03-12"
    assert first["birth_parts"] == ["1985-03-", "1985--12", "1985~03~12"]
    assert second["birth_date"] == "1985" and second["family_latin"] == "zhang"
    assert second["birth_parts"] is None  # a year alone is no date key


def test_features_from_a_frame_with_full_names_only() -> None:
    frame = pl.DataFrame(
        {
            "id": ["r1"], "source": ["s"], "kind": ["court"], "given_name": [None],
            "middle_name": [None], "family_name": [None], "full_name": ["محمد عبد الله"],
            "name_original": [None], "birth_date": [None], "sex": [None], "nationality": [None],
            "passport_number": [None], "passport_country": [None], "a_number": ["A000000000"],
            "sevis_id": [None], "fbi_number": [None], "ssn": ["123-45-6789"],
        },
        schema_overrides={"birth_date": pl.Utf8},
    )  # fmt: skip
    [row] = features(frame).to_dicts()
    assert row["name_skeleton"].startswith("bd")
    assert row["a_number"] is None  # fails its format check: absent for matching
    assert row["ssn"] == "123456789"
