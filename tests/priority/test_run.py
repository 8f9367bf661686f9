"""Assessing a resolved generated population from the store, on SQLite and PostgreSQL: the
safeguards hold for everyone, and one person's assessment equals theirs in the batch."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from sojourn.cli import app
from sojourn.priority.parallel import assess_parallel
from sojourn.priority.policy import policy_in_force, shipped
from sojourn.priority.run import assess_store
from sojourn.records import ingest_file, plan
from sojourn.resolve.run import resolve_all
from sojourn.synth import generate

AS_OF = dt.date(2025, 9, 30)


@pytest.fixture
def resolved(engine: Engine, tmp_path: Path) -> Engine:
    generate(1500, 21, AS_OF, tmp_path / "synth")
    for item in plan([tmp_path / "synth"], None):
        ingest_file(engine, item.path, item.mapping)
    resolve_all(engine)
    return engine


def test_safeguards_hold_for_the_whole_population(resolved: Engine) -> None:
    for policy in shipped().values():
        found = list(assess_store(resolved, AS_OF, policy))
        assert len(found) > 1000
        evidence = [a for a in found if a.facts["citizenship_evidence"]]
        assert evidence  # the population has naturalized persons: the test can fail
        assert not any(a.enforcement_ready for a in evidence)
        for a in found:
            if a.facts["removal_order"] and not a.facts["removal_order_final"]:
                assert not a.enforcement_ready
            for rule in a.rules:  # every rule cites the records behind its facts
                assert rule.citation
                assert all("records" in f and "confidence" in f for f in rule.facts.values())
    current = [a for a in assess_store(resolved, AS_OF) if a.enforcement_ready]
    assert current and all(a.policy == policy_in_force(AS_OF).key for a in current)


def test_one_person_is_assessed_as_in_the_batch(resolved: Engine) -> None:
    with resolved.connect() as conn:
        sql = (
            "SELECT l.person_id FROM links l JOIN records r ON r.id = l.record_id "
            "WHERE r.kind = 'court' ORDER BY l.id LIMIT 1"
        )
        person = conn.execute(text(sql)).scalar_one()
    batch = {a.person_id: a for a in assess_store(resolved, AS_OF)}
    (one,) = assess_store(resolved, AS_OF, person_ids=[person])
    assert one == batch[person]
    both = assess_parallel(resolved, AS_OF, workers=2)  # two processes, same answers
    assert len(both) == len(batch) and all(a == batch[a.person_id] for a in both)


def test_the_assess_command(resolved: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOJOURN_DATABASE_URL", resolved.url.render_as_string(False))
    if resolved.dialect.name == "postgresql":
        with resolved.connect() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        monkeypatch.setenv("SOJOURN_DATABASE_SCHEMA", schema)
    runner = CliRunner()
    summary = runner.invoke(app, ["assess", "--as-of", "2025-09-30", "--format", "json"])
    assert summary.exit_code == 0, summary.output
    assert '"persons"' in summary.output and "final-orders-and-overstays-2025" in summary.output
    listed = runner.invoke(app, ["policy", "list"])
    assert listed.exit_code == 0 and "2014" in listed.output
    bad = runner.invoke(app, ["assess", "--policy", "nope@1"])
    assert bad.exit_code != 0 and "unknown policy" in bad.output
