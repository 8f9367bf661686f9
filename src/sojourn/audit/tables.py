"""The audit package's tables: the hash-chained events, the resources each names (an index for
"who looked at this person"), and the signed Merkle checkpoints. All append-only: triggers
refuse UPDATE and DELETE on SQLite and PostgreSQL (migration 0003)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, String, Table, Text

from sojourn.store.metadata import metadata

audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False, comment="1, 2, 3 … no gaps"),
    Column("at", String(32), nullable=False, comment="UTC time, ISO 8601 (as hashed)"),
    Column("actor", String(128), nullable=False),
    Column("role", String(32), nullable=False),
    Column("purpose", String(32), nullable=False, comment="purpose of use"),
    Column("action", String(64), nullable=False),
    Column("resource_type", String(32), nullable=False),
    Column("resource_ids", Text, nullable=False, comment="JSON list"),
    Column("fields", Text, nullable=False, comment="JSON list of fields returned or changed"),
    Column("decision", String(8), nullable=False, comment="allow or deny"),
    Column("policy_ids", Text, nullable=False, comment="JSON list: the policies that decided"),
    Column("request_id", String(64), nullable=False),
    Column("detail", Text, nullable=False, comment="JSON object"),
    Column("prev_hash", String(64), nullable=False, comment="leaf hash of the event before"),
    Column("leaf_hash", String(64), nullable=False, comment="RFC 9162 leaf hash of this event"),
    # The audit page's filters (migration 0014).
    Index("ix_audit_events_actor", "actor", "seq"),
    Index("ix_audit_events_action", "action", "seq"),
    Index("ix_audit_events_at", "at"),
)

audit_resources = Table(
    "audit_resources",
    metadata,
    Column("seq", BigInteger, ForeignKey("audit_events.seq"), nullable=False),
    Column("resource_id", String(64), nullable=False),
    Index("ix_audit_resources_resource", "resource_id"),
)

audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("tree_size", BigInteger, primary_key=True, autoincrement=False),
    Column("root", String(64), nullable=False, comment="RFC 9162 root, hex"),
    Column("note", Text, nullable=False, comment="the signed note, as exported"),
    Column("created_at", String(32), nullable=False),
)
