"""Generic values read as missing, with what is derived from them."""

from __future__ import annotations

import polars as pl

from sojourn.resolve.features import SOURCE_COLUMNS, features
from sojourn.resolve.generic import find, neutralise, neutralise_row
from sojourn.resolve.rowfeatures import feature_row

#: 60 records born on a default date (more than ``MIN_RECORDS``), and one born on another.
DEFAULT = "1900-01-01"
RECORDS = [{"id": f"r{i}", "full_name": f"Person {i}", "birth_date": DEFAULT} for i in range(60)]
RECORDS.append({"id": "x", "full_name": "Ana Silva", "birth_date": "1984-03-07"})


def _frame() -> pl.DataFrame:
    rows = [{c: record.get(c) for c in SOURCE_COLUMNS} for record in RECORDS]
    return features(pl.DataFrame(rows, schema=dict.fromkeys(SOURCE_COLUMNS, pl.Utf8)))


def test_a_generic_birth_date_takes_its_date_keys_with_it() -> None:
    feats = _frame()
    generic = find(feats)
    assert generic["birth_date"] == [DEFAULT]
    out = neutralise(feats, generic)
    defaulted = out.filter(pl.col("id") != "x")
    assert defaulted["birth_date"].null_count() == defaulted["birth_parts"].null_count() == 60
    kept = out.filter(pl.col("id") == "x").to_dicts()[0]
    assert kept["birth_parts"] == ["1984-03-", "1984--07", "1984~03~07"]


def test_the_row_path_reads_the_same_as_the_frame() -> None:
    feats = _frame()
    generic = find(feats)
    frame_rows = neutralise(feats, generic).to_dicts()
    for record, expected in zip(RECORDS, frame_rows, strict=True):
        assert neutralise_row(feature_row(record), generic) == expected
