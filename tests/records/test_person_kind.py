"""``kind: person``: a list of persons with no event and no date need not pose as another
kind; its records are identity only (no status event, no report row) and resolve like any."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from sqlalchemy import Engine, select

from sojourn.records import ingest_file, load_mapping, versions
from sojourn.records.tables import records
from sojourn.reports.snapshot import store_events
from sojourn.resolve.person import person_dossier
from sojourn.resolve.run import resolve_all
from sojourn.status.events import record_events
from sojourn.status.person import person_status
from tests.factory import person_by_key, write_csv

MAPPING = """
source: watch-list
kind: person
record_id: ref
fields:
  given_name: first
  middle_name: mi
  family_name: last
  birth_date: dob
  listed_on: listed
identifiers:
  member_no: member
"""
HEADER = ["ref", "first", "mi", "last", "dob", "listed", "member"]
GIVEN = ["Anna", "James", "Maria", "Wei", "Olga", "Ahmed", "Lucia", "Kenji", "Grace", "Ivan"]
FAMILY = ["Smith", "Novak", "Okafor", "Tanaka", "Silva", "Kowalski", "Nguyen", "Haddad",
          "Petrov", "Murphy", "Costa", "Schmidt", "Kim", "Mensah", "Rossi", "Dubois"]  # fmt: skip


def _mapping(tmp_path: Path) -> Path:
    path = tmp_path / "watch.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    return path


def test_a_person_file_without_dates_ingests(engine: Engine, tmp_path: Path) -> None:
    rows = [
        ["W1", "Ann", "B.", "Lee", "", "", "m-1"],
        ["W2", "Bo", "", "Roe", "1970-01-02", "2024-05-01", ""],
    ]
    data = write_csv(tmp_path / "w.csv", HEADER, rows)
    result = ingest_file(engine, data, load_mapping(_mapping(tmp_path)))
    assert (result.records_new, result.quarantined, result.noted) == (2, 0, 0)
    [undated] = versions(engine, "watch-list", "W1")
    assert (undated.kind, undated.event_date, undated.event) == (
        "person",
        None,
        {"listed_on": None},
    )
    assert undated.identity.middle_name == "B." and undated.identifiers == {"member_no": "M1"}
    [dated] = versions(engine, "watch-list", "W2")
    assert str(dated.event_date) == "2024-05-01"
    with engine.connect() as conn:
        stored = [dict(r._mapping) for r in conn.execute(select(records))]
    assert record_events(stored) == []  # identity only: no event for the status engine
    assert ingest_file(engine, data, load_mapping(_mapping(tmp_path))).skipped


def test_a_person_file_resolves(engine: Engine, tmp_path: Path) -> None:
    """Two lists of persons with no event and no date: duplicates within and across them
    link, and an undated record shows in its person's dossier."""
    rng = random.Random(7)
    people = [
        [rng.choice(GIVEN), rng.choice(FAMILY),
         f"{rng.randint(1950, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"]
        for _ in range(300)
    ]  # fmt: skip
    rows = [[f"A{i}", g, "", f, d, "", ""] for i, (g, f, d) in enumerate(people)]
    rows += [[f"B{i}", g[:-1], "", f, d, "", ""] for i, (g, f, d) in enumerate(people[:40])]
    data = write_csv(tmp_path / "w.csv", HEADER, rows)
    assert ingest_file(engine, data, load_mapping(_mapping(tmp_path))).records_new == len(rows)
    resolve_all(engine)
    person = person_by_key(engine)
    assert len(person) == len(rows)
    linked = sum(person[f"A{i}"] == person[f"B{i}"] for i in range(40))
    assert linked >= 36, linked  # a dropped last letter of the given name, nothing else
    dossier = person_dossier(engine, person["A0"])
    assert {r["event_date"] for r in dossier} == {None}
    status = person_status(engine, person["A0"], dt.date(2025, 1, 1))  # no event, no failure
    assert (status.intervals, status.current, status.unlawful_presence_days) == ((), None, 0)
    assert store_events(engine).num_rows == 0  # no report row either
