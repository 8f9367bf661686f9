"""Rows arriving one by one or in batches on a stream: stored under their content hash like
a file's rows; the same record in another row is a sighting; a bad row is quarantined with its
field and reason; a replay of the same rows writes nothing, and the stream's batch counts
what was written."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from sojourn.records.mapping import builtin_mapping
from sojourn.records.streamed import Streamed, Tally, ingest_row, map_rows, store_rows
from sojourn.store import make_engine, upgrade
from sojourn.synth import generate
from tests.conftest import PG_URL, drop_pg_schema, new_pg_schema

MAPPING = builtin_mapping("cbp-apis-out")
ORIGIN = "stream:sojourn.in.departure"


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    out: Path = tmp_path_factory.mktemp("synth")
    generate(40, 3, dt.date(2025, 9, 30), out)
    lines = (out / "departures_apis.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines[:3]]


def _store(engine: Engine, rows: list[tuple[int, dict[str, Any]]]) -> list[Streamed]:
    with engine.begin() as conn:
        mapped = map_rows(MAPPING, rows)
        numbered = [(n, m) for (n, _), m in zip(rows, mapped, strict=True)]
        return store_rows(conn, MAPPING, numbered, ORIGIN)


def _counts(engine: Engine) -> tuple[int, ...]:
    sql = ("SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM sightings), "
           "(SELECT count(*) FROM quarantine), (SELECT sum(row_count) FROM batches)")  # fmt: skip
    with engine.connect() as conn:
        return tuple(conn.execute(text(sql)).one())


def test_a_batch_stores_records_sightings_and_quarantine_in_order(
    engine: Engine, manifest: list[dict[str, Any]]
) -> None:
    a, b, _ = manifest
    bad = {"pnr": "X1", "family": "DOE"}  # no departure, no provenance
    rows = [(10, a), (11, b), (12, a), (13, bad)]
    first = _store(engine, rows)
    assert [s.new for s in first] == [True, True, False, False]
    assert first[0].record_id == first[2].record_id != first[1].record_id
    assert first[3].record_id is None and first[3].reason
    assert _counts(engine) == (2, 1, 1, 4)
    again = _store(engine, rows)  # a replay: the same answers, nothing written
    assert [s.record_id for s in again] == [s.record_id for s in first]
    assert not any(s.new for s in again) and _counts(engine) == (2, 1, 1, 4)


def test_one_row_is_a_batch_of_one(engine: Engine, manifest: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        one = ingest_row(conn, MAPPING, manifest[2], ORIGIN, 7)
        same = ingest_row(conn, MAPPING, manifest[2], ORIGIN, 8)
    assert one.new and not same.new and one.record_id == same.record_id
    assert _counts(engine) == (1, 1, 0, 2)
    with engine.connect() as conn:
        (row,) = conn.execute(text("SELECT row, file FROM records")).all()
    assert tuple(row) == (7, ORIGIN)


def test_a_bad_row_numbered_like_a_sighting_is_still_quarantined(
    engine: Engine, manifest: list[dict[str, Any]]
) -> None:
    a = manifest[0]
    _store(engine, [(1, a), (2, a)])  # row 2: a sighting of row 1's record
    (bad,) = _store(engine, [(2, {"pnr": "X1", "family": "DOE"})])  # another source's row 2
    assert bad.record_id is None
    assert _counts(engine) == (1, 1, 1, 3)


def test_a_streamed_row_with_an_unusable_value_is_kept_with_a_note(
    engine: Engine, tmp_path: Path
) -> None:
    from sojourn.records.mapping import load_mapping

    path = tmp_path / "list.yaml"
    path.write_text(
        "source: partner\nkind: person\nformat: jsonl\nrecord_id: id\n"
        "fields:\n  family_name: last\n  birth_date: dob\n",
        encoding="utf-8",
    )
    mapping = load_mapping(path)
    row = {"id": "1", "last": "Kim", "dob": "1990-13-01"}
    for _ in range(2):  # a replay writes no second note
        with engine.begin() as conn:
            stored = ingest_row(conn, mapping, row, "stream:partner", 5)
        assert stored.record_id is not None
    with engine.connect() as conn:
        found = conn.execute(text("SELECT row, field, record_id, note FROM record_notes")).all()
    [(number, field, record_id, note)] = found
    assert (number, field, record_id) == (5, "dob", stored.record_id)
    assert "1990-13-01" in note


def test_a_tally_counts_the_batch_when_it_is_written(
    engine: Engine, manifest: list[dict[str, Any]]
) -> None:
    a, b, _ = manifest
    tally = Tally()
    with engine.begin() as conn:
        rows = [(1, a), (2, b), (3, a)]
        numbered = [(n, m) for (n, _), m in zip(rows, map_rows(MAPPING, rows), strict=True)]
        store_rows(conn, MAPPING, numbered, ORIGIN, tally)
        assert conn.execute(text("SELECT sum(row_count) FROM batches")).scalar() == 0
        tally.write(conn)
    assert _counts(engine) == (2, 1, 0, 3)


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    schema = new_pg_schema()
    eng = make_engine(PG_URL, schema)
    upgrade(eng)
    try:
        yield eng
    finally:
        eng.dispose()
        drop_pg_schema(schema)


def _waiting_on_a_lock(engine: Engine) -> bool:
    sql = ("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
           "AND query ILIKE '%INSERT INTO%batches%'")  # fmt: skip
    with engine.connect() as conn:
        return bool(conn.execute(text(sql)).scalar())


def test_two_consumers_starting_the_days_batch_at_once_both_commit(
    pg_engine: Engine, manifest: list[dict[str, Any]]
) -> None:
    """The second finds no batch row (the first's is not committed), inserts it too, waits
    on the first, and then goes on: before, it failed on the batch's primary key."""
    a, b, _ = manifest
    got: dict[str, list[Streamed]] = {}
    with pg_engine.connect() as first, first.begin():
        store_rows(first, MAPPING, [(1, map_rows(MAPPING, [(1, a)])[0])], ORIGIN)
        second = threading.Thread(target=lambda: got.update(s=_store(pg_engine, [(2, b)])))
        second.start()
        deadline = time.monotonic() + 20
        while not _waiting_on_a_lock(pg_engine) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert second.is_alive(), "the second did not wait for the first's batch row"
    second.join(20)
    assert [s.new for s in got["s"]] == [True]
    assert _counts(pg_engine) == (2, 0, 0, 2)
