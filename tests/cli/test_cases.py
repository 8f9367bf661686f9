"""``sojourn cases sync|list|show`` and ``sojourn assess`` on a small resolved population."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from sojourn.cli import app
from sojourn.records import ingest_file, plan
from sojourn.resolve.run import resolve_all
from sojourn.settings import get_settings
from sojourn.store import make_engine, upgrade
from sojourn.synth import generate

CE = "civil_enforcement"


def test_cases_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    generate(800, 4, dt.date(2025, 9, 30), tmp_path / "synth")
    for item in plan([tmp_path / "synth"], None):
        ingest_file(engine, item.path, item.mapping)
    resolve_all(engine)
    monkeypatch.setenv("SOJOURN_DATABASE_URL", url)
    get_settings.cache_clear()
    runner = CliRunner()
    synced = runner.invoke(app, ["cases", "sync", "--as-of", "2025-09-30"])
    assert synced.exit_code == 0, synced.output
    said = " ".join(synced.output.split())  # the console wraps long lines
    assert not said.startswith("0 persons") and "cases opened" in said
    again = runner.invoke(app, ["cases", "sync", "--as-of", "2025-09-30"])
    assert "0 changed assessments stored; cases opened 0, tasks opened 0" in " ".join(
        again.output.split()
    )
    listed = runner.invoke(
        app, ["cases", "list", "--format", "json", "--limit", "5", "--purpose", CE]
    )
    first = json.loads(listed.output)[0]
    shown = runner.invoke(app, ["cases", "show", str(first["id"]), "--purpose", CE])
    assert shown.exit_code == 0 and first["person_id"] in shown.output
    assert "[on_hold]" in shown.output or "[assigned]" in shown.output
    missing = runner.invoke(app, ["cases", "show", "999999", "--purpose", CE])
    assert missing.exit_code != 0 and "no case 999999" in missing.output
    with engine.connect() as conn:
        reads = conn.execute(
            text("SELECT count(*) FROM audit_events WHERE action IN ('case.list', 'case.read')")
        ).scalar_one()
    assert reads == 2
