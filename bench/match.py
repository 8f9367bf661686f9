"""Benchmark of real-time matching: one record at a time against an in-memory index.

Generates N persons (default 310,000 ≈ 1,000,000 records), ingests them into a temporary
SQLite database and runs the batch path (features, blocking, comparison, model training,
scoring); holds out 10,000 random records and clusters the rest into persons. Then, in a fresh
process as a matching service would start (so that the batch path's freed memory does not
blur the figures), it loads the model and the resolved records, builds the
``realtime.Index`` and times ``Index.match`` on each held-out record (name keys not cached:
each match pays for its own normalization). Prints records indexed, build time, index memory
(resident set before/after the build), match latency percentiles, the share of each decision
and, against the generator's truth, how often an attach picks the right person.

    .venv/bin/python bench/match.py [--persons N] [--data DIR]
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
import polars as pl
from sqlalchemy import Engine, select

from population import ingested, machine
from sojourn.records.tables import records as records_table
from sojourn.resolve.blocking import candidate_pairs
from sojourn.resolve.cluster import cluster
from sojourn.resolve.compare import compare_pairs
from sojourn.resolve.features import features, load_records
from sojourn.resolve.model import Model, score
from sojourn.resolve.names import name_keys
from sojourn.resolve.realtime import Index, Match
from sojourn.resolve.rowfeatures import feature_row
from sojourn.resolve.training import train

HELD_OUT = 10_000


def _timed(label: str, start: float) -> float:
    now = time.perf_counter()
    print(f"  {label:<44}{now - start:>8.1f} s", flush=True)
    return now


def _rss_mb() -> float:
    """Resident set size of this process (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _ingest(data: Path, tmp: str, persons: int) -> Engine:
    start = time.perf_counter()
    engine = ingested(data, Path(tmp) / "bench.db", persons)
    _timed("generate and ingest (SQLite)", start)
    return engine


def _model(feats: pl.DataFrame) -> tuple[Model, pl.DataFrame]:
    """The batch path: blocking, comparison vectors, a trained model and the scored pairs
    (as bench/resolve.py)."""
    start = time.perf_counter()
    blocked = candidate_pairs(feats)
    vectors = compare_pairs(blocked.pairs, feats)
    start = _timed(f"blocking + compare: {vectors.height:,} pairs", start)
    ids = feats["id"].sample(2_000_000, seed=7, with_replacement=True).to_list()
    randoms = pl.DataFrame({"id_l": ids[::2], "id_r": ids[1::2]})
    random_vectors = compare_pairs(randoms.filter(pl.col("id_l") != pl.col("id_r")), feats)
    model = train(vectors, random_vectors, feats.height, feats["name_sorted"])
    scored = score(vectors, model)
    _timed(f"train + score, model {model.version}", start)
    return model, scored


def _persons(scored: pl.DataFrame, ids: pl.Series, held: pl.Series) -> dict[str, str]:
    """Record id → person (cluster) of the records that stay indexed, clustered without
    the held-out ones."""
    start = time.perf_counter()
    out = held.implode()
    kept = scored.filter(~pl.col("id_l").is_in(out) & ~pl.col("id_r").is_in(out))
    assignments = cluster(kept, ids.filter(~ids.is_in(out))).assignments
    _timed(f"cluster: {assignments['cluster'].n_unique():,} persons", start)
    return dict(assignments.select("id", "cluster").iter_rows())


def _build(feats: pl.DataFrame, persons: dict[str, str], model: Model) -> Index:
    gc.collect()
    before = _rss_mb()
    start = time.perf_counter()
    index = Index.build(feats, persons, model)
    seconds = time.perf_counter() - start
    gc.collect()
    gc.freeze()  # the index lives as long as the process: keep it out of collections
    after = _rss_mb()
    print(f"records indexed       {len(index):>12,}")
    print(f"build time            {seconds:>12.1f} s")
    print(f"resident set          {before:>9,.0f} MB → {after:,.0f} MB (+{after - before:,.0f})")
    return index


def _timings(index: Index, incoming: pl.DataFrame) -> list[Match]:
    """Match each incoming record; latency as wall time and as this thread's CPU time (the
    difference is time the process waited for a core: other work on the machine)."""
    name_keys.cache_clear()
    matches, wall, cpu = [], [], []
    for record in incoming.iter_rows(named=True):
        begin, begin_cpu = time.perf_counter_ns(), time.thread_time_ns()
        matches.append(index.match(record, record["id"]))
        wall.append(time.perf_counter_ns() - begin)
        cpu.append(time.thread_time_ns() - begin_cpu)
    print(f"match ({len(wall):,} records, the first {wall[0] / 1e6:.3f} ms)")
    for label, times in (("wall", wall), ("cpu", cpu)):
        ms = np.array(times) / 1e6
        p50, p90, p99, top = np.percentile(ms, [50, 90, 99, 100])
        print(f"  {label:<5}p50 {p50:.3f} ms, p90 {p90:.3f} ms, p99 {p99:.3f} ms, ", end="")
        print(f"max {top:.3f} ms, mean {ms.mean():.3f} ms")
    rows = (feature_row(r) for r in incoming.iter_rows(named=True))
    compared = np.array([len(index.candidates(row, row["id"])) for row in rows])
    p50, p99, top = np.percentile(compared, [50, 99, 100])
    print(f"  candidates compared per match: p50 {p50:.0f}, p99 {p99:.0f}, max {top:.0f}")
    return matches


def _decisions(matches: list[Match], truth: dict[str, str], persons: dict[str, str]) -> None:
    """Share of each decision; attaches checked against the generator's truth: is the best
    candidate the same true person, and is the attached person mostly that true person."""
    shares = Counter(m.decision for m in matches)
    print("decisions  " + ", ".join(f"{d} {shares[d] / len(matches):.1%}" for d in shares))
    members: dict[str, Counter[str]] = {}
    for record_id, person in persons.items():
        members.setdefault(person, Counter())[truth[record_id]] += 1
    attached = [m for m in matches if m.decision == "attach"]
    same = sum(truth[m.candidates[0].record_id] == truth[str(m.record_id)] for m in attached)
    mostly = sum(
        members[str(m.person_id)].most_common(1)[0][0] == truth[str(m.record_id)] for m in attached
    )
    print(f"  attaches whose best candidate is the same true person: {same:,} of {len(attached):,}")
    print(f"  attaches to a person mostly made of that true person: {mostly:,}")
    indexed = {truth[r] for r in persons}
    known = sum(1 for m in matches if truth[str(m.record_id)] in indexed)
    print(f"  held-out records whose true person is indexed: {known / len(matches):.1%}")
    reasons = Counter(m.reason.split(":")[0] for m in matches if m.decision == "review")
    for reason, n in reasons.most_common():
        print(f"  review: {reason}: {n}")


def _truth(engine: Engine, data: Path) -> dict[str, str]:
    """Record id → true person id (from the generator's truth files)."""
    with engine.connect() as conn:
        query = select(records_table.c.id, records_table.c.source, records_table.c.source_record_id)
        rows = conn.execute(query).all()
    ids = pl.DataFrame(rows, schema=["id", "source", "source_record_id"], orient="row")
    truth = pl.read_csv(data / "truth" / "records.csv", infer_schema=False)
    keys = truth.select("source", "source_record_id", "person_id").unique(
        ["source", "source_record_id"]
    )
    joined = ids.join(keys, on=["source", "source_record_id"])
    return dict(joined.select("id", "person_id").iter_rows())


def _prepare(args: argparse.Namespace, tmp: Path) -> None:
    """The batch path; writes what the service loads into ``tmp``."""
    data = args.data or tmp / "data"
    engine = _ingest(data, str(tmp), args.persons)
    records = load_records(engine)
    start = time.perf_counter()
    feats = features(records)
    _timed(f"features: {feats.height:,} records", start)
    model, scored = _model(feats)
    held = feats["id"].sample(HELD_OUT, seed=11)
    persons = _persons(scored, feats["id"], held)
    model.save(tmp / "model.json")
    pl.DataFrame({"id": list(persons), "person": list(persons.values())}).write_parquet(
        tmp / "persons.parquet"
    )
    out = held.implode()
    feats.filter(~pl.col("id").is_in(out)).write_parquet(tmp / "indexed.parquet")
    records.filter(pl.col("id").is_in(out)).write_parquet(tmp / "incoming.parquet")
    truth = _truth(engine, data)
    pl.DataFrame({"id": list(truth), "person": list(truth.values())}).write_parquet(
        tmp / "truth.parquet"
    )


def _serve(tmp: Path) -> None:
    """The matching service: load, build the index, match the held-out records."""
    model = Model.load(tmp / "model.json")
    persons = dict(pl.read_parquet(tmp / "persons.parquet").iter_rows())
    indexed = pl.read_parquet(tmp / "indexed.parquet")
    index = _build(indexed, persons, model)
    matches = _timings(index, pl.read_parquet(tmp / "incoming.parquet"))
    truth = dict(pl.read_parquet(tmp / "truth.parquet").iter_rows())
    _decisions(matches, truth, persons)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--persons", type=int, default=310_000)
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="sojourn-match-") as tmp:
        _prepare(args, Path(tmp))
        service = multiprocessing.get_context("spawn").Process(target=_serve, args=(Path(tmp),))
        service.start()
        service.join()
    print(f"machine after: {machine()}")


if __name__ == "__main__":
    main()
