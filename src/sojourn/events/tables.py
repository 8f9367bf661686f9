"""The outbox (events written in the same transaction as the change they announce, published
by the relay) and the inbox (the events each consumer has applied: applying one twice is
refused by its primary key)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text

from sojourn.store.metadata import metadata

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(32), nullable=False, unique=True),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False, comment="the event as published (JSON)"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True)),
    Index("ix_outbox_unpublished", "published_at", "id"),
)

inbox = Table(
    "inbox",
    metadata,
    Column("consumer", String(64), primary_key=True),
    Column("event_id", String(32), primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)
