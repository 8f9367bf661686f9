"""``on_error`` per field: by default an unusable value becomes missing, the row is kept and
a data-quality note says which column and why; ``quarantine`` sends the whole row to
quarantine as before; a required field always quarantines."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from sojourn.records import (
    BatchResult,
    MappingError,
    ingest_file,
    load_mapping,
    noted_values,
    quarantined,
    versions,
)
from tests.factory import write_csv

MAPPING = """
source: roster
kind: address
record_id: id
fields:
  family_name: last
  given_name: first
  birth_date: {{column: dob{option}}}
  sex: sex
  effective_on: moved
"""
HEADER = ["id", "last", "first", "dob", "sex", "moved"]
ROWS = [
    ["1", "Kim", "Na", "1980-02-03", "F", "2024-01-05"],
    ["2", "Smith", "John", "1980-02-31", "M", "2024-01-06"],  # no 31 February
]


def _ingest(
    engine: Engine, tmp_path: Path, option: str = "", rows: list[list[str]] = ROWS
) -> BatchResult:
    mapping = tmp_path / "roster.yaml"
    mapping.write_text(MAPPING.format(option=option), encoding="utf-8")
    data = write_csv(tmp_path / "roster.csv", HEADER, rows)
    return ingest_file(engine, data, load_mapping(mapping))


def test_an_unparseable_value_becomes_missing_with_a_note(engine: Engine, tmp_path: Path) -> None:
    result = _ingest(engine, tmp_path)
    assert (result.records_new, result.quarantined, result.noted) == (2, 0, 1)
    [kept] = versions(engine, "roster", "2")
    assert kept.identity.birth_date is None and kept.identity.family_name == "Smith"
    assert kept.event == {"effective_on": "2024-01-06", "filed_on": None}
    [note] = noted_values(engine)
    assert (note.row, note.field, note.record_id) == (3, "dob", kept.id)
    assert note.note.startswith("birth_date: ") and "1980-02-31" in note.note
    again = _ingest(engine, tmp_path)  # re-ingest: a no-op that still reports the notes
    assert again.skipped and again.noted == 1 and len(noted_values(engine)) == 1


def test_on_error_quarantine_keeps_the_whole_row_out(engine: Engine, tmp_path: Path) -> None:
    result = _ingest(engine, tmp_path, ", on_error: quarantine")
    assert (result.records_new, result.quarantined, result.noted) == (1, 1, 0)
    [bad] = quarantined(engine)
    assert (bad.file, bad.row, bad.field) == (str(tmp_path / "roster.csv"), 3, "dob")
    assert noted_values(engine) == []


def test_a_required_field_always_quarantines(engine: Engine, tmp_path: Path) -> None:
    rows = [*ROWS, ["3", "Doe", "Jane", "1990-01-01", "F", "not a date"]]
    result = _ingest(engine, tmp_path, rows=rows)
    assert (result.records_new, result.quarantined, result.noted) == (2, 1, 1)
    [bad] = quarantined(engine)
    assert (bad.row, bad.field) == (4, "moved") and bad.reason.startswith("effective_on: ")


def test_an_impossible_birth_date_is_dropped_with_a_note(engine: Engine, tmp_path: Path) -> None:
    rows = [["1", "Kim", "Na", "2090-01-01", "F", "2024-01-05"]]
    result = _ingest(engine, tmp_path, rows=rows)
    assert (result.records_new, result.quarantined, result.noted) == (1, 0, 1)
    assert versions(engine, "roster", "1")[0].identity.birth_date is None
    assert "is after today" in noted_values(engine)[0].note


def test_a_file_wide_on_error_and_a_field_overriding_it(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        MAPPING.format(option="").replace("fields:", "on_error: quarantine\nfields:")
        + "  nationality: {column: sex, on_error: missing}\n",
        encoding="utf-8",
    )
    mapping = load_mapping(path)
    by_target = {f.target: f for f in mapping.fields}
    assert by_target["birth_date"].quarantines and not by_target["nationality"].quarantines
    assert by_target["effective_on"].quarantines  # required, whatever on_error says


@pytest.mark.parametrize("where", ["on_error: drop\n", "  sex: {column: sex, on_error: skip}\n"])
def test_an_unknown_on_error_is_a_mapping_error(tmp_path: Path, where: str) -> None:
    body = MAPPING.format(option="")
    body = body.replace("fields:", where + "fields:") if not where.startswith(" ") else body + where
    path = tmp_path / "m.yaml"
    path.write_text(body.replace("  sex: sex\n", "") if where.startswith(" ") else body, "utf-8")
    with pytest.raises(MappingError, match="on_error: must be one of missing, quarantine"):
        load_mapping(path)
