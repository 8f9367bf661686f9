"""Reading a query's result from the store as an Arrow table: the way the reports hand
millions of rows to DuckDB.

PostgreSQL is read through ADBC (columnar, no Python object per value), with the engine's
``search_path`` (its schema). SQLite is read through the engine's own connection, in batches:
a second SQLite library in the same process (ADBC's, or DuckDB's scanner) would not share the
process's file locks with Python's, and SQLite warns that this can corrupt a WAL database.
"""

from __future__ import annotations

from urllib.parse import quote

import pyarrow as pa
from sqlalchemy import Engine, text


def _postgres_uri(engine: Engine) -> str:
    with engine.connect() as conn:
        search_path = str(conn.execute(text("SHOW search_path")).scalar()).replace(" ", "")
    url = engine.url.set(drivername="postgresql")
    base = url.set(query={}).render_as_string(hide_password=False)
    query = [f"{k}={quote(str(v))}" for k, v in url.query.items()]
    query.append("options=" + quote(f"-csearch_path={search_path}"))
    return base + "?" + "&".join(query)


def _sqlite_arrow(engine: Engine, sql: str, batch: int = 200_000) -> pa.Table:
    with engine.connect() as conn:
        cursor = conn.connection.driver_connection.execute(sql)  # type: ignore[union-attr]
        names = [d[0] for d in cursor.description]
        tables = []
        while rows := cursor.fetchmany(batch):
            columns = [pa.array(column) for column in zip(*rows, strict=True)]
            tables.append(pa.Table.from_arrays(columns, names=names))
        cursor.close()
    if not tables:
        return pa.Table.from_arrays([pa.array([])] * len(names), names=names)
    return pa.concat_tables(tables, promote_options="default")


def fetch_arrow(engine: Engine, sql: str) -> pa.Table:
    """The rows of ``sql`` (plain SQL both back ends accept) as an Arrow table."""
    backend = engine.url.get_backend_name()
    if backend == "sqlite":
        return _sqlite_arrow(engine, sql)
    if backend != "postgresql":
        raise ValueError(f"no Arrow reader for {backend!r}")
    from adbc_driver_postgresql import dbapi as pg_dbapi

    conn = pg_dbapi.connect(_postgres_uri(engine))
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetch_arrow_table()
    finally:
        conn.close()
