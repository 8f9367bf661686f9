"""Alembic migrations, run programmatically: ``upgrade(engine)`` brings a database to head.

Alembic is imported where it is used: every command imports this module, few migrate.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

if TYPE_CHECKING:
    from alembic.config import Config

_HERE = Path(__file__).parent


def alembic_config(engine: Engine) -> Config:
    """An Alembic config whose ``env.py`` runs on ``engine``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_HERE / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or migrate the schema (in the engine's search_path schema on PostgreSQL)."""
    if engine.dialect.name == "postgresql":
        _ensure_schema(engine)
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _ensure_schema(engine: Engine) -> None:
    """Create the search_path schema if the engine was configured with one."""
    with engine.begin() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar()
        if schema is None:
            path = conn.execute(text("SHOW search_path")).scalar_one()
            first = str(path).split(",")[0].strip().strip('"')
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{first}"'))
