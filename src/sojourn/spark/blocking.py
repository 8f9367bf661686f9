"""Blocking as Spark joins: the rules of ``resolve.blocking`` (``RULES``), each a self-join
of the records on the rule's key, with the same ``max_block`` suppression of generic keys and
the same pairs (``id_l`` < ``id_r``, each once, with the sorted names of the rules that found
it).

A rule's key is its columns joined by the same separator as on one machine, after exploding
its list columns (a record sharing any element); a key carried by more than ``max_block``
records is skipped. Each key's records are collected into one block (its sorted distinct
ids), whose size is the test and whose pairs are generated in place: a block holds at most
``max_block`` ids (200), so at most 19,900 pairs.
"""

from __future__ import annotations

from functools import reduce

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as sf

from sojourn.resolve.blocking import ID_L, ID_R, RULES, BlockingRule

SEPARATOR = "\x1f"


#: The pairs of a block's sorted ids, each once, the smaller first.
_PAIRS = (
    "flatten(transform(ids, (x, i) -> transform(slice(ids, i + 2, size(ids) - i - 1), "
    "y -> named_struct('l', x, 'r', y))))"
)


def candidate_pairs(feats: DataFrame, rules: tuple[BlockingRule, ...] = RULES) -> DataFrame:
    """``id_l``, ``id_r``, ``rules``: the candidate pairs of ``feats`` (an ``id`` column).
    Every rule's keys in one frame (``rule``, ``key``, ``id``), grouped once into blocks (the
    sorted distinct ids of each key), the pairs of each kept block generated inside it, then
    grouped once by pair: two shuffles for all the rules, no self-join."""
    blocks = _blocks(feats, rules).where((sf.size("ids") >= 2) & (sf.size("ids") <= _limit(rules)))
    pairs = blocks.select("rule", sf.explode(sf.expr(_PAIRS)).alias("pair"))
    return pairs.groupBy(sf.col("pair.l").alias(ID_L), sf.col("pair.r").alias(ID_R)).agg(
        sf.array_sort(sf.collect_set("rule")).alias("rules")
    )


def _blocks(feats: DataFrame, rules: tuple[BlockingRule, ...]) -> DataFrame:
    """``rule``, ``key``, ``ids``: each key of each rule with its records' sorted ids."""
    keyed = reduce(DataFrame.unionAll, [_keys(feats, rule) for rule in rules])
    return keyed.groupBy("rule", "key").agg(sf.array_sort(sf.collect_set("id")).alias("ids"))


def _limit(rules: tuple[BlockingRule, ...]) -> Column:
    return sf.coalesce(*(sf.when(sf.col("rule") == r.name, r.max_block) for r in rules))


def _keys(feats: DataFrame, rule: BlockingRule) -> DataFrame:
    """``rule``, ``key``, ``id``: each record's keys for the rule (one per element of a
    list)."""
    types = dict(feats.dtypes)
    frame = feats.select("id", *rule.columns)
    for column in rule.columns:
        if types[column].startswith("array"):
            frame = frame.withColumn(column, sf.explode(column))
    parts = [sf.col(c).cast("string") for c in rule.columns]
    return frame.dropna(subset=list(rule.columns)).select(
        sf.lit(rule.name).alias("rule"), sf.concat_ws(SEPARATOR, *parts).alias("key"), "id"
    )
