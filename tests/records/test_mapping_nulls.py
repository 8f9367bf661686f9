"""Values read as empty: the defaults never erase a name (``Na``, ``None`` are surnames);
a mapping's own ``null_values`` still apply as written."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from sojourn.records import ingest_file, load_mapping, versions
from sojourn.records.model import Record
from tests.factory import write_csv

HEADER = ["ID", "LAST", "FIRST", "DOB", "SEX", "CITIZEN"]
FIELDS = """
fields:
  family_name: {column: LAST, null_values: ["UNKNOWN"]}
  given_name: FIRST
  full_name: {join: [FIRST, LAST]}
  birth_date: DOB
  sex: SEX
  nationality: CITIZEN
  effective_on: {value: "2024-01-05"}
"""


def _ingest(engine: Engine, tmp_path: Path, top: str, rows: list[list[str]]) -> list[Record]:
    mapping = tmp_path / "people.yaml"
    mapping.write_text(f"source: people\nkind: address\nrecord_id: ID\n{top}{FIELDS}")
    path = write_csv(tmp_path / "people.csv", HEADER, rows)
    result = ingest_file(engine, path, load_mapping(mapping))
    assert result.quarantined == 0
    return [versions(engine, "people", r[0])[0] for r in rows]


def test_na_and_none_are_names_in_name_fields(engine: Engine, tmp_path: Path) -> None:
    rows = [
        ["1", "Na", "NONE", "NA", "NA", "NONE"],
        ["2", "None", "Ji-woo", "1990-02-03", "F", "KOR"],
        ["3", "NA", "NA", "N/A", "NULL", "N/A"],
    ]
    first, second, third = (r.identity for r in _ingest(engine, tmp_path, "", rows))
    assert (first.family_name, first.given_name, first.full_name) == ("Na", "NONE", "NONE Na")
    assert (first.birth_date, first.sex, first.nationality) == (None, None, None)
    assert (second.family_name, second.birth_date, second.sex) == ("None", "1990-02-03", "F")
    assert (third.family_name, third.given_name, third.full_name) == ("NA", "NA", "NA NA")
    assert (third.birth_date, third.sex, third.nationality) == (None, None, None)


def test_markers_that_cannot_be_names_are_still_empty(engine: Engine, tmp_path: Path) -> None:
    rows = [["1", "Na", "N/A", "", "", ""], ["2", "Kim", "-", "", "", ""]]
    first, second = (r.identity for r in _ingest(engine, tmp_path, "", rows))
    assert (first.given_name, first.full_name) == (None, "Na")
    assert (second.given_name, second.full_name) == (None, "Kim")


def test_a_mappings_own_null_values_apply_as_written(engine: Engine, tmp_path: Path) -> None:
    top = 'null_values: ["", "NA", "X"]\n'
    rows = [["1", "NA", "Ana", "X", "NA", "NA"], ["2", "Unknown", "Bo", "1980-01-02", "", ""]]
    first, second = (r.identity for r in _ingest(engine, tmp_path, top, rows))
    assert (first.family_name, first.full_name, first.birth_date, first.sex) == (
        None,
        "Ana",
        None,
        None,
    )
    assert (second.family_name, second.full_name, second.birth_date) == (
        None,
        "Bo Unknown",
        "1980-01-02",
    )
