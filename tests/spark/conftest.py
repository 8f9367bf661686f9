"""One local Spark session per test session (and xdist worker): starting the JVM takes
seconds, so every Spark test shares it. Small: local[2], 2 shuffle partitions, 1 GiB heap,
a quick JVM start. And 2,000 generated persons' events, for the reports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from pyspark.sql import SparkSession

from sojourn.settings import Settings
from sojourn.spark.session import spark_session
from tests.reports.differential import generated_events


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
    return generated_events(out, 2_000, 17)
