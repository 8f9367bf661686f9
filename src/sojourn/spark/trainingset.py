"""What training and the health check read (``resolve.trainingset``), from the features and
vectors kept in Spark: the vectors counted by pattern, the records' ids, presence counts,
names counted, and the features of only the records training draws. The driver then holds
the ids and those draws (a number set by ``resolve.training`` and ``resolve.household``), not
every record's features and every pair's vector."""

from __future__ import annotations

import functools
import operator
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as sf

from sojourn.resolve.compare import COMPARISONS
from sojourn.resolve.training import PRESENCE
from sojourn.resolve.trainingset import NameCounts
from sojourn.settings import get_settings
from sojourn.spark.features import feature_schema
from sojourn.spark.frames import collect
from sojourn.spark.scoring import vector_schema

_ID = pl.Schema({"id": pl.Utf8})
_WORDS = pl.Schema({"word": pl.Utf8, "n": pl.Int64})
_NAMES = pl.Schema({"name": pl.Utf8, "n": pl.Int64})


@cache
def pattern_schema() -> pl.Schema:
    """The columns of ``resolve.trainingset.patterns`` of the vectors."""
    types = vector_schema()
    return pl.Schema([(c, types[c]) for c in (*COMPARISONS, "rules")] + [("n", pl.Int64)])


def spark_patterns(vectors: DataFrame) -> pl.DataFrame:
    """``resolve.trainingset.patterns`` of the Spark ``vectors``, on the driver."""
    keys = [*COMPARISONS, "rules"]
    counted = vectors.groupBy(*keys).agg(sf.count(sf.lit(1)).alias("n"))
    return collect(counted, pattern_schema())


def sorted_ids(feats: DataFrame) -> pl.Series:
    """Every record's id, sorted (the run's order)."""
    return collect(feats.select("id"), _ID)["id"].sort()


@dataclass(frozen=True)
class SparkRecords:
    """``resolve.trainingset.Records`` of the features kept in Spark (``feats``), given
    their ``ids`` sorted (``sorted_ids``)."""

    feats: DataFrame
    ids: pl.Series
    #: Presence counts by columns, all of ``training.PRESENCE``'s counted in one pass.
    counted: dict[tuple[str, ...], int] = field(default_factory=dict)

    @property
    def height(self) -> int:
        return self.ids.len()

    @property
    def columns(self) -> list[str]:
        return list(self.feats.columns)

    def having(self, columns: Sequence[str]) -> pl.Series:
        return collect(self.feats.where(_any(columns)).select("id"), _ID)["id"].sort()

    def present(self, columns: Sequence[str]) -> int:
        """How many records have any of ``columns``: every set of ``training.PRESENCE`` (of
        the columns the records have) is counted at the first call, in one aggregation."""
        key = tuple(columns)
        if key not in self.counted:
            known = set(self.feats.columns)
            sets = {tuple(c for c in cs if c in known) for cs in PRESENCE.values()} | {key}
            wanted = sorted(cs for cs in sets if cs)
            row = self.feats.agg(
                *(sf.count_if(_any(cs)).alias(str(i)) for i, cs in enumerate(wanted))
            ).first()
            if row is None:  # pragma: no cover - an aggregate without grouping has one row
                raise RuntimeError("no presence counts")
            self.counted.update({cs: int(row[i]) for i, cs in enumerate(wanted)})
        return self.counted[key]

    def rows(self, ids: pl.Series) -> pl.DataFrame:
        """The features of ``ids`` (distinct), in that order: the ids go to Spark as a
        Parquet file under ``SOJOURN_DATA_DIR`` (shared storage on a cluster), the features
        of those records come back."""
        directory = get_settings().data_dir
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="spark-ids-", dir=directory) as tmp:
            path = Path(tmp) / "ids.parquet"
            ids.rename("id").to_frame().write_parquet(path)
            wanted = self.feats.sparkSession.read.parquet(str(path))
            found = collect(self.feats.join(wanted, on="id", how="left_semi"), feature_schema())
        order = ids.rename("id").to_frame()
        return order.join(found, on="id", how="inner", maintain_order="left")

    def names(self) -> NameCounts:
        named = self.feats.where(sf.col("name_sorted").isNotNull()).select(
            sf.col("name_sorted").alias("name")
        )
        words = named.select(
            sf.explode(sf.array_distinct(sf.split("name", " "))).alias("word")
        ).groupBy("word").agg(sf.count(sf.lit(1)).alias("n"))  # fmt: skip
        repeated = named.groupBy("name").agg(sf.count(sf.lit(1)).alias("n")).where(sf.col("n") >= 2)
        return NameCounts(named.count(), collect(words, _WORDS), collect(repeated, _NAMES))


def _any(columns: Sequence[str]) -> Column:
    return functools.reduce(operator.or_, (sf.col(c).isNotNull() for c in columns))
