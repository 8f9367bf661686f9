"""Evaluation figures on a tiny hand-made truth set: cluster scores, per-person statistics,
confidence intervals."""

from __future__ import annotations

import polars as pl
import pytest

from sojourn.resolve.evaluate import cluster_scores, person_stats, summarize, wilson

TRUTH = pl.DataFrame(
    {
        "id": ["a", "b", "c", "d", "e", "f"],
        "person_id": ["P1", "P1", "P2", "P3", "P3", "P3"],
        "origin": ["x", "x", "y", "z", "z", "z"],
    }
)
PREDICTED = pl.DataFrame({"id": list("abcdef"), "cluster": ["a", "a", "a", "d", "d", "f"]})


def test_person_stats_decompose_the_pairwise_figures() -> None:
    stats = {r["person_id"]: r for r in person_stats(PREDICTED, TRUTH, "origin").to_dicts()}
    # cluster a = {a, b, c}: P1's pair ab is a hit; ac and bc are false, half to each side.
    assert stats["P1"]["hits"] == 1 and stats["P1"]["false_pairs"] == 1.0
    assert stats["P2"]["false_pairs"] == 1.0 and stats["P2"]["merged"]
    assert stats["P3"]["clusters"] == 2 and stats["P3"]["true_pairs"] == 3
    assert not stats["P3"]["exact"] and not stats["P1"]["exact"]


def test_summary_per_group_with_intervals() -> None:
    rows = {r["origin"]: r for r in summarize(person_stats(PREDICTED, TRUTH, "origin"), "origin")}
    assert rows["z"]["missed_link_rate"] == 1.0 and rows["z"]["recall"] == pytest.approx(1 / 3)
    assert rows["x"]["false_merge_rate"] == 1.0 and rows["x"]["precision"] == 0.5
    low, high = rows["z"]["missed_link_rate_ci"]
    assert low < 1.0 == high
    overall = summarize(person_stats(PREDICTED, TRUTH))[0]
    assert overall["f1"] == pytest.approx(0.5)
    assert overall["f1_ci"][0] <= 0.5 <= overall["f1_ci"][1]


def test_wilson_interval() -> None:
    low, high = wilson(5, 100)
    assert low == pytest.approx(0.0215, abs=1e-3) and high == pytest.approx(0.1118, abs=1e-3)
    assert wilson(0, 0) == (0.0, 1.0)


def test_cluster_scores() -> None:
    exact = pl.DataFrame({"id": list("abcdef"), "cluster": ["a", "a", "c", "d", "d", "d"]})
    assert cluster_scores(exact, TRUTH) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    scores = cluster_scores(PREDICTED, TRUTH)
    assert scores["precision"] == 0.0 and scores["recall"] == 0.0
