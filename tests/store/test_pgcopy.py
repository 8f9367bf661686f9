"""Binary COPY: every encoded column type arrives in PostgreSQL as it left the frame; a
pairing the encoder does not know falls back to CSV."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import polars as pl
import pytest
from psycopg import DataError
from sqlalchemy import Engine, text

from sojourn.store import make_engine
from sojourn.store.bulk import insert_rows
from sojourn.store.pgcopy import binary_copy_data
from tests.conftest import PG_URL, drop_pg_schema, new_pg_schema

TABLE = """
CREATE TABLE t (
    s text, v varchar(8), i integer, b bigint, h smallint, f double precision, r real,
    ok boolean, d date, at timestamptz, naive timestamp, bin bytea
)
"""
UTC = dt.UTC


@pytest.fixture
def pg() -> Iterator[Engine]:
    schema = new_pg_schema()
    engine = make_engine(PG_URL, schema)
    with make_engine(PG_URL).begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    with engine.begin() as conn:
        conn.execute(text(TABLE))
    try:
        yield engine
    finally:
        engine.dispose()
        drop_pg_schema(schema)


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "s": ["a,\"b\"\nc\\d", None, "", "ünï 😀"],
            "v": ["x", "yy", None, "z"],
            "i": [1, -2, None, 2_147_483_647],
            "b": [10**15, None, -1, 0],
            "h": [1, 2, 3, None],
            "f": [0.5, None, -1e300, 3.25],
            "r": [1.5, 2.0, None, -0.25],
            "ok": [True, False, None, True],
            "d": [dt.date(2024, 2, 29), dt.date(1899, 12, 31), None, dt.date(2000, 1, 1)],
            "at": [dt.datetime(2025, 1, 2, 3, 4, 5, 678_000, tzinfo=UTC), None,
                   dt.datetime(1999, 12, 31, 23, 59, tzinfo=UTC),
                   dt.datetime(2000, 1, 1, tzinfo=UTC)],
            "naive": [dt.datetime(2020, 5, 6, 7, 8, 9), None, None, dt.datetime(1970, 1, 1)],
            "bin": [b"\x00\xff", None, b"", b"abc"],
        },
        schema_overrides={"h": pl.Int16, "r": pl.Float32},
    )  # fmt: skip


def _read(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM t ORDER BY ctid")).all()
    return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in rows]


def test_every_type_round_trips(pg: Engine) -> None:
    frame = _frame()
    with pg.begin() as conn:
        assert insert_rows(conn, "t", frame) == 4
    got = _read(pg)
    want = [
        tuple(v.astimezone(UTC) if isinstance(v, dt.datetime) and v.tzinfo else v for v in row)
        for row in frame.rows()
    ]
    assert [tuple(v.astimezone(UTC) if isinstance(v, dt.datetime) and v.tzinfo else v
                  for v in row) for row in got] == want  # fmt: skip


def test_a_frame_is_encoded_in_binary() -> None:
    types = {"s": "text", "d": "date"}
    data = binary_copy_data(_frame().select("s", "d"), types)
    assert data is not None
    assert bytes(data[0]).startswith(b"PGCOPY\n\xff\r\n\x00")
    assert bytes(data[-1]) == b"\xff\xff"


def test_an_unknown_pairing_is_not_encoded_and_csv_takes_it(pg: Engine) -> None:
    frame = pl.DataFrame({"d": ["2024-01-31"], "i": ["7"]})
    assert binary_copy_data(frame, {"d": "date", "i": "integer"}) is None
    with pg.begin() as conn:
        assert insert_rows(conn, "t", frame) == 1
    with pg.connect() as conn:
        row = conn.execute(text("SELECT d, i FROM t")).one()
    assert row == (dt.date(2024, 1, 31), 7)


def test_a_missing_table_is_a_clear_error(pg: Engine) -> None:
    with pytest.raises(ValueError, match="no table 'nope'"), pg.begin() as conn:
        insert_rows(conn, "nope", pl.DataFrame({"s": ["a"]}))


def test_an_integer_too_large_for_its_column_is_rejected_not_wrapped(pg: Engine) -> None:
    frame = pl.DataFrame({"i": [1, 2**31]})
    assert binary_copy_data(frame, {"i": "integer"}) is None
    assert binary_copy_data(frame, {"i": "bigint"}) is not None
    with pytest.raises(DataError, match="out of range"), pg.begin() as conn:
        insert_rows(conn, "t", frame)
