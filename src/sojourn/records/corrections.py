"""Corrections: a statement that overrides one event field of a record, with its reason, its
author and the redress request behind it. The record itself is never changed or deleted; the
status engine and the assessments read a record's fields with its latest corrections applied.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Column, Connection, DateTime, Index, Integer, String, Table, Text, select

from sojourn.records.kinds import EVENT_DATE_FIELD, EVENT_FIELDS, FieldType
from sojourn.records.tables import records
from sojourn.store.metadata import metadata

corrections = Table(
    "record_corrections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(32), nullable=False),
    Column("field", String(64), nullable=False),
    Column("value", Text, nullable=False, comment="JSON of the corrected value"),
    Column("reason", Text, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("redress_id", Integer, comment="the redress request that led to it"),
    Index("ix_record_corrections_record", "record_id", "id"),
)


class CorrectionError(ValueError):
    """A correction that cannot apply (the message names the record and field)."""


def _check(kind: str, record_id: str, field: str, value: Any) -> None:
    spec = EVENT_FIELDS[kind].get(field)
    if spec is None:
        raise CorrectionError(f"record {record_id}: a {kind} record has no field {field!r}")
    if spec.type is FieldType.DATE and value is not None:
        try:
            dt.date.fromisoformat(str(value))
        except ValueError as exc:
            raise CorrectionError(f"record {record_id}: {field} must be a date") from exc


def correct(
    conn: Connection, record_id: str, field: str, value: Any, reason: str, actor: str,
    redress_id: int | None = None,
) -> int:  # fmt: skip
    """Override ``field`` of a record (in the caller's transaction); returns the id."""
    kind = conn.execute(select(records.c.kind).where(records.c.id == record_id)).scalar()
    if kind is None:
        raise CorrectionError(f"no record {record_id}")
    if not reason.strip():
        raise CorrectionError(f"record {record_id}: a correction needs a reason")
    _check(str(kind), record_id, field, value)
    row = {"record_id": record_id, "field": field, "value": json.dumps(value), "reason": reason,
           "actor": actor, "at": dt.datetime.now(dt.UTC), "redress_id": redress_id}  # fmt: skip
    return int(conn.execute(corrections.insert().values(**row).returning(corrections.c.id))
               .scalar_one())  # fmt: skip


def correction_ids(conn: Connection) -> list[str]:
    """The records that have corrections."""
    return [str(r) for r in conn.execute(select(corrections.c.record_id).distinct()).scalars()]


def corrected_fields(conn: Connection, record_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """For each record that has corrections, its corrected fields (the latest per field)."""
    ids = list(record_ids)
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 10_000):
        query = select(corrections).where(corrections.c.record_id.in_(ids[start : start + 10_000]))
        for row in conn.execute(query.order_by(corrections.c.id)):
            out.setdefault(row.record_id, {})[row.field] = json.loads(row.value)
    return out


def apply(row: dict[str, Any], fields: dict[str, Any] | None) -> dict[str, Any]:
    """A stored record row (``kind``, ``event`` JSON, ``event_date``) with its corrections
    applied: the event fields overridden, and the event date if its field was corrected."""
    if not fields:
        return row
    raw = row["event"]
    data = {**(json.loads(raw) if isinstance(raw, str) else dict(raw)), **fields}
    out = {**row, "event": json.dumps(data)}
    date_field = EVENT_DATE_FIELD[row["kind"]]
    if date_field in fields:
        out["event_date"] = fields[date_field]
    return out
