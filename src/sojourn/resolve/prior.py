"""The prior: the chance that two records drawn at random are the same person.

Two estimates, both kept in the model's diagnostics:

* *EM*: a fixed point over the candidate pairs (nearly every match is a candidate): the
  expected matches among them, under the trained m and u, over all record pairs.
* *deterministic*: the pairs that agree exactly on name and birth date (every one of them
  is a candidate: a blocking rule pairs exactly those), divided by the share of true matches
  such a rule finds, which the trained m gives (m of an exact name × m of an exact date), as
  Splink's ``estimate_probability_two_random_records_match`` does with a recall the user
  states.

The fixed point is used unless it falls below the deterministic estimate divided by
``AGREEMENT`` (a model that learned little: the fixed point collapses towards zero); then the
deterministic estimate is used, and the diagnostics say so. A fixed point above the
deterministic estimate is kept: the rule sees only pairs that carry a birth date, and two
lists of which one has none match without it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from sojourn.resolve.compare import COMPARISONS, DATE_LEVELS, EXACT_NAME
from sojourn.resolve.dates import DateLevel
from sojourn.resolve.em import Params, posterior
from sojourn.resolve.trainingset import pairs_in, patterns

AGREEMENT = 10.0
#: The deterministic rule is never assumed to find fewer than this share of matches.
MIN_RECALL = 0.05
LOWEST = 1e-12
EXACT_DATE = DATE_LEVELS[DateLevel.EXACT]


@dataclass(frozen=True)
class Prior:
    value: float
    fixed_point: float
    deterministic: float | None
    source: str

    def summary(self) -> dict[str, object]:
        return {
            "prior": self.value,
            "fixed_point": self.fixed_point,
            "deterministic": self.deterministic,
            "source": self.source,
        }


def total_pairs(records: int) -> float:
    return max(records * (records - 1) / 2, 1.0)


def estimate(candidates: pl.DataFrame, m: Params, u: Params, records: int) -> Prior:
    """The prior for ``records`` records whose candidate vectors are ``candidates``."""
    candidates = patterns(candidates)
    fixed = fixed_point(candidates, m, u, records)
    exact = (pl.col("name") == EXACT_NAME) & (pl.col("birth_date") == EXACT_DATE)
    agreeing = pairs_in(candidates.filter(exact))
    if agreeing == 0:
        return Prior(fixed, fixed, None, "fixed point (no pair agrees exactly on name and date)")
    recall = max(m["name"][EXACT_NAME] * m["birth_date"][EXACT_DATE], MIN_RECALL)
    rule = min(agreeing / recall / total_pairs(records), 0.5)
    if fixed >= rule / AGREEMENT:
        return Prior(fixed, fixed, rule, "fixed point")
    return Prior(rule, fixed, rule, "deterministic rule (the fixed point fell far below it)")


def fixed_point(candidates: pl.DataFrame, m: Params, u: Params, records: int) -> float:
    names = list(COMPARISONS)
    counted = patterns(candidates).group_by(names).agg(pl.col("n").sum()).sort(names)
    levels = counted.select(names).to_numpy().astype(np.int64)
    counts = counted["n"].to_numpy().astype(np.float64)
    total = total_pairs(records)
    prior = min(float(counts.sum()) / total, 0.5)
    for _ in range(50):
        expected = float((counts * posterior(levels, m, u, prior, names)).sum())
        prior = min(max(expected / total, LOWEST), 0.5)
    return prior
