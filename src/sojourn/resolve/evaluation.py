"""``sojourn evaluate``: the stored links measured against a ground-truth directory.

The truth directory holds ``records.csv`` with at least ``source``, ``source_record_id`` and
``person_id`` columns, and optionally ``name_origin`` (the synthetic population writes all of
them; any labelled data set can be laid out the same way). Stored records are matched to it
by source and source record id.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import Engine, select

from sojourn.records.tables import records
from sojourn.resolve.blocking import candidate_pairs, pair_recall
from sojourn.resolve.evaluate import cluster_scores, pairwise, person_stats, summarize
from sojourn.resolve.features import features, load_records
from sojourn.resolve.store import current_links

GROUP = "name_origin"


class TruthError(ValueError):
    """The truth directory cannot be used."""


def load_truth(engine: Engine, directory: Path) -> pl.DataFrame:
    """Stored record id → true person id and name-origin group."""
    path = directory / "records.csv"
    if not path.is_file():
        raise TruthError(f"{path}: no such file (expected the truth directory's records.csv)")
    truth = pl.read_csv(path, infer_schema=False)
    missing = {"source", "source_record_id", "person_id"} - set(truth.columns)
    if missing:
        raise TruthError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    if GROUP not in truth.columns:
        truth = truth.with_columns(pl.lit("all").alias(GROUP))
    keys = truth.select("source", "source_record_id", "person_id", GROUP).unique(
        ["source", "source_record_id"], keep="first"
    )
    with engine.connect() as conn:
        rows = conn.execute(select(records.c.id, records.c.source, records.c.source_record_id))
        stored = pl.DataFrame(
            rows.all(),
            schema={"id": pl.Utf8, "source": pl.Utf8, "source_record_id": pl.Utf8},
            orient="row",
        )
    return stored.join(keys, on=["source", "source_record_id"]).select("id", "person_id", GROUP)


def evaluate_links(
    engine: Engine,
    directory: Path,
    latency: Callable[[Engine], dict[str, float]] | None = None,
) -> dict[str, Any]:
    """All figures of ``sojourn evaluate`` as a JSON-ready dict."""
    truth = load_truth(engine, directory)
    if truth.is_empty():
        raise TruthError(f"{directory}: no stored record matches the truth records")
    with engine.connect() as conn:
        links = current_links(conn)
    assignments = links.select(
        pl.col("record_id").alias("id"), pl.col("person_id").alias("cluster")
    )
    if assignments.is_empty():
        raise TruthError("no links yet: run `sojourn resolve` first")
    stats = person_stats(assignments, truth, GROUP)
    blocked = candidate_pairs(features(load_records(engine))).pairs
    report: dict[str, Any] = {
        "records": truth.height,
        "persons": stats.height,
        "pairwise": pairwise(assignments, truth),
        "cluster": cluster_scores(assignments, truth),
        "overall": summarize(stats.with_columns(pl.lit("all").alias(GROUP)), GROUP)[0],
        "groups": summarize(stats, GROUP),
        "blocking_recall": _recall(blocked, truth),
    }
    report["worst_best_missed_link_ratio"] = _ratio(report["groups"])
    if latency is not None:
        report["match_latency_ms"] = latency(engine)
    return report


def _recall(pairs: pl.DataFrame, truth: pl.DataFrame) -> dict[str, float]:
    overall = pair_recall(pairs, truth)["recall"][0]
    per_group = pair_recall(pairs, truth, GROUP)
    return {
        "all": float(overall),
        **{str(k): float(v) for k, v in per_group.select(GROUP, "recall").iter_rows()},
    }


def _ratio(groups: list[dict[str, Any]]) -> float | None:
    rates = [float(g["missed_link_rate"]) for g in groups if g["persons"] >= 30]
    if not rates or min(rates) == 0:
        return None
    return max(rates) / min(rates)


def percentiles(samples_ns: list[int]) -> dict[str, float]:
    """p50/p90/p99/max of latencies in nanoseconds, as milliseconds."""
    values = np.array(samples_ns, dtype=np.float64) / 1e6
    p50, p90, p99 = np.percentile(values, [50, 90, 99])
    return {
        "n": float(len(values)),
        "p50": float(p50),
        "p90": float(p90),
        "p99": float(p99),
        "max": float(values.max()),
    }


def timed(func: Callable[[], object]) -> int:
    start = time.perf_counter_ns()
    func()
    return time.perf_counter_ns() - start
