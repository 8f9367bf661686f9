"""A SparkSession from the settings (``SOJOURN_SPARK_*``, docs/configuration.md).

Local mode (``local[N]``) runs Spark in a JVM started by this process on N cores; a cluster's
master URL runs the same code there. The web UI is off, Arrow moves data between the JVM and
Python (``toPandas``, ``createDataFrame``, ``mapInPandas``) and a failure of Arrow is an error,
never a silent fallback to slow row-by-row conversion.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from sojourn.settings import Settings, get_settings

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

APP_NAME = "sojourn"


def spark_conf(settings: Settings) -> dict[str, str]:
    """The Spark configuration the settings give (no JVM is started)."""
    partitions = str(settings.spark_shuffle_partitions)
    conf = {
        "spark.master": settings.spark_master,
        "spark.app.name": APP_NAME,
        "spark.driver.memory": settings.spark_driver_memory,
        "spark.sql.shuffle.partitions": partitions,
        "spark.default.parallelism": partitions,
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.execution.arrow.pyspark.fallback.enabled": "false",
        # Dates and timestamps read the same on every machine of a cluster.
        "spark.sql.session.timeZone": "UTC",
    }
    if settings.spark_master.startswith("local"):
        # One machine: the driver listens on loopback only (no host name lookup, no exposure).
        conf["spark.driver.host"] = "127.0.0.1"
        conf["spark.driver.bindAddress"] = "127.0.0.1"
    if settings.spark_driver_java_options:
        conf["spark.driver.extraJavaOptions"] = settings.spark_driver_java_options
    if settings.spark_local_dir is not None:
        conf["spark.local.dir"] = str(settings.spark_local_dir)
    return conf


def spark_session(settings: Settings | None = None) -> SparkSession:
    """The process's SparkSession, started from the settings when there is none yet.

    Spark keeps one active session per process: a second call returns it, and settings that
    only take effect when the JVM starts (master, driver memory) are those of the first.
    """
    from pyspark.sql import SparkSession

    settings = settings or get_settings()
    if settings.spark_master.startswith("local"):
        # The Python workers run this interpreter (its packages: polars, the resolver), not
        # the first ``python3`` on the PATH, unless PYSPARK_PYTHON says otherwise.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder
    for key, value in spark_conf(settings).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
