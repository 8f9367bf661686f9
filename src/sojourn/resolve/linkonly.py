"""What a run covers: every stored record (a batch run), or two lists linked to each other
without deduplicating within them (``sojourn resolve --link-only A B``, Splink's link_only).

A link-only run takes only the records of the two sources; its candidate pairs join a record
of one source to a record of the other, never two of the same source; and each person holds
at most one record of each source, a one-to-one link: accepted pairs are taken strongest
first (ties by record ids), and a pair whose two persons already hold a record of the same
source is left out. A grey-band pair opens a review only if its two persons could still be
joined. Records of other sources, and their links, are not read or written. Human judgements
hold as in every run (a person judged the same stays together; it then takes no other record
of a source it holds). A person whose records are not all in the run keeps its id: when its
records of the two sources leave it, that is a *moved* event, not a *merged* one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

import polars as pl

from sojourn.resolve.cluster import Clusters, Constraints
from sojourn.resolve.identity import Identities, PersonEvent


class UnknownSourceError(ValueError):
    """A source named for a link-only run has no stored records."""


class Scope:
    """Every stored record, deduplicated and linked: the batch run."""

    kind: ClassVar[str] = "batch"
    checkpoint: ClassVar[str] = "resolve-checkpoint"

    def records(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The records the run takes (``frame``: every stored record)."""
        return frame

    def candidates(self, pairs: pl.DataFrame, feats: pl.DataFrame) -> pl.DataFrame:
        """The candidate pairs the run compares."""
        return pairs

    def pairs(
        self, scored: pl.DataFrame, feats: pl.DataFrame, constraints: Constraints, accept: float
    ) -> pl.DataFrame:
        """The scored pairs clustering may use."""
        return scored

    def identities(self, identities: Identities, old: pl.DataFrame, ids: pl.Series) -> Identities:
        """The run's person ids and events, given every current link (``old``)."""
        return identities

    def figures(
        self, scored: pl.DataFrame, clusters: Clusters, feats: pl.DataFrame, accept: float
    ) -> dict[str, int]:
        """Figures of the run shown in its summary (not stored)."""
        return {}


WHOLE_STORE = Scope()


@dataclass(frozen=True)
class LinkOnly(Scope):
    """Link the records of source ``a`` to those of source ``b``, one-to-one."""

    a: str
    b: str
    kind: ClassVar[str] = "link_only"
    checkpoint: ClassVar[str] = "resolve-checkpoint-link-only"

    def records(self, frame: pl.DataFrame) -> pl.DataFrame:
        known = sorted(frame["source"].drop_nulls().unique().to_list())
        listed = ", ".join(known) or "none"
        if self.a == self.b:
            raise UnknownSourceError(
                f"--link-only needs two different sources, got {self.a!r} twice; "
                f"sources with records: {listed}"
            )
        for source in (self.a, self.b):
            if source not in known:
                raise UnknownSourceError(
                    f"source {source!r} has no stored records (unknown, or nothing of it "
                    f"ingested); sources with records: {listed}"
                )
        return frame.filter(pl.col("source").is_in([self.a, self.b]))

    def candidates(self, pairs: pl.DataFrame, feats: pl.DataFrame) -> pl.DataFrame:
        source = feats.select("id", "source")
        return (
            pairs.join(source.rename({"id": "id_l", "source": "s_l"}), on="id_l")
            .join(source.rename({"id": "id_r", "source": "s_r"}), on="id_r")
            .filter(pl.col("s_l") != pl.col("s_r"))
            .drop("s_l", "s_r")
        )

    def pairs(
        self, scored: pl.DataFrame, feats: pl.DataFrame, constraints: Constraints, accept: float
    ) -> pl.DataFrame:
        """Accepted pairs kept one-to-one, strongest first; a lower pair only between two
        persons that could still be joined (a review for the grey band)."""
        lists = _Lists(dict(feats.select("id", "source").iter_rows()), constraints)
        ordered = scored.sort("match_probability", "id_l", "id_r", descending=[True, False, False])
        keep = [
            lists.join(a, b) if p >= accept else lists.joinable(a, b)
            for a, b, p in ordered.select("id_l", "id_r", "match_probability").iter_rows()
        ]
        return ordered.filter(pl.Series(keep, dtype=pl.Boolean))

    def identities(self, identities: Identities, old: pl.DataFrame, ids: pl.Series) -> Identities:
        outside = old.filter(~pl.col("record_id").is_in(ids.implode()))
        staying = set(outside["person_id"].to_list())
        events = tuple(_kept(e) if e.person_id in staying else e for e in identities.events)
        return replace(identities, events=events)

    def figures(
        self, scored: pl.DataFrame, clusters: Clusters, feats: pl.DataFrame, accept: float
    ) -> dict[str, int]:
        members = clusters.assignments.join(feats.select("id", "source"), on="id")
        per = members.group_by("cluster").agg(
            (pl.col("source") == self.a).sum().alias("n_a"),
            (pl.col("source") == self.b).sum().alias("n_b"),
        )
        both = per.filter((pl.col("n_a") > 0) & (pl.col("n_b") > 0))
        where = clusters.assignments.rename({"id": "id_l", "cluster": "c_l"})
        apart = (
            scored.filter(pl.col("match_probability") >= accept)
            .join(where, on="id_l")
            .join(where.rename({"id_l": "id_r", "c_l": "c_r"}), on="id_r")
            .filter(pl.col("c_l") != pl.col("c_r"))
        )
        return {
            "cross_links": int((both["n_a"] * both["n_b"]).sum()),
            f"records of {self.a} linked": int(both["n_a"].sum()),
            f"records of {self.b} linked": int(both["n_b"].sum()),
            "accepted pairs left out (one-to-one)": apart.height,
        }


def _kept(event: PersonEvent) -> PersonEvent:
    """A person said to be merged away that keeps records outside the run: records moved."""
    if event.action != "merged" or event.other_person_id is None:
        return event
    return PersonEvent("moved", event.other_person_id, event.person_id, event.records)


class _Lists:
    """Union–find over the run's records whose roots carry the sources their persons hold
    and the records judged apart from them."""

    def __init__(self, sources: dict[str, str], constraints: Constraints) -> None:
        self.parent: dict[str, str] = {}
        self.held = {record: {source} for record, source in sources.items()}
        self.apart: dict[str, set[str]] = {}
        for a, b in constraints.different:
            self.apart.setdefault(a, set()).add(b)
            self.apart.setdefault(b, set()).add(a)
        for a, b, _judgement in constraints.same:
            self._union(a, b)

    def find(self, item: str) -> str:
        root = self.parent.setdefault(item, item)
        while self.parent[root] != root:
            root = self.parent[root]
        while item != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def joinable(self, a: str, b: str) -> bool:
        """Whether ``a`` and ``b`` may share a person: one already, or two persons holding
        no source in common and no records judged apart."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return True
        if self.held.get(root_a, set()) & self.held.get(root_b, set()):
            return False
        return not any(self.find(x) == root_b for x in self.apart.get(root_a, ()))

    def join(self, a: str, b: str) -> bool:
        """Join ``a`` and ``b`` if they may share a person; whether they do."""
        if not self.joinable(a, b):
            return False
        self._union(a, b)
        return True

    def _union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return
        low, high = sorted((root_a, root_b))
        self.parent[high] = low
        for table in (self.held, self.apart):
            moved = table.pop(high, None)
            if moved:
                table.setdefault(low, set()).update(moved)
