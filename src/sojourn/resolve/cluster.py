"""Clustering scored pairs into persons.

Pairs at or above ``accept`` join their records (connected components, union–find). Pairs in
the grey band [``review``, ``accept``) never merge anything: each one linking two different
clusters becomes an identity-review item for a person to decide.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Clusters:
    """``assignments``: one row per record (``id``, ``cluster``: the cluster's smallest record
    id); ``reviews``: grey-band pairs across clusters (``id_l``, ``id_r``,
    ``match_probability``)."""

    assignments: pl.DataFrame
    reviews: pl.DataFrame


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        root = self.parent.setdefault(item, item)
        while self.parent[root] != root:
            root = self.parent[root]
        while item != root:  # path compression, without recursion
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            low, high = sorted((root_a, root_b))
            self.parent[high] = low


def components(ids: Iterable[str], edges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Record id → the smallest record id of its connected component."""
    forest = _UnionFind()
    for record in ids:
        forest.find(record)
    for a, b in edges:
        forest.union(a, b)
    return {record: forest.find(record) for record in list(forest.parent)}


def cluster(
    scored: pl.DataFrame, ids: pl.Series, accept: float = 0.9, review: float = 0.5
) -> Clusters:
    """Persons from scored candidate pairs over all record ``ids``."""
    if not 0 < review <= accept <= 1:
        raise ValueError("thresholds must satisfy 0 < review <= accept <= 1")
    strong = scored.filter(pl.col("match_probability") >= accept).select("id_l", "id_r")
    mapping = components(ids.to_list(), strong.iter_rows())
    assignments = pl.DataFrame(
        {"id": list(mapping), "cluster": list(mapping.values())},
        schema={"id": pl.Utf8, "cluster": pl.Utf8},
    )
    grey = scored.filter(pl.col("match_probability").is_between(review, accept, closed="left"))
    lookup = assignments.rename({"id": "id_l", "cluster": "c_l"})
    reviews = (
        grey.select("id_l", "id_r", "match_probability")
        .join(lookup, on="id_l")
        .join(lookup.rename({"id_l": "id_r", "c_l": "c_r"}), on="id_r")
        .filter(pl.col("c_l") != pl.col("c_r"))
        .drop("c_l", "c_r")
    )
    return Clusters(assignments.sort("id"), reviews)
