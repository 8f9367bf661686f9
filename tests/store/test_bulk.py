"""The bulk-write path skips keys already present, inside the caller's transaction."""

from __future__ import annotations

import polars as pl
import pytest
from sqlalchemy import Connection, Engine, text

from sojourn.store.bulk import existing_keys, insert_rows, lock_for_writing


def _batch(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO batches (id, source, kind, mapping, mapping_sha256, format, file, "
                "file_sha256, file_bytes, row_count, records_new, records_existing, quarantined,"
                " state, started_at) VALUES ('b1', 's', 'arrival', 'm', 'x', 'csv', 'f', 'y',"
                " 0, 0, 0,"
                " 0, 0, 'complete', CURRENT_TIMESTAMP)"
            )
        )


def _records(ids: list[str], raw: str = "{}") -> pl.DataFrame:
    return pl.DataFrame({"id": ids}).with_columns(
        batch_id=pl.lit("b1"),
        source=pl.lit("s"),
        source_record_id=pl.col("id"),
        kind=pl.lit("arrival"),
        file=pl.lit("f"),
        row=pl.lit(2),
        event_date=pl.lit("2024-01-01").str.to_date(),
        event=pl.lit("{}"),
        raw=pl.lit(raw),
    )


def insert_new(conn: Connection, table: str, frame: pl.DataFrame, key: str) -> int:
    """Insert the rows whose key is not stored yet, as ingest does."""
    if frame.is_empty():
        return 0
    stored = existing_keys(conn, table, key, frame[key].to_list())
    return insert_rows(conn, table, frame.filter(~pl.col(key).is_in(list(stored))))


def test_insert_new_skips_existing_keys(engine: Engine) -> None:
    _batch(engine)
    records = _records(["a", "b"], raw='{"x": "a,\\"b\\"\\nc"}')
    with engine.begin() as conn:
        lock_for_writing(conn, "test")
        assert insert_new(conn, "records", records, "id") == 2
    more = pl.concat([records, records.with_columns(id=pl.lit("c"))]).unique("id", keep="last")
    with engine.begin() as conn:
        assert insert_new(conn, "records", more.sort("id"), "id") == 1
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM records ORDER BY id"))]
        raw = conn.execute(text("SELECT raw FROM records WHERE id = 'a'")).scalar()
        day = conn.execute(text("SELECT event_date FROM records WHERE id = 'a'")).scalar()
    assert ids == ["a", "b", "c"]
    assert raw == '{"x": "a,\\"b\\"\\nc"}'
    assert str(day) == "2024-01-01"


def test_insert_new_is_rolled_back_with_its_transaction(engine: Engine) -> None:
    _batch(engine)
    frame = _records(["z"])
    with pytest.raises(RuntimeError), engine.begin() as conn:
        insert_new(conn, "records", frame, "id")
        raise RuntimeError("crash before commit")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM records")).scalar() == 0


def test_empty_frame_writes_nothing(engine: Engine) -> None:
    with engine.begin() as conn:
        assert insert_new(conn, "records", pl.DataFrame({"id": []}), "id") == 0
