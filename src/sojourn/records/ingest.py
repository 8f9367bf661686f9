"""Ingest one source file as one atomic batch.

A batch is identified by the checksums of the file and of its mapping, so re-ingesting the
same file is a no-op. Everything a batch writes (the batch row, its records, its quarantined
rows) happens in one transaction: a crash leaves nothing behind and a rerun completes it.
Record ids are content hashes, so a row already stored (by any batch) is not stored twice,
and a changed row becomes a new record, never an overwrite. Such a row is kept as a sighting
(batch, row, record), so every accepted row of every batch leads to its record.

Large files are read and mapped in a child process while this process writes, so the two
cores overlap parsing and database work.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import polars as pl
from sqlalchemy import Connection, Engine, func, insert, select, update

from sojourn.records.limits import clip
from sojourn.records.mapping import Mapping
from sojourn.records.pipeline import Runner, in_child, in_thread, inline
from sojourn.records.readers import read_chunks
from sojourn.records.rows import RowError, RowNote
from sojourn.records.tables import batches, notes, quarantine
from sojourn.records.transform import Mapped, Transformer
from sojourn.settings import Settings, get_settings
from sojourn.store.bulk import (
    create_indexes,
    drop_secondary_indexes,
    existing_keys,
    insert_rows,
    lock_for_writing,
    sqlite_rows_estimate,
)

#: progress(file, bytes done, bytes total)
Progress = Callable[[Path, int, int], None]


@dataclass(frozen=True)
class BatchResult:
    """What ingesting one file did."""

    batch_id: str
    file: Path
    source: str
    kind: str
    rows: int
    records_new: int
    records_existing: int
    quarantined: int
    skipped: bool
    #: Values made missing in kept rows, each with a data-quality note (``on_error``).
    noted: int = 0

    @property
    def accepted(self) -> int:
        """Rows that passed validation (new records plus rows already stored)."""
        return self.records_new + self.records_existing


def file_checksum(path: Path) -> tuple[str, int]:
    """SHA-256 hex digest and size of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest(), path.stat().st_size


def batch_id_for(file_sha256: str, mapping: Mapping) -> str:
    """The batch id: a hash of the file's and the mapping's checksums."""
    return hashlib.sha256(f"{file_sha256}:{mapping.sha256}".encode()).hexdigest()[:24]


def ingest_file(
    engine: Engine,
    path: Path,
    mapping: Mapping,
    progress: Progress | None = None,
    settings: Settings | None = None,
) -> BatchResult:
    """Ingest ``path`` with ``mapping`` (a no-op if this file was ingested before)."""
    sha, size = file_checksum(path)
    batch_id = batch_id_for(sha, mapping)
    settings = settings or get_settings()
    with engine.begin() as conn:
        lock_for_writing(conn, "sojourn.ingest")
        done = _completed(conn, batch_id, path)
        if done is not None:
            return done
        _start_batch(conn, batch_id, path, mapping, (sha, size))
        run = _Run(conn, batch_id, path, settings)
        tell = (lambda n: progress(path, n, size)) if progress else (lambda n: None)
        runner = _runner(conn, size, settings)
        args = (path, mapping, settings.ingest_chunk_rows)
        for mapped in runner("sojourn.records.ingest:mapped_chunks", args, tell):
            run.write(mapped)
        return run.finish(mapping)


def _runner(conn: Connection, size: int, settings: Settings) -> Runner:
    """How to overlap reading with writing: a reader thread for PostgreSQL (the writer waits
    on the socket, without the GIL), a reader process for SQLite (the writer holds the GIL
    row by row), nothing for small files."""
    if size < settings.ingest_parallel_min_bytes:
        return inline
    return in_thread if conn.dialect.name == "postgresql" else in_child


def mapped_chunks(
    path: Path, mapping: Mapping, rows: int, tell: Callable[[int], None]
) -> Iterator[Mapped]:
    """Read and map ``path`` chunk by chunk."""
    transform = Transformer(mapping)
    for chunk in read_chunks(path, mapping, rows, tell):
        yield transform(chunk)


def _completed(conn: Connection, batch_id: str, path: Path) -> BatchResult | None:
    row = conn.execute(select(batches).where(batches.c.id == batch_id)).mappings().first()
    if row is None:
        return None
    return BatchResult(
        batch_id=batch_id,
        file=path,
        source=row["source"],
        kind=row["kind"],
        rows=row["row_count"],
        records_new=0,
        records_existing=row["records_new"] + row["records_existing"],
        quarantined=row["quarantined"],
        skipped=True,
        noted=noted_in(conn, batch_id),
    )


def noted_in(conn: Connection, batch_id: str) -> int:
    """How many data-quality notes a batch's kept rows have."""
    query = select(func.count()).select_from(notes).where(notes.c.batch_id == batch_id)
    return int(conn.execute(query).scalar_one())


def _start_batch(
    conn: Connection, batch_id: str, path: Path, mapping: Mapping, checksum: tuple[str, int]
) -> None:
    is_csv = mapping.format == "csv"
    conn.execute(
        insert(batches).values(
            id=batch_id,
            source=mapping.source,
            kind=mapping.kind,
            mapping=mapping.name,
            mapping_sha256=mapping.sha256,
            format=mapping.format,
            delimiter=mapping.delimiter if is_csv else None,
            file=str(path),
            file_sha256=checksum[0],
            file_bytes=checksum[1],
            row_count=0,
            records_new=0,
            records_existing=0,
            quarantined=0,
            state="loading",
            started_at=dt.datetime.now(dt.UTC),
        )
    )


class _Run:
    """Counts and writes of one batch in progress."""

    def __init__(self, conn: Connection, batch_id: str, path: Path, settings: Settings) -> None:
        self.conn, self.batch_id, self.path, self.settings = conn, batch_id, path, settings
        self.rows = self.new = self.existing = self.quarantined = self.noted = 0
        self.header: list[str] | None = None
        #: The CREATE statements of the indexes dropped for the load (None: not decided).
        self.deferred: list[str] | None = None

    def write(self, mapped: Mapped) -> None:
        frame = mapped.records
        self.header = self.header or mapped.header
        if self.deferred is None and not frame.is_empty():
            self.deferred = self._defer_indexes(frame)
        frame = frame.with_columns(
            pl.lit(self.batch_id).alias("batch_id"), pl.lit(str(self.path)).alias("file")
        )
        # Sorted, so that the key lookups walk the primary key's index in order.
        keys = frame["id"].unique().sort().to_list()
        stored = existing_keys(self.conn, "records", "id", keys)
        first = pl.col("id").is_first_distinct() & ~pl.col("id").is_in(list(stored))
        new = frame.filter(first).sort("id")
        inserted = insert_rows(self.conn, "records", new)
        seen = frame.filter(~first).select("batch_id", "row", pl.col("id").alias("record_id"))
        insert_rows(self.conn, "sightings", seen)
        self.new += inserted
        self.existing += frame.height - inserted
        self.rows += frame.height + len(mapped.errors)
        self._quarantine(mapped.errors)
        self._notes(mapped.notes)
        self._maybe_crash()

    def _defer_indexes(self, first: pl.DataFrame) -> list[str]:
        """SQLite: drop the records' secondary indexes for the load (rebuilt by ``finish``,
        in the same transaction) when the file brings at least as many rows as the table
        holds, so that the rebuild costs less than keeping them up to date row by row. The
        file's rows are estimated from its size and the first chunk's raw row length."""
        if self.conn.dialect.name != "sqlite":
            return []
        per_row = float(first.select(pl.col("raw").str.len_bytes().mean()).item() or 0) + 1
        expected = self.path.stat().st_size / per_row
        if sqlite_rows_estimate(self.conn, "records") > expected:
            return []
        return drop_secondary_indexes(self.conn, "records")

    def _quarantine(self, errors: list[RowError]) -> None:
        if not errors:
            return
        self.quarantined += len(errors)
        rows = [
            {"batch_id": self.batch_id, "row": e.row, "file": str(self.path), "field": e.field,
             "reason": e.reason, "raw": clip(e.raw)}
            for e in errors
        ]  # fmt: skip
        self.conn.execute(insert(quarantine), rows)

    def _notes(self, found: list[RowNote]) -> None:
        """One row per (row, field); notes of one column mapped to two fields joined."""
        merged: dict[tuple[int, str], RowNote] = {}
        for n in found:
            seen = merged.get((n.row, n.field))
            note = n.note if seen is None else f"{seen.note}; {n.note}"
            merged[(n.row, n.field)] = RowNote(n.row, n.record_id, n.field, note)
        if not merged:
            return
        self.noted += len(merged)
        rows = [
            {"batch_id": self.batch_id, "row": n.row, "field": n.field,
             "record_id": n.record_id, "note": n.note}
            for n in merged.values()
        ]  # fmt: skip
        self.conn.execute(insert(notes), rows)

    def _maybe_crash(self) -> None:
        limit = self.settings.ingest_crash_after_rows
        if limit is not None and self.rows >= limit:
            os.kill(os.getpid(), signal.SIGKILL)

    def finish(self, mapping: Mapping) -> BatchResult:
        create_indexes(self.conn, self.deferred or [])
        header = orjson.dumps(self.header).decode() if self.header else None
        self.conn.execute(
            update(batches)
            .where(batches.c.id == self.batch_id)
            .values(
                row_count=self.rows,
                records_new=self.new,
                records_existing=self.existing,
                quarantined=self.quarantined,
                header=header,
                state="complete",
                completed_at=dt.datetime.now(dt.UTC),
            )
        )
        return BatchResult(
            batch_id=self.batch_id,
            file=self.path,
            source=mapping.source,
            kind=mapping.kind,
            rows=self.rows,
            records_new=self.new,
            records_existing=self.existing,
            quarantined=self.quarantined,
            skipped=False,
            noted=self.noted,
        )
