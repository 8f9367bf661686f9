"""``sojourn resolve --engine spark`` writes what the single-machine run writes: the same
links (with their evidence), persons, person events, reviews, run rows and model, on a
generated population ingested into two stores, through every stage: training, thresholds
chosen by the model, a second run over new records with the saved model and existing
persons, judgements (a person split, two joined, one pair judged both ways) and the chain
cut that a judged-same pair across two persons sets off. The 20,000-person equivalence is
bench/spark.py's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from pyspark.sql import SparkSession
from sqlalchemy import Engine

from sojourn.records import ingest_file, plan
from sojourn.resolve.blocking import candidate_pairs
from sojourn.resolve.cluster import CONTRADICTION, JUDGEMENTS_DISAGREE, SCORED_APART
from sojourn.resolve.compare import compare_pairs
from sojourn.resolve.features import features, load_records
from sojourn.resolve.generic import neutralise
from sojourn.resolve.judgements import judge
from sojourn.resolve.model import score
from sojourn.resolve.run import resolve_all
from sojourn.resolve.store import current_links, load_model
from sojourn.spark.equivalence import differences, written
from sojourn.spark.resolve import resolve_spark
from sojourn.store import make_engine, upgrade
from sojourn.synth import generate

#: Ingested for the first run; the rest arrive before the second.
FIRST = frozenset({"cbp-i94", "uscis-benefits", "sevis", "dos-passports", "ssa-numident"})


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("spark-pop")
    generate(400, 4, dt.date(2025, 9, 30), out)
    return out


def _store(path: Path, data: Path, sources: frozenset[str] | None) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    for item in plan([data], None):
        if sources is None or (item.mapping.source in FIRST) == (sources == FIRST):
            ingest_file(engine, item.path, item.mapping)
    return engine


def _scored_apart(engine: Engine, links: pl.DataFrame) -> tuple[str, str]:
    """Two records of two persons of several records each, joined by no pair but with a
    candidate pair between the persons that the model scores apart (``CONTRADICTION``):
    judged the same, they make one person whose own records contradict it."""
    with engine.connect() as conn:
        model = load_model(conn)
    feats = neutralise(features(load_records(engine)), model.generic)
    scored = score(compare_pairs(candidate_pairs(feats).pairs, feats), model)
    person = links.select(pl.col("record_id").alias("id"), "person_id")
    low = (
        scored.filter(pl.col("match_probability") < CONTRADICTION)
        .join(person.rename({"id": "id_l", "person_id": "p_l"}), on="id_l")
        .join(person.rename({"id": "id_r", "person_id": "p_r"}), on="id_r")
        .filter(pl.col("p_l") != pl.col("p_r"))
        .sort("id_l", "id_r")
    )
    for r_l, p_l, p_r in low.select("id_l", "p_l", "p_r").iter_rows():
        others = person.filter((pl.col("person_id") == p_l) & (pl.col("id") != r_l))["id"]
        if others.len() and (person["person_id"] == p_r).sum() >= 2:
            right = person.filter(pl.col("person_id") == p_r)["id"].sort()[0]
            return str(others.sort()[0]), str(right)
    raise AssertionError("no two persons with a pair scored apart: a larger population")


def _judge_both(engines: list[Engine]) -> None:
    """Judgements, the same in both stores: a two-record person judged apart; two persons'
    records judged the same where other records of theirs are scored apart (a chain cut);
    a record judged the same as two records judged apart."""
    with engines[0].connect() as conn:
        links = current_links(conn)
    sizes = links.group_by("person_id").len().sort("person_id")
    pairs = sizes.filter(pl.col("len") == 2)["person_id"].to_list()
    larger = sizes.filter(pl.col("len") >= 3)["person_id"].to_list()
    members = {p: sorted(links.filter(pl.col("person_id") == p)["record_id"]) for p in pairs[:2]}
    members |= {p: sorted(links.filter(pl.col("person_id") == p)["record_id"]) for p in larger[:1]}
    a, b = members[pairs[0]]
    z = members[pairs[1]][0]
    c, d = members[larger[0]][:2]
    x, y = _scored_apart(engines[0], links)
    verdicts = [
        (a, b, "different"),  # a split
        (x, y, "same"),  # two persons joined, their records scored apart: a chain cut
        (c, d, "different"),
        (z, c, "same"),
        (z, d, "same"),  # refused: c and d are apart
    ]
    for engine in engines:
        for left, right, verdict in verdicts:
            judge(engine, left, right, verdict, "tester", "equivalence test")


def test_spark_writes_what_the_single_machine_run_writes(
    spark: SparkSession, population: Path, tmp_path: Path
) -> None:
    engines = [_store(tmp_path / f"{name}.sqlite", population, FIRST) for name in "ab"]
    first = resolve_all(engines[0])
    spark_first = resolve_spark(engines[1], spark=spark)
    assert first.trained and spark_first.trained
    assert spark_first.model_version == first.model_version
    assert differences(written(engines[0]), written(engines[1])) == []
    assert spark_first.counts == first.counts and spark_first.persons == first.persons
    assert spark_first.pairs == first.pairs > 0  # the same candidates scored

    for engine in engines:
        for item in plan([population], None):
            if item.mapping.source not in FIRST:
                ingest_file(engine, item.path, item.mapping)
    _judge_both(engines)
    second = resolve_all(engines[0])
    spark_second = resolve_spark(engines[1], spark=spark)
    assert not spark_second.trained
    assert (spark_second.accept, spark_second.review) == (second.accept, second.review)
    after = written(engines[1])
    assert differences(written(engines[0]), after) == []
    assert spark_second.counts == second.counts
    # Every stage was exercised: a chain cut, judgements that disagree, splits and merges.
    reasons = set(after["identity_reviews"]["reason"])
    assert {SCORED_APART, JUDGEMENTS_DISAGREE} <= reasons
    actions = set(after["person_events"]["action"])
    assert {"created", "split", "merged"} <= actions or {"created", "split", "moved"} <= actions
    assert after["links"]["method"].unique().sort().to_list() == ["judgement", "model", "single"]
