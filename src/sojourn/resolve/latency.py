"""Real-time match latency, measured the way it is served: an in-memory index of every
resolved record but a held-out sample, then ``match`` on each held-out record."""

from __future__ import annotations

from functools import partial

from sqlalchemy import Engine

from sojourn.resolve.evaluation import percentiles, timed
from sojourn.resolve.features import features, load_records
from sojourn.resolve.realtime import Index
from sojourn.resolve.store import current_links, last_thresholds, load_model


def measure_latency(engine: Engine, sample: int = 1_000, seed: int = 11) -> dict[str, float]:
    """p50/p90/p99/max of ``Index.match`` in milliseconds over ``sample`` held-out records."""
    records = load_records(engine)
    with engine.connect() as conn:
        links = current_links(conn)
        model = load_model(conn)
        accept, review = last_thresholds(conn)
    held = records.sample(min(sample, max(records.height // 10, 1)), seed=seed)
    rest = records.join(held.select("id"), on="id", how="anti")
    persons = dict(links.select("record_id", "person_id").iter_rows())
    index = Index.build(features(rest), persons, model, accept, review)
    samples = [timed(partial(index.match, row)) for row in held.to_dicts()]
    return percentiles(samples) | {"indexed": float(len(index))}
