"""Fellegi–Sunter training by EM recovers known parameters; scoring and saving."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from sojourn.resolve.compare import COMPARISONS, MISSING
from sojourn.resolve.model import Model, score
from sojourn.resolve.training import train

M = {
    "name": [0.01, 0.02, 0.02, 0.05, 0.05, 0.05, 0.8],
    "birth_date": [0.02, 0.01, 0.02, 0.05, 0.1, 0.8],
}
U = {
    "name": [0.9, 0.04, 0.03, 0.01, 0.01, 0.005, 0.005],
    "birth_date": [0.8, 0.15, 0.02, 0.02, 0.005, 0.005],
}


def _simulate(n: int, match_share: float, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    is_match = rng.random(n) < match_share
    columns: dict[str, np.ndarray] = {}
    for comparison, levels in COMPARISONS.items():
        k = len(levels)
        m = M.get(comparison, [0.1] * (k - 1) + [1 - 0.1 * (k - 1)])
        u = U.get(comparison, [1 - 0.1 * (k - 1)] + [0.1] * (k - 1))
        drawn_m = rng.choice(k, size=n, p=m)
        drawn_u = rng.choice(k, size=n, p=u)
        values = np.where(is_match, drawn_m, drawn_u)
        values[rng.random(n) < 0.1] = MISSING
        columns[comparison] = values
    rules = [["passport", "a_number", "dob_name"]] * n
    return pl.DataFrame(columns).with_columns(pl.Series("rules", rules))


def test_em_recovers_m_and_the_prior() -> None:
    candidates = _simulate(200_000, 0.4, seed=1)
    randoms = _simulate(200_000, 0.0, seed=2)
    records = 10_000  # 49,995,000 record pairs, of which 0.4 * 200,000 are matches
    model = train(candidates, randoms, records)
    assert model.prior == pytest.approx(80_000 / 49_995_000, rel=0.05)
    assert model.m["name"][6] == pytest.approx(0.8, abs=0.03)
    assert model.u["birth_date"][0] == pytest.approx(0.8, abs=0.02)


def test_scores_order_pairs_and_missing_adds_nothing() -> None:
    model = train(_simulate(50_000, 0.4, seed=3), _simulate(50_000, 0.0, seed=4), 400)
    strong = {c: len(levels) - 1 for c, levels in COMPARISONS.items()}
    weak = dict.fromkeys(COMPARISONS, 0)
    named = dict.fromkeys(COMPARISONS, MISSING) | {"name": len(COMPARISONS["name"]) - 1}
    scored = score(pl.DataFrame([strong, weak, named]), model)
    p_strong, p_weak, p_named = scored["match_probability"].to_list()
    assert p_strong > p_named > p_weak and p_strong > 0.99
    # Every other comparison missing: they add nothing to the name's weight.
    expected = model.prior_weight() + model.weight("name", len(COMPARISONS["name"]) - 1)
    assert scored["match_weight"][2] == pytest.approx(expected)


def test_save_and_load_keep_the_version(tmp_path: Path) -> None:
    model = train(_simulate(20_000, 0.4, seed=5), _simulate(20_000, 0.0, seed=6), 1_000)
    model.save(tmp_path / "model.json")
    loaded = Model.load(tmp_path / "model.json")
    assert loaded.version == model.version and loaded.m == model.m
    tampered = (tmp_path / "model.json").read_text().replace('"prior": 0.', '"prior": 0.0')
    (tmp_path / "bad.json").write_text(tampered)
    with pytest.raises(ValueError, match="do not match"):
        Model.load(tmp_path / "bad.json")


def test_an_exact_match_on_a_common_name_weighs_less() -> None:
    candidates, randoms = _simulate(50_000, 0.4, seed=7), _simulate(50_000, 0.0, seed=8)
    names = pl.Series(
        ["maria garcia"] * 3_000 + ["zebulon quist"] * 2 + [f"rare {n}" for n in range(96_998)]
    )
    model = train(candidates, randoms, 100_000, names)
    # A name carried by one record has nothing to match; one carried by two records whose
    # words are rare weighs more than the average exact name, a common one less.
    assert set(model.name_tf) == {"maria garcia", "zebulon quist"}
    exact = {c: len(levels) - 1 for c, levels in COMPARISONS.items()}
    vectors = pl.DataFrame(
        [{**exact, "name_value": v} for v in ("maria garcia", "rare 7", "zebulon quist")]
    )
    common, average, rare = score(vectors, model)["match_weight"].to_list()
    assert common < average < rare
    assert average == pytest.approx(score(pl.DataFrame([exact]), model)["match_weight"][0])


def test_a_household_alone_never_links() -> None:
    """A shared address and family name, nothing that identifies: held to the cap on the
    batch and the scalar path alike; one identifying agreement lifts the cap."""
    from sojourn.resolve.explain import explain_vector
    from sojourn.resolve.model import HOUSEHOLD_CAP

    model = train(_simulate(50_000, 0.4, seed=9), _simulate(50_000, 0.0, seed=10), 400)
    household = dict.fromkeys(COMPARISONS, MISSING) | {"name": 1, "address": 2, "postcode": 1}
    same_date = household | {"birth_date": 5}
    scored = score(pl.DataFrame([household, same_date]), model)
    assert scored["match_weight"][0] == HOUSEHOLD_CAP
    assert scored["match_weight"][1] > HOUSEHOLD_CAP
    held = explain_vector(household, model)
    assert held.household_cap and held.match_weight == HOUSEHOLD_CAP
    assert not explain_vector(same_date, model).household_cap
