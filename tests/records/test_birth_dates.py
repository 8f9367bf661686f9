"""Impossible birth dates: after today, after the record's own dates (born after arriving), or
more than 120 years before the record's event. Each goes to quarantine with a reason naming
the field; a partial birth date fails only when every day it could be is impossible."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sojourn.records import builtin_mapping, ingest_file, quarantined
from tests.factory import i94_row, write_i94

I94 = builtin_mapping("cbp-i94")
TODAY = dt.datetime.now(dt.UTC).date()


@pytest.mark.parametrize(
    ("dob", "arrival", "reason"),
    [
        ("20900101", "20240105", "'2090-01-01' is after today ("),
        ("20240106", "20240105", "'2024-01-06' is after arrival_date (2024-01-05)"),
        ("20240000", "20231231", "'2024' is after arrival_date (2023-12-31)"),
        ("19030104", "20240105", "'1903-01-04' is more than 120 years before arrival_date"),
        ("19030000", "20240105", "'1903' is more than 120 years before arrival_date"),
        ("20240105", "20250105", "'2024-01-05' is after admit_until (2023-07-05)"),
    ],
)
def test_an_impossible_birth_date_is_quarantined_with_its_field(
    engine: Engine, tmp_path: Path, dob: str, arrival: str, reason: str
) -> None:
    admit = "20230705" if "admit_until" in reason else "20250705"
    path = write_i94(tmp_path / "a.csv", [
        i94_row("1"), i94_row("2", DOB=dob, ARR_DT=arrival, ADMIT_UNTIL=admit),
    ])  # fmt: skip
    result = ingest_file(engine, path, I94)
    assert (result.records_new, result.quarantined) == (1, 1)
    (bad,) = quarantined(engine, limit=None)
    assert (bad.row, bad.field) == (3, "DOB")
    assert bad.reason.startswith(f"birth_date: {reason}")
    if "today" in reason:
        assert bad.reason.endswith(f"({TODAY.isoformat()})")


@pytest.mark.parametrize(
    ("dob", "arrival"),
    [
        ("20240105", "20240105"),  # born on the day of arrival
        ("20240000", "20240105"),  # some day of 2024, which may be before 5 January
        ("20240100", "20240105"),  # some day of January 2024
        ("19040106", "20240105"),  # 119 years old
        ("19040000", "20240105"),  # born in 1904, perhaps in December: under 120
    ],
)
def test_possible_birth_dates_are_stored(
    engine: Engine, tmp_path: Path, dob: str, arrival: str
) -> None:
    path = write_i94(tmp_path / "a.csv", [i94_row("1", DOB=dob, ARR_DT=arrival)])
    assert ingest_file(engine, path, I94).records_new == 1
