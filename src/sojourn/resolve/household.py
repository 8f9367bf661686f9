"""Households: what their members share weighs what it weighs among them.

Fellegi–Sunter takes the comparisons as independent given match status. What a household
shares breaks that: two records with one family name but two given names are far more often
two members of one household than two strangers, so among such pairs a shared address or
postcode is common — twins, or a birth date copied from a household member, then look like
one person. How common depends on the data: in a town's census most people live with others
of their name; in a list of one record per person and address, almost nobody does.

So training measures it (``household_u``): among pairs of records that share a family name
(``FAMILY_RULE``) whose names are not close, no identifier agrees and birth dates are present
and not close — different people, nearly all of them — the share of each level of the
address and the postcode. A pair whose names are not close and no identifier agrees
(``model.apart``) weighs a shared address with that u where it is the larger
(``Model.field_weight``): by what it says among people of one name, not among strangers.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from sojourn.resolve.blocking import BlockingRule, candidate_pairs
from sojourn.resolve.compare import COMPARISONS, MISSING, compare_pairs
from sojourn.resolve.model import DATE_EVIDENCE, apart_expr
from sojourn.resolve.trainingset import Records, as_records, drawn

#: What households share.
SHARED = ("address", "postcode")
FAMILY_RULE = BlockingRule("train_family", ("family_latin",), max_block=100)
#: Records drawn and pairs compared (at most), and pairs needed with the comparison present
#: on both sides.
RECORDS = 100_000
PAIRS = 50_000
MIN_PAIRS = 100


def household_u(feats: pl.DataFrame | Records, seed: int = 7) -> dict[str, list[float]]:
    """u of each comparison in ``SHARED`` among different people of one family name (see
    the module), where at least ``MIN_PAIRS`` such pairs have it on both sides, among at
    most ``RECORDS`` records drawn at random."""
    records = as_records(feats)
    if "family_latin" not in records.columns or records.height < 2:
        return {}
    sample = drawn(records, RECORDS, seed)
    pairs = candidate_pairs(sample, (FAMILY_RULE,)).pairs
    if pairs.is_empty():
        return {}
    if pairs.height > PAIRS:
        pairs = pairs.sample(PAIRS, seed=seed)
    vectors = compare_pairs(pairs, sample)
    others = vectors.filter(apart_expr() & pl.col("birth_date").is_between(0, DATE_EVIDENCE - 1))
    found: dict[str, list[float]] = {}
    for comparison in SHARED:
        values = others[comparison].to_numpy()
        present = values[values != MISSING].astype(np.int64)
        if present.size < MIN_PAIRS:
            continue
        n_levels = len(COMPARISONS[comparison])
        counts = np.bincount(present, minlength=n_levels)[:n_levels] + 0.5
        found[comparison] = [float(x) for x in counts / counts.sum()]
    return found
