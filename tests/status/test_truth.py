"""Differential test: the engine's status equals the generator's truth for every person whose
true status the records can show (records grouped by their true person)."""

from __future__ import annotations

import collections
import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from sojourn.records import ingest_file, plan
from sojourn.records.tables import records
from sojourn.status.engine import timeline
from sojourn.status.events import Event, event_from_record
from sojourn.store import make_engine, upgrade
from sojourn.synth import generate
from sojourn.synth.observable import observable_persons


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pl.DataFrame]:
    out = tmp_path_factory.mktemp("world")
    generate(4_000, 11, dt.date(2025, 9, 30), out)
    engine = make_engine(f"sqlite:///{out / 'db.sqlite'}")
    upgrade(engine)
    for item in plan([out], None):
        ingest_file(engine, item.path, item.mapping)
    columns = ("id", "kind", "event_date", "event", "source", "source_record_id")
    with engine.connect() as conn:
        rows = conn.execute(select(*(records.c[c] for c in columns))).all()
    engine.dispose()
    schema = dict.fromkeys(columns, pl.Utf8) | {"event_date": pl.Date}
    return out, pl.DataFrame(rows, schema=schema, orient="row")


def test_status_equals_the_truth_where_records_can_show_it(
    world: tuple[Path, pl.DataFrame],
) -> None:
    data, rows = world
    as_of = dt.date.fromisoformat(json.loads((data / "manifest.json").read_text())["as_of"])
    keys = pl.read_csv(data / "truth" / "records.csv", infer_schema=False).unique(
        ["source", "source_record_id"]
    )
    grouped = rows.join(keys.select("source", "source_record_id", "person_id"),
                        on=["source", "source_record_id"])  # fmt: skip
    events: dict[str, list[Event]] = collections.defaultdict(list)
    for row in grouped.iter_rows(named=True):
        events[row["person_id"]].append(event_from_record(row))
    truth = dict(
        pl.read_csv(data / "truth" / "status.csv", infer_schema=False)
        .select("person_id", "status")
        .iter_rows()
    )
    observable = observable_persons(data, rows)
    assert len(observable) >= 0.8 * len(events)
    wrong = {}
    for person in observable:
        result = timeline(events[person], as_of)
        found = result.current.status if result.current else "none"
        if found != truth[person]:
            wrong[person] = (truth[person], found)
    # Measured: 5 of 17,511 on 20,000 persons, each a record the generator left out or wrote
    # after the person's departure (docs/status.md); the bar allows that rate, no more.
    assert len(wrong) <= 0.001 * len(observable), wrong
