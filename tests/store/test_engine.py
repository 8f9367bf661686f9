"""The store on both engines: migrations, durability settings, isolation per schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

import sojourn.access.tables
import sojourn.audit.tables
import sojourn.records.tables
import sojourn.resolve.tables
import sojourn.store.idempotency  # noqa: F401
from sojourn.store import current_revision, make_engine, metadata, upgrade
from tests.conftest import PG_URL, drop_pg_schema, new_pg_schema, sqlite_url

HEAD = "0014"


def test_upgrade_creates_the_record_tables(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {"batches", "records", "quarantine", "alembic_version"} <= tables
    assert {"persons", "links", "judgements", "identity_reviews"} <= tables
    assert {"audit_events", "audit_resources", "audit_checkpoints"} <= tables
    assert current_revision(engine) == HEAD


def test_upgrade_twice_is_harmless(engine: Engine) -> None:
    upgrade(engine)
    assert current_revision(engine) == HEAD


def test_migrations_match_the_table_declarations(engine: Engine) -> None:
    """The frozen migrations build exactly the tables the packages declare."""
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    # Comments are documentation on the declarations; migrations need not repeat them.
    flat = [d[0] if isinstance(d, list) else d for d in diff]
    assert [d for d in flat if "comment" not in d[0]] == []


def test_empty_database_has_no_revision(tmp_path: Path) -> None:
    assert current_revision(make_engine(sqlite_url(tmp_path))) is None


def test_sqlite_durability_pragmas(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path))
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA page_size")).scalar() == 8192


def test_an_existing_sqlite_file_keeps_its_page_size(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE t (x)")
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA page_size")).scalar() == 4096
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_sqlite_enforces_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path))
    upgrade(engine)
    with pytest.raises(Exception, match="FOREIGN KEY"), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO quarantine (batch_id, row, file, field, reason, raw) "
                "VALUES ('nope', 1, 'f', 'x', 'y', x'00')"
            )
        )


def test_postgres_schemas_keep_runs_apart() -> None:
    first, second = new_pg_schema(), new_pg_schema()
    try:
        a, b = make_engine(PG_URL, first), make_engine(PG_URL, second)
        upgrade(a)
        with a.begin() as conn:
            conn.execute(text("CREATE TABLE only_here (x int)"))
        upgrade(b)
        assert "only_here" in inspect(a).get_table_names()
        assert "only_here" not in inspect(b).get_table_names()
        with b.connect() as conn:
            assert conn.execute(text("SELECT current_schema()")).scalar() == second
    finally:
        drop_pg_schema(first)
        drop_pg_schema(second)


def test_rejects_unknown_backend_and_bad_schema() -> None:
    with pytest.raises(ValueError, match="unsupported database"):
        make_engine("mysql://x@localhost/db")
    with pytest.raises(ValueError, match="invalid PostgreSQL schema"):
        make_engine(PG_URL, "drop table; --")
