"""The bulk-write path: look up which keys exist, insert a frame of rows fast.

SQLite: ``executemany``; PostgreSQL: ``COPY`` in binary form (:mod:`sojourn.store.pgcopy`),
or in CSV form for a column type the binary encoder does not know. Both run inside the
caller's transaction, so a batch is all-or-nothing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import orjson
import polars as pl
import psycopg
from sqlalchemy import Connection, text

from sojourn.store.pgcopy import binary_copy_data

_COLUMN_TYPES = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
WHERE a.attrelid = to_regclass(:table) AND a.attnum > 0 AND NOT a.attisdropped
"""


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


def drop_secondary_indexes(conn: Connection, table: str) -> list[str]:
    """SQLite: drop ``table``'s non-unique indexes inside the caller's transaction and return
    the statements that create them again (:func:`create_indexes`, before the commit).

    Building an index once over the loaded rows is several times cheaper than keeping it up
    to date row by row. Sound in SQLite because the drop, the load and the rebuild are one
    transaction: a failure or a crash rolls all three back, and readers (WAL) keep seeing the
    committed tables with their indexes. PostgreSQL: nothing is dropped (a dropped index
    would lock the table against readers until the commit); returns ``[]``."""
    if conn.dialect.name != "sqlite":
        return []
    found = conn.execute(
        text(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL"
        ),
        {"t": table},
    ).all()
    dropped = [(n, s) for n, s in found if not str(s).upper().startswith("CREATE UNIQUE")]
    for name, _ in dropped:
        conn.exec_driver_sql(f"DROP INDEX {_quote(name)}")
    return [str(sql) for _, sql in dropped]


def create_indexes(conn: Connection, statements: Sequence[str]) -> None:
    """Run the statements :func:`drop_secondary_indexes` returned."""
    for sql in statements:
        conn.exec_driver_sql(sql)


def sqlite_rows_estimate(conn: Connection, table: str) -> int:
    """About how many rows an append-only SQLite ``table`` holds, without counting them: its
    largest rowid."""
    found = conn.exec_driver_sql(f"SELECT max(rowid) FROM {_quote(table)}").scalar()
    return max(int(found or 0), 0)


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
    found = conn.execute(text(_COLUMN_TYPES), {"table": table}).all()
    types: dict[str, str] = {str(name): str(kind) for name, kind in found}
    if not types:
        raise ValueError(f"no table {table!r} on the search path")
    parts = binary_copy_data(frame, types)
    form = "binary"
    if parts is None:
        buffer = io.BytesIO()
        frame.write_csv(buffer, include_header=False, quote_style="non_numeric", null_value="")
        parts, form = [buffer.getbuffer()], "csv"
    columns = ", ".join(_quote(c) for c in frame.columns)
    raw: psycopg.Connection[Any] = conn.connection.driver_connection  # type: ignore[assignment]
    sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT {form})"
    with raw.cursor() as cur, cur.copy(sql) as copy:
        for part in parts:
            copy.write(part)
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
