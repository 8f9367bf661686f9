"""The bulk-write path: look up which keys exist, insert a frame of rows fast.

SQLite: ``executemany``; PostgreSQL: ``COPY`` in CSV form. Both run inside the caller's
transaction, so a batch is all-or-nothing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import orjson
import polars as pl
import psycopg
from sqlalchemy import Connection, text


def insert_rows(conn: Connection, table: str, frame: pl.DataFrame) -> int:
    """Insert every row of ``frame`` (columns named as in the table); return how many."""
    if frame.is_empty():
        return 0
    if conn.dialect.name == "postgresql":
        return _copy(conn, table, frame)
    return _executemany(conn, table, frame)


def existing_keys(conn: Connection, table: str, key: str, keys: Sequence[str]) -> set[str]:
    """The keys among ``keys`` already in ``table`` (sent as one parameter, not one each)."""
    if not keys:
        return set()
    column = _quote(key)
    if conn.dialect.name == "postgresql":
        sql = f"SELECT {column} FROM {table} WHERE {column} = ANY(string_to_array(:keys, ','))"
        found = conn.execute(text(sql), {"keys": ",".join(keys)})
    else:
        sql = f"SELECT {column} FROM {table} WHERE {column} IN (SELECT value FROM json_each(:keys))"
        found = conn.execute(text(sql), {"keys": orjson.dumps(list(keys)).decode()})
    return {row[0] for row in found}


def lock_for_writing(conn: Connection, name: str) -> None:
    """Serialize writers of one kind until the transaction ends, so that what they read
    first (has this batch been ingested?) still holds when they write. PostgreSQL: an
    advisory lock; SQLite: the database write lock, taken now by a write that changes
    nothing (other writers wait, up to the busy timeout)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:n))"), {"n": name})
    else:
        conn.execute(text("DELETE FROM batches WHERE 1 = 0"))


def _executemany(conn: Connection, table: str, frame: pl.DataFrame) -> int:
    frame = _dates_as_text(frame)
    columns = frame.columns
    sql = (
        f"INSERT INTO {table} ({', '.join(_quote(c) for c in columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, frame.rows())
        return frame.height
    finally:
        cursor.close()


def _copy(conn: Connection, table: str, frame: pl.DataFrame) -> int:
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False, quote_style="non_numeric", null_value="")
    columns = ", ".join(_quote(c) for c in frame.columns)
    raw: psycopg.Connection[Any] = conn.connection.driver_connection  # type: ignore[assignment]
    sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)"
    with raw.cursor() as cur, cur.copy(sql) as copy:
        copy.write(buffer.getbuffer())
    return frame.height


def _dates_as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Dates and times as SQLAlchemy stores them in SQLite (times in UTC, no offset)."""
    dates = [c for c, t in frame.schema.items() if t == pl.Date]
    times = [c for c, t in frame.schema.items() if isinstance(t, pl.Datetime)]
    return frame.with_columns(
        pl.col(dates).dt.to_string("%Y-%m-%d"),
        pl.col(times).dt.convert_time_zone("UTC").dt.to_string("%Y-%m-%d %H:%M:%S.%6f"),
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
