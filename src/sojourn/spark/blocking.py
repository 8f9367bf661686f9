"""Blocking as Spark joins: the rules of ``resolve.blocking`` (``RULES``), each a self-join
of the records on the rule's key, with the same ``max_block`` suppression of generic keys and
the same pairs (``id_l`` < ``id_r``, each once, with the sorted names of the rules that found
it).

A rule's key is its columns joined by the same separator as on one machine, after exploding
its list columns (a record sharing any element); a key carried by more than ``max_block``
records is skipped. The size of each key is a window over the key's partition, which the
self-join then uses as it is.
"""

from __future__ import annotations

from functools import reduce

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as sf

from sojourn.resolve.blocking import ID_L, ID_R, RULES, BlockingRule

SEPARATOR = "\x1f"


def candidate_pairs(feats: DataFrame, rules: tuple[BlockingRule, ...] = RULES) -> DataFrame:
    """``id_l``, ``id_r``, ``rules``: the candidate pairs of ``feats`` (an ``id`` column).
    Every rule's keys in one frame (``rule``, ``key``, ``id``), so all the rules take one
    distinct, one window and one self-join, not a chain of stages each."""
    keyed = reduce(DataFrame.unionAll, [_keys(feats, rule) for rule in rules]).distinct()
    limit = sf.coalesce(*(sf.when(sf.col("rule") == r.name, r.max_block) for r in rules))
    sized = keyed.withColumn("size", sf.count(sf.lit(1)).over(Window.partitionBy("rule", "key")))
    kept = sized.where(sf.col("size") <= limit).select("rule", "key", "id")
    right = kept.select("rule", "key", sf.col("id").alias(ID_R))
    return (
        kept.join(right, on=["rule", "key"])
        .where(sf.col("id") < sf.col(ID_R))
        .groupBy(sf.col("id").alias(ID_L), ID_R)
        .agg(sf.array_sort(sf.collect_set("rule")).alias("rules"))
    )


def suppressed(feats: DataFrame, rules: tuple[BlockingRule, ...] = RULES) -> DataFrame:
    """``rule``, ``key``, ``records``: the generic keys each rule skipped."""
    keyed = reduce(DataFrame.unionAll, [_keys(feats, rule) for rule in rules]).distinct()
    limit = sf.coalesce(*(sf.when(sf.col("rule") == r.name, r.max_block) for r in rules))
    counts = keyed.groupBy("rule", "key").agg(sf.count(sf.lit(1)).alias("records"))
    return counts.where(sf.col("records") > limit)


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
