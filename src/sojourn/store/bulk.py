"""The bulk-write path: insert a frame of rows, skipping keys already present.

SQLite: ``INSERT OR IGNORE`` with ``executemany``. PostgreSQL: look up which keys exist,
then ``COPY`` the new rows in CSV form. Both run inside the caller's transaction, so a batch
is all-or-nothing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import polars as pl
import psycopg
from sqlalchemy import Connection, text


def insert_new(conn: Connection, table: str, frame: pl.DataFrame, key: str) -> int:
    """Insert the rows of ``frame`` whose ``key`` is not in ``table``; return how many."""
    if frame.is_empty():
        return 0
    if conn.dialect.name == "postgresql":
        return _postgres(conn, table, frame, key)
    return _sqlite(conn, table, frame)


def lock_for_writing(conn: Connection, name: str) -> None:
    """Serialize writers of one kind until the transaction ends, so that what they read
    first (has this batch been ingested?) still holds when they write. PostgreSQL: an
    advisory lock; SQLite: the database write lock, taken now by a write that changes
    nothing (other writers wait, up to the busy timeout)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:n))"), {"n": name})
    else:
        conn.execute(text("DELETE FROM batches WHERE 1 = 0"))


def _sqlite(conn: Connection, table: str, frame: pl.DataFrame) -> int:
    frame = _dates_as_text(frame)
    columns = frame.columns
    sql = (
        f"INSERT OR IGNORE INTO {table} ({', '.join(_quote(c) for c in columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    rows = zip(*(frame[c].to_list() for c in columns), strict=True)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, rows)
        return int(cursor.rowcount)
    finally:
        cursor.close()


def _postgres(conn: Connection, table: str, frame: pl.DataFrame, key: str) -> int:
    existing = _existing_keys(conn, table, key, frame[key].to_list())
    if existing:
        frame = frame.filter(~pl.col(key).is_in(list(existing)))
    if frame.is_empty():
        return 0
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False, quote_style="non_numeric", null_value="")
    columns = ", ".join(_quote(c) for c in frame.columns)
    raw: psycopg.Connection[Any] = conn.connection.driver_connection  # type: ignore[assignment]
    sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)"
    with raw.cursor() as cur, cur.copy(sql) as copy:
        copy.write(buffer.getbuffer())
    return frame.height


def _existing_keys(conn: Connection, table: str, key: str, keys: Sequence[str]) -> set[str]:
    """Keys of ``table`` among ``keys`` (sent as one comma-joined string: keys are hex)."""
    sql = text(
        f"SELECT {_quote(key)} FROM {table} WHERE {_quote(key)} = ANY(string_to_array(:keys, ','))"
    )
    return {row[0] for row in conn.execute(sql, {"keys": ",".join(keys)})}


def _dates_as_text(frame: pl.DataFrame) -> pl.DataFrame:
    dates = [c for c, t in frame.schema.items() if t == pl.Date]
    return frame.with_columns(pl.col(dates).dt.to_string("%Y-%m-%d")) if dates else frame


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
