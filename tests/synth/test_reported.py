"""What the overstay report should say of each true admission, given what was recorded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from sojourn.records import ingest_file, plan
from sojourn.store import make_engine, upgrade
from sojourn.store.arrow import fetch_arrow
from sojourn.synth import generate
from sojourn.synth.reported import reported_outcomes

AS_OF = dt.date(2025, 9, 30)


def test_reported_follows_the_records_not_the_real_world(tmp_path: Path) -> None:
    generate(1_500, 4, AS_OF, tmp_path)
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine)
    for item in plan([tmp_path], None):
        ingest_file(engine, item.path, item.mapping)
    found = pl.from_arrow(
        fetch_arrow(engine, "SELECT source, source_record_id, kind, event_date FROM records")
    )
    assert isinstance(found, pl.DataFrame)
    rows = found.filter(pl.col("kind") != "arrival")
    stored = found.filter(pl.col("kind") == "arrival")
    # quarantined arrivals: some admissions have no stored arrival record
    dropped = stored.sample(fraction=0.1, seed=1)
    rows = pl.concat([rows, stored.join(dropped, on="source_record_id", how="anti")])
    report = reported_outcomes(tmp_path, rows, AS_OF)
    assert report["admission_number"].is_unique().all()
    assert not report["admission_number"].is_in(dropped["source_record_id"].implode()).any()
    pairs = report.group_by("overstay", "reported").len()
    counts = {(a, b): n for a, b, n in pairs.iter_rows()}
    # an unrecorded exit shows as an in-country overstay, a real one as itself
    assert counts.get(("none", "in_country"), 0) > 0
    assert counts.get(("in_country", "in_country"), 0) > 0
    assert counts.get(("not_due", "not_due"), 0) > 0
    # most agree with the real world; land exits to Mexico and the dropped arrivals are the rest
    agree = sum(n for (a, b), n in counts.items() if a == b or (a, b) == ("none", "on_time"))
    assert 0.8 < agree / report.height < 1
