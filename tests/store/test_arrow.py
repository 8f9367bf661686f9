"""Reading the store as Arrow through ADBC, on SQLite and on PostgreSQL (in the engine's own
schema, not public)."""

from __future__ import annotations

import pyarrow as pa
from sqlalchemy import Engine, text

from sojourn.store.arrow import fetch_arrow


def test_rows_come_back_as_arrow_from_the_engines_database(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE probe (id TEXT, day DATE, n INTEGER)"))
        conn.execute(text("INSERT INTO probe VALUES ('a', '2025-01-02', 1), ('b', NULL, 2)"))
    table = fetch_arrow(engine, "SELECT id, day, n FROM probe ORDER BY id")
    assert isinstance(table, pa.Table)
    assert table.column("id").to_pylist() == ["a", "b"]
    assert table.column("n").to_pylist() == [1, 2]
    assert str(table.column("day")[0]) == "2025-01-02" and table.column("day")[1].as_py() is None
