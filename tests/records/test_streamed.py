"""Rows arriving one by one or in batches on a stream: stored under their content hash like
a file's rows; the same record in another row is a sighting; a bad row is quarantined with its
field and reason; a replay of the same rows writes nothing, and the stream's batch counts
what was written."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from sojourn.records.mapping import builtin_mapping
from sojourn.records.streamed import Streamed, ingest_row, map_rows, store_rows
from sojourn.synth import generate

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
