"""One local Spark session per test session (and xdist worker): starting the JVM takes
seconds, so every Spark test shares it. Small: local[2], 2 shuffle partitions, 1 GiB heap,
a quick JVM start. And 2,000 generated persons' events, for the reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from pyspark.sql import SparkSession

from sojourn.records import ingest_file, plan
from sojourn.settings import Settings
from sojourn.spark.session import spark_session
from sojourn.store import make_engine, upgrade
from sojourn.store.arrow import fetch_arrow
from sojourn.synth import generate


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    settings = Settings(
        spark_master="local[2]",
        spark_driver_memory="1g",
        spark_shuffle_partitions=2,
        # The C1 compiler only and the serial collector: the JVM starts about 10 s sooner.
        spark_driver_java_options="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
        spark_local_dir=tmp_path_factory.mktemp("spark"),
    )
    session = spark_session(settings)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> pa.Table:
    """2,000 generated persons ingested into SQLite, each record with its true person and
    nationality (so the report's countries are exercised)."""
    out: Path = tmp_path_factory.mktemp("spark-report")
    generate(2_000, 17, dt.date(2025, 9, 30), out)
    engine = make_engine(f"sqlite:///{out / 'db.sqlite'}")
    upgrade(engine)
    for item in plan([out], None):
        ingest_file(engine, item.path, item.mapping)
    records = fetch_arrow(engine, "SELECT id AS record_id, source, source_record_id, kind, "
                                  "event_date, event, nationality FROM records")  # fmt: skip
    engine.dispose()
    con = duckdb.connect()
    con.register("r", records)
    truth = str(out / "truth" / "records.csv")
    return con.sql(
        "SELECT t.person_id, r.record_id, r.kind, r.event_date, r.event, r.nationality FROM r "
        "JOIN (SELECT DISTINCT source, source_record_id, person_id FROM "
        f"read_csv('{truth}', all_varchar = true)) t USING (source, source_record_id)"
    ).to_arrow_table()
