"""Connected components in Spark (large-star / small-star) against the single-machine
union–find (``sojourn.resolve.cluster.components``): the same smallest id for every record."""

from __future__ import annotations

import datetime as dt
import random
from itertools import pairwise
from pathlib import Path

import polars as pl
import pytest
from pyspark.sql import DataFrame, SparkSession

from sojourn.records import ingest_file, plan
from sojourn.resolve.blocking import candidate_pairs
from sojourn.resolve.cluster import components as single_machine
from sojourn.resolve.compare import compare_pairs
from sojourn.resolve.features import features, load_records
from sojourn.resolve.generic import find as find_generic
from sojourn.resolve.generic import neutralise
from sojourn.resolve.model import score
from sojourn.resolve.thresholds import choose
from sojourn.resolve.training import train_on
from sojourn.spark.components import components
from sojourn.store import make_engine, upgrade
from sojourn.synth import generate

Edges = list[tuple[str, str]]


def spark_components(spark: SparkSession, ids: list[str], edges: Edges) -> dict[str, str]:
    frame = spark.createDataFrame(edges, "id_l string, id_r string")
    id_frame: DataFrame = spark.createDataFrame([(i,) for i in ids], "id string")
    rows = components(frame, id_frame).collect()
    result = {row["id"]: row["cluster"] for row in rows}
    assert len(result) == len(rows)  # one row per id
    return result


def random_graph(seed: int) -> tuple[list[str], Edges]:
    """Ids of varied length (so string order is not number order), a long chain in shuffled
    id order, a descending chain, a star with its centre not the smallest, random edges,
    duplicates, reversed duplicates, self-loops and isolated ids."""
    rng = random.Random(seed)
    ids = sorted({f"r{rng.randrange(10 ** rng.randint(1, 6))}" for _ in range(600)})
    pool = ids[:]
    rng.shuffle(pool)
    chain, descending, star, rest = pool[:120], pool[120:180], pool[180:230], pool[230:]
    edges = list(pairwise(chain))
    descending.sort(reverse=True)
    edges += list(pairwise(descending))
    edges += [(star[len(star) // 2], leaf) for leaf in star]
    edges += [(rng.choice(rest), rng.choice(rest)) for _ in range(220)]
    edges += [(b, a) for a, b in rng.sample(edges, 30)] + rng.sample(edges, 30)
    edges += [(i, i) for i in rng.sample(rest, 5)]
    rng.shuffle(edges)
    return ids, edges


@pytest.mark.parametrize("seed", [1, 2])
def test_random_graphs_match_the_single_machine_components(spark: SparkSession, seed: int) -> None:
    ids, edges = random_graph(seed)
    expected = single_machine(ids, edges)
    got = spark_components(spark, ids, edges)
    assert got == expected
    assert len(set(expected.values())) > 10  # many components, not one


def test_each_id_gets_its_components_smallest_id_as_python_orders_strings(
    spark: SparkSession,
) -> None:
    edges = [("r9", "r10"), ("r10", "r100"), ("b", "a"), ("é", "z"), ("x", "x")]
    got = spark_components(spark, ["alone", "r9"], edges)
    assert got == {
        "r9": "r10", "r10": "r10", "r100": "r10", "a": "a", "b": "a",
        "z": "z", "é": "z", "x": "x", "alone": "alone",
    }  # fmt: skip


def test_a_long_chain_with_its_smallest_id_at_the_far_end(spark: SparkSession) -> None:
    ids = [f"n{i:04d}" for i in range(300)]
    edges = list(pairwise(reversed(ids)))  # n0299–n0298–…–n0000
    got = spark_components(spark, [], edges)
    assert got == dict.fromkeys(ids, "n0000")


def test_no_edges_leaves_every_id_alone(spark: SparkSession) -> None:
    got = spark_components(spark, ["b", "a", "c"], [])
    assert got == {"a": "a", "b": "b", "c": "c"}


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], Edges]:
    """The record ids of 300 generated persons and their pairs at or above the accept
    threshold, scored as ``sojourn resolve`` scores them (a model trained on them)."""
    out: Path = tmp_path_factory.mktemp("synth300")
    generate(300, 5, dt.date(2025, 9, 30), out)
    engine = make_engine(f"sqlite:///{out / 'db.sqlite'}")
    upgrade(engine)
    for item in plan([out], None):
        ingest_file(engine, item.path, item.mapping)
    records = load_records(engine)
    engine.dispose()
    feats = features(records)
    generic = find_generic(feats)
    feats = neutralise(feats, generic)
    vectors = compare_pairs(candidate_pairs(feats).pairs, feats)
    scored = score(vectors, train_on(vectors, feats, generic))
    accept = choose(scored, None, None).accept
    accepted = scored.filter(pl.col("match_probability") >= accept).select("id_l", "id_r")
    return records["id"].to_list(), list(accepted.iter_rows())


def test_a_generated_populations_accepted_pairs_give_the_same_persons(
    spark: SparkSession, population: tuple[list[str], Edges]
) -> None:
    ids, edges = population
    expected = single_machine(ids, edges)
    got = spark_components(spark, ids, edges)
    assert got == expected
    persons = len(set(expected.values()))
    assert 200 <= persons < len(ids)  # about 300 persons from more records: pairs linked
