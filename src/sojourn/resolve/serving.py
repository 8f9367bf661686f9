"""Real-time resolution against the store: an index of every linked record under the current
model, and each match's decision written like a batch run's (a run of kind ``realtime``):
attach links the record to the person; new creates a person; review creates a person for the
record and opens an identity review with its best candidate, for a person to decide."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, func, select

from sojourn.records.tables import records
from sojourn.resolve.cluster import GREY_BAND, TWO_PERSONS
from sojourn.resolve.features import SOURCE_COLUMNS, features, load_records
from sojourn.resolve.identity import Identities, PersonEvent, new_person_id
from sojourn.resolve.realtime import Index, Match
from sojourn.resolve.rowfeatures import feature_row
from sojourn.resolve.store import (
    LINK_SCHEMA,
    RunHeader,
    current_links,
    last_thresholds,
    load_model,
    next_run_id,
    write_results,
)
from sojourn.resolve.tables import links as links_table
from sojourn.store.bulk import lock_for_writing


def load_index(engine: Engine) -> Index:
    """The index of every linked record, with the latest model and thresholds."""
    with engine.connect() as conn:
        seen = int(conn.execute(select(func.coalesce(func.max(links_table.c.id), 0))).scalar_one())
        links = current_links(conn)
        model = load_model(conn)
        accept, review = last_thresholds(conn)
    records = load_records(engine, links["record_id"].to_list())
    persons = dict(links.select("record_id", "person_id").iter_rows())
    index = Index.build(features(records), persons, model, accept, review)
    index.links_seen = seen
    return index


def catch_up(conn: Connection, index: Index) -> int:
    """Bring the index up to the store's links: the records others linked since it last
    looked (another consumer, a batch run) added, and records moved to another person
    relinked. Called under the resolution lock, so that no consumer matches a record
    without every record linked before it; how many links it read."""
    c = links_table.c
    query = select(c.id, c.record_id, c.person_id).where(c.id > index.links_seen)
    found = conn.execute(query.order_by(c.id)).all()
    if not found:
        return 0
    latest = {str(r.record_id): str(r.person_id) for r in found}
    for record_id, person in latest.items():
        if record_id in index and index.person_of(record_id) != person:
            index.relink(record_id, person)
    new = [r for r in latest if r not in index]
    for row in _identities(conn, new).values():
        index.add(str(row["id"]), feature_row(row), latest[str(row["id"])])
    index.links_seen = int(found[-1].id)
    return len(found)


def _identities(conn: Connection, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The identity columns of the stored records ``ids``, in the order given."""
    if not ids:
        return {}
    query = select(*(records.c[name] for name in SOURCE_COLUMNS)).where(records.c.id.in_(ids))
    rows = {str(r.id): r._asdict() for r in conn.execute(query)}
    return {i: rows[i] for i in ids if i in rows}


def resolve_one(engine: Engine, index: Index, record_id: str) -> tuple[Match | None, str | None]:
    """Match a stored record and write the decision; return it and the record's person.
    A record already in the index is not matched again (None, its person)."""
    return resolve_many(engine, index, [record_id])[record_id]


def resolve_many(
    engine: Engine, index: Index, record_ids: list[str]
) -> dict[str, tuple[Match | None, str | None]]:
    """Match stored records in order (each against the index and the ones before it) and
    write every decision in one run of kind ``realtime``, in one transaction; by record, its
    match (None if it was indexed already) and its person. If the transaction fails, the
    index forgets the batch."""
    mark, seen = len(index), index.links_seen
    try:
        with engine.begin() as conn:
            return resolve_in(conn, index, record_ids)
    except BaseException:
        index.truncate(mark)
        index.links_seen = seen
        raise


def resolve_in(
    conn: Connection, index: Index, record_ids: list[str]
) -> dict[str, tuple[Match | None, str | None]]:
    """``resolve_many`` in the caller's transaction, after catching up on the links others
    wrote (``catch_up``): if the transaction fails, the caller truncates the index to its
    length before the call and restores its ``links_seen``."""
    out: dict[str, tuple[Match | None, str | None]] = {
        r: (None, index.person_of(r)) for r in record_ids if r in index
    }
    todo = [r for r in dict.fromkeys(record_ids) if r not in out]
    if not todo:
        return out
    rows = _identities(conn, todo)
    missing = [r for r in todo if r not in rows]
    if missing:
        raise LookupError(f"no record with id {missing[0]}")
    started = dt.datetime.now(dt.UTC)
    lock_for_writing(conn, "resolve")
    catch_up(conn, index)  # another consumer may have linked some of them meanwhile
    out.update({r: (None, index.person_of(r)) for r in todo if r in index})
    todo = [r for r in todo if r not in out]
    if not todo:
        return out
    run_id = next_run_id(conn)
    decided = [_decide(index, rows[r], run_id) for r in todo]
    header = RunHeader(
        "realtime", index.model.version, index.accept, index.review, started, len(todo)
    )
    write_results(conn, run_id, header, *_written(decided))
    out.update({d.record_id: (d.match, d.person) for d in decided})
    return out


@dataclass(frozen=True)
class _Decided:
    record_id: str
    match: Match
    person: str
    attach: bool
    link: dict[str, Any]
    review: tuple[Any, ...] | None


def _decide(index: Index, record: Mapping[str, Any], run_id: int) -> _Decided:
    """One record's decision, added to the index at once (later records of the batch are
    matched against it)."""
    record_id = str(record["id"])
    match = index.match(record, record_id)
    attach = match.decision == "attach" and match.person_id is not None
    person = match.person_id if attach else new_person_id(run_id, record_id)
    assert person is not None
    index.add(record_id, feature_row(record), person)
    return _Decided(
        record_id, match, person, attach, _link(record_id, person, match, attach, index),
        _review(record_id, person, match, index),
    )  # fmt: skip


def _written(decided: list[_Decided]) -> tuple[pl.DataFrame, Identities, pl.DataFrame]:
    """The links, identities and reviews of a batch of decisions, as ``write_results``
    takes them."""
    created = tuple(d.person for d in decided if not d.attach)
    identities = Identities(
        {d.record_id: d.person for d in decided}, created,
        tuple(PersonEvent("created", p, None, 1) for p in created),
    )  # fmt: skip
    links = pl.DataFrame([d.link for d in decided], schema=LINK_SCHEMA | {"evidence": pl.Utf8})
    reviews = [d.review for d in decided if d.review is not None]
    return links, identities, pl.DataFrame(reviews, schema=REVIEW_SCHEMA, orient="row")


def _link(record_id: str, person: str, match: Match, attach: bool, index: Index) -> dict[str, Any]:
    best = match.candidates[0] if attach and match.candidates else None
    return {
        "record_id": record_id,
        "person_id": person,
        "method": "model" if best else "single",
        "model_version": index.model.version,
        "via_record_id": best.record_id if best else None,
        "match_probability": best.match_probability if best else None,
        "judgement_id": None,
        "evidence": json.dumps(best.vector, sort_keys=True) if best else None,
    }


REVIEW_SCHEMA = {
    "record_l": pl.Utf8, "record_r": pl.Utf8, "person_l": pl.Utf8, "person_r": pl.Utf8,
    "match_probability": pl.Float64, "model_version": pl.Utf8, "reason": pl.Utf8,
}  # fmt: skip


def _review(record_id: str, person: str, match: Match, index: Index) -> tuple[Any, ...] | None:
    if match.decision != "review" or not match.candidates:
        return None
    best = match.candidates[0]
    sides = sorted([(record_id, person), (best.record_id, best.person_id)])
    reason = GREY_BAND if best.match_probability < index.accept else TWO_PERSONS
    return (
        sides[0][0], sides[1][0], sides[0][1], sides[1][1],
        best.match_probability, index.model.version, reason,
    )  # fmt: skip
