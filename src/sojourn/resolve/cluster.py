"""Clustering scored pairs into persons, under human judgements and existing persons.

Judged ``same`` pairs are joined first; then pairs at or above ``accept``, strongest first
(union–find). A join never happens when it would put two records judged ``different`` in one
person, or let a new record (not linked by an earlier run) join two persons that already
exist: such a pair becomes an identity-review item instead, for a person to decide. (Two
existing persons' own records may join: after a retraining, or a retracted judgement.)
Pairs in the grey band [``review``, ``accept``) never join anything: each one between two
clusters is a review item too (the strongest pair per two clusters, judged pairs excluded).

Single linkage chains: A–B and B–C strong can put A and C in one person although the model
scored A–C as two different people. A person whose own records include such a pair (below
``CONTRADICTION``) is clustered again with that pair kept apart, as a judged-different pair is;
a strong pair this refuses is a review item (``SCORED_APART``), for a person to decide. A
human judgement of ``same`` is never refused for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import polars as pl

GREY_BAND = "match probability in the grey band between the review and accept thresholds"
TWO_PERSONS = "would join two existing persons"
JUDGEMENTS_DISAGREE = "judged the same, but other judgements keep the two apart"
SCORED_APART = "would put in one person two records the model scores as different people"
#: A pair scored below this inside one cluster means the cluster is two or more people (odds
#: of one person about 1 in 3,300). Measured (bench/er_external.py, bench/resolve.py): 1e-3
#: began to cut true FEBRL 3 clusters; 3e-4 cuts none there and halves the generated false
#: merges.
CONTRADICTION = 0.0003
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

    def __init__(
        self, constraints: Constraints, scored_apart: Iterable[tuple[str, str]] = ()
    ) -> None:
        self.parent: dict[str, str] = {}
        self.owners: dict[str, set[str]] = {
            r: {p} for r, p in constraints.owners.items() if p is not None
        }
        self.known = set(constraints.owners)
        self.apart: dict[str, set[str]] = {}
        for a, b in constraints.different:
            self.apart.setdefault(a, set()).add(b)
            self.apart.setdefault(b, set()).add(a)
        self.scored_apart: dict[str, set[str]] = {}
        for a, b in scored_apart:
            self.scored_apart.setdefault(a, set()).add(b)
            self.scored_apart.setdefault(b, set()).add(a)

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
        if judged_same:
            return None
        if any(self.find(x) == root_b for x in self.scored_apart.get(root_a, ())):
            return SCORED_APART
        if a in self.known and b in self.known:
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
        for table in (self.owners, self.apart, self.scored_apart):
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
    wanted = ids.to_list()
    mapping, blocked, disagreeing = _link(wanted, scored, accept, rules)
    apart = _contradictions(scored, mapping)
    if apart:  # some clusters are two people or more: those clustered again, apart kept
        inside = {r for pair in apart for r in pair}
        roots = {mapping[r] for r in inside}
        again = [r for r in wanted if mapping[r] in roots]
        kept = set(again)
        pairs = scored.filter(pl.col("id_l").is_in(kept) & pl.col("id_r").is_in(kept))
        split, blocked_again, _ = _link(again, pairs, accept, rules, apart)
        mapping.update(split)
        blocked = pl.concat([blocked, blocked_again])
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


def _link(
    wanted: list[str], scored: pl.DataFrame, accept: float, rules: Constraints,
    scored_apart: Iterable[tuple[str, str]] = (),
) -> tuple[dict[str, str], pl.DataFrame, list[tuple[str, str, float, str]]]:  # fmt: skip
    """Record → cluster root: judged-same pairs joined, then strong pairs; the strong pairs a
    constraint refused; the judged-same pairs other judgements keep apart."""
    forest = _Forest(rules, scored_apart)
    for record in wanted:
        forest.find(record)
    disagreeing: list[tuple[str, str, float, str]] = []
    for a, b, _judgement in rules.same:
        if a not in forest.parent or b not in forest.parent:
            continue
        if forest.blocker(a, b, judged_same=True) is None:
            forest.union(a, b)
        else:  # judged the same, but other judgements keep them apart: a person decides
            disagreeing.append((a, b, 1.0, JUDGEMENTS_DISAGREE))
    blocked = _join_strong(forest, scored, accept)
    return {record: forest.find(record) for record in wanted}, blocked, disagreeing


def _contradictions(scored: pl.DataFrame, mapping: dict[str, str]) -> list[tuple[str, str]]:
    """Scored pairs below ``CONTRADICTION`` whose two records ended in one cluster."""
    low = scored.filter(pl.col("match_probability") < CONTRADICTION).select("id_l", "id_r")
    if low.is_empty():
        return []
    roots = pl.DataFrame({"id_l": list(mapping), "c": list(mapping.values())},
                         schema={"id_l": pl.Utf8, "c": pl.Utf8})  # fmt: skip
    inside = (
        low.join(roots, on="id_l")
        .join(roots.rename({"id_l": "id_r", "c": "c_r"}), on="id_r")
        .filter(pl.col("c") == pl.col("c_r"))
    )
    return [(a, b) for a, b in inside.select("id_l", "id_r").iter_rows()]


def _join_strong(forest: _Forest, scored: pl.DataFrame, accept: float) -> pl.DataFrame:
    """Join accepted pairs, strongest first; the pairs a constraint blocked, as reviews."""
    strong = scored.filter(pl.col("match_probability") >= accept).sort(
        "match_probability", "id_l", "id_r", descending=[True, False, False]
    )
    blocked: list[tuple[str, str, float, str]] = []
    for a, b, probability in strong.select("id_l", "id_r", "match_probability").iter_rows():
        why = forest.blocker(a, b, judged_same=False)
        if why is None:
            forest.union(a, b)
        elif why in (TWO_PERSONS, SCORED_APART):
            blocked.append((a, b, probability, why))
    return pl.DataFrame(blocked, schema=REVIEW_SCHEMA, orient="row")


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
