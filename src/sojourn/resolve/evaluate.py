"""Accuracy of a clustering against ground truth.

Pairwise precision/recall/F1 implied by the clusters; cluster precision/recall/F1 (a cluster
is right when it holds exactly one true person's records); the false-merge rate (true persons
whose records share a predicted person with another true person's) and the missed-link rate
(true persons split over two or more predicted persons); overall or per group (e.g. name
origin), with 95% confidence intervals: Wilson intervals for the per-person rates, and a
bootstrap over persons for the pairwise figures (pairs of one person are not independent).
Every figure decomposes per true person, which is what makes both possible.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

Z95 = 1.959964


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
    return _prf(hits, predicted, actual)


def _prf(hits: float, predicted: float, actual: float) -> dict[str, float]:
    precision = hits / predicted if predicted else 1.0
    recall = hits / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def person_stats(
    assignments: pl.DataFrame, truth: pl.DataFrame, by: str | None = None
) -> pl.DataFrame:
    """Per true person: group, records, true pairs, correctly linked pairs (hits), its share
    of wrongly linked pairs (half of each pair joining it to another person), the predicted
    persons it is spread over, whether it shares one with another person, and whether it
    is reproduced exactly."""
    group = by or "all"
    truth = truth if by else truth.with_columns(pl.lit("all").alias("all"))
    joined = assignments.join(truth.select("id", "person_id", group), on="id")
    cells = joined.group_by("cluster", "person_id", group).len("k")
    sizes = joined.group_by("cluster").agg(
        pl.len().alias("size"), pl.col("person_id").n_unique().alias("persons")
    )
    cells = cells.join(sizes, on="cluster")
    return (
        cells.group_by("person_id", group)
        .agg(
            pl.col("k").sum().alias("records"),
            (pl.col("k") * (pl.col("k") - 1) // 2).sum().alias("hits"),
            (pl.col("k") * (pl.col("size") - pl.col("k")) / 2).sum().alias("false_pairs"),
            pl.len().alias("clusters"),
            (pl.col("persons") > 1).any().alias("merged"),
            ((pl.len() == 1) & (pl.col("persons").max() == 1)).alias("exact"),
        )
        .with_columns((pl.col("records") * (pl.col("records") - 1) // 2).alias("true_pairs"))
    )


def wilson(successes: float, n: float) -> tuple[float, float]:
    """95% Wilson score interval of a proportion."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def _bootstrap(stats: pl.DataFrame, replicates: int, seed: int) -> dict[str, tuple[float, float]]:
    """95% percentile intervals of pairwise P/R/F1, Poisson bootstrap over persons."""
    rng = np.random.default_rng(seed)
    columns = [stats[c].to_numpy().astype(np.float64) for c in ("hits", "false_pairs")]
    hits, false_pairs = columns
    true_pairs = stats["true_pairs"].to_numpy().astype(np.float64)
    draws: dict[str, list[float]] = {"precision": [], "recall": [], "f1": []}
    for _ in range(replicates):
        w = rng.poisson(1.0, size=hits.shape[0]).astype(np.float64)
        h = float(w @ hits)
        scores = _prf(h, h + float(w @ false_pairs), float(w @ true_pairs))
        for key, value in scores.items():
            draws[key].append(value)
    return {
        k: (float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))) for k, v in draws.items()
    }


def summarize(
    stats: pl.DataFrame, by: str | None = None, replicates: int = 200, seed: int = 1
) -> list[dict[str, object]]:
    """Per group (or overall): persons, records, pairwise P/R/F1, false-merge and missed-link
    rates, exact-person share, each figure with its 95% interval."""
    group = by or "all"
    out: list[dict[str, object]] = []
    for key in sorted(stats[group].unique().to_list()):
        part = stats.filter(pl.col(group) == key)
        n = part.height
        hits = float(part["hits"].sum())
        scores = _prf(
            hits, hits + float(part["false_pairs"].sum()), float(part["true_pairs"].sum())
        )
        intervals = _bootstrap(part, replicates, seed)
        row: dict[str, object] = {group: key, "persons": n, "records": int(part["records"].sum())}
        for name, value in scores.items():
            row[name] = value
            row[f"{name}_ci"] = intervals[name]
        counts = {
            "false_merge_rate": int(part["merged"].sum()),
            "missed_link_rate": int((part["clusters"] > 1).sum()),
            "exact_rate": int(part["exact"].sum()),
        }
        for name, count in counts.items():
            row[name] = count / n if n else 0.0
            row[f"{name}_ci"] = wilson(count, n)
        out.append(row)
    return out


def error_rates(
    assignments: pl.DataFrame, truth: pl.DataFrame, by: str | None = None
) -> pl.DataFrame:
    """False-merge and missed-link rates, overall (``by`` None) or per group of ``by``
    (a true person's group, e.g. ``name_origin``)."""
    group = by or "all"
    stats = person_stats(assignments, truth, by)
    return (
        stats.group_by(group)
        .agg(
            pl.len().alias("persons"),
            (pl.col("clusters") > 1).mean().alias("missed_link_rate"),
            pl.col("merged").mean().alias("false_merge_rate"),
        )
        .sort(group)
    )


def cluster_scores(assignments: pl.DataFrame, truth: pl.DataFrame) -> dict[str, float]:
    """Cluster precision (predicted persons that are exactly one true person), recall (true
    persons reproduced exactly) and F1."""
    stats = person_stats(assignments, truth)
    exact = int(stats["exact"].sum())
    joined = assignments.join(truth.select("id"), on="id")
    return _prf(exact, joined["cluster"].n_unique(), stats.height)
