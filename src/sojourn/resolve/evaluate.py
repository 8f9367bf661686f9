"""Accuracy of a clustering against ground truth: pairwise precision/recall/F1 implied by
the clusters, the false-merge rate (predicted persons holding records of two or more true
persons) and the missed-link rate (true persons split over two or more predicted persons),
overall or per group (e.g. name origin)."""

from __future__ import annotations

import polars as pl


def _pairs(frame: pl.DataFrame, key: str) -> int:
    sizes = frame.group_by(key).len()["len"]
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise(assignments: pl.DataFrame, truth: pl.DataFrame) -> dict[str, float]:
    """Pairwise precision, recall and F1 of ``assignments`` (id, cluster) against ``truth``
    (id, person_id)."""
    joined = assignments.join(truth.select("id", "person_id"), on="id")
    predicted = _pairs(joined, "cluster")
    actual = _pairs(joined, "person_id")
    both = joined.group_by("cluster", "person_id").len()["len"]
    hits = int((both * (both - 1) // 2).sum())
    precision = hits / predicted if predicted else 1.0
    recall = hits / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def error_rates(
    assignments: pl.DataFrame, truth: pl.DataFrame, by: str | None = None
) -> pl.DataFrame:
    """False-merge and missed-link rates, overall (``by`` None) or per group of ``by``
    (a true person's group, e.g. ``name_origin``)."""
    group = by or "all"
    truth = truth if by else truth.with_columns(pl.lit("all").alias("all"))
    joined = assignments.join(truth.select("id", "person_id", group), on="id")
    persons_per_cluster = joined.group_by("cluster").agg(pl.col("person_id").n_unique().alias("k"))
    merged = joined.join(persons_per_cluster, on="cluster").with_columns(
        (pl.col("k") > 1).alias("in_merge")
    )
    per_person = merged.group_by("person_id", group).agg(
        pl.col("cluster").n_unique().alias("clusters"), pl.col("in_merge").any().alias("merged")
    )
    return (
        per_person.group_by(group)
        .agg(
            pl.len().alias("persons"),
            (pl.col("clusters") > 1).mean().alias("missed_link_rate"),
            pl.col("merged").mean().alias("false_merge_rate"),
        )
        .sort(group)
    )
