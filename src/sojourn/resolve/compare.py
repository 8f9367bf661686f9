"""Comparison vectors: for a pair of records, one agreement level per comparison.

Two implementations of the same definitions: ``compare_pairs`` (vectorized, for batch over
millions of candidate pairs) and ``compare_one`` (scalar, for real-time matching). They must
agree level for level; a test checks them on thousands of sampled pairs. String similarity is
Jaro–Winkler from rapidfuzz, rounded to float32 on both paths so that thresholds fall alike.

Levels are integers, higher = stronger agreement, ``-1`` = a value missing on either side
(no evidence either way). The model gives each level of each comparison its own weight.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler

from sojourn.resolve.dates import date_level
from sojourn.resolve.level_exprs import (
    address_expr,
    date_expr,
    generic_expr,
    middle_expr,
    name_expr,
    nationality_expr,
    passport_expr,
    postcode_expr,
    same_expr,
)
from sojourn.resolve.levels import (
    COMPARED,
    COMPARISONS,
    DATE_LEVELS,
    EXACT_NAME,
    JW_HIGH,
    JW_LOW,
    MISSING,
    US,
)
from sojourn.resolve.names import shapes_fit
from sojourn.resolve.nearids import GENERIC_IDS, MIN_NEAR, OTHER_IDS, typed
from sojourn.resolve.nearids import level as id_level

#: The levels are read from here too (defined in ``levels``).
__all__ = [
    "COMPARED",
    "COMPARISONS",
    "DATE_LEVELS",
    "EXACT_NAME",
    "JW_HIGH",
    "JW_LOW",
    "MISSING",
    "READS",
    "US",
    "address_level",
    "compare_one",
    "compare_pairs",
    "middle_level",
    "name_level",
    "nationality_level",
    "passport_level",
    "postcode_level",
]


def _jw(a: str, b: str) -> np.float32:
    return np.float32(JaroWinkler.similarity(a, b))


def name_level(a: Mapping[str, Any], b: Mapping[str, Any]) -> int:
    """Name agreement of two feature rows."""
    if not a["name_sorted"] or not b["name_sorted"]:
        return MISSING
    if a["name_sorted"] == b["name_sorted"]:
        return EXACT_NAME
    if _subset(a["name_sorted"], b["name_sorted"]):
        return 5
    similarity = _jw(a["name_sorted"], b["name_sorted"])
    if similarity >= JW_HIGH:
        return 4
    if a["name_skeleton"] == b["name_skeleton"] and shapes_fit(a["name_shape"], b["name_shape"]):
        return 3
    if similarity >= JW_LOW:
        return 2
    if set(a["name_variants"] or ()) & set(b["name_variants"] or ()):
        return 1
    return 0


def _subset(a: str, b: str) -> bool:
    """All tokens of the shorter name appear in the longer one: a middle name or a second
    surname present on one side only, or one side's given or family name missing
    (``wong``, ``meredith wong``)."""
    small, large = sorted((set(a.split(" ")), set(b.split(" "))), key=len)
    return small <= large


def _same(a: Any, b: Any) -> int:
    if a is None or b is None:
        return MISSING
    return 1 if a == b else 0


def nationality_level(a: str | None, b: str | None) -> int:
    """Nationalities: the same or different — but a U.S. nationality against another is not
    a difference: U.S. law allows dual nationality, and a citizen's passport or SSA record
    says nothing against the foreign passport they travel on (or held before naturalizing)."""
    if a is None or b is None or (a != b and US in (a, b)):
        return MISSING
    return 1 if a == b else 0


def middle_level(a: str | None, b: str | None) -> int:
    """Middle initials: the same, different, or written on one side only (one list keeps
    middle names, the other not; or one of two namesakes has one); missing on both sides
    says nothing."""
    if a is None and b is None:
        return MISSING
    if a is None or b is None:
        return 1
    return 2 if a == b else 0


def passport_level(a: str | None, b: str | None) -> int:
    """Passports (``COUNTRY:NUMBER``) agree when the numbers are equal and the issuing
    countries are too, or one of them is not recorded."""
    if not a or not b:
        return MISSING
    country_a, _, number_a = a.partition(":")
    country_b, _, number_b = b.partition(":")
    if number_a != number_b:
        return 0
    return 1 if country_a == country_b or not country_a or not country_b else 0


def address_level(a: str | None, b: str | None) -> int:
    """Address agreement: exact, similar (Jaro–Winkler ≥ 0.88) or different."""
    if not a or not b:
        return MISSING
    if a == b:
        return 2
    return 1 if _jw(a, b) >= JW_LOW else 0


def postcode_level(a: str | None, b: str | None) -> int:
    """Postcodes: the same, one character off (a digit mistyped, two swapped), different."""
    if not a or not b:
        return MISSING
    if a == b:
        return 2
    return 1 if len(a) == len(b) and OSA.distance(a, b, score_cutoff=1) == 1 else 0


def _other_ids(a: Mapping[str, Any], b: Mapping[str, Any]) -> int:
    """``other_id`` (``nearids.level``): same, one character off, different or missing."""
    return id_level(typed(a), typed(b))


def compare_one(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """The comparison vector of two feature rows (real-time path), with ``name_value``: the
    shared name when the names agree exactly (for term-frequency weights), else None."""
    name = name_level(a, b)
    return {
        "name": name,
        "name_value": a["name_sorted"] if name == EXACT_NAME else None,
        "middle_initial": middle_level(a["middle_initial"], b["middle_initial"]),
        "birth_date": DATE_LEVELS[date_level(a["birth_date"], b["birth_date"])],
        "sex": _same(a["sex"], b["sex"]),
        "nationality": nationality_level(a["nationality"], b["nationality"]),
        "a_number": _same(a["a_number"], b["a_number"]),
        "passport": passport_level(a["passport"], b["passport"]),
        "other_id": _other_ids(a, b),
        "address": address_level(a["address"], b["address"]),
        "postcode": postcode_level(a["postcode"], b["postcode"]),
        "birth_place": _same(a["birth_place"], b["birth_place"]),
    }


#: The feature columns ``compare_pairs`` reads, and all it keeps of the features it is given
#: (so one it reads without naming here fails at once): the Spark path ships only these.
READS = (
    "birth_date", "sex", "nationality", "name_sorted", "name_skeleton", "name_shape",
    "name_variants", "middle_initial", "a_number", *OTHER_IDS, GENERIC_IDS, "passport",
    "address", "postcode", "birth_place",
)  # fmt: skip


def compare_pairs(pairs: pl.DataFrame, features: pl.DataFrame) -> pl.DataFrame:
    """The comparison vectors of candidate pairs (``id_l``, ``id_r``; other columns of
    ``pairs``, such as the blocking ``rules``, are kept) (batch path). Features without
    generic identifiers count as having none."""
    if GENERIC_IDS not in features.columns:
        features = features.with_columns(pl.lit(None, pl.List(pl.Utf8)).alias(GENERIC_IDS))
    features = features.select("id", *READS)
    left = features.rename({c: f"{c}_l" for c in features.columns})
    right = features.rename({c: f"{c}_r" for c in features.columns})
    extra = [c for c in pairs.columns if c not in ("id_l", "id_r")]
    joined = pairs.join(left, on="id_l").join(right, on="id_r")
    joined = joined.with_columns(
        pl.Series("jw", _similarities(joined, "name_sorted"), dtype=pl.Float32),
        pl.Series("jw_address", _similarities(joined, "address"), dtype=pl.Float32),
        pl.Series("postcode_off", _one_off(joined["postcode_l"], joined["postcode_r"], 1)),
    )
    joined = joined.with_columns(name_expr().alias("name"), _other_id_levels(joined))
    return joined.select(
        "id_l",
        "id_r",
        *extra,
        "name",
        pl.when(pl.col("name") == EXACT_NAME).then(pl.col("name_sorted_l")).alias("name_value"),
        middle_expr().alias("middle_initial"),
        date_expr().alias("birth_date"),
        *(same_expr(c).alias(c) for c in ("sex", "a_number")),
        nationality_expr().alias("nationality"),
        passport_expr().alias("passport"),
        "other_id",
        address_expr().alias("address"),
        postcode_expr().alias("postcode"),
        same_expr("birth_place").alias("birth_place"),
    )


def _other_id_levels(joined: pl.DataFrame) -> pl.Series:
    """``other_id`` of every pair: equality column-wise, then, for the pairs whose
    identifiers differ, whether one is one character off the other (``nearids.level``)."""
    exact = pl.max_horizontal(*(same_expr(c) for c in OTHER_IDS), generic_expr())
    levels = joined.select(exact.replace_strict({1: 2}, default=exact).cast(pl.Int8)).to_series()
    rows = (levels == 0).arg_true()
    if rows.len() == 0:
        return levels.alias("other_id")
    differing = joined[rows]
    near = np.zeros(differing.height, dtype=bool)
    for column in OTHER_IDS:
        near |= _one_off(differing[f"{column}_l"], differing[f"{column}_r"])
    lists = differing.select(pl.col(f"{GENERIC_IDS}_l").is_not_null() & ~pl.lit(near))
    for i in lists.to_series().arg_true().to_list():
        a, b = differing[f"{GENERIC_IDS}_l"][i], differing[f"{GENERIC_IDS}_r"][i]
        near[i] = b is not None and id_level(a.to_list(), b.to_list()) == 1
    found = pl.Series(np.where(near, 1, 0), dtype=pl.Int8)
    return levels.scatter(rows, found).alias("other_id")


def _one_off(
    left: pl.Series, right: pl.Series, shortest: int = MIN_NEAR
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Whether each pair of values is one edit apart (optimal string alignment), both at
    least ``shortest`` characters long; a missing value is not."""
    left, right = left.cast(pl.Utf8), right.cast(pl.Utf8)
    a, b = left.fill_null("").to_list(), right.fill_null("").to_list()
    distances = process.cpdist(a, b, scorer=OSA.distance, workers=1)
    long_enough = (left.str.len_chars() >= shortest) & (right.str.len_chars() >= shortest)
    close: np.ndarray[Any, np.dtype[np.bool_]] = np.asarray(distances == 1, dtype=bool)
    result: np.ndarray[Any, np.dtype[np.bool_]] = close & long_enough.fill_null(False).to_numpy()
    return result


def _similarities(joined: pl.DataFrame, column: str) -> np.ndarray[Any, np.dtype[np.float32]]:
    left = joined[f"{column}_l"].fill_null("").to_list()
    right = joined[f"{column}_r"].fill_null("").to_list()
    if not left:
        return np.zeros(0, dtype=np.float32)
    scores = process.cpdist(left, right, scorer=JaroWinkler.similarity, workers=1)
    return np.asarray(scores, dtype=np.float32)
