"""Features in Spark: the single-machine ``features`` per partition (it is row-local), the
generic values counted as one Spark aggregate over the whole store, then read as missing.

Both engines give the same frame: ``resolve.features.features`` and ``resolve.generic``'s
rules (``placeholder``, the share ``SHARE`` of all records, ``MIN_RECORDS``) are called, not
re-implemented; only the counting of values is Spark's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache

import polars as pl
import pyarrow as pa
from pyspark.sql import DataFrame
from pyspark.sql import functions as sf

from sojourn.resolve.features import SOURCE_COLUMNS, features
from sojourn.resolve.generic import COLUMNS, MIN_RECORDS, SHARE, cleared, placeholder
from sojourn.spark.frames import arrow_schema, batches, ddl, from_arrow

_COUNTS = pl.Schema({"column": pl.Utf8, "value": pl.Utf8, "n": pl.Int64})


@cache
def feature_schema() -> pl.Schema:
    """The columns and types ``features`` gives."""
    return features(pl.DataFrame(schema=dict.fromkeys(SOURCE_COLUMNS, pl.Utf8))).schema


def spark_features(records: DataFrame) -> DataFrame:
    """``features`` of every record (``records``: the ``SOURCE_COLUMNS``), per partition."""
    schema = feature_schema()
    target = arrow_schema(schema)
    source = pl.Schema(dict.fromkeys(SOURCE_COLUMNS, pl.Utf8))

    def per_batch(parts: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for part in parts:
            yield from batches(features(from_arrow(part, source)), target)

    return records.select(*SOURCE_COLUMNS).mapInArrow(per_batch, ddl(schema))


def find_generic(feats: DataFrame, records: int) -> dict[str, list[str]]:
    """``resolve.generic.find`` over the Spark features of ``records`` records: the values
    of every checked column counted in one aggregate, then kept by the same rules."""
    limit = max(MIN_RECORDS, int(SHARE * records))
    strings = dict(feats.dtypes)
    checked = [c for c in COLUMNS if strings.get(c) == "string"]
    if not checked:
        return {}
    cells = sf.array(
        *(sf.struct(sf.lit(c).alias("column"), sf.col(c).alias("value")) for c in checked)
    )
    counts = (
        feats.select(sf.explode(cells).alias("cell"))
        .select("cell.column", "cell.value")
        .where(sf.col("value").isNotNull())
        .groupBy("column", "value")
        .agg(sf.count(sf.lit(1)).alias("n"))
    )
    target = arrow_schema(_COUNTS)

    def kept(parts: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for part in parts:
            frame = from_arrow(part, _COUNTS)
            keep = [
                placeholder(value) or (COLUMNS[column] and n > limit)
                for column, value, n in frame.iter_rows()
            ]
            yield from batches(frame.filter(pl.Series(keep, dtype=pl.Boolean)), target)

    found = from_arrow(counts.mapInArrow(kept, ddl(_COUNTS)).toArrow(), _COUNTS)
    values: dict[str, list[str]] = {}
    for column in checked:  # the order of ``generic.find``: it is part of the model
        mine = found.filter(pl.col("column") == column)["value"].sort().to_list()
        if mine:
            values[column] = mine
    return values


def neutralise(feats: DataFrame, generic: Mapping[str, list[str]]) -> DataFrame:
    """``resolve.generic.neutralise`` in Spark: the generic values read as missing."""
    present = {c: v for c, v in generic.items() if c in feats.columns}
    return feats.withColumns(
        {
            target: sf.when(sf.col(c).isin(values), sf.lit(None)).otherwise(sf.col(target))
            for c, values in present.items()
            for target in cleared(c, feats.columns)
        }
    )
