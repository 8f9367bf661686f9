"""One local Spark session per test session (and xdist worker): starting the JVM takes
seconds, so every Spark test shares it. Small: local[2], 2 shuffle partitions, 1 GiB heap,
a quick JVM start."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pyspark.sql import SparkSession

from sojourn.settings import Settings
from sojourn.spark.session import spark_session


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
