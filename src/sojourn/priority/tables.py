"""Stored assessments (history kept: a new row only when a person's outcome changes) and the
activations of a policy (the latest is in force; each names its administrator and reason)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Table, Text

from sojourn.store.metadata import metadata

assessments = Table(
    "assessments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", String(16), nullable=False),
    Column("as_of", String(10), nullable=False, comment="the date the facts are as of"),
    Column("policy", String(96), nullable=False, comment="id@version"),
    Column("priority", String(48)),
    Column("enforcement_ready", Boolean, nullable=False),
    Column("stops", Text, nullable=False, comment="JSON list of the hard stops' ids"),
    Column("digest", String(64), nullable=False, comment="SHA-256 of the outcome"),
    Column("body", Text, nullable=False, comment="JSON: rules, factors, stops, facts"),
    Column("trigger", String(64), nullable=False, comment="what made it recompute"),
    Column("assessed_at", DateTime(timezone=True), nullable=False),
)
Index("ix_assessments_person", assessments.c.person_id, assessments.c.id)

policy_activations = Table(
    "policy_activations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("policy", String(96), nullable=False, comment="id@version"),
    Column("actor", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("activated_at", DateTime(timezone=True), nullable=False),
)
