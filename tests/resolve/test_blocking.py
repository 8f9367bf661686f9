"""Blocking: candidate pairs, rule attribution, generic-value suppression, recall."""

from __future__ import annotations

import polars as pl

from sojourn.resolve.blocking import BlockingRule, candidate_pairs, pair_recall


def _features() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e", "f"],
            "passport": ["MEX:X1", "MEX:X1", None, "USA:000", "USA:000", "USA:000"],
            "birth_date": ["1985-03-12", "1985-03-12", "1985-03-12", None, None, "1990"],
            "name_variants": [["garcia", "lopez"], ["garcia"], ["garcia"], ["kim"], ["lee"], []],
        },
        schema_overrides={"name_variants": pl.List(pl.Utf8)},
    )


RULES = (
    BlockingRule("passport", ("passport",), max_block=2),
    BlockingRule("dob_variant", ("birth_date", "name_variants")),
)


def test_pairs_and_the_rules_that_found_them() -> None:
    blocked = candidate_pairs(_features(), RULES)
    pairs = {(r["id_l"], r["id_r"]): r["rules"] for r in blocked.pairs.to_dicts()}
    assert pairs == {
        ("a", "b"): ["dob_variant", "passport"],
        ("a", "c"): ["dob_variant"],
        ("b", "c"): ["dob_variant"],
    }


def test_generic_values_are_suppressed_and_reported() -> None:
    blocked = candidate_pairs(_features(), RULES)
    [row] = blocked.suppressed.to_dicts()
    assert row == {"rule": "passport", "key": "USA:000", "records": 3}
    assert not blocked.pairs.filter(pl.col("id_l") == "d").height


def test_pair_recall_overall_and_per_group() -> None:
    pairs = pl.DataFrame({"id_l": ["a", "d"], "id_r": ["b", "e"]})
    truth = pl.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e"],
            "person_id": ["P1", "P1", "P1", "P2", "P2"],
            "origin": ["hispanic"] * 3 + ["korean"] * 2,
        }
    )
    overall = pair_recall(pairs, truth).to_dicts()[0]
    assert (overall["true_pairs"], overall["found"]) == (4, 2)
    per_group = {r["origin"]: r["recall"] for r in pair_recall(pairs, truth, "origin").to_dicts()}
    assert per_group == {"hispanic": 1 / 3, "korean": 1.0}
