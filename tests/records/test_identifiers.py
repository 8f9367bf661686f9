"""Identifiers: an SSN that cannot be one is never kept to be silently ignored by matching;
``identifiers: {TYPE: column}`` checks known types and keeps any other type exactly."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from sojourn.records import (
    BatchResult,
    MappingError,
    ingest_file,
    load_mapping,
    noted_values,
    versions,
)
from sojourn.records.identifiers import CHECKS
from sojourn.resolve import identifiers as matching
from tests.factory import write_csv

MAPPING = """
source: partner
kind: person
record_id: id
{extra}
fields:
  family_name: last
  given_name: first
"""
IDENTIFIERS = """identifiers:
  ssn: ssn
  passport: pp
  NHS_Number: other
"""
HEADER = ["id", "last", "first", "ssn", "pp", "other"]


def _ingest(
    engine: Engine, tmp_path: Path, rows: list[list[str]], extra: str = IDENTIFIERS
) -> BatchResult:
    mapping = tmp_path / "partner.yaml"
    mapping.write_text(MAPPING.format(extra=extra), encoding="utf-8")
    return ingest_file(engine, write_csv(tmp_path / "p.csv", HEADER, rows), load_mapping(mapping))


def test_known_types_are_checked_and_unknown_types_kept_exactly(
    engine: Engine, tmp_path: Path
) -> None:
    rows = [
        ["1", "Kim", "Na", "123-45-6789", "x1234567", " ab-12 34 "],
        ["2", "Lee", "Ann", "1234567", "P1", "---"],  # 7 digits; too short for a passport
        ["3", "Roe", "Bo", "666-12-3456", "", "q 9"],  # area 666 was never issued
    ]
    bad_type = MAPPING.format(extra="identifiers:\n  nhs number: other\n")
    (tmp_path / "bad.yaml").write_text(bad_type, encoding="utf-8")
    with pytest.raises(MappingError, match=r"identifiers\.nhs number: a type is a name"):
        load_mapping(tmp_path / "bad.yaml")
    result = _ingest(engine, tmp_path, rows)
    assert (result.records_new, result.quarantined, result.noted) == (3, 0, 3)
    one, two, three = (versions(engine, "partner", i)[0] for i in "123")
    assert (one.identity.ssn, one.identity.passport_number) == ("123-45-6789", "X1234567")
    assert one.identifiers == {"nhs_number": "AB1234"}
    assert (two.identity.ssn, two.identity.passport_number, two.identifiers) == (None, None, {})
    assert three.identity.ssn is None and three.identifiers == {"nhs_number": "Q9"}
    notes = {(n.row, n.field): n.note for n in noted_values(engine)}
    assert set(notes) == {(3, "ssn"), (3, "pp"), (4, "ssn")}
    assert "'1234567' is not an SSN (9 digits)" in notes[(3, "ssn")]
    assert "never" not in notes[(3, "ssn")] and "ever issued" in notes[(4, "ssn")]
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT identifiers FROM records WHERE source_record_id = '1'"))
        assert json.loads(stored.scalar_one()) == {"nhs_number": "AB1234"}


def test_an_ssn_mapped_as_a_field_is_checked_too(engine: Engine, tmp_path: Path) -> None:
    extra = "on_error: quarantine"
    mapping = MAPPING.format(extra=extra) + "  ssn: ssn\n"
    (tmp_path / "m.yaml").write_text(mapping, encoding="utf-8")
    rows = [["1", "Kim", "Na", "1234567", "", ""], ["2", "Lee", "Ann", "123456789", "", ""]]
    data = write_csv(tmp_path / "p.csv", HEADER, rows)
    result = ingest_file(engine, data, load_mapping(tmp_path / "m.yaml"))
    assert (result.records_new, result.quarantined) == (1, 1)


def test_a_type_mapped_twice_is_a_mapping_error(tmp_path: Path) -> None:
    body = MAPPING.format(extra="identifiers:\n  passport: pp\n") + "  passport_number: pp\n"
    (tmp_path / "m.yaml").write_text(body, encoding="utf-8")
    with pytest.raises(MappingError, match="passport_number is mapped twice"):
        load_mapping(tmp_path / "m.yaml")


def test_records_without_generic_identifiers_keep_their_ids(engine: Engine, tmp_path: Path) -> None:
    """A mapping that gains an ``identifiers`` column, empty here, makes the same records."""
    rows = [["1", "Kim", "Na", "", "", ""]]
    plain = _ingest(engine, tmp_path, rows, extra="")
    again = _ingest(engine, tmp_path, rows, extra="identifiers:\n  member: other\n")
    assert (plain.records_new, again.records_new, again.records_existing) == (1, 0, 1)


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("ssn", ["123456789", "123-45-6789", "1234567", "000123456", "666123456", "912345678",
                 "123006789", "123450000", "12345678a"]),
        ("passport_number", ["X1234567", "P1", "AAAAAAA", "AB 12345", "1234567890123"]),
        ("sevis_id", ["N1234567890", "N123", "X1234567890"]),
        ("fbi_number", ["AB123456C", "ABCDEFGHIJ", "12"]),
    ],
)  # fmt: skip
def test_ingest_checks_accept_what_matching_can_use(field: str, values: list[str]) -> None:
    table: dict[str, Callable[[str], str | None]] = {
        "ssn": matching.ssn,
        "passport_number": matching.passport,
        "sevis_id": matching.sevis_id,
        "fbi_number": matching.fbi_number,
    }
    normalize = table[field]
    for value in values:
        assert (CHECKS[field](value) is None) == (normalize(value) is not None), value
