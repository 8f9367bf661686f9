"""The records package's tables: batches, records (append-only), quarantined rows, and the
data-quality notes of rows kept with a value made missing."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    text,
)

from sojourn.records.kinds import IDENTITY_FIELDS
from sojourn.store.metadata import metadata

batches = Table(
    "batches",
    metadata,
    Column("id", String(24), primary_key=True, comment="hash of (file checksum, mapping checksum)"),
    Column("source", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("mapping", String(128), nullable=False),
    Column("mapping_sha256", String(64), nullable=False),
    Column("format", String(16), nullable=False),
    Column("delimiter", String(4)),
    Column("header", Text, comment="JSON list of the CSV header's column names"),
    Column("file", Text, nullable=False, comment="path as given to ingest"),
    Column("file_sha256", String(64), nullable=False),
    Column("file_bytes", BigInteger, nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("records_new", Integer, nullable=False),
    Column("records_existing", Integer, nullable=False),
    Column("quarantined", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True)),
)

#: Identity columns, in Record order; all text (birth_date is a possibly partial ISO date).
IDENTITY_COLUMNS: tuple[str, ...] = tuple(IDENTITY_FIELDS)

#: Records that are evidence of U.S. citizenship (a partial index keeps them at hand).
CITIZENSHIP = "kind = 'naturalization' OR nationality = 'USA' OR passport_country = 'USA'"

#: The column order the bulk writer uses.
RECORD_COLUMNS: tuple[str, ...] = (
    "id",
    "batch_id",
    "source",
    "source_record_id",
    "kind",
    "file",
    "row",
    "event_date",
    *IDENTITY_COLUMNS,
    "identifiers",
    "event",
    "raw",
)

records = Table(
    "records",
    metadata,
    Column("id", String(32), primary_key=True, comment="content hash"),
    # Not a declared foreign key: checked row by row it costs a third of PostgreSQL ingest
    # time. Ingest writes a batch and its records in one transaction (tests check the link).
    Column("batch_id", String(24), nullable=False),
    Column("source", String(64), nullable=False),
    Column("source_record_id", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("file", Text, nullable=False),
    Column("row", Integer, nullable=False),
    Column("event_date", Date, comment="null only for an undated identity-only record (person)"),
    *(Column(name, Text) for name in IDENTITY_COLUMNS),
    Column("identifiers", Text, comment="JSON object: generic identifiers, type to value"),
    Column("event", Text, nullable=False, comment="JSON object: the kind's event fields"),
    Column("raw", Text, nullable=False, comment="the row as read: CSV/JSONL line, or JSON"),
    Index("ix_records_source_record", "source", "source_record_id"),
    # The few records that are citizenship evidence (priority/sweep.py reads them all).
    Index(
        "ix_records_citizenship",
        "birth_date",
        sqlite_where=text(CITIZENSHIP),
        postgresql_where=text(CITIZENSHIP),
    ),
)

sightings = Table(
    "sightings",
    metadata,
    Column("batch_id", String(24), primary_key=True),
    Column("row", Integer, primary_key=True),
    Column("record_id", String(32), nullable=False, comment="the record this row repeats"),
    Index("ix_sightings_record", "record_id"),
    comment="accepted rows whose record was already stored (by this or an earlier batch)",
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("batch_id", String(24), ForeignKey("batches.id"), primary_key=True),
    Column("row", Integer, primary_key=True, comment="line (CSV/JSONL) or 1-based row (Parquet)"),
    Column("file", Text, nullable=False),
    Column("field", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("raw", LargeBinary, nullable=False),
)

notes = Table(
    "record_notes",
    metadata,
    Column("batch_id", String(24), primary_key=True),
    Column("row", Integer, primary_key=True),
    Column("field", Text, primary_key=True, comment="the source column(s), as in quarantine"),
    Column("record_id", String(32), nullable=False, comment="the record the row became"),
    Column("note", Text, nullable=False, comment="why the value was made missing"),
    Index("ix_record_notes_record", "record_id"),
    comment="data-quality notes: a row kept with an unusable value made missing (on_error)",
)
