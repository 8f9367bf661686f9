"""Training a model on stored records, without labels.

u, the chance of each agreement level between two different people, comes from random
record pairs. A comparison that random pairs rarely see on both sides (a postcode present on
address filings only, an SSN on a few sources) gets its own random pairs, drawn among the
records that have it, so that its u rests on tens of thousands of pairs, not a handful; and
every u is smoothed (Jeffreys: half a pair added per level), so that a level never seen among
random pairs is rare, not impossible. m comes from EM over the candidate pairs
(``model.train``).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from sojourn.resolve.compare import COMPARISONS, MISSING, compare_pairs
from sojourn.resolve.model import Model, train

RANDOM_PAIRS = 1_000_000
MIN_PRESENT = 50_000
#: The feature columns a comparison needs on both sides.
PRESENCE: dict[str, tuple[str, ...]] = {
    "name": ("name_sorted",), "birth_date": ("birth_date",), "sex": ("sex",),
    "nationality": ("nationality",), "a_number": ("a_number",), "passport": ("passport",),
    "other_id": ("sevis_id", "fbi_number", "ssn"), "address": ("address",),
    "postcode": ("postcode",), "birth_place": ("birth_place",),
}  # fmt: skip


def random_vectors(feats: pl.DataFrame, pairs: int, seed: int) -> pl.DataFrame:
    """Comparison vectors of ``pairs`` random pairs of distinct records of ``feats``."""
    ids = feats["id"].sample(2 * pairs, seed=seed, with_replacement=True).to_list()
    randoms = pl.DataFrame(
        {"id_l": ids[::2], "id_r": ids[1::2]}, schema={"id_l": pl.Utf8, "id_r": pl.Utf8}
    )
    return compare_pairs(randoms.filter(pl.col("id_l") != pl.col("id_r")), feats)


def smoothed_shares(vectors: pl.DataFrame, comparison: str) -> list[float]:
    """Level shares among pairs where the comparison is present, plus half a pair per level."""
    n_levels = len(COMPARISONS[comparison])
    values = vectors[comparison].to_numpy()
    present = values[values != MISSING].astype(np.int64)
    counts = np.bincount(present, minlength=n_levels)[:n_levels] + 0.5
    return [float(x) for x in counts / counts.sum()]


def estimate_u(feats: pl.DataFrame, seed: int = 7) -> dict[str, list[float]]:
    """u of every comparison (see the module's docstring)."""
    n = min(RANDOM_PAIRS, max(feats.height * 4, 10_000))
    base = random_vectors(feats, n, seed)
    enough = min(MIN_PRESENT, n // 2)
    u: dict[str, list[float]] = {}
    for comparison in COMPARISONS:
        vectors = base
        if int((base[comparison] != MISSING).sum()) < enough:
            having = pl.any_horizontal(pl.col(c).is_not_null() for c in PRESENCE[comparison])
            subset = feats.filter(having)
            if subset.height >= 2:
                vectors = random_vectors(subset, enough * 2, seed)
        u[comparison] = smoothed_shares(vectors, comparison)
    return u


def train_on(candidates: pl.DataFrame, feats: pl.DataFrame, seed: int = 7) -> Model:
    """A model for ``feats`` from its candidate vectors (with their ``rules``)."""
    return train(candidates, estimate_u(feats, seed), feats.height, feats["name_sorted"])
