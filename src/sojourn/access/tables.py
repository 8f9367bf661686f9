"""The access package's tables: users (local accounts and break-glass) and login attempts
(for throttling, and the record of every authentication)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Table, Text

from sojourn.store.metadata import metadata

users = Table(
    "users",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("role", String(32), nullable=False),
    Column("password_hash", Text, comment="Argon2id; NULL for users of the identity provider"),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("disabled_at", DateTime(timezone=True)),
    Column("disabled_by", String(64)),
    Column("disabled_reason", Text),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("succeeded", Boolean, nullable=False),
    Column("source", String(64), nullable=False, comment="client address or 'cli'"),
    Index("ix_login_attempts_user_at", "username", "at"),
)
