"""Resolution, assessment and the overstay report on a real Spark standalone cluster (a master
and one worker on this machine's loopback) against the single-machine paths, on the same store.

A population of ``--persons`` is generated and ingested into SQLite once and copied for each
side. The single-machine side runs ``resolve_all``, ``assess_store`` (saved) and the DuckDB
overstay report; then a master and a worker (``--cores``, ``--memory``) are started from the
PySpark installed here (``spark-class``, every port ephemeral, all bound to 127.0.0.1) and the
Spark side runs ``resolve_spark``, ``assess_spark`` and the Spark report with
``SOJOURN_SPARK_MASTER`` set to the master's URL, as the command line would. Every row the
runs wrote (``sojourn.spark.equivalence``, the assessments) and the report are compared: the
differences are printed and the script exits 1 if there is any. The cluster's processes are
stopped in every case; their logs and the executors' are kept under ``--data``.

    .venv/bin/python bench/spark_cluster.py [--persons 400] [--cores 1] [--memory 2g]
        [--data DIR]

The snapshots are written under ``SOJOURN_DATA_DIR`` (resolution) and
``SOJOURN_SPARK_LOCAL_DIR`` (assessment, report), both set to ``DIR/shared``: on one machine
every executor reads them; on a real cluster they must be on storage every executor reads.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyspark
from sqlalchemy import Engine, select

from population import ingested, machine

AS_OF = dt.date(2025, 9, 30)
YEAR = 2025
LOOPBACK = "127.0.0.1"
COMPARED = ("person_id", "as_of", "policy", "priority", "enforcement_ready", "stops", "digest",
            "body", "trigger")  # fmt: skip


def _daemon(
    name: str, args: list[str], folder: Path, started: list[subprocess.Popen[bytes]]
) -> Path:
    """Start ``org.apache.spark.deploy.<name>`` through ``spark-class``; its log's path."""
    log = folder / f"{name.rsplit('.', 1)[-1].lower()}.log"
    conf = folder / "daemons.conf"  # no REST submission server (a fixed port, 6066)
    conf.write_text("spark.master.rest.enabled false\n")
    spark_class = Path(pyspark.__file__).parent / "bin" / "spark-class"
    env = os.environ | {"SPARK_LOCAL_IP": LOOPBACK}
    flags = ["--host", LOOPBACK, "--port", "0", "--webui-port", "0", "--properties-file"]
    command = [str(spark_class), f"org.apache.spark.deploy.{name}", *flags, str(conf), *args]
    with log.open("w") as out:
        started.append(subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env))
    return log


def _wait(log: Path, pattern: str, process: subprocess.Popen[bytes], seconds: float = 300) -> str:
    """The first match of ``pattern`` in ``log`` (its first group, else all of it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = re.search(pattern, log.read_text())
        if found:
            return found.group(found.lastindex or 0)
        if process.poll() is not None:
            raise RuntimeError(f"{log} : exited with {process.returncode}")
        time.sleep(0.5)
    raise TimeoutError(f"{log}: no {pattern!r} after {seconds:.0f} s")


def start_cluster(folder: Path, cores: int, memory: str, started: list[Any]) -> str:
    """A standalone master and one worker on loopback; the master's URL."""
    master = _daemon("master.Master", [], folder, started)
    url = _wait(master, r"Starting Spark master at (spark://\S+)", started[-1])
    work = ["--cores", str(cores), "--memory", memory, "--work-dir", str(folder / "work"), url]
    worker = _daemon("worker.Worker", work, folder, started)
    _wait(worker, r"Successfully registered with master", started[-1])
    return url


def stop(started: list[subprocess.Popen[bytes]]) -> None:
    """The worker (whose executors it stops), then the master."""
    for process in reversed(started):
        process.terminate()
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _assessments(engine: Engine) -> list[dict[str, Any]]:
    from sojourn.priority.tables import assessments

    with engine.connect() as conn:
        rows = conn.execute(select(assessments).order_by(assessments.c.person_id))
        return [{k: r._mapping[k] for k in COMPARED} for r in rows]


def _timed(times: dict[str, float], stage: str, run: Any, *args: Any, **kwargs: Any) -> Any:
    start = time.perf_counter()
    result = run(*args, **kwargs)
    times[stage] = time.perf_counter() - start
    return result


def single_machine(engine: Engine, times: dict[str, float]) -> dict[str, Any]:
    from sojourn.priority.run import assess_store
    from sojourn.priority.store import save
    from sojourn.reports.store import overstay_report
    from sojourn.resolve.run import resolve_all

    _timed(times, "resolve", resolve_all, engine)
    with engine.begin() as conn:
        found = _timed(times, "assess", lambda: list(assess_store(engine, AS_OF)))
        save(conn, found, "sojourn assess")
    return _timed(times, "report", overstay_report, engine, YEAR, AS_OF).as_dict()


def on_spark(engine: Engine, times: dict[str, float]) -> dict[str, Any]:
    from sojourn.settings import get_settings
    from sojourn.spark.assess import assess_spark
    from sojourn.spark.report import overstay_report
    from sojourn.spark.resolve import resolve_spark
    from sojourn.spark.session import spark_session

    get_settings.cache_clear()  # SOJOURN_SPARK_MASTER is set now
    session = _timed(times, "session", spark_session)
    try:
        _timed(times, "resolve", resolve_spark, engine, spark=session)
        _timed(times, "assess", assess_spark, engine, AS_OF, spark=session)
        return _timed(times, "report", overstay_report, engine, YEAR, AS_OF, session).as_dict()
    finally:
        session.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=400)
    parser.add_argument("--cores", type=int, default=1)
    parser.add_argument("--memory", default="2g", help="the worker's")
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    data = args.data or Path(tempfile.mkdtemp(prefix="bench-spark-cluster-"))
    (data / "cluster").mkdir(parents=True, exist_ok=True)
    shared = data / "shared"
    os.environ |= {"SOJOURN_DATA_DIR": str(shared), "SOJOURN_SPARK_LOCAL_DIR": str(shared),
                   "SPARK_LOCAL_IP": LOOPBACK}  # fmt: skip
    print(f"data in {data}; {machine()}")
    ingested(data / "population", data / "store.sqlite", args.persons).dispose()
    from sojourn.spark.equivalence import differences, written
    from sojourn.store import make_engine

    engines = {}
    for side in ("local", "cluster"):
        shutil.copy(data / "store.sqlite", data / f"{side}.sqlite")
        engines[side] = make_engine(f"sqlite:///{data / f'{side}.sqlite'}")
    times: dict[str, dict[str, float]] = {"local": {}, "cluster": {}}
    reports = {"local": single_machine(engines["local"], times["local"])}
    started: list[subprocess.Popen[bytes]] = []
    try:
        start = time.perf_counter()
        url = start_cluster(data / "cluster", args.cores, args.memory, started)
        times["cluster"]["cluster start"] = time.perf_counter() - start
        print(f"cluster: {url}, one worker ({args.cores} core, {args.memory})")
        os.environ["SOJOURN_SPARK_MASTER"] = url
        reports["cluster"] = on_spark(engines["cluster"], times["cluster"])
    finally:
        stop(started)
    print(f"\n{'stage':<14}{'local':>10}{'cluster':>10}")
    for stage in ("cluster start", "session", "resolve", "assess", "report"):
        cells = [times[side].get(stage) for side in times]
        print(f"{stage:<14}" + "".join(f"{c:>9.1f}s" if c else f"{'-':>10}" for c in cells))
    found = differences(*(written(engine) for engine in engines.values()))
    if _assessments(engines["local"]) != _assessments(engines["cluster"]):
        found.append("assessments differ")
    if reports["local"] != reports["cluster"]:
        found.append(f"overstay report FY{YEAR} differs")
    for line in found:
        print(f"DIFFERENT {line}")
    if not found:
        print("identical: links, persons, events, reviews, runs, model, assessments, report")
    print(machine())
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
