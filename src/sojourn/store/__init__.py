"""Storage: the database engine (SQLite by default, PostgreSQL in production), the shared
table metadata, Alembic migrations and the bulk-write path."""

from sojourn.store.engine import connect, make_engine
from sojourn.store.metadata import metadata
from sojourn.store.migrate import current_revision, upgrade

__all__ = ["connect", "current_revision", "make_engine", "metadata", "upgrade"]
