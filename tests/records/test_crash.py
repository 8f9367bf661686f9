"""A kill -9 in the middle of a batch leaves nothing behind; the rerun completes it and gives
the same database as a clean run (on SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, text

from sojourn.store import make_engine, upgrade
from tests.conftest import PG_URL, drop_pg_schema, new_pg_schema, sqlite_url
from tests.factory import i94_row, write_i94

ROWS = 5_000


def _ingest(db: tuple[str, str | None], path: Path, crash_after: int | None) -> int:
    env = {
        **os.environ,
        "SOJOURN_DATABASE_URL": db[0],
        "SOJOURN_INGEST_CHUNK_ROWS": "1000",
        "SOJOURN_INGEST_PARALLEL_MIN_BYTES": "0",
    }
    if db[1]:
        env["SOJOURN_DATABASE_SCHEMA"] = db[1]
    if crash_after:
        env["SOJOURN_INGEST_CRASH_AFTER_ROWS"] = str(crash_after)
    command = [sys.executable, "-m", "sojourn.cli", "ingest", str(path), "--mapping", "cbp-i94"]
    return subprocess.run(command, env=env, capture_output=True, check=False).returncode


def _dump(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    queries = {
        "batches": "SELECT id, source, file_sha256, row_count, records_new, records_existing, "
        "quarantined, state FROM batches ORDER BY id",
        "records": "SELECT * FROM records ORDER BY id",
        "quarantine": "SELECT * FROM quarantine ORDER BY batch_id, row",
    }
    with engine.connect() as conn:
        return {name: [tuple(r) for r in conn.execute(text(q))] for name, q in queries.items()}


def _source(tmp_path: Path) -> Path:
    rows = [i94_row(str(n), family=f"Family{n}") for n in range(ROWS)]
    rows[1234] = i94_row("1234", DOB="bad")
    return write_i94(tmp_path / "arrivals.csv", rows)


def _crash_then_rerun(
    db: tuple[str, str | None], path: Path
) -> dict[str, list[tuple[object, ...]]]:
    engine = make_engine(*db)
    upgrade(engine)
    assert _ingest(db, path, crash_after=2_000) == -signal.SIGKILL
    assert _dump(engine) == {"batches": [], "records": [], "quarantine": []}
    assert _ingest(db, path, crash_after=None) == 0
    return _dump(engine)


def _clean(db: tuple[str, str | None], path: Path) -> dict[str, list[tuple[object, ...]]]:
    engine = make_engine(*db)
    upgrade(engine)
    assert _ingest(db, path, crash_after=None) == 0
    return _dump(engine)


def test_kill_9_mid_batch_then_rerun_equals_a_clean_run_sqlite(tmp_path: Path) -> None:
    path = _source(tmp_path)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    crashed = _crash_then_rerun((sqlite_url(tmp_path / "a"), None), path)
    clean = _clean((sqlite_url(tmp_path / "b"), None), path)
    assert len(clean["records"]) == ROWS - 1 and len(clean["quarantine"]) == 1
    assert crashed == clean


def test_kill_9_mid_batch_then_rerun_equals_a_clean_run_postgres(tmp_path: Path) -> None:
    path = _source(tmp_path)
    first, second = new_pg_schema(), new_pg_schema()
    try:
        crashed = _crash_then_rerun((PG_URL, first), path)
        clean = _clean((PG_URL, second), path)
    finally:
        drop_pg_schema(first)
        drop_pg_schema(second)
    assert len(clean["records"]) == ROWS - 1
    assert crashed == clean
