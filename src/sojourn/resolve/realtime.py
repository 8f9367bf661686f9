"""Real-time entity resolution: one incoming record against the records already resolved.

The batch path (``features`` → ``blocking`` → ``compare_pairs`` → ``model.score`` →
``cluster``) decides on millions of pairs at once; an office creating a case needs the answer
for one record in milliseconds. ``Index`` keeps, in memory, the comparison fields of every
resolved record, its person and, per blocking rule of ``blocking.RULES``, which records share
each key. ``Index.match`` then runs the same definitions as batch on the few candidates:
``feature_row`` (the scalar twin of ``features``), the same blocking keys with the same
generic-value suppression, ``compare_one`` (the scalar twin of ``compare_pairs``) and the same
model weights as ``model.score`` — so a pair gets the same vector and match weight on both
paths (tests check it).

Decisions use the cluster thresholds: ``attach`` when exactly one person has a record at or
above ``accept``; ``review`` when two or more do (the record would join them) or when the best
is in the grey band [``review``, ``accept``); ``new`` otherwise.

Records are kept compactly (a tuple of shared values each; a blocking key maps to a bare int
for one record, else a list of ints): about 0.8 GB for a million (``bench/match.py``).
"""

from __future__ import annotations

import gc
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

from sojourn.resolve.blocking import RULES
from sojourn.resolve.cluster import CONTRADICTION, GREY_BAND, SCORED_APART
from sojourn.resolve.compare import compare_one
from sojourn.resolve.explain import probability
from sojourn.resolve.generic import neutralise, neutralise_row
from sojourn.resolve.indexkeys import KEYS, STORED, Weights, shared, stored
from sojourn.resolve.model import Model
from sojourn.resolve.rowfeatures import feature_row
from sojourn.resolve.thresholds import FALLBACK_ACCEPT, FALLBACK_REVIEW
from sojourn.settings import get_settings

TOP = 10

Decision = Literal["attach", "review", "new"]
Block = int | list[int]


@dataclass(frozen=True)
class Candidate:
    """An indexed record compared with the incoming one."""

    record_id: str
    person_id: str | None
    vector: dict[str, Any]
    match_weight: float
    match_probability: float


@dataclass(frozen=True)
class Match:
    """The decision for one incoming record and its strongest candidates (at most ``TOP``,
    by probability descending, ties by weight). ``person_id``: the person to attach to, or
    for a review the best candidate's person."""

    record_id: str | None
    decision: Decision
    person_id: str | None
    reason: str
    candidates: tuple[Candidate, ...]


class Index:
    """The resolved records in memory, for matching one record at a time."""

    def __init__(
        self, model: Model, accept: float | None = None, review: float | None = None
    ) -> None:
        """Thresholds default to the settings (``SOJOURN_RESOLVE_ACCEPT``, ``_REVIEW``), or
        the fallbacks (the servers pass the last batch run's)."""
        settings = get_settings()
        accept = accept or settings.resolve_accept or FALLBACK_ACCEPT
        review = review or settings.resolve_review or min(FALLBACK_REVIEW, accept)
        if not 0 < review <= accept <= 1:
            raise ValueError("thresholds must satisfy 0 < review <= accept <= 1")
        self.model, self.accept, self.review = model, accept, review
        self.weights = Weights(model)
        self._ids: list[str] = []
        self._position: dict[str, int] = {}
        self._persons: list[str | None] = []
        self._rows: list[tuple[Any, ...]] = []
        self._blocks: tuple[dict[Hashable, Block], ...] = tuple({} for _ in RULES)
        #: The last link (id) of the store the index has seen: consumers sharing the store
        #: catch up on each other's links from there (``serving.catch_up``).
        self.links_seen = 0

    @classmethod
    def build(
        cls,
        features: pl.DataFrame,
        persons: Mapping[str, str],
        model: Model,
        accept: float | None = None,
        review: float | None = None,
    ) -> Index:
        """An index of ``features`` (rows of ``features.features``); ``persons``: record id →
        person id of the records already resolved (others have no person yet). The garbage
        collector is paused while building; a server may ``gc.freeze()`` afterwards, as the
        index lives as long as the process."""
        index = cls(model, accept, review)
        features = neutralise(features, model.generic)
        pool: dict[Any, Any] = {}
        collecting = gc.isenabled()
        gc.disable()  # millions of new containers: collections would take 40% of the build
        try:
            for record_id, *values in features.select("id", *STORED).iter_rows():
                person = persons.get(record_id)
                index._insert(record_id, shared(values, pool), pool.setdefault(person, person))
        finally:
            if collecting:
                gc.enable()
        return index

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._position

    def person_of(self, record_id: str) -> str | None:
        """The person an indexed record belongs to."""
        return self._persons[self._position[record_id]]

    def add(self, record_id: str, row: Mapping[str, Any], person_id: str | None) -> None:
        """Index a record (its feature row) under a person (None: not resolved yet)."""
        self._insert(record_id, stored(neutralise_row(dict(row), self.model.generic)), person_id)

    def relink(self, record_id: str, person_id: str | None) -> None:
        """Move an indexed record to another person (a judgement merged or split it)."""
        self._persons[self._position[record_id]] = person_id

    def _insert(self, record_id: str, values: tuple[Any, ...], person_id: str | None) -> None:
        if record_id in self._position:
            raise ValueError(f"record {record_id} is already indexed")
        position = len(self._ids)
        self._ids.append(record_id)
        self._position[record_id] = position
        self._persons.append(person_id)
        self._rows.append(values)
        for keyer, blocks in zip(KEYS, self._blocks, strict=True):
            for key in keyer.keys(values):
                found = blocks.get(key)
                if found is None:
                    blocks[key] = position
                elif isinstance(found, int):
                    blocks[key] = [found, position]
                else:
                    found.append(position)

    def truncate(self, length: int) -> None:
        """Forget the records indexed after the first ``length`` (the decisions of a batch
        whose transaction failed), newest first."""
        while len(self._ids) > length:
            position = len(self._ids) - 1
            for keyer, blocks in zip(KEYS, self._blocks, strict=True):
                for key in keyer.keys(self._rows[position]):
                    found = blocks[key]
                    if isinstance(found, int) or len(found) == 1:
                        del blocks[key]
                    else:
                        found.pop()
                        if len(found) == 1:
                            blocks[key] = found[0]
            del self._position[self._ids.pop()]
            self._persons.pop()
            self._rows.pop()

    def candidates(self, row: Mapping[str, Any], record_id: str | None = None) -> list[str]:
        """Indexed records sharing a blocking key with ``row`` (not ``record_id`` itself), in
        index order. A key shared by more than the rule's ``max_block`` records, counting
        the incoming one, is generic and gives none, as in batch."""
        return [self._ids[p] for p in self._candidate_positions(row, record_id)]

    def _candidate_positions(self, row: Mapping[str, Any], record_id: str | None) -> list[int]:
        own = self._position.get(record_id) if record_id is not None else None
        values = stored(row)
        found: set[int] = set()
        for keyer, blocks in zip(KEYS, self._blocks, strict=True):
            for key in keyer.keys(values):
                block = blocks.get(key)
                if block is None:
                    continue
                members = [block] if isinstance(block, int) else block
                if _kept(members, keyer.rule.max_block, own):
                    found.update(members)
        if own is not None:
            found.discard(own)
        return sorted(found)

    def candidate(self, row: dict[str, Any], record_id: str) -> Candidate:
        """``row`` compared with one indexed record, and the pair's weight and probability."""
        return self._compare(row, self._position[record_id])

    def _compare(self, row: dict[str, Any], position: int) -> Candidate:
        other = dict(zip(STORED, self._rows[position], strict=True))
        vector = compare_one(row, other)
        weight = self.weights.weight(vector)
        return Candidate(
            self._ids[position], self._persons[position], vector, weight, probability(weight)
        )

    def match(self, record: Mapping[str, str | None], record_id: str | None = None) -> Match:
        """The decision for one incoming record (identity columns, as ``feature_row``
        takes them); an indexed ``record_id`` is not its own candidate. The index is left
        unchanged: apply the decision with ``add``."""
        row = neutralise_row(feature_row(record), self.model.generic)
        scored = [self._compare(row, p) for p in self._candidate_positions(row, record_id)]
        scored.sort(key=lambda c: (-c.match_weight, c.record_id))
        decision, person, reason = self._decide(scored)
        return Match(record_id, decision, person, reason, tuple(scored[:TOP]))

    def _decide(self, scored: list[Candidate]) -> tuple[Decision, str | None, str]:
        """Decision, person and reason from candidates sorted by weight descending. A record
        with no person yet counts as a person of its own that cannot be attached to."""
        best: dict[object, Candidate] = {}
        for item in scored:  # the first candidate seen of a person is its best
            best.setdefault(item.person_id or ("record", item.record_id), item)
        strong = [c for c in best.values() if c.match_probability >= self.accept]
        top = scored[0] if scored else None
        if len(strong) >= 2:
            listed = "; ".join(_describe(c) for c in strong)
            return "review", strong[0].person_id, f"would join {len(strong)} persons: {listed}"
        if strong and strong[0].person_id is None:
            return "review", None, f"matches a record with no person yet: {_describe(strong[0])}"
        if strong:
            person = strong[0].person_id
            against = [c for c in scored if c.person_id == person
                       and c.match_probability < CONTRADICTION]  # fmt: skip
            if against:  # as in batch: a person's own record says this is someone else
                why = f"{SCORED_APART}: {_describe(strong[0])}, but {_describe(against[0])}"
                return "review", person, why
            return "attach", person, f"matches one person: {_describe(strong[0])}"
        if top is not None and top.match_probability >= self.review:
            return "review", top.person_id, f"{GREY_BAND}: {_describe(top)}"
        if top is None:
            return "new", None, "no indexed record shares a blocking key"
        return "new", None, f"no candidate reaches the review threshold; best: {_describe(top)}"


def _kept(members: list[int], max_block: int, own: int | None) -> bool:
    """Whether a block is small enough to give candidates: at most ``max_block`` records
    with the incoming one (which may already be a member)."""
    size = len(members)
    return size < max_block or (size == max_block and own in members)


def _describe(candidate: Candidate) -> str:
    person = candidate.person_id or "no person"
    return f"{person} (record {candidate.record_id}, probability {candidate.match_probability:.4f})"
