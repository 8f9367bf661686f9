"""The overstay report on both engines side by side (issue 19): DuckDB on this machine and
Spark in local mode, over the same Parquet snapshot of generated admissions.

Generates a base population (default 5,000 persons), ingests and resolves it in SQLite and
tiles its snapshot's events into copies with their own ids until they hold --records
admissions (``overstay_scale.py``'s generator). Each engine then runs in a process of its own,
so each one's peak memory is its own: the peak RSS (``VmHWM``) of the Python process and, for
Spark, of the JVM. Prints the time per stage, the peak memory and the load average, and exits 1 if
the two reports differ in any figure.

    .venv/bin/python bench/spark_report.py [--records N ...] [--persons N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from overstay_scale import _base, _tile
from population import machine

AS_OF, YEAR = dt.date(2025, 9, 30), 2025


def _duckdb(path: Path) -> dict[str, Any]:
    from sojourn.reports.duck import compute_outcomes, open_parquet, overstay_counts
    from sojourn.reports.overstay import tally
    from sojourn.status.rulebook import default_rules

    t0 = time.perf_counter()
    con = open_parquet(path, default_rules())
    t1 = time.perf_counter()
    compute_outcomes(con, AS_OF)
    t2 = time.perf_counter()
    report = tally(overstay_counts(con, YEAR), YEAR, AS_OF)
    t3 = time.perf_counter()
    row = con.execute("SELECT count(*) FROM outcomes").fetchone()
    stages = {"start": 0.0, "load": t1 - t0, "outcomes": t2 - t1, "counts": t3 - t2}
    return {"stages": stages, "admissions": row[0] if row else 0, "report": report.as_dict(),
            "jvm_gib": 0.0}  # fmt: skip


def _peak(pid: int | str) -> float:
    """A process's peak resident memory (GiB), from /proc: ``VmHWM`` starts afresh at exec,
    where ``getrusage``'s maximum would include the parent's before it."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 2**20
    raise RuntimeError(f"no VmHWM for process {pid}")


def _jvm_peak(spark: Any) -> float:
    """The JVM's peak resident memory (local mode: a child of this process)."""
    return _peak(spark.sparkContext._gateway.proc.pid)


def _spark(path: Path) -> dict[str, Any]:
    from sojourn.reports.overstay import tally
    from sojourn.spark.report import compute_outcomes, overstay_counts
    from sojourn.spark.session import spark_session

    t0 = time.perf_counter()
    spark = spark_session()
    spark.range(1).count()
    t1 = time.perf_counter()
    outcomes = compute_outcomes(spark, spark.read.parquet(str(path)), AS_OF)
    admissions = outcomes.count()
    t2 = time.perf_counter()
    report = tally(overstay_counts(outcomes, YEAR), YEAR, AS_OF)
    t3 = time.perf_counter()
    stages = {"start": t1 - t0, "load": 0.0, "outcomes": t2 - t1, "counts": t3 - t2}
    peak = _jvm_peak(spark)
    spark.stop()
    return {"stages": stages, "admissions": admissions, "report": report.as_dict(),
            "jvm_gib": peak}  # fmt: skip


def _child(engine: str, path: Path) -> None:
    found = _duckdb(path) if engine == "duckdb" else _spark(path)
    found["python_gib"] = _peak("self")
    print("RESULT " + json.dumps(found))


def _run(engine: str, path: Path) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", engine, str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = [x for x in out.stdout.splitlines() if x.startswith("RESULT ")][-1]
    found: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    return found


def _row(name: str, found: dict[str, Any]) -> str:
    s = found["stages"]
    total = sum(s.values())
    return (f"| {name} | {s['start']:.1f} | {s['load']:.1f} | {s['outcomes']:.1f} | "
            f"{s['counts']:.1f} | {total:.1f} | {found['python_gib']:.2f} | "
            f"{found['jvm_gib']:.2f} |")  # fmt: skip


def measure(records: int, base: Path, arrivals: int, tmp: Path) -> bool:
    """Both engines at ``records`` admissions; True when their reports are identical."""
    copies = math.ceil(records / max(arrivals, 1))
    path = tmp / f"events-{records}.parquet"
    _tile(base, path, copies)
    duck, spark = _run("duckdb", path), _run("spark", path)
    same = duck["report"] == spark["report"] and duck["admissions"] == spark["admissions"]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{duck['admissions']:,} admissions ({copies} copies), load average {load}")
    print("| engine | start s | load s | outcomes s | counts s | total s | Python GiB | JVM GiB |")
    print("|---|---|---|---|---|---|---|---|")
    print(_row("DuckDB", duck))
    print(_row("Spark", spark))
    total = duck["report"]["total_excluding_canada_mexico"]
    print(f"FY{YEAR} expected departures {total['expected_departures']:,}, overstays "
          f"{total['overstays']:,}; identical figures: {'yes' if same else 'NO'}")  # fmt: skip
    path.unlink()
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--persons", type=int, default=5_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], Path(args.child[1]))
        return
    print(machine())
    settings = {k: v for k, v in os.environ.items() if k.startswith("SOJOURN_SPARK_")}
    print(f"Spark settings from the environment: {settings or 'defaults'}")
    with tempfile.TemporaryDirectory(prefix="sojourn-spark-report-") as name:
        tmp = Path(name)
        base, arrivals = _base(tmp, args.persons)
        print(f"base: {arrivals:,} admissions of {args.persons:,} generated persons")
        same = [measure(n, base, arrivals, tmp) for n in args.records]
    sys.exit(0 if all(same) else 1)


if __name__ == "__main__":
    main()
