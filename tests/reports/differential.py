"""Both report paths on the same events: the Python engine person by person, and the SQL in
DuckDB over the events as a table (the differential check of issue 4)."""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import duckdb
import orjson
import pyarrow as pa

from sojourn.records import ingest_file, plan
from sojourn.reports.admissions import Outcome, admission_outcomes
from sojourn.reports.duck import compute_outcomes, open_events, outcome_rows
from sojourn.status.events import Event, History
from sojourn.status.rulebook import RuleBook, default_rules
from sojourn.store import make_engine, upgrade
from sojourn.store.arrow import fetch_arrow
from sojourn.synth import generate


def _json(event: Event) -> str:
    fields = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in event.fields.items()}
    return orjson.dumps(fields).decode()


def events_table(people: dict[str, Iterable[Event]]) -> pa.Table:
    """Events of several persons in the SQL path's input columns."""
    rows = [
        {
            "person_id": person,
            "record_id": e.record_id,
            "kind": e.kind,
            "event_date": e.date,
            "event": _json(e),
            "nationality": None,
        }
        for person, events in people.items()
        for e in events
    ]
    schema = pa.schema([("person_id", pa.string()), ("record_id", pa.string()),
                        ("kind", pa.string()), ("event_date", pa.date32()),
                        ("event", pa.string()), ("nationality", pa.string())])  # fmt: skip
    return pa.Table.from_pylist(rows, schema=schema)


def sql_outcomes(
    events: pa.Table, as_of: dt.date, rules: RuleBook | None = None
) -> list[tuple[str, Outcome]]:
    con = open_events(events, rules or default_rules())
    try:
        compute_outcomes(con, as_of)
        return outcome_rows(con)
    finally:
        con.close()


def python_outcomes(
    people: dict[str, list[Event]], as_of: dt.date, rules: RuleBook | None = None
) -> list[tuple[str, Outcome]]:
    book = rules or default_rules()
    found = [
        (person, outcome)
        for person in sorted(people)
        for outcome in admission_outcomes(History(people[person]), as_of, book)
    ]
    return sorted(found, key=lambda x: (x[0], x[1].arrival_date, x[1].record_id))


def both(events: Iterable[Event], as_of: dt.date, rules: RuleBook | None = None) -> list[Outcome]:
    """One person's outcomes, after checking that the two paths agree on them."""
    people = {"P1": list(events)}
    python = python_outcomes(people, as_of, rules)
    sql = sql_outcomes(events_table(people), as_of, rules)
    assert sql == python
    return [o for _, o in python]


def by_person(table: pa.Table) -> dict[str, list[Event]]:
    """The Python engine's events from an events table."""
    from sojourn.status.events import event_from_record

    people: dict[str, list[Event]] = collections.defaultdict(list)
    for row in table.to_pylist():
        people[row["person_id"]].append(
            event_from_record({"id": row["record_id"], "kind": row["kind"],
                               "event_date": row["event_date"], "event": row["event"]})
        )  # fmt: skip
    return people


def generated_events(out: Path, persons: int, seed: int) -> pa.Table:
    """``persons`` generated persons ingested into SQLite under ``out``: each record's events
    columns with its true person (``EVENT_COLUMNS`` of ``reports.duck``)."""
    generate(persons, seed, dt.date(2025, 9, 30), out)
    engine = make_engine(f"sqlite:///{out / 'db.sqlite'}")
    upgrade(engine)
    for item in plan([out], None):
        ingest_file(engine, item.path, item.mapping)
    records = fetch_arrow(engine, "SELECT id AS record_id, source, source_record_id, kind, "
                                  "event_date, event, nationality FROM records")  # fmt: skip
    engine.dispose()
    con = duckdb.connect()
    con.register("r", records)
    truth = str(out / "truth" / "records.csv")
    return con.sql(
        "SELECT t.person_id, r.record_id, r.kind, r.event_date, r.event, r.nationality FROM r "
        "JOIN (SELECT DISTINCT source, source_record_id, person_id FROM "
        f"read_csv('{truth}', all_varchar = true)) t USING (source, source_record_id)"
    ).to_arrow_table()
