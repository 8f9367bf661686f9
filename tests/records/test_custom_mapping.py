"""A user's own file and mapping: CSV, JSONL and Parquet, with the mapping options."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from sojourn.records import ingest_file, load_mapping, quarantined, versions
from tests.factory import write_csv, write_jsonl, write_parquet

CSV_MAPPING = """
source: county-jail
kind: custody
format: csv
encoding: latin-1
delimiter: "|"
record_id: BOOKING
date_format: "%d/%m/%Y"
fields:
  full_name: {column: INMATE, split: family_comma_given}
  birth_date: {column: BORN, format: ["%d/%m/%Y", "%Y"]}
  sex: {column: GENDER, codes: {MALE: M, FEMALE: F, UNKNOWN: null}}
  nationality: {column: CITIZENSHIP, on_error: quarantine}
  a_number: ANUM
  address: {join: [STREET, CITY], sep: ", "}
  book_in_on: {column: BOOKED, required: true}
  release_on: RELEASED
  facility: FACILITY
"""


def test_custom_csv_mapping(engine: Engine, tmp_path: Path) -> None:
    mapping_path = tmp_path / "jail.yaml"
    mapping_path.write_text(CSV_MAPPING, encoding="utf-8")
    header = [
        "BOOKING",
        "INMATE",
        "BORN",
        "GENDER",
        "CITIZENSHIP",
        "ANUM",
        "STREET",
        "CITY",
        "BOOKED",
        "RELEASED",
        "FACILITY",
    ]
    rows = [
        [
            "J-1",
            "NGUYEN, Van  Thanh",
            "01/02/1980",
            "MALE",
            "Viet Nam",
            "A-012-345-678",
            "1 Main St",
            "Houston",
            "03/04/2025",
            "",
            "Harris  County",
        ],
        [
            "J-2",
            "Müller, Jürgen",
            "1975",
            "unknown",
            "DE",
            "12345678",
            "",
            "",
            "05/06/2025",
            "07/06/2025",
            "Harris",
        ],
        ["J-3", "Doe, Jane", "01/01/1990", "F", "XX", "", "", "", "05/06/2025", "", "H"],
    ]
    path = write_csv(tmp_path / "jail.csv", header, rows, delimiter="|", encoding="latin-1")
    result = ingest_file(engine, path, load_mapping(mapping_path))
    assert (result.records_new, result.quarantined) == (2, 1)
    [first] = versions(engine, "county-jail", "J-1")
    identity = first.identity
    assert (identity.family_name, identity.given_name, identity.middle_name) == (
        "NGUYEN",
        "Van",
        "Thanh",
    )
    assert identity.full_name == "NGUYEN, Van Thanh"
    assert (identity.sex, identity.nationality, identity.a_number) == ("M", "VNM", "A012345678")
    assert identity.address == "1 Main St, Houston"
    assert first.event == {
        "book_in_on": "2025-04-03",
        "release_on": None,
        "removed_on": None,
        "facility": "Harris County",
    }
    assert first.event_date == dt.date(2025, 4, 3)
    [second] = versions(engine, "county-jail", "J-2")
    assert (second.identity.family_name, second.identity.given_name) == ("Müller", "Jürgen")
    assert (second.identity.birth_date, second.identity.sex) == ("1975", None)
    assert second.identity.a_number == "A012345678"
    [bad] = quarantined(engine)
    assert (bad.row, bad.field) == (4, "CITIZENSHIP")


JSONL_MAPPING = """
source: exit-app
kind: self_departure
format: jsonl
record_id: id
fields:
  full_name: {column: person.name, split: given_family}
  birth_date: person.dob
  intent_on: {column: intent, required: true}
  verified_departure_on: verified
  verification_method: {column: how, codes: {GPS: app_geolocation}}
"""


def test_custom_jsonl_mapping_with_nested_fields(engine: Engine, tmp_path: Path) -> None:
    mapping_path = tmp_path / "exit.yaml"
    mapping_path.write_text(JSONL_MAPPING, encoding="utf-8")
    path = write_jsonl(
        tmp_path / "exit.jsonl",
        [
            {
                "id": 17,
                "person": {"name": "Ana María García López", "dob": "1990-05-06"},
                "intent": "2025-06-01",
                "verified": "2025-06-20",
                "how": "GPS",
            },
            {"id": 18, "person": {"name": "Li Wei"}, "intent": None},
        ],
    )
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n\n[1, 2]\n")
    result = ingest_file(engine, path, load_mapping(mapping_path))
    assert (result.rows, result.records_new, result.quarantined) == (4, 1, 3)
    [record] = versions(engine, "exit-app", "17")
    assert record.identity.family_name == "López"
    assert record.identity.given_name == "Ana"
    assert record.identity.middle_name == "María García"
    assert record.event["verification_method"] == "app_geolocation"
    assert record.raw["person"]["dob"] == "1990-05-06"
    reasons = {q.row: q.reason for q in quarantined(engine)}
    assert "intent_on: required" in reasons[2]
    assert "not valid JSON" in reasons[3]
    assert "not an object" in reasons[5]


PARQUET_MAPPING = """
source: school-feed
kind: student
format: parquet
record_id: sid
fields:
  sevis_id: sid
  family_name: last
  birth_date: dob
  program_start: {column: start, required: true}
  program_end: end
  status: state
"""


def test_custom_parquet_mapping_with_typed_columns(engine: Engine, tmp_path: Path) -> None:
    mapping_path = tmp_path / "school.yaml"
    mapping_path.write_text(PARQUET_MAPPING, encoding="utf-8")
    path = write_parquet(
        tmp_path / "school.parquet",
        {
            "sid": ["N0000000001", "N0000000002"],
            "last": ["Kim", "Park"],
            "dob": [dt.date(2001, 2, 3), None],
            "start": [dt.datetime(2024, 8, 20, 9, 0), dt.datetime(2024, 8, 21)],
            "end": [dt.date(2028, 5, 1), None],
            "state": ["ACTIVE", "EXPELLED"],
        },
    )
    result = ingest_file(engine, path, load_mapping(mapping_path))
    assert (result.records_new, result.quarantined) == (1, 1)
    [record] = versions(engine, "school-feed", "N0000000001")
    assert record.identity.birth_date == "2001-02-03"
    assert record.event["program_start"] == "2024-08-20"
    assert record.event["status"] == "active"
    [bad] = quarantined(engine)
    assert (bad.row, bad.field) == (2, "state")
    assert "unknown code 'EXPELLED'" in bad.reason
