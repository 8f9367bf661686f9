"""Stable person ids: each new cluster keeps the id of the existing person it shares the most
records with (largest overlap first, each id used once); a cluster with no such person gets a
new id. What changed is said as events:

- ``created``: a new person (records never linked before);
- ``split``: a new person made of records of an existing one;
- ``merged``: an existing person whose records all went to another (its id is retired);
- ``moved``: some records of one existing person went to another existing one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class PersonEvent:
    action: str
    person_id: str
    other_person_id: str | None
    records: int


@dataclass(frozen=True)
class Identities:
    """``persons``: cluster → person id; ``created``: the new person ids; ``events``."""

    persons: dict[str, str]
    created: tuple[str, ...]
    events: tuple[PersonEvent, ...]


def new_person_id(run_id: int, cluster: str) -> str:
    """A new person id: unique per run and cluster (its smallest record id)."""
    return "P" + hashlib.sha256(f"{run_id}:{cluster}".encode()).hexdigest()[:15]


def assign_ids(assignments: pl.DataFrame, old: Mapping[str, str], run_id: int) -> Identities:
    """Person ids for ``assignments`` (``id``, ``cluster``) given each record's ``old`` person."""
    previous = pl.DataFrame(
        {"id": list(old), "old": list(old.values())}, schema={"id": pl.Utf8, "old": pl.Utf8}
    )
    joined = assignments.join(previous, on="id", how="left")
    overlap = (
        joined.drop_nulls("old")
        .group_by("cluster", "old")
        .len()
        .sort("len", "old", "cluster", descending=[True, False, False])
    )
    persons: dict[str, str] = {}
    taken: set[str] = set()
    for cluster, person, _n in overlap.iter_rows():
        if cluster not in persons and person not in taken:
            persons[cluster] = person
            taken.add(person)
    created = []
    for cluster in assignments["cluster"].unique().sort().to_list():
        if cluster not in persons:
            persons[cluster] = new_person_id(run_id, cluster)
            created.append(persons[cluster])
    sizes = dict(assignments.group_by("cluster").len().iter_rows())
    events = _events(overlap, persons, set(created), taken, sizes)
    return Identities(persons, tuple(created), events)


def _events(
    overlap: pl.DataFrame,
    persons: dict[str, str],
    created: set[str],
    kept: set[str],
    sizes: dict[str, int],
) -> tuple[PersonEvent, ...]:
    events: list[PersonEvent] = []
    from_old: set[str] = set()
    for cluster, old, n in overlap.sort("cluster", "old").iter_rows():
        person = persons[cluster]
        if person == old:
            continue
        if person in created:
            from_old.add(person)
            events.append(PersonEvent("split", person, old, n))
        elif old not in kept:
            events.append(PersonEvent("merged", old, person, n))
        else:
            events.append(PersonEvent("moved", person, old, n))
    born = sorted((p, c) for c, p in persons.items() if p in created and p not in from_old)
    return tuple(PersonEvent("created", p, None, sizes[c]) for p, c in born) + tuple(events)
