"""Training a model on stored records, without labels.

u, the chance of each agreement level between two different people, comes from random
record pairs. A comparison that random pairs rarely see on both sides (a postcode present on
address filings only, an SSN on a few sources) gets its own random pairs, drawn among the
records that have it, so that its u rests on tens of thousands of pairs, not a handful; and
every u is smoothed (Jeffreys: half a pair added per level), so that a level never seen among
random pairs is rare, not impossible.

m comes from EM in sessions (``em.py``): the linking rules' candidate pairs (among them the
same name, which leaves birth dates free), and the pairs of a training-only rule
(``TRAINING_RULES``: the same birth date, which leaves names free), drawn on at most
``TRAIN_RECORDS`` records. EM starts from the shipped model (``shipped.py``). The prior is
checked against a deterministic rule (``prior.py``), and u cleared of the matches among
random pairs (``corrected_u``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import polars as pl

from sojourn.resolve.blocking import BlockingRule, candidate_pairs
from sojourn.resolve.compare import COMPARISONS, EXACT_NAME, MISSING, compare_pairs
from sojourn.resolve.em import Params, combine, fit_sessions
from sojourn.resolve.household import household_u
from sojourn.resolve.model import Model, level_shares
from sojourn.resolve.prior import estimate
from sojourn.resolve.shipped import shipped_m
from sojourn.resolve.trainingset import (
    NameCounts,
    Records,
    as_records,
    drawn,
    name_counts,
    patterns,
)

RANDOM_PAIRS = 1_000_000
MIN_PRESENT = 50_000
TRAIN_RECORDS = 100_000
#: Rounds of clearing u of matches and estimating the prior again.
ROUNDS = 2
MIN_U_SHARE = 0.05
#: A name's own u is kept when it moves its exact match's weight by more than this.
TF_BITS = 1.0
#: A rare name weighs at most this many bits more than the average exact name: a name's words
#: are not drawn independently (given and family names go together by origin), so their
#: product can make two namesakes look like one person.
TF_BOOST = 4.0
TRAINING_RULES = (BlockingRule("train_dob", ("birth_date",), max_block=100),)
#: Comparisons with a level for a value on one side only: their sparse random pairs take one
#: record that has the value and one of any record.
ONE_SIDED = frozenset({"middle_initial"})
#: The feature columns a comparison needs on both sides.
PRESENCE: dict[str, tuple[str, ...]] = {
    "name": ("name_sorted",), "middle_initial": ("middle_initial",),
    "birth_date": ("birth_date",), "sex": ("sex",),
    "nationality": ("nationality",), "a_number": ("a_number",), "passport": ("passport",),
    "other_id": ("sevis_id", "fbi_number", "ssn"), "address": ("address",),
    "postcode": ("postcode",), "birth_place": ("birth_place",),
}  # fmt: skip


def random_vectors(
    records: Records,
    pairs: int,
    seed: int,
    ids: pl.Series | None = None,
    left: pl.Series | None = None,
) -> pl.DataFrame:
    """Comparison vectors of ``pairs`` random pairs of distinct records (of ``ids`` among
    them when given; the left one drawn from ``left`` when given)."""
    among = records.ids if ids is None else ids
    lefts = (among if left is None else left).sample(pairs, seed=seed, with_replacement=True)
    rights = among.sample(pairs, seed=seed + 1, with_replacement=True)
    randoms = pl.DataFrame({"id_l": lefts, "id_r": rights})
    randoms = randoms.filter(pl.col("id_l") != pl.col("id_r"))
    named = pl.concat([randoms["id_l"], randoms["id_r"]]).unique(maintain_order=True)
    return compare_pairs(randoms, records.rows(named))


def smoothed_shares(vectors: pl.DataFrame, comparison: str) -> list[float]:
    """Level shares among pairs where the comparison is present, plus half a pair per level."""
    n_levels = len(COMPARISONS[comparison])
    values = vectors[comparison].to_numpy()
    present = values[values != MISSING].astype(np.int64)
    counts = np.bincount(present, minlength=n_levels)[:n_levels] + 0.5
    return [float(x) for x in counts / counts.sum()]


def estimate_u(records: Records, seed: int = 7) -> Params:
    """u of every comparison (see the module's docstring)."""
    n = min(RANDOM_PAIRS, max(records.height * 4, 10_000))
    base = random_vectors(records, n, seed)
    enough = min(MIN_PRESENT, n // 2)
    u: Params = {}
    for comparison in COMPARISONS:
        vectors = base
        if int((base[comparison] != MISSING).sum()) < enough:
            having = records.having(PRESENCE[comparison])
            if having.len() >= 2 and comparison in ONE_SIDED:
                vectors = random_vectors(records, enough * 2, seed, left=having)
            elif having.len() >= 2:
                vectors = random_vectors(records, enough * 2, seed, ids=having)
        u[comparison] = smoothed_shares(vectors, comparison)
    return u


def u_from_pairs(randoms: pl.DataFrame) -> Params:
    """u of every comparison: its level shares among random pairs."""
    return {c: level_shares(randoms, c) for c in COMPARISONS}


def corrected_u(u: Params, m: Params, prior: float) -> Params:
    """u with the matches among random pairs taken out: a random pair is the same person
    with chance ``prior``, so the share of a level among them is prior·m + (1 − prior)·u.
    In a small store with many duplicates this is what keeps an exact birth date, which
    random pairs mostly share when they are one person, from looking common. A level is
    never cut below ``MIN_U_SHARE`` of its observed share."""
    result: Params = {}
    for comparison, observed in u.items():
        levels = [
            max((o - prior * mm) / (1 - prior), o * MIN_U_SHARE)
            for o, mm in zip(observed, m[comparison], strict=True)
        ]
        total = sum(levels)
        result[comparison] = [x / total for x in levels]
    return result


def training_vectors(records: Records, seed: int = 7) -> pl.DataFrame:
    """The comparison vectors of the training-only rules' pairs (with their ``rules``),
    among at most ``TRAIN_RECORDS`` records drawn at random."""
    sample = drawn(records, TRAIN_RECORDS, seed)
    pairs = candidate_pairs(sample, TRAINING_RULES).pairs
    return compare_pairs(pairs, sample)


def train(
    candidates: pl.DataFrame,
    randoms: pl.DataFrame | Params,
    records: int,
    names: pl.Series | NameCounts | None = None,
    start: Params | None = None,
    sessions: pl.DataFrame | None = None,
) -> Model:
    """A model from candidate vectors or their ``patterns`` (with a ``rules`` list column:
    the sessions, unless other ``sessions`` vectors are given), u (or random pairs to take
    it from), the number of ``records``, their names (for term-frequency weights) and a
    starting m.

    Then, ``ROUNDS`` times, u is cleared of the matches among random pairs
    (``corrected_u``) and the prior estimated again."""
    observed = randoms if isinstance(randoms, dict) else u_from_pairs(randoms)
    candidates = patterns(candidates)
    pool = candidates if sessions is None else sessions
    u = observed
    fits = fit_sessions(pool, u, start)
    m = combine(fits, u, start)
    prior = estimate(candidates, m, u, records)
    for _ in range(ROUNDS):
        u = corrected_u(observed, m, prior.value)
        prior = estimate(candidates, m, u, records)
    # To the microsecond: the latest model is the last trained, even two in one second.
    now = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    diagnostics = {
        "records": records,
        "started_from": "shipped model" if start is not None else "no model",
        "sessions": [f.summary() for f in fits],
        **prior.summary(),
    }
    counts = name_counts(names) if isinstance(names, pl.Series) else names
    name_tf = _name_tf(counts, u["name"][EXACT_NAME], prior.value, m["name"][EXACT_NAME])
    return Model(m, u, prior.value, now, name_tf, diagnostics=diagnostics)


def train_on(
    candidates: pl.DataFrame,
    feats: pl.DataFrame | Records,
    generic: dict[str, list[str]] | None = None,
    from_shipped: bool = True,
) -> Model:
    """A model for the records ``feats`` (generic values already read as missing:
    ``generic``) from their candidate vectors or ``patterns`` (with their ``rules``) and the
    training-only rules' pairs, starting from the shipped model unless not ``from_shipped``."""
    records = as_records(feats)
    columns = [*COMPARISONS, "rules", "n"]
    extra = patterns(training_vectors(records).select(*COMPARISONS, "rules"))
    candidates = patterns(candidates)
    sessions = pl.concat([candidates.select(columns), extra.select(columns)])
    u = estimate_u(records)
    start = shipped_m() if from_shipped else None
    model = train(candidates, u, records.height, records.names(), start, sessions)
    return replace(model, generic=generic or {}, household_u=household_u(records))


def _others_of(same: float) -> pl.Expr:
    """Records carrying the name that belong to other persons, when at least one does."""
    others = pl.col("n") - 1 - same
    return pl.when(others >= 1).then(others).otherwise(0.0)


def _name_tf(
    names: NameCounts | None, base_u: float, prior: float, m_exact: float
) -> dict[str, float]:
    """The u of an exact match on each name carried by two records or more, where it differs
    from ``base_u`` (the average) by more than ``TF_BITS``: the larger of

    * the share of the other records that carry the name, less the records of the same
      person (a record's expected matches: prior × records × m of an exact name), when that
      leaves at least one other person: a name carried by one person's few records is not
      taken for a common one;
    * the product of its words' shares (given and family name drawn independently), which
      tells a rare name from an average one where the store is too small to.
    """
    if names is None or names.total == 0:
        return {}
    others = max(float(names.total) - 1, 1.0)
    same = prior * others * m_exact
    tf = ((pl.col("n") - same).clip(0.5) / others).alias("tf")
    words = names.words.select("word", tf)
    counts = names.repeated
    split = counts.select("name", word=pl.col("name").str.split(" ").list.unique())
    joined = split.explode("word").join(words, on="word")
    product = joined.group_by("name").agg(pl.col("tf").product())
    shares = counts.join(product, on="name").with_columns(
        pl.max_horizontal(_others_of(same) / others, pl.col("tf")).alias("u")
    )
    shares = shares.with_columns(pl.col("u").clip(lower_bound=base_u / 2**TF_BOOST))
    differ = (pl.col("u") / base_u).log(2).abs() > TF_BITS
    found = shares.filter(differ).select("name", "u").sort("name")
    return {str(k): float(v) for k, v in found.iter_rows()}
