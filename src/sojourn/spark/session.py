"""A SparkSession from the settings (``SOJOURN_SPARK_*``, docs/configuration.md).

Local mode (``local[N]``) runs Spark in a JVM started by this process on N cores; a cluster's
master URL runs the same code there. The web UI is off, Arrow moves data between the JVM and
Python (``toPandas``, ``createDataFrame``, ``mapInPandas``) and a failure of Arrow is an error,
never a silent fallback to slow row-by-row conversion. Under ``spark-submit`` its JVM runs
already, and what it was given (``--master``, ``--driver-memory``, ``--conf``) wins over the
settings (docs/scale.md, "Running on a cluster").
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from sojourn.settings import Settings, get_settings

if TYPE_CHECKING:
    from pyspark import StorageLevel
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
        # The frames a run keeps are compressed like the shuffles (10M records' vectors are
        # tens of GB on disk otherwise), and the shuffles of frames no longer used are cleaned
        # up every few minutes, not every 30.
        "spark.rdd.compress": "true",
        "spark.cleaner.periodicGC.interval": "5min",
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
    # The Python workers run this interpreter (its packages: polars, the resolver), not the
    # first ``python3`` on the PATH, unless PYSPARK_PYTHON says otherwise: in local mode and
    # on a cluster, whose workers must then have it at the same path.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    conf = spark_conf(settings)
    if "PYSPARK_GATEWAY_PORT" in os.environ:
        # Started by spark-submit, whose JVM runs already: the configuration it was given (the
        # master above all) is kept, the settings fill in the rest.
        from pyspark import SparkConf, SparkContext

        SparkContext._ensure_initialized()  # connects to spark-submit's JVM (starts none)
        given = SparkConf()  # with the JVM's properties: what spark-submit was given
        conf = {key: value for key, value in conf.items() if not given.contains(key)}
    builder = SparkSession.builder
    for key, value in conf.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def kept() -> StorageLevel:
    """The storage level of the frames a run keeps (``SOJOURN_SPARK_STORAGE``)."""
    from pyspark import StorageLevel

    if get_settings().spark_storage == "disk_only":
        return StorageLevel.DISK_ONLY
    return StorageLevel.MEMORY_AND_DISK
