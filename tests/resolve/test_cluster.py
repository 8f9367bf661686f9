"""Clustering thresholds, grey-band review items, and the evaluation metrics on a tiny
hand-made truth set."""

from __future__ import annotations

import polars as pl
import pytest

from sojourn.resolve.cluster import (
    GREY_BAND,
    JUDGEMENTS_DISAGREE,
    SCORED_APART,
    TWO_PERSONS,
    Constraints,
    cluster,
    components,
)
from sojourn.resolve.evaluate import error_rates, pairwise


def test_components_use_the_smallest_id_and_survive_long_chains() -> None:
    ids = [f"r{n:05d}" for n in range(5_000)]
    chain = list(zip(ids[1:], ids[:-1], strict=True))
    mapping = components([*ids, "solo"], reversed(chain))
    assert set(mapping.values()) == {"r00000", "solo"}


SCORED = pl.DataFrame(
    {
        "id_l": ["a", "b", "d", "a"],
        "id_r": ["b", "c", "e", "d"],
        "match_probability": [0.99, 0.95, 0.97, 0.7],
    }
)


def test_accepted_pairs_merge_and_grey_pairs_open_reviews() -> None:
    result = cluster(SCORED, pl.Series(["a", "b", "c", "d", "e", "f"]), accept=0.9, review=0.5)
    clusters = dict(result.assignments.iter_rows())
    assert clusters == {"a": "a", "b": "a", "c": "a", "d": "d", "e": "d", "f": "f"}
    assert result.reviews.rows() == [("a", "d", 0.7, GREY_BAND)]


def test_judged_different_records_never_join() -> None:
    rules = Constraints(different=(("a", "c"),))
    result = cluster(SCORED, pl.Series(list("abcdef")), constraints=rules)
    clusters = dict(result.assignments.iter_rows())
    assert clusters["a"] == clusters["b"] != clusters["c"]  # a-b is stronger than b-c


def test_a_chain_is_cut_where_the_model_scores_two_of_its_records_apart() -> None:
    # a-b and b-c strong, but a-c scored as two people: c stays apart, and a person decides
    scored = pl.DataFrame({"id_l": ["a", "b", "a", "d"], "id_r": ["b", "c", "c", "e"],
                           "match_probability": [0.999, 0.97, 1e-5, 0.98]})  # fmt: skip
    result = cluster(scored, pl.Series(list("abcde")), accept=0.95, review=0.5)
    clusters = dict(result.assignments.iter_rows())
    assert clusters == {"a": "a", "b": "a", "c": "c", "d": "d", "e": "d"}
    assert result.reviews.rows() == [("b", "c", 0.97, SCORED_APART)]


def test_a_judgement_of_same_outweighs_the_models_contradiction() -> None:
    scored = pl.DataFrame({"id_l": ["a", "b", "a"], "id_r": ["b", "c", "c"],
                           "match_probability": [0.999, 0.97, 1e-5]})  # fmt: skip
    rules = Constraints(same=(("a", "c", 3),))
    clusters = dict(cluster(scored, pl.Series(list("abc")), 0.95, 0.5, rules).assignments.rows())
    assert clusters == {"a": "a", "b": "a", "c": "a"}


def test_judged_same_records_join_whatever_the_model_says() -> None:
    rules = Constraints(same=(("c", "f", 7),))
    clusters = dict(
        cluster(SCORED, pl.Series(list("abcdef")), constraints=rules).assignments.rows()
    )
    assert clusters["f"] == clusters["a"]
    rules = Constraints(same=(("a", "d", 8),))
    result = cluster(SCORED, pl.Series(list("abcdef")), constraints=rules)
    assert result.reviews.is_empty()  # the grey pair a-d is judged: no review


def test_two_existing_persons_are_not_joined_by_the_model() -> None:
    owners = {"a": "P1", "b": "P1", "d": "P2"}
    scored = pl.concat(
        [SCORED, pl.DataFrame({"id_l": ["c"], "id_r": ["e"], "match_probability": [0.94]})]
    )
    result = cluster(scored, pl.Series(list("abcdef")), constraints=Constraints(owners=owners))
    clusters = dict(result.assignments.iter_rows())
    assert clusters["c"] == "a" and clusters["e"] == "d"  # c-e would join P1 and P2
    assert ("c", "e", 0.94, TWO_PERSONS) in result.reviews.rows()
    assert len({(r[0], r[1]) for r in result.reviews.rows()}) == result.reviews.height


def test_a_grey_pair_inside_one_cluster_needs_no_review() -> None:
    scored = SCORED.with_columns(pl.Series("match_probability", [0.99, 0.95, 0.97, 0.7]))
    extra = pl.DataFrame({"id_l": ["a"], "id_r": ["c"], "match_probability": [0.6]})
    result = cluster(pl.concat([scored, extra]), pl.Series(list("abcdef")))
    assert ("a", "c", 0.6) not in result.reviews.rows()


def test_thresholds_are_checked() -> None:
    with pytest.raises(ValueError, match="thresholds"):
        cluster(SCORED, pl.Series(["a"]), accept=0.5, review=0.9)


TRUTH = pl.DataFrame(
    {
        "id": ["a", "b", "c", "d", "e", "f"],
        "person_id": ["P1", "P1", "P2", "P3", "P3", "P3"],
        "origin": ["x", "x", "y", "z", "z", "z"],
    }
)


def test_metrics_on_a_hand_made_truth_set() -> None:
    predicted = pl.DataFrame({"id": list("abcdef"), "cluster": ["a", "a", "a", "d", "d", "f"]})
    scores = pairwise(predicted, TRUTH)
    # predicted pairs: ab ac bc de = 4; true pairs: ab de df ef = 4; both: ab de = 2
    assert scores == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    rates = {r["origin"]: r for r in error_rates(predicted, TRUTH, "origin").to_dicts()}
    assert rates["x"]["false_merge_rate"] == 1.0 and rates["x"]["missed_link_rate"] == 0.0
    assert rates["y"]["false_merge_rate"] == 1.0
    assert rates["z"]["missed_link_rate"] == 1.0 and rates["z"]["false_merge_rate"] == 0.0
    overall = error_rates(predicted, TRUTH).to_dicts()[0]
    assert overall["persons"] == 3


def test_existing_persons_own_records_may_join_after_retraining() -> None:
    scored = pl.DataFrame({"id_l": ["a"], "id_r": ["d"], "match_probability": [0.95]})
    rules = Constraints(owners={"a": "P1", "d": "P2"})
    result = cluster(scored, pl.Series(["a", "d"]), constraints=rules)
    assert result.assignments["cluster"].n_unique() == 1 and result.reviews.is_empty()


def test_judgements_that_disagree_open_a_review() -> None:
    # a-b same, b-c same, but a-c different: the last "same" cannot hold.
    rules = Constraints(same=(("a", "b", 1), ("b", "c", 2)), different=(("a", "c"),))
    result = cluster(SCORED.head(0), pl.Series(list("abc")), constraints=rules)
    clusters = dict(result.assignments.iter_rows())
    assert clusters["a"] == clusters["b"] != clusters["c"]
    assert result.reviews.rows() == [("b", "c", 1.0, JUDGEMENTS_DISAGREE)]
