"""A resolved generated population with one user per role, on SQLite and PostgreSQL (built
once per module and engine), and a client that logs in as any role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from sojourn.access.model import ROLES
from sojourn.access.users import add_user
from sojourn.api.app import create_app
from sojourn.records import ingest_file, plan
from sojourn.resolve.run import resolve_all
from sojourn.settings import get_settings
from sojourn.store import make_engine, upgrade
from sojourn.synth import generate
from tests.conftest import PG_URL, drop_pg_schema, new_pg_schema

PASSWORD = "a long enough passphrase"


@dataclass
class World:
    engine: Engine
    client: TestClient

    def token(self, role: str) -> str:
        answer = self.client.post("/auth/login", json={"username": role, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

    def headers(self, role: str, purpose: str | None) -> dict[str, str]:
        out = {"Authorization": f"Bearer {self.token(role)}"}
        if purpose is not None:
            out["X-Purpose-Of-Use"] = purpose
        return out

    def audit_count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM audit_events")).scalar_one())


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def population(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    out: Path = tmp_path_factory.mktemp("api")
    schema = None
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{out / 'api.db'}")
    else:
        schema = new_pg_schema()
        engine = make_engine(PG_URL, schema)
    upgrade(engine)
    generate(400, 6, dt.date(2025, 9, 30), out / "synth")
    for item in plan([out / "synth"], None):
        ingest_file(engine, item.path, item.mapping)
    mp = pytest.MonkeyPatch()
    mp.setenv("SOJOURN_DATA_DIR", str(out / "data"))
    get_settings.cache_clear()
    resolve_all(engine)
    mp.undo()
    for role in ROLES:
        add_user(engine, role, role, PASSWORD, by="test")
    yield engine
    engine.dispose()
    if schema:
        drop_pg_schema(schema)


@pytest.fixture
def world(population: Engine) -> World:
    return World(population, TestClient(create_app(population)))
