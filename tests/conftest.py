"""Shared fixtures: a migrated database on SQLite and on PostgreSQL (real server, own schema)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from sojourn.settings import get_settings
from sojourn.store import make_engine, upgrade

PG_URL = os.environ.get(
    "SOJOURN_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'sojourn.db'}"


def new_pg_schema() -> str:
    """A schema name no other test run uses."""
    return f"t_{uuid.uuid4().hex[:12]}"


def drop_pg_schema(schema: str) -> None:
    engine = make_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(autouse=True)
def _fresh_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test gets its own data dir and freshly read settings. A Spark session started
    through the command line has the tests' shared session's configuration (tests/spark/
    conftest.py): Spark keeps one session per process, and a second start re-applies its SQL
    settings to it."""
    monkeypatch.setenv("SOJOURN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SOJOURN_SPARK_SHUFFLE_PARTITIONS", "2")
    monkeypatch.setenv("SOJOURN_SPARK_DRIVER_MEMORY", "1g")
    monkeypatch.setenv(
        "SOJOURN_SPARK_DRIVER_JAVA_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
    )
    for name in (
        "SOJOURN_DATABASE_URL",
        "SOJOURN_DATABASE_SCHEMA",
        "SOJOURN_INGEST_CRASH_AFTER_ROWS",
    ):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str | None]]:
    """(database URL, schema) for a fresh database on each engine."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path), None
        return
    schema = new_pg_schema()
    try:
        yield PG_URL, schema
    finally:
        drop_pg_schema(schema)


@pytest.fixture
def engine(db: tuple[str, str | None]) -> Iterator[Engine]:
    """A migrated engine on SQLite and on PostgreSQL."""
    eng = make_engine(*db)
    upgrade(eng)
    yield eng
    eng.dispose()
