"""SQLite bulk load: the records' secondary indexes are dropped for a load that brings at
least as many rows as the store holds and rebuilt in the same transaction; a failed load
leaves them, and no row, behind."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Connection, Engine, text

from sojourn.records import builtin_mapping, ingest_file
from sojourn.records import ingest as ingest_module
from sojourn.settings import Settings
from sojourn.store import make_engine, upgrade
from tests.conftest import sqlite_url
from tests.factory import i94_row, write_i94

I94 = builtin_mapping("cbp-i94")


@pytest.fixture
def lite(tmp_path: Path) -> Engine:
    engine = make_engine(sqlite_url(tmp_path))
    upgrade(engine)
    return engine


def _indexes(engine: Engine) -> list[tuple[str, str]]:
    sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records'"
    with engine.connect() as conn:
        return sorted((str(n), str(s)) for n, s in conn.execute(text(sql)))


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = ingest_module.drop_secondary_indexes

    def spy(conn: Connection, table: str) -> list[str]:
        calls.append(table)
        return real(conn, table)

    monkeypatch.setattr(ingest_module, "drop_secondary_indexes", spy)
    return calls


def test_a_first_load_rebuilds_the_same_indexes(
    lite: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _indexes(lite)
    assert any(name == "ix_records_citizenship" for name, _ in before)
    calls = _spy(monkeypatch)
    rows = [i94_row(str(n), CTZ="USA" if n % 2 else "MEX") for n in range(50)]
    result = ingest_file(lite, write_i94(tmp_path / "a.csv", rows), I94)
    assert calls == ["records"]
    assert result.records_new == 50
    assert _indexes(lite) == before
    query = "SELECT id FROM records WHERE source = 'x' AND source_record_id = 'y'"
    with lite.connect() as conn:
        plan = conn.execute(text(f"EXPLAIN QUERY PLAN {query}")).all()
    assert "ix_records_source_record" in str(plan)


def test_a_small_load_into_a_larger_store_keeps_the_indexes(
    lite: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_file(lite, write_i94(tmp_path / "a.csv", [i94_row(str(n)) for n in range(300)]), I94)
    calls = _spy(monkeypatch)
    ingest_file(lite, write_i94(tmp_path / "b.csv", [i94_row("9001"), i94_row("9002")]), I94)
    assert calls == []


def test_a_failed_load_leaves_the_indexes_and_no_rows(
    lite: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _indexes(lite)
    real = ingest_module.insert_rows
    written: list[int] = []

    def fail_on_second(conn: Connection, table: str, frame: pl.DataFrame) -> int:
        if table == "records":
            written.append(frame.height)
            if len(written) == 2:
                raise RuntimeError("disk full")
        return real(conn, table, frame)

    monkeypatch.setattr(ingest_module, "insert_rows", fail_on_second)
    path = write_i94(tmp_path / "a.csv", [i94_row(str(n)) for n in range(2_500)])
    settings = Settings(ingest_chunk_rows=1_000, ingest_parallel_min_bytes=1 << 40)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_file(lite, path, I94, settings=settings)
    assert _indexes(lite) == before
    with lite.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM records")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM batches")).scalar() == 0
    monkeypatch.setattr(ingest_module, "insert_rows", real)
    assert ingest_file(lite, path, I94, settings=settings).records_new == 2_500
    assert _indexes(lite) == before
