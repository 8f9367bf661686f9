"""Comparison vectors: the batch (vectorized) and real-time (scalar) paths agree exactly."""

from __future__ import annotations

import polars as pl
import pytest

from sojourn.resolve.blocking import candidate_pairs
from sojourn.resolve.compare import COMPARISONS, MISSING, compare_one, compare_pairs
from sojourn.resolve.features import features


@pytest.fixture(scope="module")
def feats(generated_records: pl.DataFrame) -> pl.DataFrame:
    return features(generated_records)


def _sample_pairs(feats: pl.DataFrame) -> pl.DataFrame:
    blocked = candidate_pairs(feats).pairs.select("id_l", "id_r")
    ids = feats["id"].sample(6_000, seed=3, with_replacement=True).to_list()
    random = pl.DataFrame({"id_l": ids[:3_000], "id_r": ids[3_000:]})
    return pl.concat([blocked, random]).filter(pl.col("id_l") != pl.col("id_r")).unique()


def test_batch_and_real_time_give_the_same_vectors(feats: pl.DataFrame) -> None:
    pairs = _sample_pairs(feats)
    assert pairs.height >= 10_000
    batch = compare_pairs(pairs, feats)
    rows = {r["id"]: r for r in feats.to_dicts()}
    for vector in batch.to_dicts():
        expected = compare_one(rows[vector["id_l"]], rows[vector["id_r"]])
        assert {k: vector[k] for k in (*COMPARISONS, "name_value")} == expected, vector


def test_every_level_occurs(feats: pl.DataFrame) -> None:
    batch = compare_pairs(_sample_pairs(feats), feats)
    assert set(range(len(COMPARISONS["name"]))) <= set(batch["name"].unique().to_list())
    assert {0, 1, 2, 4, 5} <= set(batch["birth_date"].unique().to_list())


def test_a_same_person_pair_agrees_more_than_a_random_pair(feats: pl.DataFrame) -> None:
    rows = feats.to_dicts()
    same = compare_one(rows[0], rows[0])
    assert same["name"] == 6 and same["birth_date"] in (5, 3, MISSING)


def _row(**values: object) -> dict[str, object]:
    base: dict[str, object] = {
        "name_sorted": "garcia jose", "name_skeleton": "js krs", "name_shape": "j.s. k.rs.",
        "name_variants": ["garcia"], "middle_initial": None,
        "birth_date": "1985-03-12", "sex": "M", "nationality": "MEX", "a_number": None,
        "passport": None, "sevis_id": None, "fbi_number": None, "ssn": None,
        "address": None, "postcode": None, "birth_place": None,
    }  # fmt: skip
    return {**base, **values}


def test_compare_one_levels_by_hand() -> None:
    a = _row(ssn="123456789")
    b = _row(name_sorted="garcia lopez jose", birth_date="1985-03", sex=None, ssn="123456789")
    vector = compare_one(a, b)
    assert vector["birth_date"] == 3  # partial
    assert vector["sex"] == MISSING and vector["other_id"] == 2 and vector["a_number"] == MISSING
    assert vector["address"] == MISSING and vector["middle_initial"] == MISSING
    for left, right, level in (("a", "a", 2), ("a", None, 1), ("a", "b", 0)):
        middle = compare_one(_row(middle_initial=left), _row(middle_initial=right))
        assert middle["middle_initial"] == level
    near = compare_one(_row(address="12 stanley st miami"), _row(address="12 stanley street miami"))
    assert near["address"] == 1
    assert (
        compare_one(
            a,
            _row(
                name_sorted="mahmoud",
                name_skeleton="mhmd",
                name_variants=["mahmoud"],
                name_shape="m.hm.d",
            ),
        )["name"]
        == 0
    )
    pairs = pl.DataFrame({"id_l": ["a"], "id_r": ["b"]})
    frame = pl.DataFrame([{"id": "a", **a}, {"id": "b", **b}])
    assert {
        k: v for k, v in compare_pairs(pairs, frame).to_dicts()[0].items() if k in vector
    } == vector


@pytest.mark.parametrize(
    ("a", "b", "within"),
    [
        ("wong", "meredith wong", True),  # the given name missing on one side
        ("justin", "justin kanno", True),  # the family name missing
        ("garcia jose", "garcia jose lopez", True),  # a second surname on one side
        ("wong", "meredith chan", False),
        ("wang", "meredith wong", False),
    ],
)
def test_a_name_part_missing_on_one_side(a: str, b: str, within: bool) -> None:
    from sojourn.resolve.compare import COMPARISONS
    from sojourn.resolve.rowfeatures import name_columns

    left, right = _row(**name_columns(a)), _row(**name_columns(b))
    level = COMPARISONS["name"].index("one name's tokens within the other's")
    scalar = compare_one(left, right)["name"]
    frame = pl.DataFrame([left | {"id": "l"}, right | {"id": "r"}])
    batch = compare_pairs(pl.DataFrame({"id_l": ["l"], "id_r": ["r"]}), frame)["name"][0]
    assert scalar == batch
    assert (scalar == level) is within


def test_a_us_nationality_is_no_evidence_against_another() -> None:
    from sojourn.resolve.compare import MISSING, nationality_level

    assert nationality_level("USA", "IND") == MISSING  # dual nationality is lawful
    assert nationality_level("IND", "USA") == MISSING
    assert nationality_level("IND", "MEX") == 0
    assert nationality_level("USA", "USA") == 1
    assert nationality_level(None, "IND") == MISSING
