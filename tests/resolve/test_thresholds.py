"""Accept and review thresholds chosen from the model's own posteriors."""

from __future__ import annotations

import polars as pl
import pytest

from sojourn.resolve.thresholds import ACCEPT_CEILING, ACCEPT_FLOOR, REVIEW_FLOOR, choose


def _scored(*probabilities: float) -> pl.DataFrame:
    return pl.DataFrame({"match_probability": list(probabilities)})


def test_confident_links_let_the_accept_threshold_down_to_its_floor() -> None:
    scored = _scored(*([0.9999] * 5_000), 0.97, 0.96, 0.93, 0.91, 0.6, 0.3, 0.001)
    chosen = choose(scored, None, None)
    assert chosen.accept == pytest.approx(0.96) and chosen.chosen_by == "model"
    assert chosen.accept >= ACCEPT_FLOOR


def test_doubtful_links_raise_it() -> None:
    # Links down to 0.96 would be right 96% of the time: not enough.
    scored = _scored(*([0.999] * 5), *([0.96] * 100))
    assert choose(scored, None, None).accept == ACCEPT_CEILING


def test_review_is_even_odds_unless_matches_hide_below() -> None:
    scored = _scored(*([0.9999] * 1_000), *([0.8] * 30), *([0.55] * 30), *([0.001] * 100))
    assert choose(scored, None, None).review == 0.5
    # 40 pairs at 0.4 hold 16 expected matches, more than 1% of ~1,040: they are reviewed.
    scored = _scored(*([0.9999] * 1_000), *([0.4] * 40), *([0.001] * 100))
    chosen = choose(scored, None, None)
    assert chosen.review == pytest.approx(0.4)
    assert REVIEW_FLOOR <= chosen.review <= chosen.accept


def test_thresholds_set_by_hand_are_kept() -> None:
    chosen = choose(_scored(0.99, 0.5), 0.97, 0.6)
    assert (chosen.accept, chosen.review, chosen.chosen_by) == (0.97, 0.6, "given")
    assert choose(_scored(), None, None).chosen_by == "fallback"
