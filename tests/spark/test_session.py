"""The Spark session from the settings, and the command line starting without PySpark."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyspark
import pytest
from pyspark.sql import SparkSession

from sojourn.settings import Settings
from sojourn.spark.session import spark_conf


def test_the_settings_give_the_spark_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOJOURN_SPARK_MASTER", "spark://cluster:7077")
    monkeypatch.setenv("SOJOURN_SPARK_DRIVER_MEMORY", "6g")
    monkeypatch.setenv("SOJOURN_SPARK_SHUFFLE_PARTITIONS", "64")
    monkeypatch.setenv("SOJOURN_SPARK_LOCAL_DIR", "/scratch/spark")
    monkeypatch.setenv("SOJOURN_SPARK_DRIVER_JAVA_OPTIONS", "-XX:+UseG1GC")
    conf = spark_conf(Settings())
    assert conf["spark.master"] == "spark://cluster:7077"
    assert conf["spark.driver.memory"] == "6g"
    assert conf["spark.sql.shuffle.partitions"] == "64"
    assert conf["spark.local.dir"] == "/scratch/spark"
    assert conf["spark.driver.extraJavaOptions"] == "-XX:+UseG1GC"
    assert "spark.driver.bindAddress" not in conf  # a cluster's driver listens as it must
    assert conf["spark.ui.enabled"] == "false"


def test_local_mode_listens_on_loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOJOURN_SPARK_DRIVER_JAVA_OPTIONS")
    conf = spark_conf(Settings(spark_master="local[4]"))
    assert conf["spark.driver.bindAddress"] == "127.0.0.1"
    assert "spark.local.dir" not in conf
    assert "spark.driver.extraJavaOptions" not in conf


def test_the_running_session_has_the_configuration_and_moves_data_by_arrow(
    spark: SparkSession,
) -> None:
    assert spark.conf.get("spark.sql.shuffle.partitions") == "2"
    assert spark.conf.get("spark.sql.execution.arrow.pyspark.enabled") == "true"
    assert spark.conf.get("spark.sql.execution.arrow.pyspark.fallback.enabled") == "false"
    assert spark.sparkContext.master == "local[2]"
    assert spark.sparkContext.uiWebUrl is None
    java = spark.sparkContext.getConf().get("spark.driver.extraJavaOptions") or ""
    assert "-XX:TieredStopAtLevel=1" in java
    frame = spark.range(1_000).selectExpr("id", "id % 7 AS r").groupBy("r").count()
    counts = frame.toPandas().set_index("r")["count"].to_dict()
    assert counts == {r: len(range(r, 1_000, 7)) for r in range(7)}


def test_the_command_line_starts_without_pyspark() -> None:
    code = (
        "import sys\n"
        "from sojourn.cli import main\n"
        "import sojourn.spark, sojourn.spark.session\n"
        "sys.argv = ['sojourn', 'resolve', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('pyspark' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_spark_submit_keeps_the_master_and_configuration_it_was_given(tmp_path: Path) -> None:
    """Under spark-submit the JVM runs already: its --master and --conf win over the settings
    (SOJOURN_SPARK_MASTER's default, local[2], would otherwise run the job here)."""
    script = tmp_path / "job.py"
    script.write_text(
        "from sojourn.spark.session import spark_session\n"
        "conf = spark_session().sparkContext.getConf()\n"
        "print('MASTER', conf.get('spark.master'), conf.get('spark.sql.shuffle.partitions'))\n"
    )
    submit = Path(pyspark.__file__).parent / "bin" / "spark-submit"
    env = os.environ | {"SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable}
    env.pop("SOJOURN_SPARK_MASTER", None)
    env.pop("SOJOURN_SPARK_SHUFFLE_PARTITIONS", None)
    command = [str(submit), "--master", "local[1]", "--driver-java-options",
               "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC", str(script)]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    assert "MASTER local[1] 4" in out.stdout  # the master given; the settings' partitions


def test_kept_frames_are_stored_as_the_settings_say(monkeypatch: pytest.MonkeyPatch) -> None:
    from pyspark import StorageLevel

    from sojourn.settings import get_settings
    from sojourn.spark.session import kept

    try:
        assert kept() == StorageLevel.MEMORY_AND_DISK  # the default
        monkeypatch.setenv("SOJOURN_SPARK_STORAGE", "disk_only")
        get_settings.cache_clear()
        assert kept() == StorageLevel.DISK_ONLY
        monkeypatch.setenv("SOJOURN_SPARK_STORAGE", "memory")
        get_settings.cache_clear()
        with pytest.raises(ValueError, match="spark_storage"):
            get_settings()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
