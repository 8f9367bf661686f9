"""The real-time path on the in-process bus: a generated population resolved without its
departure manifest rows, then the manifest replayed as a stream — each row ingested, matched to
its person, status, assessment and case recomputed, and a person event published; a replay of
the same events changes nothing; a bad row is quarantined and announced; a poison event is
set aside."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from sojourn.cases.recompute import recompute
from sojourn.events.event import Event
from sojourn.events.inprocess import InProcessBus
from sojourn.records import ingest_file, plan
from sojourn.records.mapping import builtin_mapping
from sojourn.resolve.run import resolve_all
from sojourn.stream.pipeline import Pipeline
from sojourn.stream.replay import events
from sojourn.synth import generate

AS_OF = dt.date(2025, 9, 30)


def _world(engine: Engine, tmp: Path) -> Path:
    generate(600, 5, AS_OF, tmp / "synth")
    for item in plan([tmp / "synth"], None):
        if item.mapping.kind != "departure":
            ingest_file(engine, item.path, item.mapping)
    resolve_all(engine)
    recompute(engine, AS_OF, "test")
    return tmp / "synth" / "departures_apis.jsonl"


def _count(engine: Engine, sql: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def test_departures_flow_through_to_persons_and_cases(engine: Engine, tmp_path: Path) -> None:
    manifest = _world(engine, tmp_path)
    bus, told = InProcessBus(), []
    pipeline = Pipeline(engine, bus, as_of=AS_OF)
    bus.subscribe("sojourn.in.", pipeline.handle)
    bus.subscribe("sojourn.person.", told.append)
    mapping = builtin_mapping("cbp-apis-out")
    sent = list(events(manifest, mapping))[:300]
    bus.publish(sent)
    applied = pipeline.counts.get("applied", 0)
    assert applied + pipeline.counts.get("quarantined", 0) == len(sent)
    assert len(told) == applied and applied > 0.9 * len(sent)
    stored = _count(engine, "SELECT count(*) FROM records WHERE kind = 'departure'")
    linked = _count(engine, "SELECT count(DISTINCT l.record_id) FROM links l JOIN records r "
                    "ON r.id = l.record_id WHERE r.kind = 'departure'")  # fmt: skip
    assert stored == linked and stored > 0
    statuses = {e.payload["status"] for e in told}
    assert "departed" in statuses
    for e in told:
        assert e.subject == f"sojourn.person.{e.payload['person']}.updated"
    before = dict(pipeline.counts)
    bus.publish(sent)  # the same events again
    assert pipeline.counts == before and len(told) == applied
    assert _count(engine, "SELECT count(*) FROM records WHERE kind = 'departure'") == stored


def test_bad_rows_and_poison(engine: Engine, tmp_path: Path) -> None:
    _world(engine, tmp_path)
    bus, told = InProcessBus(), []
    pipeline = Pipeline(engine, bus, as_of=AS_OF)
    bus.subscribe("sojourn.in.", pipeline.handle)
    bus.subscribe("sojourn.record.", told.append)
    row = {"pnr": "X1", "family": "DOE"}  # no departure date, no provenance
    bus.publish([Event("sojourn.in.departure", {"mapping": "cbp-apis-out", "row": row}, "X1")])
    assert pipeline.counts == {"quarantined": 1} and "reason" in told[0].payload
    assert _count(engine, "SELECT count(*) FROM quarantine WHERE file LIKE 'stream:%'") == 1
    bus.publish([Event("sojourn.in.departure", {"mapping": "nope", "row": {}}, "X2")])
    ((dead, why),) = bus.dead
    assert "no built-in mapping 'nope'" in why and dead.subject.startswith("sojourn.dead.")
    assert json.loads(dead.encode())["payload"]["mapping"] == "nope"


def test_a_batch_does_what_one_by_one_does(engine: Engine, tmp_path: Path) -> None:
    from sojourn.events.event import PoisonError
    from sojourn.stream.batch import handle_batch

    manifest = _world(engine, tmp_path)
    bus, told = InProcessBus(), []
    bus.subscribe("sojourn.person.", told.append)
    pipeline = Pipeline(engine, bus, as_of=AS_OF)
    sent = list(events(manifest, builtin_mapping("cbp-apis-out")))[:120]
    results = [r for i in range(0, 120, 40) for r in handle_batch(pipeline, sent[i : i + 40])]
    applied = pipeline.counts.get("applied", 0)
    assert sum(results) == 120 == applied + pipeline.counts.get("quarantined", 0)
    assert len(told) == applied and all(e.payload["status"] for e in told)
    linked = _count(engine, "SELECT count(DISTINCT l.record_id) FROM links l JOIN records r "
                    "ON r.id = l.record_id WHERE r.kind = 'departure'")  # fmt: skip
    assert linked == _count(engine, "SELECT count(*) FROM records WHERE kind = 'departure'")
    assert handle_batch(pipeline, sent[:40]) == [False] * 40  # again: nothing twice
    assert Pipeline(engine).handle(sent[0]) is False  # the one-by-one path agrees
    poison = Event("sojourn.in.departure", {"mapping": "nope", "row": {}}, "X")
    with pytest.raises(PoisonError):  # the consumer then takes the batch one by one
        handle_batch(pipeline, [poison, *sent[40:42]])


def test_citizenship_evidence_arriving_stops_the_person_it_could_be(
    engine: Engine, tmp_path: Path
) -> None:
    """A naturalization certificate with a typo in the family name, a birth date a day off
    and no A-number arrives on the stream: whether or not it links, the person it could be is
    re-assessed and held by the citizenship stop (issue 15)."""
    _world(engine, tmp_path)
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT a.person_id, r.given_name, r.family_name, r.birth_date FROM assessments a "
            "JOIN links l ON l.person_id = a.person_id JOIN records r ON r.id = l.record_id "
            "WHERE a.enforcement_ready = :t AND r.family_name IS NOT NULL "
            "AND length(r.birth_date) = 10 AND length(r.family_name) > 4 ORDER BY a.id LIMIT 1"
        ), {"t": True}).one()  # fmt: skip
    born = (dt.date.fromisoformat(row.birth_date) + dt.timedelta(days=1)).isoformat()
    typo = row.family_name[:-2] + row.family_name[-1]  # a dropped letter
    cert = {"CERT_NO": "N-PLANTED-1", "GIVEN_NAME": row.given_name, "FAMILY_NAME": typo,
            "BIRTH_DATE": born, "NATURALIZED_DATE": "2025-06-02", "OFFICE": "Miami"}  # fmt: skip
    bus, told = InProcessBus(), []
    pipeline = Pipeline(engine, bus, as_of=AS_OF)
    bus.subscribe("sojourn.in.", pipeline.handle)
    bus.subscribe("sojourn.person.", told.append)
    bus.publish([Event("sojourn.in.naturalization", {"mapping": "uscis-n400", "row": cert})])
    assert pipeline.counts.get("applied") == 1
    with engine.connect() as conn:  # the pipeline's own recompute stored it
        ready, stops = conn.execute(text(
            "SELECT enforcement_ready, stops FROM assessments WHERE person_id = :p "
            "ORDER BY id DESC LIMIT 1"
        ), {"p": row.person_id}).one()  # fmt: skip
    assert "citizenship" in json.loads(stops) and not ready
