"""Read-side queries over records, batches and quarantine (used by the CLI and the API)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from sojourn.records.tables import batches, notes, quarantine, records


@dataclass(frozen=True)
class QuarantinedRow:
    """One row that was not ingested, and why."""

    file: str
    row: int
    field: str
    reason: str
    raw: bytes


@dataclass(frozen=True)
class NotedValue:
    """A value made missing in a kept row (``on_error: missing``), and why."""

    file: str
    row: int
    field: str
    record_id: str
    note: str


def noted_values(
    engine: Engine, source: str | None = None, limit: int | None = 100
) -> list[NotedValue]:
    """The data-quality notes of kept rows, by file then row (optionally of one source)."""
    query = select(batches.c.file, notes).join(batches, batches.c.id == notes.c.batch_id)
    if source:
        query = query.where(batches.c.source == source)
    query = query.order_by(batches.c.file, notes.c.row, notes.c.field).limit(limit)
    with engine.connect() as conn:
        found = conn.execute(query)
        return [NotedValue(r.file, r.row, r.field, r.record_id, r.note) for r in found]


@dataclass(frozen=True)
class SourceCount:
    """Stored records and quarantined rows of one source."""

    source: str
    kind: str
    records: int
    quarantined: int
    batches: int


def quarantined(
    engine: Engine, source: str | None = None, limit: int | None = 100
) -> list[QuarantinedRow]:
    """Quarantined rows, by file then row (optionally of one source)."""
    query = select(quarantine).join(batches, batches.c.id == quarantine.c.batch_id)
    if source:
        query = query.where(batches.c.source == source)
    query = query.order_by(quarantine.c.file, quarantine.c.row).limit(limit)
    with engine.connect() as conn:
        return [
            QuarantinedRow(r.file, r.row, r.field, r.reason, bytes(r.raw))
            for r in conn.execute(query)
        ]


def source_counts(engine: Engine) -> list[SourceCount]:
    """Records, quarantined rows and batches per source."""
    per_source = (
        select(
            batches.c.source,
            batches.c.kind,
            func.sum(batches.c.records_new).label("records"),
            func.sum(batches.c.quarantined).label("quarantined"),
            func.count().label("batches"),
        )
        .where(batches.c.state == "complete")
        .group_by(batches.c.source, batches.c.kind)
        .order_by(batches.c.source)
    )
    with engine.connect() as conn:
        return [
            SourceCount(r.source, r.kind, int(r.records), int(r.quarantined), int(r.batches))
            for r in conn.execute(per_source)
        ]


def record_count(engine: Engine) -> int:
    """How many records are stored."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(records)).scalar_one())
