"""One scorer for every tool on every external set (bench/er_external.py).

Pairwise precision, recall and F1 over the record pairs that the clusters imply: all pairs
within a set when deduplicating; only pairs whose records come from different sources when
linking (pairs within one source count for neither tool). A record a tool did not place
(e.g. a row sojourn quarantined) is a cluster of its own. Where the truth carries a group,
the missed-link rate per group: of the true persons with at least one true pair, the share
with a true pair the clusters do not join; and the worst/best ratio over the groups with
at least ``MIN_GROUP`` such persons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import polars as pl

MIN_GROUP = 100  # persons with a true pair; smaller groups are shown, not in the ratio


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    predicted: int  # pairs the clusters imply (cross-source pairs when linking)
    true: int
    missed: dict[str, tuple[float, int]] = field(default_factory=dict)  # group → (rate, persons)

    @property
    def ratio(self) -> float | None:
        """Worst/best missed-link rate over the groups large enough; None without groups."""
        rates = [rate for rate, persons in self.missed.values() if persons >= MIN_GROUP]
        if len(rates) < 2:
            return None
        return math.inf if min(rates) == 0 else max(rates) / min(rates)


def _pairs(frame: pl.DataFrame, keys: list[str], link: bool) -> pl.DataFrame:
    """``keys`` and ``pairs``: the pairs within each group of ``frame`` (across sources only
    when ``link``)."""
    if not link:
        counts = frame.group_by(keys).len("n")
        return counts.select(*keys, (pl.col("n") * (pl.col("n") - 1) // 2).alias("pairs"))
    per_source = frame.group_by(*keys, "source").len("n")
    sums = per_source.group_by(keys).agg(pl.col("n").sum().alias("t"), (pl.col("n") ** 2).sum())
    return sums.select(*keys, ((pl.col("t") ** 2 - pl.col("n")) // 2).alias("pairs"))


def score(assignments: pl.DataFrame, truth: pl.DataFrame, link: bool) -> Score:
    """Score ``assignments`` (key, cluster) against ``truth`` (key, source, person_id,
    group)."""
    joined = truth.join(assignments.select("key", "cluster"), on="key", how="left")
    joined = joined.with_columns(pl.col("cluster").fill_null(pl.lit("single:") + pl.col("key")))
    predicted = int(_pairs(joined, ["cluster"], link)["pairs"].sum())
    persons = _pairs(joined, ["person_id"], link).rename({"pairs": "true"})
    hits = (
        _pairs(joined, ["cluster", "person_id"], link)
        .group_by("person_id")
        .agg(pl.col("pairs").sum().alias("hits"))
    )
    persons = persons.join(hits, on="person_id").filter(pl.col("true") > 0)
    found, true = int(persons["hits"].sum()), int(persons["true"].sum())
    precision = found / predicted if predicted else 1.0
    recall = found / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, predicted, true, _missed(persons, truth))


def _missed(persons: pl.DataFrame, truth: pl.DataFrame) -> dict[str, tuple[float, int]]:
    groups = truth.filter(pl.col("group").is_not_null()).unique("person_id")
    if groups.is_empty():
        return {}
    rates = (
        persons.join(groups.select("person_id", "group"), on="person_id")
        .group_by("group")
        .agg((pl.col("hits") < pl.col("true")).mean().alias("rate"), pl.len().alias("persons"))
        .sort("group")
    )
    return {g: (float(r), int(n)) for g, r, n in rates.iter_rows()}
