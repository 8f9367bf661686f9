"""Real-time resolution written to the store: each decision persisted like a batch run's,
idempotent, and kept by the next batch run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, select

from sojourn.records import builtin_mapping, ingest_file, plan
from sojourn.records.tables import records
from sojourn.resolve import serving
from sojourn.resolve.evaluation import load_truth
from sojourn.resolve.run import resolve_all
from sojourn.resolve.serving import load_index, resolve_many, resolve_one
from sojourn.resolve.store import current_links
from sojourn.resolve.tables import person_events, reviews, runs
from sojourn.synth import generate
from tests.factory import i94_row, write_i94


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pop")
    generate(600, 4, dt.date(2025, 9, 30), out)
    return out


def _links(engine: Engine) -> pl.DataFrame:
    with engine.connect() as conn:
        return current_links(conn)


def _ingest(engine: Engine, data: Path, sources: set[str]) -> None:
    for item in plan([data], None):
        if item.mapping.source in sources:
            ingest_file(engine, item.path, item.mapping)


def test_incoming_records_are_matched_written_and_kept(
    engine: Engine, population: Path, tmp_path: Path
) -> None:
    _ingest(engine, population, {"cbp-i94", "uscis-benefits", "sevis"})
    resolve_all(engine)
    index = load_index(engine)
    _ingest(engine, population, {"cbp-apis-out"})  # departures arrive after the batch run
    stranger = write_i94(tmp_path / "x.csv", [i94_row("999", "Zzyzx", FIRST_NAME="Quentin")])
    ingest_file(engine, stranger, builtin_mapping("cbp-i94"))  # and someone never seen
    unlinked = set(_ids(engine)) - set(_links(engine)["record_id"])
    stranger_id = _ids(engine, "999")[0]
    arrived = [*sorted(unlinked - {stranger_id})[:200], stranger_id]
    decisions = [resolve_one(engine, index, record)[0] for record in arrived]
    assert all(d is not None for d in decisions)
    done = [d for d in decisions if d is not None]
    assert {d.decision for d in done} >= {"attach", "new"}
    assert sum(d.decision == "new" for d in done) <= 5
    truth = dict(load_truth(engine, population / "truth").select("id", "person_id").iter_rows())
    people = dict(_links(engine).select("record_id", "person_id").iter_rows())
    attached = [d for d in done if d.decision == "attach"]
    right = sum(truth[d.candidates[0].record_id] == truth[str(d.record_id)] for d in attached)
    assert right >= 0.98 * len(attached)
    assert all(people[str(d.record_id)] == d.person_id for d in attached)
    assert set(arrived) <= set(people)
    assert resolve_one(engine, index, arrived[0]) == (None, people[arrived[0]])
    with engine.connect() as conn:
        assert "realtime" in {r.kind for r in conn.execute(select(runs.c.kind))}
        created = conn.execute(select(person_events).where(person_events.c.action == "created"))
        assert created.first() is not None
        assert len(conn.execute(select(reviews)).all()) >= sum(d.decision == "review" for d in done)
    before = _links(engine).filter(pl.col("record_id").is_in(arrived))
    resolve_all(engine)  # the next batch run keeps what real time decided, or logs it
    after = _links(engine).filter(pl.col("record_id").is_in(arrived))
    kept = before.join(after, on=["record_id", "person_id"]).height
    assert kept >= 0.95 * len(arrived)


def _ids(engine: Engine, source_record_id: str | None = None) -> list[str]:
    query = select(records.c.id)
    if source_record_id is not None:
        query = query.where(records.c.source_record_id == source_record_id)
    with engine.connect() as conn:
        return list(conn.execute(query).scalars())


def _two_arrivals(engine: Engine, population: Path, tmp_path: Path) -> list[str]:
    """The population's arrivals resolved; then two arrivals of one person never seen."""
    _ingest(engine, population, {"cbp-i94"})
    resolve_all(engine)
    rows = [i94_row(n, "Zzyzx", FIRST_NAME="Quentin", PASSPORT_NO="Q7") for n in ("98", "99")]
    ingest_file(engine, write_i94(tmp_path / "x.csv", rows), builtin_mapping("cbp-i94"))
    return [_ids(engine, "98")[0], _ids(engine, "99")[0]]


def test_a_batch_is_matched_in_order_and_written_as_one_run(
    engine: Engine, population: Path, tmp_path: Path
) -> None:
    first, second = _two_arrivals(engine, population, tmp_path)
    index = load_index(engine)
    done = resolve_many(engine, index, [first, second, first])
    (m1, p1), (m2, p2) = done[first], done[second]
    assert m1 is not None and m1.decision == "new"
    assert m2 is not None and m2.decision == "attach" and p2 == p1  # matched the first
    with engine.connect() as conn:
        run = conn.execute(select(runs).order_by(runs.c.id.desc())).first()
    assert run is not None and (run.kind, run.records, run.links_written) == ("realtime", 2, 2)
    assert resolve_many(engine, index, [second]) == {second: (None, p1)}


def test_a_failed_batch_leaves_the_index_and_the_store_as_they_were(
    engine: Engine, population: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    arrivals = _two_arrivals(engine, population, tmp_path)
    index = load_index(engine)
    size, links = len(index), _links(engine).height

    def broken(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(serving, "write_results", broken)
    with pytest.raises(RuntimeError):
        resolve_many(engine, index, arrivals)
    assert len(index) == size and not any(a in index for a in arrivals)
    assert _links(engine).height == links
    monkeypatch.undo()
    done = resolve_many(engine, index, arrivals)  # the same batch again, now written
    assert done[arrivals[0]][1] == done[arrivals[1]][1]
