"""Blocking: candidate record pairs from several keys, with generic values suppressed.

Each rule pairs the records that share all of its key columns (a list column, such as the
name variants, pairs records sharing any element). A key value shared by more records than
the rule's ``max_block`` is generic (a placeholder passport number, a very common name in
one birth year): it is skipped, and reported, instead of producing a quadratic number of
pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

ID_L, ID_R = "id_l", "id_r"


@dataclass(frozen=True)
class BlockingRule:
    """Records sharing every one of ``columns`` become candidate pairs."""

    name: str
    columns: tuple[str, ...]
    max_block: int = 200


RULES: tuple[BlockingRule, ...] = (
    BlockingRule("a_number", ("a_number",), max_block=50),
    BlockingRule("passport", ("passport_no",), max_block=50),
    BlockingRule("sevis_id", ("sevis_id",), max_block=50),
    BlockingRule("fbi_number", ("fbi_number",), max_block=50),
    BlockingRule("ssn", ("ssn",), max_block=50),
    # Generic identifiers (a mapping's ``identifiers:`` of other types): type and value.
    BlockingRule("identifier", ("identifiers",), max_block=50),
    # Identifiers one character apart (a digit mistyped, two swapped): ``nearids``.
    BlockingRule("identifier_near", ("id_near",), max_block=50),
    BlockingRule("dob_name", ("birth_date", "name_sorted")),
    BlockingRule("dob_skeleton", ("birth_date", "name_skeleton")),
    BlockingRule("dob_variant", ("birth_date", "name_variants")),
    # The birth date with one keying error (day or month mistyped, the two swapped: the
    # keys of ``dates.birth_parts``) and the name's skeleton. A key holds about a month's
    # births, where the birth year alone made blocks that grew twelve times as fast.
    BlockingRule("date_part_skeleton", ("birth_parts", "name_skeleton")),
    BlockingRule("dob_metaphone", ("birth_date", "name_metaphones")),
    BlockingRule("name_exact", ("name_sorted",), max_block=12),
    # The family name and middle initial: the given name mistyped or missing and no birth
    # date to block on (``david r lo``, ``oavid robert lo``).
    BlockingRule("family_middle", ("family_latin", "middle_initial"), max_block=12),
    BlockingRule("skeleton", ("name_skeleton",), max_block=12),
    BlockingRule("postcode_dob", ("postcode", "birth_date")),
    BlockingRule("postcode_skeleton", ("postcode", "name_skeleton")),
    BlockingRule("postcode_family", ("postcode", "family_latin")),
    BlockingRule("postcode_given", ("postcode", "given_latin")),
    BlockingRule("address", ("address",), max_block=50),
)


@dataclass(frozen=True)
class Blocked:
    """Candidate pairs (``id_l`` < ``id_r``, with the rules that found them) and the generic
    key values that were suppressed (rule, key, records)."""

    pairs: pl.DataFrame
    suppressed: pl.DataFrame


def candidate_pairs(features: pl.DataFrame, rules: tuple[BlockingRule, ...] = RULES) -> Blocked:
    """Candidate pairs of ``features`` (one row per record, an ``id`` column)."""
    found: list[pl.LazyFrame] = []
    suppressed: list[pl.DataFrame] = []
    for rule in rules:
        keyed = _keys(features, rule)
        sizes = keyed.group_by("key").len()
        generic = sizes.filter(pl.col("len") > rule.max_block)
        suppressed.append(
            generic.select(pl.lit(rule.name).alias("rule"), "key", pl.col("len").alias("records"))
        )
        kept = keyed.join(generic.select("key"), on="key", how="anti").lazy()
        found.append(_pairs(kept).with_columns(pl.lit(rule.name).alias("rule")))
    pairs = (
        pl.concat(found)
        .group_by(ID_L, ID_R)
        .agg(pl.col("rule").unique().sort().alias("rules"))
        .sort(ID_L, ID_R)
        .collect()
    )
    return Blocked(pairs, pl.concat(suppressed).sort("rule", "records", descending=[False, True]))


def _keys(features: pl.DataFrame, rule: BlockingRule) -> pl.DataFrame:
    frame = features.select("id", *rule.columns)
    for column in rule.columns:
        if isinstance(frame.schema[column], pl.List):
            frame = frame.explode(column)
    parts = [pl.col(c).cast(pl.Utf8) for c in rule.columns]
    return (
        frame.drop_nulls(list(rule.columns))
        .select("id", pl.concat_str(parts, separator="\x1f").alias("key"))
        .unique()
    )


def _pairs(keyed: pl.LazyFrame) -> pl.LazyFrame:
    joined = keyed.join(keyed, on="key", suffix="_r").filter(pl.col("id") < pl.col("id_r"))
    return joined.select(pl.col("id").alias(ID_L), pl.col("id_r").alias(ID_R)).unique()


def pair_recall(pairs: pl.DataFrame, truth: pl.DataFrame, by: str | None = None) -> pl.DataFrame:
    """Blocking recall against ``truth`` (columns ``id``, ``person_id`` and optionally
    ``by``): the share of true same-person pairs that are candidates, overall or per group.
    A pair counts towards the group of its left record."""
    group = by or "all"
    truth = truth if by else truth.with_columns(pl.lit("all").alias("all"))
    people = truth.group_by("person_id", group).agg(pl.len().alias("n"))
    expected = people.group_by(group).agg(
        ((pl.col("n") * (pl.col("n") - 1)) // 2).sum().alias("true_pairs")
    )
    left = truth.select(pl.col("id").alias(ID_L), pl.col("person_id").alias("p_l"), group)
    right = truth.select(pl.col("id").alias(ID_R), pl.col("person_id").alias("p_r"))
    hits = (
        pairs.select(ID_L, ID_R)
        .join(left, on=ID_L)
        .join(right, on=ID_R)
        .filter(pl.col("p_l") == pl.col("p_r"))
    )
    found = hits.group_by(group).agg(pl.len().alias("found"))
    return (
        expected.join(found, on=group, how="left")
        .with_columns(pl.col("found").fill_null(0))
        .with_columns((pl.col("found") / pl.col("true_pairs")).alias("recall"))
        .sort(group)
    )
