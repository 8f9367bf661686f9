"""The store's records as a Parquet snapshot Spark reads in parallel.

The records are read from the store in chunks (``yield_per``) and each chunk written as one
Parquet file, so the driver holds one chunk at a time, whatever the number of records. On a
cluster the snapshot's directory must be one every executor reads (a shared file system or
an object store mounted alike).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
from sqlalchemy import Engine, select

from sojourn.records.tables import records
from sojourn.resolve.features import SOURCE_COLUMNS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

CHUNK = 200_000


def snapshot(engine: Engine, directory: Path, chunk: int = CHUNK) -> int:
    """Write the identity columns of every stored record (``features.SOURCE_COLUMNS``) to
    Parquet files in ``directory``; return the number of records."""
    directory.mkdir(parents=True, exist_ok=True)
    query = select(*(records.c[name] for name in SOURCE_COLUMNS))
    schema = dict.fromkeys(SOURCE_COLUMNS, pl.Utf8)
    written = 0
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=chunk).execute(query)
        for part, rows in enumerate(result.partitions()):
            frame = pl.DataFrame(rows, schema=schema, orient="row")
            frame.write_parquet(directory / f"part-{part:05d}.parquet")
            written += frame.height
    return written


def read_snapshot(spark: SparkSession, directory: Path) -> DataFrame:
    """The snapshot in ``directory`` as a Spark DataFrame (every column a string)."""
    columns = ", ".join(f"`{name}` string" for name in SOURCE_COLUMNS)
    return spark.read.schema(columns).parquet(str(directory))
