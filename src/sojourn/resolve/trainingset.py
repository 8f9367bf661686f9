"""What training and the health check read of a run's records and pairs, so that an engine
that keeps them elsewhere (Spark) gives them without bringing every record and every pair
to one process.

* **Patterns** (``patterns``): the candidate vectors counted by their levels and rules, one
  row per distinct pattern with its count ``n``. EM, the prior and the health check read
  nothing else of the vectors: they sum over pairs, and the sum over a pattern's pairs is its
  count times its value. A frame without ``n`` is counted here first, so both engines give
  EM the same rows, sorted, and so the same floating-point sums.
* **Records** (``Records``): the records' ids (in the run's order), how many have some
  columns, the features of the few records training draws (random pairs, the training
  sample, the household sample: a number set by ``training`` and ``household``, whatever the
  size of the store), and the names counted (``NameCounts``).

``InMemory`` is the single-machine ``Records``: a features frame. ``spark.trainingset`` is
Spark's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import polars as pl

from sojourn.resolve.compare import COMPARISONS

#: The columns a pattern is told apart by.
PATTERN = (*COMPARISONS, "rules")


def patterns(vectors: pl.DataFrame) -> pl.DataFrame:
    """``vectors`` counted by pattern (``PATTERN`` columns it has, and ``n``); a frame that
    has ``n`` already is returned as it is."""
    if "n" in vectors.columns:
        return vectors
    keys = [c for c in PATTERN if c in vectors.columns]
    return vectors.group_by(keys).agg(pl.len().cast(pl.Int64).alias("n"))


def pairs_in(frame: pl.DataFrame) -> int:
    """The pairs a frame of patterns (or of vectors) stands for."""
    return int(frame["n"].sum()) if "n" in frame.columns else frame.height


@dataclass(frozen=True)
class NameCounts:
    """The names (``name_sorted``) of a run's records, counted: what term-frequency weights
    read (``training._name_tf``)."""

    #: Records with a name.
    total: int
    #: ``word``, ``n``: the records whose name has the word.
    words: pl.DataFrame
    #: ``name``, ``n``: the names two records or more carry.
    repeated: pl.DataFrame


def name_counts(names: pl.Series) -> NameCounts:
    """``NameCounts`` of a column of names."""
    present = names.drop_nulls().rename("name")
    words = (
        present.str.split(" ").list.unique().explode().rename("word").value_counts(name="n")
    )  # fmt: skip
    repeated = present.value_counts(name="n").filter(pl.col("n") >= 2)
    return NameCounts(
        present.len(),
        words.with_columns(pl.col("n").cast(pl.Int64)),
        repeated.with_columns(pl.col("n").cast(pl.Int64)),
    )


class Records(Protocol):
    """A run's records as training and the health check read them."""

    @property
    def height(self) -> int:
        """How many records."""
        ...

    @property
    def columns(self) -> list[str]:
        """The feature columns."""
        ...

    @property
    def ids(self) -> pl.Series:
        """Every record's id, in the run's order."""
        ...

    def having(self, columns: Sequence[str]) -> pl.Series:
        """The ids (in the run's order) of the records with a value in any of ``columns``."""
        ...

    def present(self, columns: Sequence[str]) -> int:
        """How many records have a value in any of ``columns``."""
        ...

    def rows(self, ids: pl.Series) -> pl.DataFrame:
        """The features of the records ``ids`` names (distinct), in that order."""
        ...

    def names(self) -> NameCounts:
        """The records' names, counted."""
        ...


@dataclass(frozen=True)
class InMemory:
    """``Records`` from a features frame in this process."""

    feats: pl.DataFrame

    @property
    def height(self) -> int:
        return self.feats.height

    @property
    def columns(self) -> list[str]:
        return self.feats.columns

    @property
    def ids(self) -> pl.Series:
        return self.feats["id"]

    def having(self, columns: Sequence[str]) -> pl.Series:
        return self.feats.filter(_any_present(columns))["id"]

    def present(self, columns: Sequence[str]) -> int:
        return int(self.feats.select(_any_present(columns).sum()).item())

    def rows(self, ids: pl.Series) -> pl.DataFrame:
        if ids.len() == self.feats.height and ids.equals(self.feats["id"]):
            return self.feats
        wanted = ids.to_frame("id")
        return wanted.join(self.feats, on="id", how="inner", maintain_order="left")

    def names(self) -> NameCounts:
        return name_counts(self.feats["name_sorted"])


def _any_present(columns: Sequence[str]) -> pl.Expr:
    return pl.any_horizontal(pl.col(c).is_not_null() for c in columns)


def as_records(feats: pl.DataFrame | Records) -> Records:
    """``feats`` as ``Records`` (a features frame is wrapped in ``InMemory``)."""
    return InMemory(feats) if isinstance(feats, pl.DataFrame) else feats


def drawn(records: Records, count: int, seed: int) -> pl.DataFrame:
    """The features of ``count`` records drawn at random (without replacement; every record
    when there are no more): the same draw as ``feats.sample(count, seed=seed)``."""
    if records.height <= count:
        return records.rows(records.ids)
    return records.rows(records.ids.sample(count, seed=seed))
