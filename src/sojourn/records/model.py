"""The canonical Record: identity part, event part, raw row and provenance."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, RowMapping, func, select

from sojourn.records.tables import batches, records, sightings


@dataclass(frozen=True)
class Identity:
    """Who a record is about, as the source wrote it (only mapped, validated values)."""

    given_name: str | None = None
    middle_name: str | None = None
    family_name: str | None = None
    full_name: str | None = None
    name_original: str | None = None
    birth_date: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    sex: str | None = None
    nationality: str | None = None  # ISO 3166-1 alpha-3
    birth_place: str | None = None
    address: str | None = None
    postcode: str | None = None
    passport_number: str | None = None
    passport_country: str | None = None
    a_number: str | None = None
    sevis_id: str | None = None
    fbi_number: str | None = None
    ssn: str | None = None
    receipt_number: str | None = None


@dataclass(frozen=True)
class Provenance:
    """Where a record came from."""

    source: str
    source_record_id: str
    file: str
    row: int
    batch_id: str


@dataclass(frozen=True)
class Record:
    """One source row, validated and mapped; never updated (a changed row is a new record)."""

    id: str
    kind: str
    event_date: dt.date | None  # None: an undated identity-only record (a person list)
    identity: Identity
    event: dict[str, Any]
    raw: dict[str, Any]
    provenance: Provenance
    #: Generic identifiers (a mapping's ``identifiers:`` of types other than the known ones).
    identifiers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: RowMapping) -> Record:
        """Build from a ``records`` table row."""
        identity = Identity(**{f.name: row[f.name] for f in fields(Identity)})
        event_date = row["event_date"]
        if isinstance(event_date, str):
            event_date = dt.date.fromisoformat(event_date)
        return cls(
            id=row["id"],
            kind=row["kind"],
            event_date=event_date,
            identity=identity,
            event=orjson.loads(row["event"]),
            raw=raw_fields(row["raw"], row["format"], row["delimiter"], row["header"]),
            provenance=Provenance(
                row["source"], row["source_record_id"], row["file"], row["row"], row["batch_id"]
            ),
            identifiers=orjson.loads(row["identifiers"]) if row["identifiers"] else {},
        )


def raw_fields(raw: str, fmt: str, delimiter: str | None, header: str | None) -> dict[str, Any]:
    """The source row as a dict of column → value (CSV lines are split by their header)."""
    if fmt != "csv":
        loaded: dict[str, Any] = orjson.loads(raw)
        return loaded
    names: list[str] = orjson.loads(header) if header else []
    values = next(csv.reader([raw], delimiter=delimiter or ","), [])
    return dict(zip(names, values, strict=False))


_WITH_BATCH = select(records, batches.c.format, batches.c.delimiter, batches.c.header).join(
    batches, batches.c.id == records.c.batch_id
)


def get_record(engine: Engine, record_id: str) -> Record | None:
    """The record with this id, or None."""
    with engine.connect() as conn:
        row = conn.execute(_WITH_BATCH.where(records.c.id == record_id)).mappings().first()
    return Record.from_row(row) if row else None


def versions(engine: Engine, source: str, source_record_id: str) -> list[Record]:
    """Every stored version of one source record, ordered by when a batch last carried it:
    the last one is what the source says now (a row changed A → B → A ends with A)."""
    query = _WITH_BATCH.add_columns(batches.c.started_at.label("stored_at")).where(
        records.c.source == source, records.c.source_record_id == source_record_id
    )
    with engine.connect() as conn:
        rows = list(conn.execute(query).mappings())
        seen = _last_sightings(conn, [r["id"] for r in rows])
    latest = {r["id"]: max(r["stored_at"], seen.get(r["id"], r["stored_at"])) for r in rows}
    rows.sort(key=lambda r: (latest[r["id"]], r["row"]))
    return [Record.from_row(r) for r in rows]


def _last_sightings(conn: Connection, ids: list[str]) -> dict[str, dt.datetime]:
    query = (
        select(sightings.c.record_id, func.max(batches.c.started_at))
        .join(batches, batches.c.id == sightings.c.batch_id)
        .where(sightings.c.record_id.in_(ids))
        .group_by(sightings.c.record_id)
    )
    return {record_id: when for record_id, when in conn.execute(query)}
