"""Real-time matching serves the batch definitions: same vectors, weights and candidates as
the batch path on a generated population, and the decisions by hand."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import polars as pl
import pytest

from sojourn.resolve.blocking import RULES, candidate_pairs
from sojourn.resolve.cluster import CONTRADICTION, GREY_BAND, SCORED_APART, cluster
from sojourn.resolve.compare import COMPARISONS, compare_pairs
from sojourn.resolve.explain import explain_vector
from sojourn.resolve.features import features
from sojourn.resolve.model import Model, score
from sojourn.resolve.realtime import TOP, Index
from sojourn.resolve.rowfeatures import feature_row
from sojourn.resolve.training import train

KEYS = (*COMPARISONS, "name_value")


@dataclass(frozen=True)
class Batch:
    """The batch path on a generated population, and an index built from it."""

    records: dict[str, dict[str, Any]]
    pairs: pl.DataFrame
    scored: pl.DataFrame
    persons: dict[str, str]
    model: Model
    index: Index


@pytest.fixture(scope="module")
def batch(generated_records: pl.DataFrame) -> Batch:
    records = generated_records
    feats = features(records)
    pairs = candidate_pairs(feats).pairs
    vectors = compare_pairs(pairs, feats)
    ids = feats["id"].sample(200_000, seed=7, with_replacement=True).to_list()
    randoms = pl.DataFrame({"id_l": ids[::2], "id_r": ids[1::2]})
    random_vectors = compare_pairs(randoms.filter(pl.col("id_l") != pl.col("id_r")), feats)
    model = train(vectors, random_vectors, feats.height, feats["name_sorted"])
    scored = score(vectors, model)
    assignments = cluster(scored, feats["id"]).assignments
    persons = dict(assignments.select("id", "cluster").iter_rows())
    by_id = {r["id"]: r for r in records.iter_rows(named=True)}
    return Batch(by_id, pairs, scored, persons, model, Index.build(feats, persons, model))


def test_ten_thousand_pairs_get_the_batch_vector_and_weight(batch: Batch) -> None:
    sample = batch.scored.sample(10_000, seed=11)
    common = sample["name_value"].is_in(list(batch.model.name_tf))
    assert common.sum() > 0  # exact matches on common names: the tf adjustment is exercised
    for n, expected in enumerate(sample.iter_rows(named=True)):
        row = feature_row(batch.records[expected["id_l"]])
        got = batch.index.candidate(row, expected["id_r"])
        assert got.vector == {k: expected[k] for k in KEYS}, expected
        assert got.match_weight == pytest.approx(expected["match_weight"], abs=1e-9)
        assert got.match_probability == pytest.approx(expected["match_probability"], abs=1e-9)
        if n % 20 == 0:  # explain is slow (it hashes the model); the same sums, exactly
            assert got.match_weight == explain_vector(got.vector, batch.model).match_weight
        assert got.person_id == batch.persons[expected["id_r"]]


def test_candidates_are_the_batch_partners(batch: Batch) -> None:
    both = pl.concat(
        [
            batch.pairs.select(pl.col("id_l").alias("a"), pl.col("id_r").alias("b")),
            batch.pairs.select(pl.col("id_r").alias("a"), pl.col("id_l").alias("b")),
        ]
    )
    partners = dict(both.group_by("a").agg("b").iter_rows())
    sample = pl.Series(list(batch.records)).sample(1_000, seed=3).to_list()
    for record_id in sample:
        row = feature_row(batch.records[record_id])
        assert set(batch.index.candidates(row, record_id)) == set(partners.get(record_id, []))
    assert sum(1 for r in sample if r in partners) > 500


def test_match_reports_sorted_top_candidates_and_leaves_the_index(batch: Batch) -> None:
    size = len(batch.index)
    sizes = Counter(batch.persons.values())
    multi = [r for r, p in batch.persons.items() if sizes[p] > 1]
    for record_id in multi[:20]:
        match = batch.index.match(batch.records[record_id], record_id)
        probabilities = [c.match_probability for c in match.candidates]
        assert probabilities == sorted(probabilities, reverse=True)
        assert 0 < len(match.candidates) <= TOP
        assert record_id not in {c.record_id for c in match.candidates}
        assert match.record_id == record_id and match.reason
    assert len(batch.index) == size


def _record(record_id: str, **values: str | None) -> dict[str, str | None]:
    base: dict[str, str | None] = {
        "id": record_id, "given_name": "Amara", "family_name": "Okonkwo-Beltrán",
        "birth_date": "1979-11-23", "sex": "F", "nationality": "NGA",
        "passport_number": "A7319942", "passport_country": "NGA",
    }  # fmt: skip
    return {**base, **values}


def _index(batch: Batch, *records: tuple[dict[str, str | None], str | None]) -> Index:
    index = Index(batch.model)
    for record, person in records:
        index.add(str(record["id"]), feature_row(record), person)
    return index


def test_a_copy_of_an_indexed_record_attaches_to_its_person(batch: Batch) -> None:
    record_id = next(
        r
        for r, rec in batch.records.items()
        if rec["passport_number"] and rec["birth_date"] and len(rec["birth_date"]) == 10
    )
    copy = {**batch.records[record_id], "id": "incoming"}
    match = batch.index.match(copy, "incoming")
    assert (match.decision, match.person_id) == ("attach", batch.persons[record_id])
    assert match.candidates[0].record_id == record_id
    assert match.candidates[0].vector["name"] == 6 and match.candidates[0].vector["passport"] == 1


def test_an_unrelated_record_is_new(batch: Batch) -> None:
    record = {"id": "x", "given_name": "Qzyxw", "family_name": "Vrtplk", "birth_date": "1901-02-03"}
    match = batch.index.match(record, "x")
    assert (match.decision, match.person_id, match.candidates) == ("new", None, ())


def test_near_identical_records_of_two_persons_go_to_review(batch: Batch) -> None:
    index = _index(batch, (_record("r1"), "P1"), (_record("r2", sex=None), "P2"))
    match = index.match(_record("r3"))
    assert match.decision == "review"
    assert match.person_id == "P1"  # the best candidate's person (all fields agree)
    assert "would join 2 persons" in match.reason
    assert "P1" in match.reason and "P2" in match.reason
    assert [c.person_id for c in match.candidates] == ["P1", "P2"]


def test_two_records_of_one_person_attach(batch: Batch) -> None:
    index = _index(batch, (_record("r1"), "P1"), (_record("r2", sex=None), "P1"))
    match = index.match(_record("r3"))
    assert (match.decision, match.person_id) == ("attach", "P1")


def test_a_person_one_of_whose_records_says_someone_else_goes_to_review(batch: Batch) -> None:
    other = _record("r2", family_name="Lindqvist", nationality="SWE", sex="M",
                    passport_number="Z0918273", passport_country="SWE")  # fmt: skip
    index = _index(batch, (_record("r1"), "P1"), (other, "P1"))  # a chain put both in P1
    match = index.match(_record("r3"))
    against = {c.record_id: c.match_probability for c in match.candidates}
    assert against["r1"] >= index.accept and against["r2"] < CONTRADICTION
    assert (match.decision, match.person_id) == ("review", "P1")
    assert SCORED_APART in match.reason and "r2" in match.reason


def test_a_record_with_no_person_yet_is_not_attached_to(batch: Batch) -> None:
    match = _index(batch, (_record("r1"), None)).match(_record("r2"))
    assert (match.decision, match.person_id) == ("review", None)
    assert "no person yet" in match.reason


def test_thresholds_decide_at_their_bounds(batch: Batch) -> None:
    # A grey pair: no passport, little else (the first of these the model is unsure of).
    weaker = (
        {"birth_date": "1979"},
        {"birth_date": "1979", "sex": None},
        {"birth_date": None, "sex": None},
        {"birth_date": None, "sex": None, "given_name": "Amarra"},
    )
    for fewer in weaker:
        near = _record("q", passport_number=None, nationality=None, **fewer)
        probe = _index(batch, (_record("r1"), "P1")).match(near)
        p = probe.candidates[0].match_probability
        if 0.01 < p < 0.999:
            break
    assert 0.01 < p < 0.999
    grey = Index(batch.model, accept=min(1.0, p + 1e-6), review=p)
    grey.add("r1", feature_row(_record("r1")), "P1")
    match = grey.match(near)
    assert (match.decision, match.person_id) == ("review", "P1")
    assert match.reason.startswith(GREY_BAND)
    at_accept = _index_with(batch, accept=p, review=p / 2).match(near)
    assert (at_accept.decision, at_accept.person_id) == ("attach", "P1")
    below = _index_with(batch, accept=min(1.0, p * 1.5), review=p + 1e-6).match(near)
    assert (below.decision, below.person_id) == ("new", None)


def _index_with(batch: Batch, accept: float, review: float) -> Index:
    index = Index(batch.model, accept=accept, review=review)
    index.add("r1", feature_row(_record("r1")), "P1")
    return index


def test_generic_keys_give_no_candidates_as_in_batch(batch: Batch) -> None:
    limit = next(r.max_block for r in RULES if r.name == "passport")
    others = [
        _record(f"r{i}", given_name=f"Name{i:03d}", family_name=f"Other{i:03d}", birth_date=None)
        for i in range(limit)
    ]
    index = _index(batch, *((r, f"P{i}") for i, r in enumerate(others[:-1])))
    query = _record("q", given_name="Someone", family_name="Else", birth_date=None)
    assert len(index.candidates(feature_row(query))) == limit - 1  # a block of max_block
    index.add("r_last", feature_row(others[-1]), "Plast")
    assert index.candidates(feature_row(query)) == []  # max_block + the incoming one
    own = index.candidates(feature_row(others[0]), "r0")  # already a member: not counted twice
    assert len(own) == limit - 1 and "r0" not in own


def test_add_indexes_a_record_once(batch: Batch) -> None:
    index = _index(batch, (_record("r1"), "P1"))
    index.add("r2", feature_row(_record("r2", given_name="Zeynep")), "P2")
    assert len(index) == 2 and "r2" in index
    assert index.match(_record("q", given_name="Zeynep")).person_id == "P2"
    with pytest.raises(ValueError, match="already indexed"):
        index.add("r2", feature_row(_record("r2")), "P2")


def test_truncate_forgets_the_newest_records_and_their_keys(batch: Batch) -> None:
    index = _index(batch, (_record("r1"), "P1"), (_record("r2", sex=None), "P1"))
    blocks = [{k: list(v) if isinstance(v, list) else v for k, v in b.items()}
              for b in index._blocks]  # fmt: skip
    index.add("r3", feature_row(_record("r3", given_name="Zeynep")), "P3")
    index.add("r4", feature_row(_record("r4", family_name="Vrtplk")), None)
    index.truncate(2)
    assert len(index) == 2 and "r3" not in index and "r4" not in index
    assert [dict(b) for b in index._blocks] == blocks
    assert index.candidates(feature_row(_record("q"))) == ["r1", "r2"]
    index.add("r3", feature_row(_record("r3")), "P1")  # positions are reused cleanly
    assert index.candidates(feature_row(_record("q"))) == ["r1", "r2", "r3"]
