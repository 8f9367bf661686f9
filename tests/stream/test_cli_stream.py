"""``sojourn stream replay`` through the in-process pipeline, and through NATS to
``sojourn stream consume``."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from sojourn.cli import app
from sojourn.settings import get_settings
from sojourn.store import make_engine, upgrade
from tests.stream.test_pipeline import _world


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Engine, Path]:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    _world(engine, tmp_path)
    monkeypatch.setenv("SOJOURN_DATABASE_URL", url)
    get_settings.cache_clear()
    return engine, tmp_path / "synth"


def test_replay_in_process(world: tuple[Engine, Path]) -> None:
    engine, synth = world
    out = CliRunner().invoke(app, ["stream", "replay", str(synth), "--rate", "100000",
                                   "--limit", "40", "--as-of", "2025-09-30"])  # fmt: skip
    assert out.exit_code == 0, out.output
    said = " ".join(out.output.split())
    assert "40 events through the pipeline" in said and "40 person events" in said
    with engine.connect() as conn:  # the operator's write is on the record, with its purpose
        sql = ("SELECT actor, purpose, detail FROM audit_events WHERE action = 'stream.replay' "
               "ORDER BY seq")  # fmt: skip
        started, event = conn.execute(text(sql)).all()  # when it started, and when it ended
    assert '"phase": "started"' in started.detail and '"phase": "ended"' in event.detail
    assert event.actor.startswith("cli:") and event.purpose == "civil_enforcement"
    assert '"events": 40' in event.detail


def test_replay_to_nats_then_consume(
    world: tuple[Engine, Path], monkeypatch: pytest.MonkeyPatch, no_default_stream: None
) -> None:
    _, synth = world
    tag = uuid.uuid4().hex[:8]
    monkeypatch.setenv("SOJOURN_BUS", "nats")
    get_settings.cache_clear()
    runner = CliRunner()
    sent = runner.invoke(app, ["stream", "replay", str(synth), "--rate", "5000", "--limit", "30"])
    assert sent.exit_code == 0 and "30 events published to NATS" in sent.output, sent.output
    got = runner.invoke(app, ["stream", "consume", "--durable", f"t{tag}", "--idle", "2",
                              "--as-of", "2025-09-30"])  # fmt: skip
    assert got.exit_code == 0, got.output
    assert "applied 30," in " ".join(got.output.split())
    again = runner.invoke(app, ["stream", "consume", "--durable", f"t{tag}", "--idle", "1"])
    assert "applied 0," in " ".join(again.output.split())  # nothing left, nothing twice
