"""Benchmark of entity resolution so far: features, blocking and comparison vectors.

Generates N persons (default 200,000), ingests them into a temporary SQLite database, builds
the comparison features, runs blocking, and prints timings, candidate pairs, suppressed
generic values and blocking recall overall and per name-origin group.

    .venv/bin/python bench/resolve.py [--persons N] [--data DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from sojourn.records import ingest_file, plan
from sojourn.resolve.blocking import candidate_pairs, pair_recall
from sojourn.resolve.cluster import cluster
from sojourn.resolve.compare import compare_one, compare_pairs
from sojourn.resolve.evaluate import error_rates, pairwise
from sojourn.resolve.features import features, load_records
from sojourn.resolve.model import score, train
from sojourn.store import make_engine, upgrade
from sojourn.synth import generate


def _truth(data: Path, frame: pl.DataFrame) -> pl.DataFrame:
    truth = pl.read_csv(data / "truth" / "records.csv", infer_schema=False)
    keys = truth.select("source", "source_record_id", "person_id", "name_origin").unique(
        ["source", "source_record_id"]
    )
    ids = frame.select("id", "source", pl.col("source_record_id"))
    return ids.join(keys, on=["source", "source_record_id"]).select(
        "id", "person_id", "name_origin"
    )


def _timed(label: str, start: float) -> float:
    now = time.perf_counter()
    print(f"  {label:<28}{now - start:>8.1f} s")
    return now


def main() -> None:
    pl.Config.set_tbl_rows(40)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sojourn-resolve-") as tmp:
        data = args.data or Path(tmp) / "data"
        start = time.perf_counter()
        if not (data / "manifest.json").exists():
            generate(args.persons, 1, dt.date(2025, 9, 30), data)
            start = _timed("generate", start)
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        upgrade(engine)
        for item in plan([data], None):
            ingest_file(engine, item.path, item.mapping)
        start = _timed("ingest (SQLite)", start)
        records = load_records(engine)
        start = _timed(f"load {records.height:,} records", start)
        feats = features(records)
        start = _timed("features", start)
        blocked = candidate_pairs(feats)
        start = _timed(f"blocking: {blocked.pairs.height:,} pairs", start)
        vectors = compare_pairs(blocked.pairs, feats)
        start = _timed(f"compare {vectors.height:,} pairs", start)
        _scalar_latency(blocked.pairs, feats)
        ids = feats["id"].sample(2_000_000, seed=7, with_replacement=True).to_list()
        randoms = pl.DataFrame({"id_l": ids[::2], "id_r": ids[1::2]})
        random_vectors = compare_pairs(randoms.filter(pl.col("id_l") != pl.col("id_r")), feats)
        model = train(vectors, random_vectors, feats.height, feats["name_sorted"])
        scored = score(vectors, model)
        start = _timed(f"train (EM) + score, model {model.version}", start)
        with_srid = records.join(_srids(engine), on="id")
        truth = _truth(data, with_srid)
        _accuracy(scored, truth)
        linked = scored.filter(pl.col("match_probability") >= 0.5)
        per_group = pair_recall(linked, truth, "name_origin").with_columns(
            (1 - pl.col("recall")).alias("missed_link_rate")
        )
        print("pairwise missed-link rate per name origin at p>=0.5:")
        print(per_group)
        rates = per_group["missed_link_rate"]
        print(f"  worst/best missed-link ratio: {rates.max() / max(rates.min(), 1e-9):.2f}")
        _clustered(scored, feats["id"], truth)
        print(pair_recall(blocked.pairs, truth))
        print(pair_recall(blocked.pairs, truth, "name_origin"))
        print("suppressed generic values (top 10):")
        print(blocked.suppressed.head(10))


def _accuracy(scored: pl.DataFrame, truth: pl.DataFrame) -> None:
    """Pairwise precision, recall and F1 at p >= 0.5 (recall over all true pairs)."""
    people = truth.group_by("person_id").len()
    true_pairs = int((people["len"] * (people["len"] - 1) // 2).sum())
    labelled = (
        scored.join(
            truth.select(pl.col("id").alias("id_l"), pl.col("person_id").alias("p_l")), on="id_l"
        )
        .join(truth.select(pl.col("id").alias("id_r"), pl.col("person_id").alias("p_r")), on="id_r")
        .with_columns((pl.col("p_l") == pl.col("p_r")).alias("same"))
    )
    for threshold in (0.5, 0.9, 0.99):
        predicted = labelled.filter(pl.col("match_probability") >= threshold)
        hits = predicted["same"].sum()
        precision, recall = hits / max(predicted.height, 1), hits / true_pairs
        f1 = 2 * precision * recall / (precision + recall)
        print(f"  p>={threshold}: precision {precision:.4f} recall {recall:.4f} F1 {f1:.4f}")


def _clustered(scored: pl.DataFrame, ids: pl.Series, truth: pl.DataFrame) -> None:
    start = time.perf_counter()
    result = cluster(scored, ids, accept=0.9, review=0.5)
    persons = result.assignments["cluster"].n_unique()
    _timed(f"cluster: {persons:,} persons, {result.reviews.height:,} reviews", start)
    scores = pairwise(result.assignments, truth)
    print("  after clustering: " + ", ".join(f"{k} {v:.4f}" for k, v in scores.items()))
    print(error_rates(result.assignments, truth))
    per_group = error_rates(result.assignments, truth, "name_origin")
    print(per_group)
    missed = per_group["missed_link_rate"]
    print(f"  worst/best missed-link ratio: {missed.max() / max(missed.min(), 1e-9):.2f}")


def _scalar_latency(pairs: pl.DataFrame, feats: pl.DataFrame) -> None:
    rows = {r["id"]: r for r in feats.to_dicts()}
    sample = pairs.sample(min(10_000, pairs.height), seed=1).rows()
    times = []
    for left, right, _rules in sample:
        begin = time.perf_counter_ns()
        compare_one(rows[left], rows[right])
        times.append(time.perf_counter_ns() - begin)
    p50, p99 = np.percentile(times, [50, 99]) / 1000
    print(f"  compare_one (real-time path)  p50 {p50:.1f} us, p99 {p99:.1f} us")


def _srids(engine: object) -> pl.DataFrame:
    from sqlalchemy import Engine, select

    from sojourn.records.tables import records

    assert isinstance(engine, Engine)
    with engine.connect() as conn:
        rows = conn.execute(select(records.c.id, records.c.source_record_id)).all()
    return pl.DataFrame(rows, schema={"id": pl.Utf8, "source_record_id": pl.Utf8}, orient="row")


if __name__ == "__main__":
    main()
