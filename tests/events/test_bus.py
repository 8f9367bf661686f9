"""The outbox and the inbox on SQLite and PostgreSQL, with the in-process bus: an event and
its change commit together or not at all; the relay publishes in order, once, and again after a
crash before marking; a consumer applies each event once however often it comes."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from sojourn.events.bus import apply_once, enqueue, first_times, relay
from sojourn.events.event import Event, PoisonError, decode
from sojourn.events.inprocess import InProcessBus


def test_an_event_and_its_change_commit_together(engine: Engine) -> None:
    with pytest.raises(RuntimeError), engine.begin() as conn:
        enqueue(conn, Event("sojourn.person.updated", {"person": "P1"}, "P1"))
        raise RuntimeError("the change failed")
    bus = InProcessBus()
    seen: list[Event] = []
    bus.subscribe("sojourn.", seen.append)
    assert relay(engine, bus) == 0 and seen == []
    events = [Event("sojourn.person.updated", {"n": i}, f"P{i % 3}") for i in range(7)]
    with engine.begin() as conn:
        enqueue(conn, events[0])
        enqueue(conn, *events[1:])  # many in one statement
    assert relay(engine, bus, batch=3) == 7
    assert [e.id for e in seen] == [e.id for e in events]  # in order
    assert relay(engine, bus) == 0  # published once


def test_a_consumer_applies_each_event_once(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE applied (event_id VARCHAR(32))"))

    def handler(conn: object, event: Event) -> None:
        conn.execute(text("INSERT INTO applied VALUES (:e)"), {"e": event.id})  # type: ignore[attr-defined]

    event = Event("sojourn.in.departure", {"record": "R1"}, "R1")
    assert apply_once(engine, "test", handler, event) is True
    assert apply_once(engine, "test", handler, event) is False  # delivered again
    assert apply_once(engine, "other", handler, event) is True  # another consumer's own inbox
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM applied")).scalar_one() == 2


def test_a_batch_is_recorded_in_the_inbox_once(engine: Engine) -> None:
    a, b, c = (Event("sojourn.in.departure", {"n": i}, "K") for i in range(3))
    with engine.begin() as conn:
        assert first_times(conn, "test", [a]) == [True]
    with engine.begin() as conn:  # a applied before; b twice in the same batch
        assert first_times(conn, "test", [a, b, c, b]) == [False, True, True, False]
        assert first_times(conn, "other", [a]) == [True]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM inbox")).scalar_one() == 4


def test_poison_is_named_and_set_aside() -> None:
    cases = [
        (b"{", "not JSON"),
        (b"[]", "JSON object"),
        (b'{"id": "x", "subject": "sojourn.a", "payload": 3}', "payload"),
        (b'{"id": "x", "subject": "bad subject", "payload": {}}', "subject"),
    ]
    for data, reason in cases:
        with pytest.raises(PoisonError, match=reason):
            decode(data)
    bus = InProcessBus()

    def strict(event: Event) -> None:
        raise PoisonError("no record in the payload")

    bus.subscribe("sojourn.in.", strict)
    bus.publish([Event("sojourn.in.departure", {}, "R9")])
    ((dead, why),) = bus.dead
    assert dead.subject == "sojourn.dead.sojourn.in.departure" and why == "no record in the payload"
