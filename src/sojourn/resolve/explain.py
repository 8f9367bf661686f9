"""Why two records were (or were not) linked: per comparison, the agreement level, its m and
u probabilities and match weight log2(m/u); the prior; a term-frequency adjustment for an
exact match on a common name; the total match weight and the probability.

``explain_vector`` is the scalar counterpart of ``model.score``: for the same vector and
model both give the same match weight (a test checks them on thousands of pairs).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sojourn.resolve.compare import COMPARISONS, EXACT_NAME, MISSING
from sojourn.resolve.model import Model, apart, capped


@dataclass(frozen=True)
class FieldWeight:
    """One comparison of a pair: level (``-1`` = missing on a side), its name and weight."""

    comparison: str
    level: int
    level_name: str
    m: float | None
    u: float | None
    weight: float


@dataclass(frozen=True)
class Explanation:
    """A pair's match weight, built up: prior + field weights + term-frequency adjustment,
    held to the household cap when nothing in the pair identifies a person."""

    model_version: str
    prior: float
    prior_weight: float
    fields: tuple[FieldWeight, ...]
    name_value: str | None
    tf_adjustment: float
    match_weight: float
    match_probability: float
    #: Whether the weight was held down for want of any evidence of identity (a household's
    #: shared address or family name alone: ``model.HOUSEHOLD_CAP``).
    household_cap: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _field(model: Model, comparison: str, level: int, apart: bool) -> FieldWeight:
    if level == MISSING:
        return FieldWeight(comparison, level, "missing", None, None, 0.0)
    return FieldWeight(
        comparison,
        level,
        COMPARISONS[comparison][level],
        model.m[comparison][level],
        model.u[comparison][level],
        model.field_weight(comparison, level, apart),
    )


def tf_adjustment(model: Model, vector: Mapping[str, Any]) -> float:
    """The term-frequency adjustment of an exact match on a common name (else 0)."""
    value = vector.get("name_value")
    if vector["name"] != EXACT_NAME or value is None or value not in model.name_tf:
        return 0.0
    m_exact = model.m["name"][EXACT_NAME]
    return math.log2(m_exact / model.name_tf[value]) - model.weight("name", EXACT_NAME)


def probability(weight: float) -> float:
    """Match probability of a match weight (log2 odds)."""
    return 1.0 / (1.0 + math.pow(2.0, -weight))


def explain_vector(vector: Mapping[str, Any], model: Model) -> Explanation:
    """The explanation of one comparison vector under ``model``."""
    names_apart = apart(vector)
    fields = tuple(_field(model, c, int(vector[c]), names_apart) for c in COMPARISONS)
    weight = model.prior_weight()
    for item in fields:
        weight = weight + item.weight
    adjustment = tf_adjustment(model, vector)
    weight = weight + adjustment
    held = capped(weight, vector)
    return Explanation(
        model.version,
        model.prior,
        model.prior_weight(),
        fields,
        vector.get("name_value"),
        adjustment,
        held,
        probability(held),
        held != weight,
    )
