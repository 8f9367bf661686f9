"""Benchmark of ingest (sojourn.records.ingest_file) into SQLite and PostgreSQL.

Generates a synthetic population (default 300,000 persons, about 1M rows), ingests every
extract into a fresh SQLite file and a fresh PostgreSQL schema, and prints rows/s per file and
overall, then the time of a re-ingest (a no-op). Beside it, the speed of the database itself:
the same records rows (read back from the store, untimed) written into a second fresh store
with no ingest logic around them: one bare ``executemany`` (SQLite), or a bare binary COPY of
ready-made bytes (PostgreSQL); and the ratio of the two. The load average is printed with
every figure (other processes share the cores).

    .venv/bin/python bench/ingest.py [--persons N] [--data DIR] [--backend sqlite|postgresql|both]
    SOJOURN_BENCH_POSTGRES_URL  (default postgresql+psycopg://postgres@127.0.0.1:5432/test)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import Engine, text

from ingest_bare import bare_copy, bare_executemany
from sojourn.records import ingest_file, plan
from sojourn.store import make_engine, upgrade
from sojourn.synth import generate

PG_URL = os.environ.get(
    "SOJOURN_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--data", type=Path, default=None, help="use (or write) data here")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    return parser.parse_args()


def _load() -> str:
    return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _run(label: str, engine: Engine, data: Path) -> float:
    """Ingest every extract; return the overall rows/s."""
    upgrade(engine)
    total_rows, total_seconds = 0, 0.0
    print(f"\n{label}  ({_load()})")
    print(f"  {'file':<26}{'rows':>11}{'seconds':>9}{'rows/s':>11}")
    for item in plan([data], None):
        start = time.perf_counter()
        result = ingest_file(engine, item.path, item.mapping)
        seconds = time.perf_counter() - start
        total_rows += result.rows
        total_seconds += seconds
        _line(item.path.name, result.rows, seconds)
    _line("total", total_rows, total_seconds)
    start = time.perf_counter()
    for item in plan([data], None):
        assert ingest_file(engine, item.path, item.mapping).skipped
    print(f"  re-ingest (no-op): {time.perf_counter() - start:.2f} s  ({_load()})")
    return total_rows / total_seconds


def _ratio(what: str, rows: int, seconds: float, ingest: float) -> None:
    bare = rows / seconds
    print(f"  {what}: {rows:,} records rows in {seconds:.2f} s = {bare:,.0f} rows/s  ({_load()})")
    print(f"  ingest / bare = {ingest:,.0f} / {bare:,.0f} = {ingest / bare:.2f}")


def _line(name: str, rows: int, seconds: float) -> None:
    print(f"  {name:<26}{rows:>11,}{seconds:>9.2f}{rows / seconds:>11,.0f}")


def _sqlite(data: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="sojourn-bench-") as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        rate = _run("SQLite (WAL, synchronous=FULL)", engine, data)
        bare = make_engine(f"sqlite:///{tmp}/bare.db")
        upgrade(bare)
        _ratio("bare executemany, same table", *bare_executemany(engine, bare), rate)


def _postgres(data: Path) -> None:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    engine = make_engine(PG_URL, schema)
    bare = make_engine(PG_URL, schema + "_bare")
    try:
        start = _wal_lsn(engine)
        rate = _run(f"PostgreSQL (COPY), schema {schema}", engine, data)
        wal = (_wal_lsn(engine) - start) / 1e9
        print(f"  WAL written by the server meanwhile (all sessions): {wal:.2f} GB")
        upgrade(bare)
        _ratio("bare binary COPY, same table", *bare_copy(engine, bare), rate)
    finally:
        with make_engine(PG_URL).begin() as conn:
            for name in (schema, schema + "_bare"):
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))


def _wal_lsn(engine: Engine) -> int:
    with engine.connect() as conn:
        sql = "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"
        return int(conn.execute(text(sql)).scalar_one())


def _bench(data: Path, backend: str) -> None:
    if backend in ("sqlite", "both"):
        _sqlite(data)
    if backend in ("postgresql", "both"):
        _postgres(data)


def main() -> None:
    args = _args()
    print(f"machine: {os.cpu_count()} cores; persons: {args.persons:,}")
    if args.data and (args.data / "manifest.json").exists():
        _bench(args.data, args.backend)
        return
    with tempfile.TemporaryDirectory(prefix="sojourn-bench-data-") as tmp:
        data = args.data or Path(tmp)
        result = generate(args.persons, 1, dt.date(2025, 9, 30), data)
        print(f"generated {result.rows:,} rows in {result.seconds:.1f} s")
        _bench(data, args.backend)


if __name__ == "__main__":
    main()
