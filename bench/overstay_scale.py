"""Benchmark of the overstay report at scale (issue 4 goal: 10,000,000 admissions in ≤ 60 s).

Generates a base population (default 20,000 persons), ingests and resolves it in SQLite and
reads the store's snapshot (timed: the store-to-Arrow rate); then tiles the snapshot's events
into copies with their own person and record ids until it holds the number of admissions asked
for, writes them as Parquet, and times the SQL report over them: load into DuckDB, every
admission's outcome, the fiscal year's counts. Prints figures, asserts nothing.

    .venv/bin/python bench/overstay_scale.py [--admissions N] [--persons N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import resource
import tempfile
import time
from pathlib import Path

import duckdb

from population import ingested, machine
from sojourn.reports.duck import compute_outcomes, open_parquet, overstay_counts
from sojourn.reports.overstay import tally
from sojourn.reports.snapshot import store_events
from sojourn.resolve.run import resolve_all
from sojourn.status.rulebook import default_rules

AS_OF = dt.date(2025, 9, 30)


def _tile(base: Path, out: Path, copies: int) -> None:
    """``copies`` copies of the base events, each with its own ids, as Parquet."""
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT person_id || '-' || t.range AS person_id, "
        f"record_id || '-' || t.range AS record_id, kind, event_date, event, nationality "
        f"FROM read_parquet('{base}'), range({copies}) t ORDER BY t.range, person_id) "
        f"TO '{out}' (FORMAT parquet, ROW_GROUP_SIZE 500000)"
    )
    con.close()


def _base(tmp: Path, persons: int) -> tuple[Path, int]:
    engine = ingested(tmp / "data", tmp / "bench.db", persons, seed=5)
    resolve_all(engine)
    store_events(engine)  # once to warm the page cache
    start = time.perf_counter()
    events = store_events(engine)
    seconds = time.perf_counter() - start
    print(f"store snapshot (warm): {events.num_rows:,} linked records read in {seconds:.2f} s "
          f"({events.num_rows / seconds:,.0f} records/s, SQLite)")  # fmt: skip
    path = tmp / "base.parquet"
    con = duckdb.connect()
    con.register("events", events)
    con.execute(f"COPY events TO '{path}' (FORMAT parquet)")
    arrivals = con.execute(
        f"SELECT count(*) FROM events WHERE kind = 'arrival' AND event_date <= '{AS_OF}'"
    ).fetchone()
    return path, int(arrivals[0]) if arrivals else 0


def _report(path: Path) -> None:
    rules = default_rules()
    start = time.perf_counter()
    con = open_parquet(path, rules)
    loaded = time.perf_counter()
    compute_outcomes(con, AS_OF)
    computed = time.perf_counter()
    report = tally(overstay_counts(con, 2025), 2025, AS_OF)
    done = time.perf_counter()
    row = con.execute("SELECT count(*), count(DISTINCT pk) FROM outcomes").fetchone()
    events = con.execute("SELECT count(*) FROM events").fetchone()
    assert row is not None and events is not None
    print(f"admissions {row[0]:,} of {row[1]:,} persons ({events[0]:,} events)")
    phases = f"load {loaded - start:.1f} s, outcomes {computed - loaded:.1f} s"
    print(
        f"  {phases}, counts {done - computed:.1f} s: report in {done - start:.1f} s (goal ≤ 60 s)"
    )
    total = report.total
    rate = total.rate(total.overstays)
    print(f"  FY2025 expected departures {total.expected:,}, overstays {total.overstays:,}")
    print(f"  ({rate:.2%}), in country {total.counts['in_country']:,}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"  peak memory of this process {peak:.1f} GiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admissions", type=int, default=10_000_000)
    parser.add_argument("--persons", type=int, default=20_000)
    args = parser.parse_args()
    print(machine())
    run(args.admissions, args.persons)


def run(admissions: int, persons: int) -> None:
    """Tile a base population of ``persons`` to ``admissions`` and time the report."""
    with tempfile.TemporaryDirectory(prefix="sojourn-overstay-") as name:
        tmp = Path(name)
        base, arrivals = _base(tmp, persons)
        copies = math.ceil(admissions / max(arrivals, 1))
        print(f"base: {arrivals:,} admissions; {copies} copies")
        _tile(base, tmp / "events.parquet", copies)
        _report(tmp / "events.parquet")


if __name__ == "__main__":
    main()
