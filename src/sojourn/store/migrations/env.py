"""Alembic environment: runs migrations on the engine passed in ``config.attributes``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

import sojourn.records.tables  # noqa: F401  (registers tables on the metadata)
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
