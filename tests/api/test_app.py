"""The app signs audit checkpoints as its requests write events (in the background), and
finishes one under way when it shuts down."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from sojourn.api.app import create_app
from sojourn.audit.background import Checkpointer
from sojourn.audit.checkpoint import AuditConfig
from tests.api.conftest import World


def test_requests_are_checkpointed_as_the_log_grows(world: World, tmp_path: Path) -> None:
    cfg = AuditConfig(tmp_path / "export", tmp_path / "key.pem", "test.audit", 3)
    app = create_app(world.engine)
    app.state.checkpointer = Checkpointer(world.engine, cfg)
    with world.engine.connect() as conn:
        person = conn.execute(text("SELECT person_id FROM links LIMIT 1")).scalar_one()
        before = conn.execute(text("SELECT count(*) FROM audit_checkpoints")).scalar_one()
    with TestClient(app) as client:
        headers = world.headers("analyst", "criminal_investigation")
        for _ in range(7):
            assert client.get(f"/persons/{person}", headers=headers).status_code == 200
    app.state.checkpointer.join()
    notes = sorted((tmp_path / "export").glob("checkpoint-*.note"))
    assert notes and (tmp_path / "export" / "key.pub").exists()
    with world.engine.connect() as conn:
        after = conn.execute(text("SELECT count(*) FROM audit_checkpoints")).scalar_one()
    assert after > before
