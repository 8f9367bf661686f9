"""What training reads, given as counts and draws (``resolve.trainingset``): the same model
as from every vector and every record's features, checked against the computations it
replaced."""

from __future__ import annotations

import polars as pl
import pytest

from sojourn.resolve.blocking import candidate_pairs
from sojourn.resolve.compare import COMPARISONS, EXACT_NAME, compare_pairs
from sojourn.resolve.em import fit_sessions
from sojourn.resolve.features import features
from sojourn.resolve.generic import find as find_generic
from sojourn.resolve.generic import neutralise
from sojourn.resolve.health import check
from sojourn.resolve.prior import estimate
from sojourn.resolve.shipped import shipped_m
from sojourn.resolve.training import _name_tf, train_on
from sojourn.resolve.trainingset import InMemory, drawn, name_counts, pairs_in, patterns


@pytest.fixture(scope="module")
def feats(generated_records: pl.DataFrame) -> pl.DataFrame:
    found = features(generated_records)
    return neutralise(found, find_generic(found))


@pytest.fixture(scope="module")
def vectors(feats: pl.DataFrame) -> pl.DataFrame:
    return compare_pairs(candidate_pairs(feats).pairs, feats)


def test_patterns_count_every_pair_once(vectors: pl.DataFrame) -> None:
    counted = patterns(vectors)
    assert counted.height < vectors.height / 3  # far fewer rows than pairs
    assert pairs_in(counted) == vectors.height == pairs_in(vectors)
    assert patterns(counted) is counted
    both = counted.filter((pl.col("name") == EXACT_NAME) & (pl.col("birth_date") == 5))
    plain = vectors.filter((pl.col("name") == EXACT_NAME) & (pl.col("birth_date") == 5))
    assert pairs_in(both) == plain.height > 0


def test_em_and_the_prior_give_the_same_floats_from_patterns(vectors: pl.DataFrame) -> None:
    u = {c: [1.0 / len(levels)] * len(levels) for c, levels in COMPARISONS.items()}
    start = shipped_m()
    shuffled = patterns(vectors).sample(fraction=1.0, shuffle=True, seed=3)
    assert fit_sessions(vectors, u, start) == fit_sessions(shuffled, u, start)
    assert estimate(vectors, start, u, 10_000) == estimate(shuffled, start, u, 10_000)


def test_a_model_and_its_health_are_the_same_from_patterns(
    feats: pl.DataFrame, vectors: pl.DataFrame
) -> None:
    from_vectors = train_on(vectors, feats)
    from_patterns = train_on(patterns(vectors), InMemory(feats))
    for field in ("m", "u", "prior", "name_tf", "household_u", "diagnostics"):
        assert getattr(from_vectors, field) == getattr(from_patterns, field), field
    assert check(from_vectors, feats, vectors) == check(from_vectors, feats, patterns(vectors))


def test_names_are_counted_by_records_words_and_repeats() -> None:
    names = pl.Series("name_sorted", ["ana maria", "ana", "ana", None, "lopez maria", "ana"])
    counted = name_counts(names)
    assert counted.total == 5
    assert dict(counted.words.sort("word").iter_rows()) == {"ana": 4, "lopez": 1, "maria": 2}
    assert dict(counted.repeated.iter_rows()) == {"ana": 3}


def _name_tf_from_every_name(names: pl.Series, base_u: float, prior: float, m: float) -> dict:
    """The computation ``_name_tf`` replaced: over every record's name, not their counts."""
    present = names.drop_nulls()
    others = max(float(present.len()) - 1, 1.0)
    same = prior * others * m
    tokens = present.str.split(" ").list.unique().explode().value_counts(name="n")
    tf = ((pl.col("n") - same).clip(0.5) / others).alias("tf")
    words = tokens.select(pl.col(present.name).alias("word"), tf)
    counts = present.value_counts(name="n").filter(pl.col("n") >= 2)
    name = counts.columns[0]
    split = counts.select(name, word=pl.col(name).str.split(" ").list.unique()).explode("word")
    product = split.join(words, on="word").group_by(name).agg(pl.col("tf").product())
    rest = (pl.col("n") - 1 - same).clip(0.0)
    shares = counts.join(product, on=name).with_columns(
        pl.max_horizontal(pl.when(rest >= 1).then(rest).otherwise(0.0) / others, "tf").alias("u")
    )
    shares = shares.with_columns(pl.col("u").clip(lower_bound=base_u / 16))
    differ = (pl.col("u") / base_u).log(2).abs() > 1.0
    return dict(shares.filter(differ).select(name, "u").iter_rows())


def test_name_weights_from_counts_are_those_from_every_name(feats: pl.DataFrame) -> None:
    names = feats["name_sorted"]
    for base_u, prior in ((1e-4, 1e-4), (1e-3, 1e-5)):
        expected = _name_tf_from_every_name(names, base_u, prior, 0.9)
        got = _name_tf(name_counts(names), base_u, prior, 0.9)
        assert got == pytest.approx(expected, rel=1e-12)
        assert len(got) > 5


def test_records_give_rows_in_the_order_asked_and_the_same_draw(feats: pl.DataFrame) -> None:
    records = InMemory(feats)
    wanted = feats["id"].sample(50, seed=1)
    assert records.rows(wanted)["id"].to_list() == wanted.to_list()
    assert records.rows(wanted).columns[1:] == [c for c in feats.columns if c != "id"]
    sample = drawn(records, 200, 7)
    assert sample.equals(feats.sample(200, seed=7).select(sample.columns))
    assert drawn(records, feats.height + 1, 7) is feats
    having = records.having(["ssn", "sevis_id"])
    assert 0 < having.len() == records.present(["ssn", "sevis_id"]) < feats.height
    assert having.is_sorted() == feats["id"].is_sorted()
