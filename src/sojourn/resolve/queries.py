"""Questions about resolution results: why is this record in its person, which identity
reviews are open, and every record's person as a file."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Engine, select

from sojourn.records.tables import records
from sojourn.resolve.compare import compare_one
from sojourn.resolve.explain import Explanation, explain_vector
from sojourn.resolve.features import features, load_records
from sojourn.resolve.judgements import open_review_rows
from sojourn.resolve.store import current_links, load_model, person_record_ids
from sojourn.resolve.tables import links, person_events, reviews

#: The feature shown for each comparison when explaining a pair.
SHOWN = {
    "name": "name_latin", "middle_initial": "middle_initial", "birth_date": "birth_date",
    "sex": "sex",
    "nationality": "nationality", "a_number": "a_number", "passport": "passport",
    "other_id": ("sevis_id", "fbi_number", "ssn"), "address": "address",
    "postcode": "postcode", "birth_place": "birth_place",
}  # fmt: skip


@dataclass(frozen=True)
class LinkExplanation:
    """Why a record belongs to its person."""

    record_id: str
    person_id: str | None
    method: str | None
    model_version: str | None
    via_record_id: str | None
    match_probability: float | None
    judgement_id: int | None
    pair: Explanation | None
    values: dict[str, tuple[str | None, str | None]]
    person_records: list[dict[str, Any]]
    history: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class UnknownRecordError(LookupError):
    """No stored record has this id."""


def _shown(row: dict[str, Any], comparison: str) -> str | None:
    column = SHOWN[comparison]
    if isinstance(column, tuple):
        present = [f"{c}={row[c]}" for c in column if row[c]]
        return ", ".join(present) or None
    value = row[str(column)]
    return None if value is None else str(value)


def explain_record(engine: Engine, record_id: str) -> LinkExplanation:
    """The record's current link, the field-by-field explanation of the pair that made it,
    the other records of its person and the record's link history."""
    with engine.connect() as conn:
        if conn.execute(select(records.c.id).where(records.c.id == record_id)).first() is None:
            raise UnknownRecordError(f"no record with id {record_id}")
        past = conn.execute(
            select(links).where(links.c.record_id == record_id).order_by(links.c.id)
        ).all()
    link: dict[str, Any] = dict(past[-1]._mapping) if past else {}  # the current link: the latest
    pair, values = _pair(engine, record_id, link, link.get("evidence"))
    person = link.get("person_id")
    return LinkExplanation(
        record_id,
        person,
        link.get("method"),
        link.get("model_version"),
        link.get("via_record_id"),
        link.get("match_probability"),
        link.get("judgement_id"),
        pair,
        values,
        person_records(engine, person) if person else [],
        [dict(r._mapping) for r in past],
    )


def _pair(
    engine: Engine, record_id: str, link: dict[str, Any], evidence: str | None
) -> tuple[Explanation | None, dict[str, tuple[str | None, str | None]]]:
    """The explanation of the record and its via record: the vector the run stored with
    the link (recomputed only for a judged pair the model never scored), under the model
    version that made the link; and the two records' values, for display."""
    via = link.get("via_record_id")
    if not via:
        return None, {}
    rows = {r["id"]: r for r in features(load_records(engine, [record_id, via])).to_dicts()}
    left, right = rows[record_id], rows[via]
    with engine.connect() as conn:
        model = load_model(conn, link["model_version"])
    values = {c: (_shown(left, c), _shown(right, c)) for c in SHOWN}
    vector = json.loads(evidence) if evidence else compare_one(left, right)
    return explain_vector(vector, model), values


def example_link(engine: Engine) -> str | None:
    """A record linked by the model to a person of three or more records (for a tour)."""
    with engine.connect() as conn:
        links = current_links(conn)
    sizes = links.group_by("person_id").len()
    big = links.join(sizes.filter(pl.col("len") >= 3), on="person_id")
    chosen = big.filter(pl.col("method") == "model").sort("record_id").head(1)
    return None if chosen.is_empty() else str(chosen["record_id"][0])


def person_of_record(engine: Engine, record_id: str) -> str | None:
    """The person a record is currently linked to (None if it is not linked)."""
    query = select(links.c.person_id).where(links.c.record_id == record_id)
    with engine.connect() as conn:
        return conn.execute(query.order_by(links.c.id.desc()).limit(1)).scalar()


def person_records(engine: Engine, person_id: str) -> list[dict[str, Any]]:
    """The records currently linked to a person, oldest event first."""
    with engine.connect() as conn:
        ids = person_record_ids(conn, person_id)
        query = (
            select(
                records.c.id,
                records.c.source,
                records.c.source_record_id,
                records.c.kind,
                records.c.event_date,
            )
            .where(records.c.id.in_(ids))
            .order_by(records.c.event_date, records.c.id)
        )
        return [dict(r._mapping) for r in conn.execute(query)]


def person_history(engine: Engine, person_id: str) -> list[dict[str, Any]]:
    """Merge, split and creation events that name the person."""
    query = (
        select(person_events)
        .where(
            (person_events.c.person_id == person_id)
            | (person_events.c.other_person_id == person_id)
        )
        .order_by(person_events.c.id)
    )
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def open_reviews(engine: Engine, limit: int | None = None) -> list[dict[str, Any]]:
    """Identity reviews with no judgement in force on their pair since they were opened."""
    with engine.connect() as conn:
        pending = open_review_rows(conn)
    return pending[:limit] if limit else pending


def export_links(engine: Engine, out: Path) -> int:
    """Write one row per record: source, source_record_id, person_id, match_probability
    (person empty for a record not yet resolved). Returns the rows written."""
    with engine.connect() as conn:
        current = current_links(conn)
        query = select(records.c.id, records.c.source, records.c.source_record_id)
        stored = pl.DataFrame(
            conn.execute(query).all(),
            schema={"record_id": pl.Utf8, "source": pl.Utf8, "source_record_id": pl.Utf8},
            orient="row",
        )
    table = (
        stored.join(current, on="record_id", how="left")
        .select("source", "source_record_id", "record_id", "person_id", "match_probability")
        .sort("source", "source_record_id", "record_id")
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    table.write_csv(out, quote_style="necessary")
    return table.height


def review_pair(engine: Engine, review_id: int) -> dict[str, Any]:
    """An identity review's two records side by side (the values each comparison reads, each
    record's source, kind and date), the comparison vector and the model's field-by-field
    explanation of the pair."""
    with engine.connect() as conn:
        row = conn.execute(select(reviews).where(reviews.c.id == review_id)).first()
        if row is None:
            raise UnknownRecordError(f"no identity review {review_id}")
        model = load_model(conn, row.model_version)
        about = select(records.c.id, records.c.source, records.c.kind, records.c.event_date)
        found = conn.execute(about.where(records.c.id.in_([row.record_l, row.record_r])))
        sides = {r.id: dict(r._mapping) for r in found}
    left_id, right_id = row.record_l, row.record_r
    rows = {r["id"]: r for r in features(load_records(engine, [left_id, right_id])).to_dicts()}
    left, right = rows[left_id], rows[right_id]
    values = {c: (_shown(left, c), _shown(right, c)) for c in SHOWN}
    vector = compare_one(left, right)
    return {
        "review": dict(row._mapping), "values": values, "records": sides, "vector": vector,
        "explanation": explain_vector(vector, model),
    }  # fmt: skip


def pair_vectors(
    engine: Engine, pairs: list[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The comparison vector of each pair of records (one read of the records for all)."""
    ids = sorted({i for pair in pairs for i in pair})
    if not ids:
        return {}
    rows = {r["id"]: r for r in features(load_records(engine, ids)).to_dicts()}
    return {(a, b): compare_one(rows[a], rows[b]) for a, b in pairs if a in rows and b in rows}
