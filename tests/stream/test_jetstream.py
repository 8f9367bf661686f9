"""Against the real NATS JetStream server (127.0.0.1:4222): order per key, duplicate publishes
and redeliveries applied once, poison and failing events to the dead-letter subject with
their reason, and a consumer killed with SIGKILL mid-stream that, restarted, loses nothing and
applies nothing twice."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text

from sojourn.events.bus import apply_once
from sojourn.events.event import Event
from sojourn.events.jetstream import JetStreamBus
from sojourn.records.mapping import builtin_mapping
from sojourn.store import make_engine, upgrade
from sojourn.stream.replay import events
from tests.stream.test_pipeline import _count, _world


@pytest.fixture
def bus() -> Iterator[tuple[JetStreamBus, str]]:
    tag = uuid.uuid4().hex[:10]
    prefix = f"sjt{tag}"  # outside sojourn.>: a test's stream never overlaps another's
    js = JetStreamBus(stream=f"T{tag}", subjects=[f"{prefix}.>"], dead_prefix=f"{prefix}.dead")
    yield js, prefix
    js.delete_stream()
    js.close()


@pytest.fixture
def store(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'stream.db'}")
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE applied (event_id TEXT, key TEXT, n INTEGER)"))
    return engine


def _apply(conn: Connection, event: Event) -> None:
    conn.execute(text("INSERT INTO applied VALUES (:e, :k, :n)"),
                 {"e": event.id, "k": event.key, "n": event.payload["n"]})  # fmt: skip


def _applied(store: Engine) -> list[tuple[str, str, int]]:
    with store.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT event_id, key, n FROM applied"))]  # type: ignore[misc]


def test_order_per_key_and_duplicates(bus: tuple[JetStreamBus, str], store: Engine) -> None:
    js, prefix = bus
    events = [Event(f"{prefix}.departure", {"n": i}, f"P{i % 5}") for i in range(60)]
    js.publish(events)
    js.publish(events[:10])  # the same events again: the server drops them (Nats-Msg-Id)
    js.publish_raw(f"{prefix}.departure", events[0].encode(), "another-id")  # gets through
    done = js.consume(f"{prefix}.>", "order", lambda e: apply_once(store, "t", _apply, e))
    assert (done.applied, done.skipped) == (60, 1)  # the copy that got through: applied once
    by_key: dict[str, list[int]] = defaultdict(list)
    for _, key, n in _applied(store):
        by_key[key].append(n)
    assert all(ns == sorted(ns) for ns in by_key.values()) and len(_applied(store)) == 60


def test_poison_and_failures_go_to_the_dead_letters(
    bus: tuple[JetStreamBus, str], store: Engine
) -> None:
    js, prefix = bus
    js.publish_raw(f"{prefix}.departure", b"not json at all", "poison-1")
    js.publish([Event(f"{prefix}.departure", {"n": 1}, "P1")])
    failing = Event(f"{prefix}.court", {"n": 2}, "P2")
    js.publish([failing])

    def handle(event: Event) -> bool:
        if event.id == failing.id:
            raise RuntimeError("the store is read-only")
        return apply_once(store, "t", _apply, event)

    done = js.consume(f"{prefix}.*", "dead", handle, max_deliver=3, idle=3.0)
    assert done.applied == 1 and done.dead == 2 and done.retried == 2
    letters = dict(js.dead_letters(f"{prefix}.dead.>"))
    assert "not JSON" in letters[f"{prefix}.dead.{prefix}.departure"]
    assert "failed 3 times: the store is read-only" in letters[f"{prefix}.dead.{prefix}.court"]


def test_a_killed_consumer_loses_nothing_and_applies_nothing_twice(
    bus: tuple[JetStreamBus, str], store: Engine
) -> None:
    js, prefix = bus
    js.publish([Event(f"{prefix}.departure", {"n": i}, f"P{i % 7}") for i in range(200)])
    child = [sys.executable, str(Path(__file__).with_name("consumer_child.py")),
             str(store.url), js.stream, f"{prefix}.>"]  # fmt: skip
    killed = subprocess.run([*child, "57"], capture_output=True, timeout=120, check=False)
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]
    assert 0 < len(_applied(store)) < 200
    again = subprocess.run([*child, "0"], capture_output=True, timeout=120, check=False)
    assert again.returncode == 0, again.stderr.decode()[-2000:]
    applied = _applied(store)
    assert len(applied) == 200 and len({e for e, _, _ in applied}) == 200


def test_a_full_stream_refuses_publishers_and_keeps_what_it_has() -> None:
    tag = uuid.uuid4().hex[:10]
    small = JetStreamBus(stream=f"T{tag}", subjects=[f"sjt{tag}.>"], max_bytes=4096)
    try:
        accepted = []
        with pytest.raises(Exception, match="maximum bytes"):  # back-pressure, not loss
            for i in range(1000):
                event = Event(f"sjt{tag}.departure", {"n": i, "pad": "x" * 100}, "K")
                small.publish([event])
                accepted.append(event.id)
        assert 0 < len(accepted) < 1000
        seen: list[str] = []
        small.consume(f"sjt{tag}.>", "all", lambda e: seen.append(e.id) is None, idle=1)
        assert seen == accepted  # the oldest were kept, none dropped
    finally:
        small.delete_stream()
        small.close()


def test_lag_shows_what_waits_for_a_consumer(bus: tuple[JetStreamBus, str]) -> None:
    js, prefix = bus
    js.publish([Event(f"{prefix}.departure", {"n": i}, "K") for i in range(30)])
    js.consume(f"{prefix}.>", "slow", lambda e: True, stop_after=10, batch=10)
    lag = js.lag("slow")
    assert (lag["pending"], lag["in_flight"], lag["stream_events"]) == (20, 0, 30)
    js.consume(f"{prefix}.>", "slow", lambda e: True, idle=1)
    assert js.lag("slow")["pending"] == 0


def test_the_pipeline_killed_mid_stream_loses_nothing_and_applies_nothing_twice(
    bus: tuple[JetStreamBus, str], tmp_path: Path
) -> None:
    js, prefix = bus
    engine = make_engine(f"sqlite:///{tmp_path / 'world.db'}")
    upgrade(engine)
    manifest = _world(engine, tmp_path)
    rows = list(events(manifest, builtin_mapping("cbp-apis-out")))[:150]
    js.publish([Event(f"{prefix}.in.departure", r.payload, r.key) for r in rows])
    child = [sys.executable, str(Path(__file__).with_name("consumer_child.py")),
             str(engine.url), js.stream, f"{prefix}.in.>"]  # fmt: skip
    killed = subprocess.run([*child, "50", "pipeline"], capture_output=True, timeout=300)
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]
    assert 0 < _count(engine, "SELECT count(*) FROM inbox") < 150
    again = subprocess.run([*child, "0", "pipeline"], capture_output=True, timeout=300)
    assert again.returncode == 0, again.stderr.decode()[-2000:]
    assert _count(engine, "SELECT count(DISTINCT event_id) FROM inbox") == 150
    assert _count(engine, "SELECT count(*) FROM inbox") == 150
    stored = _count(engine, "SELECT count(*) FROM records WHERE kind = 'departure'")
    told = _count(engine, "SELECT count(*) FROM outbox WHERE subject LIKE 'sojourn.person.%'")
    bad = _count(engine, "SELECT count(*) FROM outbox WHERE subject = 'sojourn.record.quarantined'")
    seen = _count(engine, "SELECT count(*) FROM sightings s JOIN batches b ON b.id = s.batch_id "
                  "WHERE b.format = 'stream'")  # a row repeating a record  # fmt: skip
    assert stored + seen + bad == 150 and told == 150 - bad  # each row once, each told once
    linked = "SELECT count(*) FROM links l JOIN records r ON r.id = l.record_id "
    assert _count(engine, linked + "WHERE r.kind = 'departure'") == stored  # linked once each


def test_rounds_send_each_key_in_order() -> None:
    from sojourn.events.jetstream import rounds

    events = [Event("sjt.x", {"n": i}, key) for i, key in enumerate("AABCAB")]
    sent = rounds(events)
    assert [[e.payload["n"] for e in r] for r in sent] == [[0, 2, 3], [1, 5], [4]]


def test_lag_of_a_consumer_not_yet_made_says_so(bus: tuple[JetStreamBus, str]) -> None:
    js, _ = bus
    with pytest.raises(LookupError, match="no consumer 'nobody'"):
        js.lag("nobody")
