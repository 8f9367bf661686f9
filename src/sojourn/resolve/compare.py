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

from sojourn.resolve.dates import DateLevel, date_level
from sojourn.resolve.names import shapes_fit
from sojourn.resolve.nearids import GENERIC_IDS, MIN_NEAR, OTHER_IDS, typed
from sojourn.resolve.nearids import level as id_level

MISSING = -1
#: The United States' country code (a U.S. nationality is no evidence against another).
US = "USA"
JW_HIGH, JW_LOW = np.float32(0.95), np.float32(0.88)
#: Date levels as integers (strongest highest); MISSING for a missing date.
DATE_LEVELS: dict[DateLevel, int] = {
    DateLevel.EXACT: 5,
    DateLevel.SWAPPED_DAY_MONTH: 4,
    DateLevel.PARTIAL: 3,
    DateLevel.ONE_DIGIT: 2,
    DateLevel.SAME_YEAR: 1,
    DateLevel.DIFFERENT: 0,
    DateLevel.MISSING: MISSING,
}
#: Comparison name → the name of each level; a level's value is its index (weakest first).
COMPARISONS: dict[str, tuple[str, ...]] = {
    "name": (
        "different", "shared variant", "jw>=0.88", "same skeleton and shape", "jw>=0.95",
        "one name's tokens within the other's", "exact",
    ),
    "middle_initial": ("different", "on one side only", "same"),
    "birth_date": (
        "different", "same year", "one digit or one day", "partial", "day/month swapped", "exact",
    ),
    "sex": ("different", "same"),
    "nationality": ("different", "same"),
    "a_number": ("different", "same"),
    "passport": ("different", "same"),
    "other_id": ("different", "one character off", "same"),
    "address": ("different", "jw>=0.88", "exact"),
    "postcode": ("different", "one character off", "same"),
    "birth_place": ("different", "same"),
}  # fmt: skip
#: The feature columns ``compare_one`` reads.
COMPARED = (
    "name_sorted", "name_skeleton", "name_shape", "name_variants", "middle_initial",
    "birth_date", "sex",
    "nationality", "a_number", "passport", *OTHER_IDS, GENERIC_IDS, "address", "postcode",
    "birth_place",
)  # fmt: skip
EXACT_NAME = 6


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


def compare_pairs(pairs: pl.DataFrame, features: pl.DataFrame) -> pl.DataFrame:
    """The comparison vectors of candidate pairs (``id_l``, ``id_r``; other columns of
    ``pairs``, such as the blocking ``rules``, are kept) (batch path). Features without
    generic identifiers count as having none."""
    if GENERIC_IDS not in features.columns:
        features = features.with_columns(pl.lit(None, pl.List(pl.Utf8)).alias(GENERIC_IDS))
    left = features.rename({c: f"{c}_l" for c in features.columns})
    right = features.rename({c: f"{c}_r" for c in features.columns})
    extra = [c for c in pairs.columns if c not in ("id_l", "id_r")]
    joined = pairs.join(left, on="id_l").join(right, on="id_r")
    joined = joined.with_columns(
        pl.Series("jw", _similarities(joined, "name_sorted"), dtype=pl.Float32),
        pl.Series("jw_address", _similarities(joined, "address"), dtype=pl.Float32),
        pl.Series("postcode_off", _one_off(joined["postcode_l"], joined["postcode_r"], 1)),
    )
    joined = joined.with_columns(_name_expr().alias("name"), _other_id_levels(joined))
    return joined.select(
        "id_l",
        "id_r",
        *extra,
        "name",
        pl.when(pl.col("name") == EXACT_NAME).then(pl.col("name_sorted_l")).alias("name_value"),
        _middle_expr().alias("middle_initial"),
        _date_expr().alias("birth_date"),
        *(_same_expr(c).alias(c) for c in ("sex", "a_number")),
        _nationality_expr().alias("nationality"),
        _passport_expr().alias("passport"),
        "other_id",
        _address_expr().alias("address"),
        _postcode_expr().alias("postcode"),
        _same_expr("birth_place").alias("birth_place"),
    )


def _other_id_levels(joined: pl.DataFrame) -> pl.Series:
    """``other_id`` of every pair: equality column-wise, then, for the pairs whose
    identifiers differ, whether one is one character off the other (``nearids.level``)."""
    exact = pl.max_horizontal(*(_same_expr(c) for c in OTHER_IDS), _generic_expr())
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


def _name_expr() -> pl.Expr:
    sorted_l, sorted_r = pl.col("name_sorted_l"), pl.col("name_sorted_r")
    shared = pl.col("name_variants_l").list.set_intersection(pl.col("name_variants_r")).list.len()
    tokens_l, tokens_r = (
        sorted_l.str.split(" ").list.unique(),
        sorted_r.str.split(" ").list.unique(),
    )
    n_l, n_r = tokens_l.list.len(), tokens_r.list.len()
    shape_l, shape_r = pl.col("name_shape_l"), pl.col("name_shape_r")
    shapes = (shape_l == shape_r) | (shape_l == "*") | (shape_r == "*")
    left_in = (n_l <= n_r) & (tokens_l.list.set_difference(tokens_r).list.len() == 0)
    right_in = (n_r <= n_l) & (tokens_r.list.set_difference(tokens_l).list.len() == 0)
    return (
        pl.when(sorted_l.is_null() | sorted_r.is_null() | (sorted_l == "") | (sorted_r == ""))
        .then(MISSING)
        .when(sorted_l == sorted_r)
        .then(EXACT_NAME)
        .when(left_in | right_in)
        .then(5)
        .when(pl.col("jw") >= float(JW_HIGH))
        .then(4)
        .when((pl.col("name_skeleton_l") == pl.col("name_skeleton_r")) & shapes)
        .then(3)
        .when(pl.col("jw") >= float(JW_LOW))
        .then(2)
        .when(shared > 0)
        .then(1)
        .otherwise(0)
        .cast(pl.Int8)
    )


def _passport_expr() -> pl.Expr:
    parts = [pl.col(f"passport_{side}").cast(pl.Utf8).str.split_exact(":", 1) for side in "lr"]
    country_l, number_l = parts[0].struct.field("field_0"), parts[0].struct.field("field_1")
    country_r, number_r = parts[1].struct.field("field_0"), parts[1].struct.field("field_1")
    countries_fit = (country_l == country_r) | (country_l == "") | (country_r == "")
    return (
        pl.when(pl.col("passport_l").is_null() | pl.col("passport_r").is_null())
        .then(MISSING)
        .when((number_l == number_r) & countries_fit)
        .then(1)
        .otherwise(0)
        .cast(pl.Int8)
    )


def _postcode_expr() -> pl.Expr:
    left, right = pl.col("postcode_l").cast(pl.Utf8), pl.col("postcode_r").cast(pl.Utf8)
    same_length = left.str.len_chars() == right.str.len_chars()
    return (
        pl.when(left.is_null() | right.is_null())
        .then(MISSING)
        .when(left == right)
        .then(2)
        .when(same_length & pl.col("postcode_off"))
        .then(1)
        .otherwise(0)
        .cast(pl.Int8)
    )


def _address_expr() -> pl.Expr:
    left, right = pl.col("address_l"), pl.col("address_r")
    return (
        pl.when(left.is_null() | right.is_null())
        .then(MISSING)
        .when(left == right)
        .then(2)
        .when(pl.col("jw_address") >= float(JW_LOW))
        .then(1)
        .otherwise(0)
        .cast(pl.Int8)
    )


def _generic_expr() -> pl.Expr:
    """``generic_level``, column-wise."""
    left, right = pl.col(f"{GENERIC_IDS}_l"), pl.col(f"{GENERIC_IDS}_r")

    def types(ids: pl.Expr) -> pl.Expr:
        return ids.list.eval(pl.element().str.extract(r"^([^:]*):", 1))

    same = left.list.set_intersection(right).list.len() > 0
    shared_type = types(left).list.set_intersection(types(right)).list.len() > 0
    return (
        pl.when(left.is_null() | right.is_null() | (left.list.len() == 0) | (right.list.len() == 0))
        .then(MISSING)
        .when(same)
        .then(1)
        .when(shared_type)
        .then(0)
        .otherwise(MISSING)
        .cast(pl.Int8)
    )


def _middle_expr() -> pl.Expr:
    left, right = pl.col("middle_initial_l"), pl.col("middle_initial_r")
    return (
        pl.when(left.is_null() & right.is_null())
        .then(MISSING)
        .when(left.is_null() | right.is_null())
        .then(1)
        .when(left == right)
        .then(2)
        .otherwise(0)
        .cast(pl.Int8)
    )


def _nationality_expr() -> pl.Expr:
    left, right = pl.col("nationality_l"), pl.col("nationality_r")
    dual = (left != right) & ((left == US) | (right == US))
    return (
        pl.when(left.is_null() | right.is_null() | dual)
        .then(MISSING)
        .when(left == right)
        .then(1)
        .otherwise(0)
        .cast(pl.Int8)
    )


def _same_expr(column: str) -> pl.Expr:
    left, right = pl.col(f"{column}_l"), pl.col(f"{column}_r")
    return (
        pl.when(left.is_null() | right.is_null())
        .then(MISSING)
        .when(left == right)
        .then(1)
        .otherwise(0)
        .cast(pl.Int8)
    )


def _date_expr() -> pl.Expr:
    a, b = pl.col("birth_date_l"), pl.col("birth_date_r")
    full = (a.str.len_chars() == 10) & (b.str.len_chars() == 10)
    swapped = (
        (a.str.slice(0, 4) == b.str.slice(0, 4))
        & (a.str.slice(5, 2) == b.str.slice(8, 2))
        & (a.str.slice(8, 2) == b.str.slice(5, 2))
    )
    differing = pl.sum_horizontal(
        (a.str.slice(i, 1) != b.str.slice(i, 1)).cast(pl.Int8) for i in range(10)
    )
    shorter_prefix = pl.when(a.str.len_chars() <= b.str.len_chars()).then(b.str.starts_with(a))
    partial = shorter_prefix.otherwise(a.str.starts_with(b))
    same_year = a.str.slice(0, 4) == b.str.slice(0, 4)
    days = a.str.to_date("%Y-%m-%d", strict=False) - b.str.to_date("%Y-%m-%d", strict=False)
    one_day = (days.dt.total_days().abs() == 1).fill_null(False)
    return (
        pl.when(a.is_null() | b.is_null() | (a == "") | (b == ""))
        .then(MISSING)
        .when(full & (a == b))
        .then(5)
        .when(full & swapped)
        .then(4)
        .when(full & ((differing == 1) | one_day))
        .then(2)
        .when(full & same_year)
        .then(1)
        .when(full)
        .then(0)
        .when(partial)
        .then(3)
        .when(same_year)
        .then(1)
        .otherwise(0)
        .cast(pl.Int8)
    )
