"""The database's own speed for bench/ingest.py: the records rows of an ingested store
written again, with nothing around them, into a fresh store's records table (its indexes
included). Only the writes are timed; reading the rows back and encoding them are not."""

from __future__ import annotations

import time
from typing import Any

import polars as pl
from sqlalchemy import Engine

from sojourn.store.arrow import fetch_arrow
from sojourn.store.pgcopy import binary_copy_data

CHUNK = 100_000
COLUMN_TYPES = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
WHERE a.attrelid = 'records'::regclass AND a.attnum > 0 AND NOT a.attisdropped
"""


def bare_executemany(source: Engine, target: Engine) -> tuple[int, float]:
    """SQLite: one transaction of ``executemany`` inserts, CHUNK rows at a time."""
    rows, seconds = 0, 0.0
    with source.connect() as src, target.connect() as dst:
        reader: Any = src.connection.driver_connection
        writer: Any = dst.connection.driver_connection
        cursor = reader.execute("SELECT * FROM records ORDER BY rowid")
        names = [d[0] for d in cursor.description]
        quoted = ", ".join('"' + n + '"' for n in names)
        sql = f"INSERT INTO records ({quoted}) VALUES ({', '.join('?' for _ in names)})"
        writer.execute("BEGIN IMMEDIATE")
        while chunk := cursor.fetchmany(CHUNK):
            start = time.perf_counter()
            writer.executemany(sql, chunk)
            seconds += time.perf_counter() - start
            rows += len(chunk)
        start = time.perf_counter()
        writer.execute("COMMIT")
        seconds += time.perf_counter() - start
    return rows, seconds


def bare_copy(source: Engine, target: Engine) -> tuple[int, float]:
    """PostgreSQL: one transaction of binary COPY statements of ready-made bytes, CHUNK rows
    each."""
    frame = pl.DataFrame(pl.from_arrow(fetch_arrow(source, "SELECT * FROM records")))
    rows, seconds = 0, 0.0
    with target.begin() as conn:
        raw: Any = conn.connection.driver_connection
        types = {str(n): str(t) for n, t in raw.execute(COLUMN_TYPES).fetchall()}
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        sql = f"COPY records ({columns}) FROM STDIN WITH (FORMAT binary)"
        for part in frame.iter_slices(CHUNK):
            data = binary_copy_data(part, types)
            assert data is not None, "a records column the binary encoder does not know"
            start = time.perf_counter()
            with raw.cursor() as cur, cur.copy(sql) as copy:
                for piece in data:
                    copy.write(piece)
            seconds += time.perf_counter() - start
            rows += part.height
        start = time.perf_counter()
    seconds += time.perf_counter() - start
    return rows, seconds
