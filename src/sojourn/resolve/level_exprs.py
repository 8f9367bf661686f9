"""The batch path's comparison levels as polars expressions over a joined pair frame (columns
``<feature>_l`` and ``<feature>_r``, plus the similarities ``compare_pairs`` adds): the
vectorized twins of the row functions in ``compare`` (a test holds them level for level)."""

from __future__ import annotations

import polars as pl

from sojourn.resolve.levels import EXACT_NAME, JW_HIGH, JW_LOW, MISSING, US
from sojourn.resolve.nearids import GENERIC_IDS


def name_expr() -> pl.Expr:
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


def passport_expr() -> pl.Expr:
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


def postcode_expr() -> pl.Expr:
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


def address_expr() -> pl.Expr:
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


def generic_expr() -> pl.Expr:
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


def middle_expr() -> pl.Expr:
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


def nationality_expr() -> pl.Expr:
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


def same_expr(column: str) -> pl.Expr:
    left, right = pl.col(f"{column}_l"), pl.col(f"{column}_r")
    return (
        pl.when(left.is_null() | right.is_null())
        .then(MISSING)
        .when(left == right)
        .then(1)
        .otherwise(0)
        .cast(pl.Int8)
    )


def date_expr() -> pl.Expr:
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
