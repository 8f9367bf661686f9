"""Real-time resolution against the store: an index of every linked record under the current
model, and each match's decision written like a batch run's (a run of kind ``realtime``):
attach links the record to the person; new creates a person; review creates a person for the
record and opens an identity review with its best candidate, for a person to decide."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

import polars as pl
from sqlalchemy import Engine

from sojourn.resolve.cluster import GREY_BAND, TWO_PERSONS
from sojourn.resolve.features import features, load_records
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
from sojourn.store.bulk import lock_for_writing


def load_index(engine: Engine) -> Index:
    """The index of every linked record, with the latest model and thresholds."""
    with engine.connect() as conn:
        links = current_links(conn)
        model = load_model(conn)
        accept, review = last_thresholds(conn)
    records = load_records(engine, links["record_id"].to_list())
    persons = dict(links.select("record_id", "person_id").iter_rows())
    return Index.build(features(records), persons, model, accept, review)


def resolve_one(engine: Engine, index: Index, record_id: str) -> tuple[Match | None, str | None]:
    """Match a stored record and write the decision; return it and the record's person.
    A record already in the index is not matched again (None, its person)."""
    if record_id in index:
        return None, index.person_of(record_id)
    frame = load_records(engine, [record_id])
    if frame.is_empty():
        raise LookupError(f"no record with id {record_id}")
    record = frame.row(0, named=True)
    match = index.match(record, record_id)
    person = apply_match(engine, index, record, match)
    return match, person


def apply_match(
    engine: Engine, index: Index, record: Mapping[str, str | None], match: Match
) -> str:
    """Write a match's decision in one transaction, then add the record to the index."""
    record_id = str(record["id"])
    started = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        lock_for_writing(conn, "resolve")
        run_id = next_run_id(conn)
        attach = match.decision == "attach" and match.person_id is not None
        person = match.person_id if attach else new_person_id(run_id, record_id)
        assert person is not None
        created = () if attach else (person,)
        events = () if attach else (PersonEvent("created", person, None, 1),)
        identities = Identities({record_id: person}, created, events)
        header = RunHeader("realtime", index.model.version, index.accept, index.review, started, 1)
        write_results(
            conn, run_id, header, _link(record_id, person, match, attach, index),
            identities, _review(record_id, person, match, index),
        )  # fmt: skip
    index.add(record_id, feature_row(record), person)
    return person


def _link(record_id: str, person: str, match: Match, attach: bool, index: Index) -> pl.DataFrame:
    best = match.candidates[0] if attach and match.candidates else None
    row = {
        "record_id": record_id,
        "person_id": person,
        "method": "model" if best else "single",
        "model_version": index.model.version,
        "via_record_id": best.record_id if best else None,
        "match_probability": best.match_probability if best else None,
        "judgement_id": None,
        "evidence": json.dumps(best.vector, sort_keys=True) if best else None,
    }
    return pl.DataFrame([row], schema=LINK_SCHEMA | {"evidence": pl.Utf8})


def _review(record_id: str, person: str, match: Match, index: Index) -> pl.DataFrame:
    schema = {
        "record_l": pl.Utf8, "record_r": pl.Utf8, "person_l": pl.Utf8, "person_r": pl.Utf8,
        "match_probability": pl.Float64, "model_version": pl.Utf8, "reason": pl.Utf8,
    }  # fmt: skip
    if match.decision != "review" or not match.candidates:
        return pl.DataFrame(schema=schema)
    best = match.candidates[0]
    sides = sorted([(record_id, person), (best.record_id, best.person_id)])
    reason = GREY_BAND if best.match_probability < index.accept else TWO_PERSONS
    row = (
        sides[0][0], sides[1][0], sides[0][1], sides[1][1],
        best.match_probability, index.model.version, reason,
    )  # fmt: skip
    return pl.DataFrame([row], schema=schema, orient="row")
