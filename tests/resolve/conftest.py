"""Shared fixtures for entity-resolution tests."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import Engine

from sojourn.records import ingest_file, plan
from sojourn.resolve.features import load_records
from sojourn.store import make_engine, upgrade
from sojourn.synth import generate


@pytest.fixture(scope="session")
def generated_records(tmp_path_factory: pytest.TempPathFactory) -> pl.DataFrame:
    """The identity columns of a generated population of 3,000 persons (about 10,000
    records), ingested into SQLite once per test session (and xdist worker)."""
    out = tmp_path_factory.mktemp("synth")
    generate(3_000, 5, dt.date(2025, 9, 30), out)
    engine: Engine = make_engine(f"sqlite:///{out / 'db.sqlite'}")
    upgrade(engine)
    for item in plan([out], None):
        ingest_file(engine, item.path, item.mapping)
    records = load_records(engine)
    engine.dispose()
    return records
