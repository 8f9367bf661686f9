"""Benchmark of ingest (sojourn.records.ingest_file) into SQLite and PostgreSQL.

Generates a synthetic population (default 300,000 persons, about 1M rows), ingests every
extract into a fresh SQLite file and a fresh PostgreSQL schema, and prints rows/s per file and
overall, then the time of a re-ingest (a no-op).

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


def _run(label: str, engine: Engine, data: Path) -> None:
    upgrade(engine)
    total_rows, total_seconds = 0, 0.0
    print(f"\n{label}")
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
    print(f"  re-ingest (no-op): {time.perf_counter() - start:.2f} s")


def _line(name: str, rows: int, seconds: float) -> None:
    print(f"  {name:<26}{rows:>11,}{seconds:>9.2f}{rows / seconds:>11,.0f}")


def _sqlite(data: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="sojourn-bench-") as tmp:
        _run("SQLite (WAL, synchronous=FULL)", make_engine(f"sqlite:///{tmp}/bench.db"), data)


def _postgres(data: Path) -> None:
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    engine = make_engine(PG_URL, schema)
    try:
        _run(f"PostgreSQL (COPY), schema {schema}", engine, data)
    finally:
        with make_engine(PG_URL).begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


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
