"""Comparison vectors and scores per partition: the single-machine ``compare_pairs`` and
``score``, called on each partition's pairs with the features of their two records (joined
in Spark), so both engines compare and score with one implementation."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import polars as pl
import pyarrow as pa
from pyspark.sql import DataFrame

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


def spark_vectors(pairs: DataFrame, feats: DataFrame) -> DataFrame:
    """The comparison vectors of ``pairs`` (``id_l``, ``id_r``, ``rules``) given the records'
    ``feats``: the features ``compare_pairs`` reads (``READS``: the rest would only be carried
    through Arrow to the workers, which is most of this stage's time) of both records joined
    to each pair, then ``compare_pairs`` per partition."""
    types = feature_schema()
    names = ["id", *READS]
    left = feats.select(*(feats[c].alias(f"{c}_l") for c in names))
    right = feats.select(*(feats[c].alias(f"{c}_r") for c in names))
    joined = pairs.join(left, on="id_l").join(right, on="id_r")
    flat = pl.Schema(
        list(_PAIRS.items()) + [(f"{c}_{side}", types[c]) for side in "lr" for c in READS]
    )
    target = arrow_schema(vector_schema())

    def per_batch(parts: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for part in parts:
            frame = from_arrow(part, flat)
            yield from batches(compare_pairs(frame.select(list(_PAIRS)), _sides(frame)), target)

    return joined.mapInArrow(per_batch, ddl(vector_schema()))


def _sides(frame: pl.DataFrame) -> pl.DataFrame:
    """The features of the records of ``frame``'s pairs, one row per record."""
    names = ["id", *READS]
    sides = [frame.select(pl.col(f"{c}_{side}").alias(c) for c in names) for side in ("l", "r")]
    return pl.concat(sides).unique("id")


def spark_scores(vectors: DataFrame, model: Model) -> DataFrame:
    """``vectors`` with ``match_weight`` and ``match_probability`` (``model.score``)."""
    source, result = vector_schema(), scored_schema()
    target = arrow_schema(result)

    def per_batch(parts: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for part in parts:
            yield from batches(score(from_arrow(part, source), model), target)

    return vectors.mapInArrow(per_batch, ddl(result))
