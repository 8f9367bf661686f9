"""The batch run on both engines: links for every record, stable ids across re-runs, new
records and retraining, judgements that override the model, grey-band reviews."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, func, select

from sojourn.records import ingest_file, plan
from sojourn.records.tables import records
from sojourn.resolve.blocking import candidate_pairs
from sojourn.resolve.compare import COMPARISONS
from sojourn.resolve.features import features, load_records
from sojourn.resolve.generic import find as find_generic
from sojourn.resolve.generic import neutralise
from sojourn.resolve.judgements import JudgementError, judge, retract
from sojourn.resolve.queries import explain_record, open_reviews, person_history
from sojourn.resolve.run import resolve_all, resolve_records, train_model
from sojourn.resolve.store import current_links
from sojourn.resolve.tables import person_events
from sojourn.store import make_engine, upgrade
from sojourn.synth import generate
from tests.conftest import PG_URL, drop_pg_schema, new_pg_schema, sqlite_url


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pop")
    generate(800, 3, dt.date(2025, 9, 30), out)
    return out


def _ingest(engine: Engine, data: Path, only: set[str] | None = None) -> None:
    for item in plan([data], None):
        if only is None or item.mapping.source in only:
            ingest_file(engine, item.path, item.mapping)


def _links(engine: Engine) -> pl.DataFrame:
    with engine.connect() as conn:
        return current_links(conn)


def _person_of(engine: Engine, record: str) -> str:
    return str(_links(engine).filter(pl.col("record_id") == record)["person_id"][0])


def test_every_record_is_linked_and_a_rerun_changes_nothing(
    engine: Engine, population: Path
) -> None:
    _ingest(engine, population)
    first = resolve_all(engine)
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(records)).scalar_one()
    links = _links(engine)
    assert first.trained and links.height == stored == first.records
    assert first.counts["persons_created"] == links["person_id"].n_unique() == first.persons
    assert 700 <= first.persons <= 900  # 800 true persons
    several = links.group_by("person_id").len().filter(pl.col("len") > 1)
    assert first.counts["new_persons_of_several_records"] == several.height > 0
    assert first.counts["records_in_new_persons_of_several_records"] == several["len"].sum()
    assert first.counts["links_written_to_existing_persons"] == first.counts["merges"] == 0
    feats = features(load_records(engine))
    blocked = candidate_pairs(neutralise(feats, find_generic(feats)))
    assert first.pairs == blocked.pairs.height > first.records  # every candidate scored
    again = resolve_all(engine)
    assert again.counts == dict.fromkeys(again.counts, 0)
    assert again.pairs == first.pairs
    assert _links(engine).equals(links)


def test_person_ids_survive_new_records_and_retraining(engine: Engine, population: Path) -> None:
    _ingest(engine, population, {"cbp-i94", "cbp-apis-out", "ice-sevis"})
    resolve_all(engine)
    before = _links(engine).select("record_id", "person_id")
    _ingest(engine, population)
    train_model(engine)
    run = resolve_all(engine)
    after = _links(engine).select("record_id", "person_id")
    moved = before.join(after, on="record_id", suffix="_now").filter(
        pl.col("person_id") != pl.col("person_id_now")
    )
    with engine.connect() as conn:
        events = conn.execute(
            select(person_events).where(person_events.c.run_id == run.run_id)
        ).all()  # a list: a result read twice would be empty the second time
        logged = {r.person_id for r in events} | {r.other_person_id for r in events}
    # Every record that changed person did so through a logged merge, split or move.
    assert set(moved["person_id"]) <= logged
    assert moved.height <= before.height * 0.01
    assert after["record_id"].n_unique() > before.height
    # A new model rewrites every link: those to persons that existed before are counted.
    existing = after.filter(pl.col("person_id").is_in(before["person_id"].unique().implode()))
    assert run.counts["links_written_to_existing_persons"] == existing.height > before.height


def test_judgements_override_the_model_and_survive_reruns(engine: Engine, population: Path) -> None:
    _ingest(engine, population)
    resolve_all(engine)
    links = _links(engine)
    sizes = links.group_by("person_id").len()
    pair_person = sizes.filter(pl.col("len") == 2)["person_id"][0]
    a, b = sorted(links.filter(pl.col("person_id") == pair_person)["record_id"])
    other = links.filter(pl.col("person_id") != pair_person)["record_id"][0]

    apart = judge(engine, a, b, "different", "alice", "different fingerprints")
    resolve_records(engine, [a, b])
    assert _person_of(engine, a) != _person_of(engine, b)
    together = judge(engine, a, other, "same", "bob", "same passport photo")
    resolve_records(engine, [a, other])
    assert _person_of(engine, a) == _person_of(engine, other)
    train_model(engine)
    resolve_all(engine)
    assert _person_of(engine, a) == _person_of(engine, other) != _person_of(engine, b)
    explained = explain_record(engine, a)
    assert explained.method == "judgement" and explained.judgement_id == together

    retract(engine, apart, "carol", "fingerprints were of another file")
    retract(engine, together, "carol", "photo belonged to another file")
    resolve_all(engine)
    assert _person_of(engine, a) == _person_of(engine, b) != _person_of(engine, other)
    assert {e["action"] for e in person_history(engine, _person_of(engine, a))} & {
        "split",
        "merged",
        "moved",
    }


def test_judgement_errors(engine: Engine, population: Path) -> None:
    _ingest(engine, population, {"cbp-i94"})
    ids = _ids(engine, 2)
    with pytest.raises(JudgementError, match="reason"):
        judge(engine, ids[0], ids[1], "same", "alice", " ")
    with pytest.raises(JudgementError, match="no record"):
        judge(engine, ids[0], "nope", "same", "alice", "why")
    with pytest.raises(ValueError, match="maybe"):
        judge(engine, ids[0], ids[1], "maybe", "alice", "why")
    with pytest.raises(JudgementError, match="no judgement"):
        retract(engine, 99, "alice", "why")


def _ids(engine: Engine, n: int) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(records.c.id).order_by(records.c.id).limit(n)).scalars())


def test_grey_band_pairs_open_reviews_once(engine: Engine, population: Path) -> None:
    _ingest(engine, population)
    first = resolve_all(engine, accept=0.999, review=0.2)
    reviews = open_reviews(engine)
    assert first.counts["reviews_opened"] == len(reviews) > 0
    for item in reviews:
        assert 0.2 <= item["match_probability"] < 0.999
        assert _person_of(engine, item["record_l"]) != _person_of(engine, item["record_r"])
    assert resolve_all(engine, accept=0.999, review=0.2).counts["reviews_opened"] == 0
    item = reviews[0]
    judge(engine, item["record_l"], item["record_r"], "unsure", "dan", "need file", item["id"])
    assert item["id"] not in {r["id"] for r in open_reviews(engine)}


def test_explanation_adds_up_to_the_link_probability(engine: Engine, population: Path) -> None:
    _ingest(engine, population)
    resolve_all(engine)
    link = _links(engine).filter(pl.col("method") == "model").row(0, named=True)
    result = explain_record(engine, link["record_id"])
    assert result.pair is not None and result.via_record_id == link["via_record_id"]
    total = result.pair.prior_weight + sum(f.weight for f in result.pair.fields)
    assert total + result.pair.tf_adjustment == pytest.approx(result.pair.match_weight)
    assert result.pair.match_probability == pytest.approx(link["match_probability"], abs=1e-9)
    assert link["record_id"] in {r["id"] for r in result.person_records}
    assert result.values["name"][0]
    stored = json.loads(result.history[-1]["evidence"])  # the vector the run scored
    assert {f.comparison: f.level for f in result.pair.fields} == {
        c: stored[c] for c in COMPARISONS
    }


def test_a_run_that_fails_while_writing_leaves_nothing(
    engine: Engine, population: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ingest(engine, population, {"cbp-i94"})
    from sojourn.resolve import store

    real = store.insert_rows

    def fail_after_links(conn: object, table: str, frame: pl.DataFrame) -> int:
        if table == "persons":
            raise RuntimeError("disk full")
        return real(conn, table, frame)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "insert_rows", fail_after_links)
    with pytest.raises(RuntimeError, match="disk full"):
        resolve_all(engine)
    assert _links(engine).is_empty()  # the links written before the failure are gone
    monkeypatch.undo()
    resumed = resolve_all(engine)  # from the saved features and vectors
    assert resumed.resumed and resumed.counts["links_written"] == resumed.records
    assert "features" not in resumed.seconds
    assert not resolve_all(engine).resumed  # the checkpoint went with the commit


def test_a_checkpoint_of_other_records_is_not_used(
    engine: Engine, population: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ingest(engine, population, {"cbp-i94"})
    from sojourn.resolve import run

    def fail(*_args: object) -> None:
        raise RuntimeError("killed")

    monkeypatch.setattr(run, "_link", fail)
    with pytest.raises(RuntimeError):
        resolve_all(engine)
    monkeypatch.undo()
    _ingest(engine, population, {"sevis"})
    summary = resolve_all(engine)
    assert not summary.resumed and summary.records == _links(engine).height


def test_the_same_records_give_the_same_persons_on_both_engines(
    population: Path, tmp_path: Path
) -> None:
    schema = new_pg_schema()
    engines = [make_engine(sqlite_url(tmp_path)), make_engine(PG_URL, schema)]
    try:
        results = []
        for engine in engines:
            upgrade(engine)
            _ingest(engine, population, {"cbp-i94", "cbp-apis-out", "uscis-benefits"})
            results.append((resolve_all(engine).model_version, _links(engine).sort("record_id")))
        (version_a, links_a), (version_b, links_b) = results
        assert version_a == version_b
        assert links_a.select("record_id", "person_id").equals(
            links_b.select("record_id", "person_id")
        )
    finally:
        for engine in engines:
            engine.dispose()
        drop_pg_schema(schema)
