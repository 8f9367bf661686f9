"""The accept and review thresholds, chosen from the trained model for each batch run.

A pair's match probability is the model's posterior. Given a run's candidate pairs, the model
expects Σp of them to be matches; linking every pair at or above a threshold t is expected to
make Σ(1 − p) false links among them, and to miss Σp of the pairs below t. So:

* **accept** is the lowest t, never below ``ACCEPT_FLOOR`` (a link the model gives less than
  19 chances in 20 is never made: a wrong link attaches someone else's history to a person
  and costs far more than a missed one, which a review or a later record can still make),
  whose links the model expects to be right at least ``PRECISION`` of the time; it is
  ``ACCEPT_CEILING`` when no threshold meets that;
* **review** is even odds (``REVIEW_AT``: a pair the model thinks more likely one person
  than two, but not enough to link, goes to a person), or lower — never below
  ``REVIEW_FLOOR`` — when the pairs below even odds hold more than ``LEFT_BELOW`` of the
  matches the model expects: what falls between review and accept goes to a person, not to
  chance.

Either threshold set by hand (``--accept``/``--review``, ``SOJOURN_RESOLVE_ACCEPT``/``_REVIEW``)
is used as given. With no candidate pairs, the fallbacks apply.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

ACCEPT_FLOOR = 0.95
ACCEPT_CEILING = 0.99
PRECISION = 0.995
LEFT_BELOW = 0.01
REVIEW_AT, REVIEW_FLOOR = 0.5, 0.2
FALLBACK_ACCEPT, FALLBACK_REVIEW = 0.98, 0.5


@dataclass(frozen=True)
class Thresholds:
    accept: float
    review: float
    #: "model" when chosen here, "given" when both were set by hand.
    chosen_by: str


def choose(scored: pl.DataFrame, accept: float | None, review: float | None) -> Thresholds:
    """The thresholds for pairs with a ``match_probability`` column (see the module)."""
    if accept is not None and review is not None:
        return Thresholds(accept, min(review, accept), "given")
    probabilities = np.sort(scored["match_probability"].to_numpy())[::-1]
    if probabilities.size == 0:
        chosen = FALLBACK_ACCEPT if accept is None else accept
        return Thresholds(chosen, min(review or FALLBACK_REVIEW, chosen), "fallback")
    chosen_accept = _accept(probabilities) if accept is None else accept
    chosen_review = _review(probabilities, chosen_accept) if review is None else review
    return Thresholds(chosen_accept, min(chosen_review, chosen_accept), "model")


def _accept(p: np.ndarray) -> float:
    """``p`` sorted descending."""
    precision = np.cumsum(p) / np.arange(1, p.size + 1)  # of the links down to each pair
    fine = p[(p >= ACCEPT_FLOOR) & (precision >= PRECISION)]
    return ACCEPT_CEILING if fine.size == 0 else float(min(fine.min(), ACCEPT_CEILING))


def _review(p: np.ndarray, accept: float) -> float:
    """``p`` sorted descending: even odds, or the highest threshold under it that leaves at
    most ``LEFT_BELOW`` of the expected matches below it (not under ``REVIEW_FLOOR``)."""
    below = p[p < min(accept, REVIEW_AT)]
    allowed = LEFT_BELOW * float(p.sum())
    if below.size == 0 or float(below.sum()) <= allowed:
        return min(REVIEW_AT, accept)
    tail = np.cumsum(below[::-1])  # expected matches under each threshold, lowest first
    under = below[::-1][tail <= allowed]
    highest = float(under.max()) if under.size else float(below.min())
    return float(min(max(highest, REVIEW_FLOOR), accept))
