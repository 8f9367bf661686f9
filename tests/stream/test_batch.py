"""A batch in one transaction: a failure anywhere rolls all of it back (nothing stored,
linked, recorded or announced; the index forgets it) and the redelivered batch is applied
whole; an event is applied once however often it comes; a record seen again re-assesses
nobody; a departure's verification tasks are written set-based with their task events,
audit entries and case events, as one at a time would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

import sojourn.stream.batch as batch_module
from sojourn.events.event import Event
from sojourn.events.inprocess import InProcessBus
from sojourn.records.mapping import builtin_mapping
from sojourn.stream.batch import handle_batch
from sojourn.stream.pipeline import Pipeline
from sojourn.stream.replay import events
from tests.stream.test_pipeline import AS_OF, _count, _world

TABLES = (
    "records",
    "links",
    "inbox",
    "outbox",
    "assessments",
    "tasks",
    "audit_events",
    "resolve_runs",
)


def _sizes(engine: Engine) -> dict[str, int]:
    return {t: _count(engine, f"SELECT count(*) FROM {t}") for t in TABLES}


def test_a_failure_mid_batch_rolls_all_back_and_the_batch_is_applied_again(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = _world(engine, tmp_path)
    sent = list(events(manifest, builtin_mapping("cbp-apis-out")))[:30]
    pipeline = Pipeline(engine, as_of=AS_OF)
    handle_batch(pipeline, sent[:2])  # the index loaded, two applied
    before, indexed = _sizes(engine), len(pipeline.index or ())

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(batch_module, "sync_many", broken)  # after storing and matching
    with pytest.raises(RuntimeError, match="went away"):
        handle_batch(pipeline, sent)
    assert _sizes(engine) == before and len(pipeline.index or ()) == indexed
    monkeypatch.undo()
    again = handle_batch(pipeline, [*sent, sent[5]])  # redelivered, one of them twice
    assert again == [False, False] + [True] * 28 + [False]
    assert _count(engine, "SELECT count(*) FROM inbox") == 30
    told = "SELECT count(*) FROM outbox WHERE subject LIKE 'sojourn.person.%' OR " \
           "subject = 'sojourn.record.quarantined'"  # fmt: skip
    assert _count(engine, told) == 30  # each event announced once
    departures = _count(engine, "SELECT count(*) FROM records WHERE kind = 'departure'")
    linked = _count(engine, "SELECT count(DISTINCT l.record_id) FROM links l JOIN records r "
                    "ON r.id = l.record_id WHERE r.kind = 'departure'")  # fmt: skip
    links = _count(engine, "SELECT count(*) FROM links l JOIN records r "
                   "ON r.id = l.record_id WHERE r.kind = 'departure'")  # fmt: skip
    assert departures == linked == links > 0  # each stored and linked once
    assert handle_batch(pipeline, sent) == [False] * 30
    assert _count(engine, "SELECT count(*) FROM inbox") == 30


def test_a_record_seen_again_reassesses_nobody(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = _world(engine, tmp_path)
    sent = list(events(manifest, builtin_mapping("cbp-apis-out")))[:20]
    pipeline = Pipeline(engine, as_of=AS_OF)
    handle_batch(pipeline, sent)
    assessed: list[list[str]] = []
    real = batch_module.assess_in

    def spy(conn: object, day: object, who: list[str]) -> object:
        assessed.append(who)
        return real(conn, day, who)  # type: ignore[arg-type]

    monkeypatch.setattr(batch_module, "assess_in", spy)
    bus, told = InProcessBus(), []
    bus.subscribe("sojourn.person.", told.append)
    pipeline.bus = bus
    stored = _count(engine, "SELECT count(*) FROM assessments")
    again = [Event(e.subject, e.payload, e.key) for e in sent]  # the same rows, new events
    assert all(handle_batch(pipeline, again))
    assert assessed == [[]] and _count(engine, "SELECT count(*) FROM assessments") == stored
    assert {e.payload["source_event"] for e in told} >= {e.id for e in again[:1]}
    for e in told:  # each still tells the person's standing assessment
        if e.payload["source_event"] in {x.id for x in again}:
            assert e.payload["status"] is not None


UNDO = (
    "UPDATE tasks SET status = 'cancelled' WHERE type = 'departure_verification'",
    "UPDATE tasks SET status = 'assigned' WHERE type = 'case' AND status = 'on_hold' AND "
    "NOT EXISTS (SELECT 1 FROM tasks c WHERE c.parent_id = tasks.id AND c.status IN "
    "('assigned', 'in_progress', 'on_hold'))",
)


def test_departure_verifications_are_written_set_based_like_one_at_a_time(
    engine: Engine, tmp_path: Path
) -> None:
    manifest = _world(engine, tmp_path)
    sent = list(events(manifest, builtin_mapping("cbp-apis-out")))
    tasks = "SELECT count(*) FROM tasks WHERE type = 'departure_verification'"
    with engine.begin() as conn:  # the world's own verifications undone: asked again
        for sql in UNDO:
            conn.execute(text(sql))
    before = _count(engine, tasks)
    pipeline = Pipeline(engine, as_of=AS_OF)
    for start in range(0, len(sent), 300):
        handle_batch(pipeline, sent[start : start + 300])
    made = _count(engine, tasks) - before
    assert made > 0
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT t.id, t.case_id, p.status FROM tasks t JOIN tasks p ON p.id = t.parent_id "
            "WHERE t.type = 'departure_verification' ORDER BY t.id")).all()  # fmt: skip
        audited = {tuple(json.loads(r)) for r in conn.execute(text(
            "SELECT resource_ids FROM audit_events WHERE action = 'case.task_add'"
        )).scalars()}  # fmt: skip
        created = set(conn.execute(text(
            "SELECT task_id FROM task_events WHERE action = 'created'")).scalars())  # fmt: skip
        bodies = conn.execute(text(
            "SELECT body FROM outbox WHERE subject LIKE 'sojourn.case.%.task_add'"
        )).scalars()  # fmt: skip
        announced = {(json.loads(b)["payload"]["case"], json.loads(b)["payload"]["task"])
                     for b in bodies}  # fmt: skip
    for task, case, parent in rows[-made:]:
        assert parent == "on_hold"  # the root waits on it
        assert task in created and (str(case), str(task)) in audited
        assert (case, task) in announced
    assert len({case for _, case, _ in rows[-made:]}) == made  # one per case
