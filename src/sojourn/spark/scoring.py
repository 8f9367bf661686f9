"""Comparison vectors and scores per partition: the single-machine ``compare_pairs`` and
``score``, called on each partition's pairs with the features of their two records (joined
in Spark), so both engines compare and score with one implementation."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import polars as pl
import pyarrow as pa
from pyspark.sql import DataFrame
from pyspark.sql import functions as sf

from sojourn.resolve.compare import READS, compare_pairs
from sojourn.resolve.model import Model, score
from sojourn.spark.features import feature_schema
from sojourn.spark.frames import arrow_schema, batches, ddl, from_arrow

_PAIRS = pl.Schema([("id_l", pl.Utf8), ("id_r", pl.Utf8), ("rules", pl.List(pl.Utf8))])
_SCORES = pl.Schema({"match_weight": pl.Float64, "match_probability": pl.Float64})


@cache
def vector_schema() -> pl.Schema:
    """The columns and types ``compare_pairs`` gives for pairs with their ``rules``."""
    return compare_pairs(pl.DataFrame(schema=_PAIRS), pl.DataFrame(schema=feature_schema())).schema


def scored_schema() -> pl.Schema:
    """``vector_schema`` with the scores."""
    return pl.Schema(list(vector_schema().items()) + list(_SCORES.items()))


#: Pairs per bucket of the compare stage (about): a bucket's pairs and features are one
#: call of ``compare_pairs`` in one Python worker.
PAIRS_PER_BUCKET = 50_000


def spark_vectors(pairs: DataFrame, feats: DataFrame) -> DataFrame:
    """The comparison vectors of ``pairs`` (``id_l``, ``id_r``, ``rules``) given the records'
    ``feats``, by ``compare_pairs`` on buckets of pairs (by ``id_l``): each bucket's pairs
    with the features of the records they name, each record once per bucket. Carrying both
    records' features with every pair instead (a join per side) cost about three times as
    many rows through Arrow, the most of this stage's time. Only the features
    ``compare_pairs`` reads (``READS``) are carried."""
    count = max(1, pairs.count() // PAIRS_PER_BUCKET)
    bucket = sf.pmod(sf.xxhash64("id_l"), sf.lit(count))
    keyed = pairs.withColumn("bucket", bucket)
    named = pairs.select(bucket.alias("part"), sf.col("id_l").alias("id")).union(
        pairs.select(bucket.alias("part"), sf.col("id_r").alias("id"))
    )
    sided = named.distinct().join(feats.select("id", *READS), on="id")
    types = feature_schema()
    source = pl.Schema([("id", pl.Utf8)] + [(c, types[c]) for c in READS])
    target = arrow_schema(vector_schema())

    def per_bucket(bucket_pairs: pa.Table, features: pa.Table) -> pa.Table:
        frame = compare_pairs(
            from_arrow(bucket_pairs, _PAIRS), from_arrow(features, source)
        )  # fmt: skip
        return frame.to_arrow().cast(target)

    return (
        keyed.groupBy("bucket")
        .cogroup(sided.groupBy("part"))
        .applyInArrow(per_bucket, ddl(vector_schema()))
    )


def spark_scores(vectors: DataFrame, model: Model) -> DataFrame:
    """``vectors`` with ``match_weight`` and ``match_probability`` (``model.score``)."""
    source, result = vector_schema(), scored_schema()
    target = arrow_schema(result)

    def per_batch(parts: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for part in parts:
            yield from batches(score(from_arrow(part, source), model), target)

    return vectors.mapInArrow(per_batch, ddl(result))
