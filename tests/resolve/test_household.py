"""What households share weighs what it weighs among people of one family name: measured by
training on the records (``household.household_u``), used for pairs whose names are not close
and share no identifier, alike on the batch, explain and real-time paths."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

from sojourn.resolve.compare import COMPARISONS, MISSING
from sojourn.resolve.explain import explain_vector
from sojourn.resolve.features import SOURCE_COLUMNS, features
from sojourn.resolve.household import household_u
from sojourn.resolve.indexkeys import Weights
from sojourn.resolve.model import Model, apart, score

FAMILIES = [
    f"{root}{end}"
    for root in ("nguyen", "okafor", "silva", "kowal", "haddad", "tanaka", "mensah", "ivanov")
    for end in ("", "son", "ez", "ski", "ide")
]  # 40 names, 30 records each: blocks small enough to pair


def _records(households: bool, n: int = 1_200, seed: int = 1) -> pl.DataFrame:
    """Persons of a few family names: in households of four sharing an address, or each at
    an address of their own."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        home = i // 4 if households else i
        rows.append(
            {
                "id": f"r{i:05d}",
                "given_name": "".join(
                    rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3)
                ),
                "family_name": FAMILIES[home % len(FAMILIES)],
                "birth_date": f"{rng.randint(1940, 2015)}-{rng.randint(1, 12):02d}-15",
                "address": f"{home} main street springfield",
            }
        )
    frame = pl.DataFrame(rows)
    absent = [c for c in SOURCE_COLUMNS if c not in frame.columns]
    return frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias(c) for c in absent)


def test_measured_on_the_records() -> None:
    shared = household_u(features(_records(households=True)))["address"]
    alone = household_u(features(_records(households=False)))["address"]
    exact = len(COMPARISONS["address"]) - 1
    assert shared[exact] > 0.1  # many of one name live together
    assert alone[exact] < 0.01  # nobody does


def _model(household: dict[str, list[float]]) -> Model:
    m = {c: [1.0 / len(levels)] * len(levels) for c, levels in COMPARISONS.items()}
    u = {c: list(v) for c, v in m.items()}
    m["address"], u["address"] = [0.1, 0.1, 0.8], [0.98, 0.015, 0.005]
    m["birth_date"], u["birth_date"] = [0.01, 0.01, 0.02, 0.01, 0.01, 0.94], [
        0.9, 0.06, 0.02, 0.01, 0.005, 0.005,
    ]  # fmt: skip
    m["name"] = [0.01, 0.04, 0.05, 0.05, 0.05, 0.1, 0.7]
    u["name"] = [0.9, 0.06, 0.02, 0.01, 0.005, 0.004, 0.001]
    return Model(m, u, 1e-4, "2026-01-01", household_u=household)


TWINS = dict.fromkeys(COMPARISONS, MISSING) | {"name": 1, "birth_date": 5, "address": 2}


def test_a_shared_address_says_less_about_names_that_differ() -> None:
    plain, measured = _model({}), _model({"address": [0.7, 0.05, 0.25]})
    close = TWINS | {"name": 4}
    same_id = TWINS | {"other_id": 2}
    scored = {
        which: score(pl.DataFrame([TWINS, close, same_id]), model)["match_weight"].to_list()
        for which, model in (("plain", plain), ("measured", measured))
    }
    assert scored["measured"][0] < scored["plain"][0] - 4  # twins: log2(0.25/0.005) bits less
    assert scored["measured"][1:] == scored["plain"][1:]  # close names, or one identifier
    assert apart(TWINS) and not apart(close) and not apart(same_id)


def test_never_more_than_among_strangers() -> None:
    # A household u below the strangers' u is not used: a shared address never weighs more.
    model = _model({"address": [0.999, 0.0005, 0.0005]})
    assert model.field_weight("address", 2, True) == model.weight("address", 2)
    assert model.field_weight("address", 0, True) == model.weight("address", 0)


def test_batch_explain_and_real_time_agree(tmp_path: Path) -> None:
    model = _model({"address": [0.7, 0.05, 0.25]})
    rng = random.Random(4)
    vectors = [
        {c: rng.randint(MISSING, len(levels) - 1) for c, levels in COMPARISONS.items()}
        for _ in range(500)
    ]
    batch = score(pl.DataFrame(vectors), model)["match_weight"].to_list()
    weights = Weights(model)
    for vector, expected in zip(vectors, batch, strict=True):
        assert explain_vector(vector, model).match_weight == pytest.approx(expected)
        assert weights.weight(vector) == pytest.approx(expected)
    model.save(tmp_path / "model.json")
    loaded = Model.load(tmp_path / "model.json")
    assert loaded.household_u == model.household_u
    assert loaded.version != replace(model, household_u={}).version
