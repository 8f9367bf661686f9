"""Alembic environment: runs migrations on the engine passed in ``config.attributes``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

# Registers every package's tables on the metadata (for autogenerate comparisons).
import sojourn.access.tables
import sojourn.audit.tables
import sojourn.cases.tables
import sojourn.events.alerts
import sojourn.events.tables
import sojourn.priority.tables
import sojourn.records.corrections
import sojourn.records.tables
import sojourn.resolve.tables
import sojourn.store.idempotency  # noqa: F401
from sojourn.store.metadata import metadata

engine: Engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
