"""Benchmark of prioritization (issue 6 goal: all 200,000 persons of a generated population
assessed in ≤ 60 s).

Generates N persons (default 200,000), ingests and resolves them in a temporary SQLite
database, then assesses every resolved person under the policy in force (snapshot, status
timeline, facts, CEL rules, hard stops) and stores the assessments; then again (an unchanged
outcome writes nothing). Prints assessments per second, the outcome counts and the safeguard
figures against the generator's truth. Asserts nothing.

    .venv/bin/python bench/assess.py [--persons N] [--data DIR] [--workers 2]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import tempfile
import time
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, text

from population import ingested, machine
from sojourn.priority.assess import Assessment
from sojourn.priority.parallel import assess_parallel
from sojourn.priority.store import save
from sojourn.resolve.run import resolve_all

AS_OF = dt.date(2025, 9, 30)


def _citizens(engine: Engine, data: Path) -> set[str]:
    """Resolved persons holding a record of a true U.S. citizen (by the generator's truth)."""
    truth = pl.read_csv(data / "truth" / "records.csv", infer_schema=False)
    persons = pl.read_csv(data / "truth" / "persons.csv", infer_schema=False)
    citizens = set(persons.filter(pl.col("us_citizen") == "true")["person_id"])
    keys = {(s, r) for s, r, p in truth.select("source", "source_record_id", "person_id")
            .iter_rows() if p in citizens}  # fmt: skip
    sql = ("SELECT l.person_id, r.source, r.source_record_id FROM links l "
           "JOIN records r ON r.id = l.record_id")  # fmt: skip
    with engine.connect() as conn:
        return {p for p, s, r in conn.execute(text(sql)) if (s, r) in keys}


def _print(found: list[Assessment], seconds: float, citizens: set[str]) -> None:
    print(f"{len(found):,} persons assessed in {seconds:.1f} s: "
          f"{len(found) / seconds:,.0f} per second (goal: 200,000 in ≤ 60 s)")  # fmt: skip
    print("priority:", dict(collections.Counter(a.priority or "none" for a in found)))
    print("hard stops:", dict(collections.Counter(s.id for a in found for s in a.stops)))
    ready = [a for a in found if a.enforcement_ready]
    evidence = [a for a in found if a.facts["citizenship_evidence"]]
    print(
        f"enforcement-ready: {len(ready):,}; with citizenship evidence: {len(evidence):,}, "
        f"of them enforcement-ready: {sum(a.enforcement_ready for a in evidence)}"
    )
    true = [a for a in ready if a.person_id in citizens]
    print(
        f"true U.S. citizens (generator's truth) among the enforcement-ready: {len(true):,} "
        f"(their records carry no citizenship evidence: the GAO-21-487 case)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="sojourn-assess-") as tmp:
        data = args.data or Path(tmp) / "data"
        engine = ingested(data, Path(tmp) / "bench.db", args.persons)
        resolve_all(engine)
        start = time.perf_counter()
        found = assess_parallel(engine, AS_OF, workers=args.workers)
        seconds = time.perf_counter() - start
        _print(found, seconds, _citizens(engine, data))
        for label in ("first", "again"):
            start = time.perf_counter()
            with engine.begin() as conn:
                written = save(conn, found, "bench")
            print(f"stored ({label}): {written:,} rows in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
