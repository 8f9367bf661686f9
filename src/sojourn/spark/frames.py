"""Polars frames to and from Spark through Arrow, with the types the single-machine code
gives: each Spark stage that runs the polars code per partition (``mapInArrow``) declares
its output with the schema that code gives on an empty frame, so both engines carry the same
columns and types."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from sojourn.settings import get_settings

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

#: By the name polars gives the type.
_SPARK = {
    "String": "string", "Int8": "tinyint", "Int32": "int", "Int64": "bigint",
    "Float32": "float", "Float64": "double", "Boolean": "boolean",
}  # fmt: skip
_ARROW = {
    "String": pa.string(), "Int8": pa.int8(), "Int32": pa.int32(), "Int64": pa.int64(),
    "Float32": pa.float32(), "Float64": pa.float64(), "Boolean": pa.bool_(),
}  # fmt: skip


class UnsupportedTypeError(TypeError):
    """A column type this module does not carry between polars and Spark."""


def _inner(dtype: pl.DataType) -> str:
    """The name of ``dtype``, or of its elements' type for a list."""
    name = str(dtype.inner) if isinstance(dtype, pl.List) else str(dtype)
    if name not in _SPARK:
        raise UnsupportedTypeError(f"no Spark type for {dtype}")
    return name


def ddl(schema: pl.Schema) -> str:
    """The Spark DDL schema (``a string, b array<string>``) of a polars schema."""
    parts = []
    for name, dtype in schema.items():
        inner = _SPARK[_inner(dtype)]
        parts.append(f"`{name}` {f'array<{inner}>' if isinstance(dtype, pl.List) else inner}")
    return ", ".join(parts)


def arrow_schema(schema: pl.Schema) -> pa.Schema:
    """The Arrow schema Spark expects for a polars schema (no large or view types)."""
    fields = []
    for name, dtype in schema.items():
        inner = _ARROW[_inner(dtype)]
        fields.append(pa.field(name, pa.list_(inner) if isinstance(dtype, pl.List) else inner))
    return pa.schema(fields)


def batches(frame: pl.DataFrame, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """``frame`` as Arrow record batches of ``schema`` (for ``mapInArrow``)."""
    yield from frame.to_arrow().cast(schema).to_batches()


def from_arrow(data: pa.Table | pa.RecordBatch, schema: pl.Schema) -> pl.DataFrame:
    """A polars frame of ``schema`` from Arrow data carrying its columns."""
    frame = pl.from_arrow(data)
    if not isinstance(frame, pl.DataFrame):  # pragma: no cover - a table gives a frame
        raise TypeError("expected a table")
    if frame.width == 0:
        return pl.DataFrame(schema=schema)
    return frame.select(list(schema)).cast(dict(schema))  # type: ignore[arg-type]


def collect(frame: DataFrame, schema: pl.Schema) -> pl.DataFrame:
    """A Spark DataFrame's rows on the driver, as a polars frame of ``schema``, in the
    frame's order. The executors write them as Parquet in a temporary directory under
    ``SOJOURN_DATA_DIR`` and this process reads the files: ``toArrow`` would gather every
    task's result in the driver's JVM heap first (the vectors of 1M records did not fit in
    4 GiB), which then bounds nothing that the data does not."""
    directory = get_settings().data_dir
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="spark-collect-", dir=directory) as tmp:
        frame.select(list(schema)).write.mode("overwrite").parquet(tmp)
        files = sorted(Path(tmp).glob("part-*.parquet"))  # part-00000… in the frame's order
        if not files:
            return pl.DataFrame(schema=schema)
        return from_arrow(pa.concat_tables([pq.read_table(f) for f in files]), schema)
