"""Ingesting records that arrive one at a time on a stream, with the same mapping, validation,
quarantine and content-hash ids as a file: a row read from an event is mapped like a JSON
Lines row; it belongs to the stream's batch of the day (``stream:<origin>:<mapping>:<date>``),
whose provenance is the origin (a subject) and the row number the event's sequence. A row seen
before is a sighting, not a second record; a bad row goes to quarantine with its reason.
Everything happens in the caller's transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

import polars as pl
from sqlalchemy import Connection, Table, insert, select, update

from sojourn.records.jsonlread import _slow
from sojourn.records.mapping import Mapping
from sojourn.records.rows import RowError
from sojourn.records.tables import batches, quarantine, records, sightings
from sojourn.records.transform import Transformer
from sojourn.store.bulk import insert_rows

_TRANSFORMERS: dict[str, Transformer] = {}


@dataclass(frozen=True)
class Streamed:
    record_id: str | None  # None: the row went to quarantine
    new: bool
    reason: str | None = None


def _batch_id(origin: str, mapping: Mapping, day: dt.date) -> str:
    key = f"stream:{origin}:{mapping.name}:{mapping.sha256}:{day.isoformat()}"
    return "s" + hashlib.sha256(key.encode()).hexdigest()[:23]


def _ensure_batch(conn: Connection, batch_id: str, origin: str, mapping: Mapping) -> None:
    if conn.execute(select(batches.c.id).where(batches.c.id == batch_id)).first():
        return
    conn.execute(insert(batches).values(
        id=batch_id, source=mapping.source, kind=mapping.kind, mapping=mapping.name,
        mapping_sha256=mapping.sha256, format="stream", delimiter=None, file=origin,
        file_sha256="stream", file_bytes=0, row_count=0, records_new=0, records_existing=0,
        quarantined=0, state="streaming", started_at=dt.datetime.now(dt.UTC),
    ))  # fmt: skip


def _count(conn: Connection, batch_id: str, new: int, existing: int, bad: int) -> None:
    b = batches.c
    conn.execute(update(batches).where(b.id == batch_id).values(
        row_count=b.row_count + 1, records_new=b.records_new + new,
        records_existing=b.records_existing + existing, quarantined=b.quarantined + bad,
    ))  # fmt: skip


def _seen(conn: Connection, table: Table, batch_id: str, number: int) -> bool:
    query = select(table.c.row).where(table.c.batch_id == batch_id, table.c.row == number)
    return conn.execute(query).first() is not None


Mapped1 = pl.DataFrame | RowError  # one row: its record (a one-row frame) or why not


def map_rows(mapping: Mapping, rows: list[tuple[int, dict[str, Any]]]) -> dict[int, Mapped1]:
    """Map many rows at once (the vectorised transform pays its overhead once), keyed by
    their row numbers."""
    transform = _TRANSFORMERS.setdefault(mapping.sha256, Transformer(mapping))
    texts = [json.dumps(row, ensure_ascii=False, sort_keys=True) for _, row in rows]
    numbers = {i: number for i, (number, _) in enumerate(rows, 1)}
    mapped = transform(_slow(texts, 1, mapping.columns(), mapping.encoding))
    out: dict[int, Mapped1] = {numbers[e.row]: replace(e, row=numbers[e.row])
                               for e in mapped.errors}  # fmt: skip
    frame = mapped.records.with_columns(pl.col("row").replace_strict(numbers, default=None))
    for i in range(frame.height):
        one = frame.slice(i, 1)
        out[int(one["row"][0])] = one
    return out


def store_row(
    conn: Connection, mapping: Mapping, mapped: Mapped1, origin: str, number: int
) -> Streamed:
    """Store one mapped row (in the caller's transaction): a new record, a sighting of a known
    one, or a quarantined row; a replay of the same row writes nothing."""
    batch_id = _batch_id(origin, mapping, dt.datetime.now(dt.UTC).date())
    _ensure_batch(conn, batch_id, origin, mapping)
    if isinstance(mapped, RowError):
        e = mapped
        bad = {"batch_id": batch_id, "row": number, "file": origin, "field": e.field,
               "reason": e.reason, "raw": e.raw}  # fmt: skip
        if not _seen(conn, quarantine, batch_id, number):
            conn.execute(insert(quarantine).values(**bad))
            _count(conn, batch_id, 0, 0, 1)
        return Streamed(None, False, f"{e.field}: {e.reason}")
    frame = mapped.with_columns(pl.lit(batch_id).alias("batch_id"), pl.lit(origin).alias("file"))
    record_id = str(frame["id"][0])
    stored = conn.execute(
        select(records.c.batch_id, records.c.row).where(records.c.id == record_id)
    ).first()
    if stored is not None:
        replay = tuple(stored) == (batch_id, number) or _seen(conn, sightings, batch_id, number)
        if not replay:  # the same record sent again in another event: a sighting
            conn.execute(insert(sightings).values(batch_id=batch_id, row=number,
                                                  record_id=record_id))  # fmt: skip
            _count(conn, batch_id, 0, 1, 0)
        return Streamed(record_id, False)
    insert_rows(conn, "records", frame)
    _count(conn, batch_id, 1, 0, 0)
    return Streamed(record_id, True)


def ingest_row(
    conn: Connection, mapping: Mapping, row: dict[str, Any], origin: str, number: int
) -> Streamed:
    """Map and store one source row (in the caller's transaction)."""
    return store_row(conn, mapping, map_rows(mapping, [(number, row)])[number], origin, number)
