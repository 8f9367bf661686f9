"""Clustering scored pairs into persons, under human judgements and existing persons.

Judged ``same`` pairs are joined first; then pairs at or above ``accept``, strongest first
(union–find). A join never happens when it would put two records judged ``different`` in one
person, or let a new record (not linked by an earlier run) join two persons that already
exist: such a pair becomes an identity-review item instead, for a person to decide. (Two
existing persons' own records may join: after a retraining, or a retracted judgement.)
Pairs in the grey band [``review``, ``accept``) never join anything: each one between two
clusters is a review item too (the strongest pair per two clusters, judged pairs excluded).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import polars as pl

GREY_BAND = "match probability in the grey band between the review and accept thresholds"
TWO_PERSONS = "would join two existing persons"
JUDGEMENTS_DISAGREE = "judged the same, but other judgements keep the two apart"
REVIEW_SCHEMA = {
    "id_l": pl.Utf8, "id_r": pl.Utf8, "match_probability": pl.Float64, "reason": pl.Utf8,
}  # fmt: skip


@dataclass(frozen=True)
class Constraints:
    """Judged pairs (``same``: record, record, judgement id; ``different``: record pairs)
    and the existing person of each record already linked."""

    same: tuple[tuple[str, str, int], ...] = ()
    different: tuple[tuple[str, str], ...] = ()
    owners: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Clusters:
    """``assignments``: one row per record (``id``, ``cluster``: the cluster's smallest record
    id); ``reviews``: pairs for a person to decide (``id_l``, ``id_r``,
    ``match_probability``, ``reason``)."""

    assignments: pl.DataFrame
    reviews: pl.DataFrame


class _Forest:
    """Union–find whose roots carry the existing persons and the judged-apart records of
    their members."""

    def __init__(self, constraints: Constraints) -> None:
        self.parent: dict[str, str] = {}
        self.owners: dict[str, set[str]] = {
            r: {p} for r, p in constraints.owners.items() if p is not None
        }
        self.known = set(constraints.owners)
        self.apart: dict[str, set[str]] = {}
        for a, b in constraints.different:
            self.apart.setdefault(a, set()).add(b)
            self.apart.setdefault(b, set()).add(a)

    def find(self, item: str) -> str:
        root = self.parent.setdefault(item, item)
        while self.parent[root] != root:
            root = self.parent[root]
        while item != root:  # path compression, without recursion
            self.parent[item], item = root, self.parent[item]
        return root

    def blocker(self, a: str, b: str, judged_same: bool) -> str | None:
        """Why ``a`` and ``b`` may not be joined, or None."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return None
        apart = self.apart.get(root_a, set())
        if any(self.find(x) == root_b for x in apart):
            return "judged different"
        if judged_same or (a in self.known and b in self.known):
            return None
        owners_a, owners_b = self.owners.get(root_a), self.owners.get(root_b)
        if owners_a and owners_b and owners_a != owners_b:
            return TWO_PERSONS
        return None

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return
        low, high = sorted((root_a, root_b))
        self.parent[high] = low
        for table in (self.owners, self.apart):
            moved = table.pop(high, None)
            if moved:
                table.setdefault(low, set()).update(moved)


def components(ids: Iterable[str], edges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Record id → the smallest record id of its connected component (no constraints)."""
    forest = _Forest(Constraints())
    for record in ids:
        forest.find(record)
    for a, b in edges:
        forest.union(a, b)
    return {record: forest.find(record) for record in list(forest.parent)}


def cluster(
    scored: pl.DataFrame,
    ids: pl.Series,
    accept: float = 0.9,
    review: float = 0.5,
    constraints: Constraints | None = None,
) -> Clusters:
    """Persons from scored candidate pairs over all record ``ids``."""
    if not 0 < review <= accept <= 1:
        raise ValueError("thresholds must satisfy 0 < review <= accept <= 1")
    rules = constraints or Constraints()
    forest = _Forest(rules)
    wanted = ids.to_list()
    for record in wanted:
        forest.find(record)
    disagreeing: list[tuple[str, str, float, str]] = []
    for a, b, _judgement in rules.same:
        if forest.blocker(a, b, judged_same=True) is None:
            forest.union(a, b)
        else:  # judged the same, but other judgements keep them apart: a person decides
            disagreeing.append((a, b, 1.0, JUDGEMENTS_DISAGREE))
    blocked = _join_strong(forest, scored, accept)
    mapping = {record: forest.find(record) for record in wanted}
    assignments = pl.DataFrame(
        {"id": list(mapping), "cluster": list(mapping.values())},
        schema={"id": pl.Utf8, "cluster": pl.Utf8},
    )
    grey = scored.filter(pl.col("match_probability").is_between(review, accept, closed="left"))
    candidates = pl.concat(
        [
            grey.select("id_l", "id_r", "match_probability").with_columns(
                pl.lit(GREY_BAND).alias("reason")
            ),
            blocked,
        ]
    )
    conflicts = pl.DataFrame(disagreeing, schema=REVIEW_SCHEMA, orient="row")
    reviews = pl.concat([_reviews(candidates, assignments, rules), conflicts])
    return Clusters(assignments.sort("id"), reviews)


def _join_strong(forest: _Forest, scored: pl.DataFrame, accept: float) -> pl.DataFrame:
    """Join accepted pairs, strongest first; the pairs a constraint blocked, as reviews."""
    strong = scored.filter(pl.col("match_probability") >= accept).sort(
        "match_probability", "id_l", "id_r", descending=[True, False, False]
    )
    blocked: list[tuple[str, str, float]] = []
    for a, b, probability in strong.select("id_l", "id_r", "match_probability").iter_rows():
        why = forest.blocker(a, b, judged_same=False)
        if why is None:
            forest.union(a, b)
        elif why == TWO_PERSONS:
            blocked.append((a, b, probability))
    return pl.DataFrame(
        blocked,
        schema={"id_l": pl.Utf8, "id_r": pl.Utf8, "match_probability": pl.Float64},
        orient="row",
    ).with_columns(pl.lit(TWO_PERSONS).alias("reason"))


def _reviews(
    candidates: pl.DataFrame, assignments: pl.DataFrame, rules: Constraints
) -> pl.DataFrame:
    """One review per two clusters (the strongest pair), judged pairs excluded."""
    judged = [(a, b) for a, b, _ in rules.same] + list(rules.different)
    judged_frame = pl.DataFrame(judged, schema={"id_l": pl.Utf8, "id_r": pl.Utf8}, orient="row")
    lookup = assignments.rename({"id": "id_l", "cluster": "c_l"})
    return (
        candidates.join(judged_frame, on=["id_l", "id_r"], how="anti")
        .join(lookup, on="id_l")
        .join(lookup.rename({"id_l": "id_r", "c_l": "c_r"}), on="id_r")
        .filter(pl.col("c_l") != pl.col("c_r"))
        .with_columns(
            pl.min_horizontal("c_l", "c_r").alias("c_a"),
            pl.max_horizontal("c_l", "c_r").alias("c_b"),
        )
        .sort("match_probability", "id_l", "id_r", descending=[True, False, False])
        .unique(["c_a", "c_b"], keep="first", maintain_order=True)
        .select("id_l", "id_r", "match_probability", "reason")
    )
