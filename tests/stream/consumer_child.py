"""A consumer in its own process, for the crash tests: applies events from NATS to a SQLite
table (with the inbox) — or, with ``pipeline``, runs the real pipeline in batches — and kills
itself with SIGKILL after ``die_after`` events, between a commit and its acknowledgement."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys

from sqlalchemy import Connection, text

from sojourn.events.bus import apply_once
from sojourn.events.event import Event
from sojourn.events.jetstream import JetStreamBus
from sojourn.store import make_engine
from sojourn.stream.batch import handle_batch
from sojourn.stream.pipeline import Pipeline


def pipeline(url: str, bus: JetStreamBus, subject: str, die_after: int) -> None:
    """The real pipeline (its outgoing events stay in the outbox: no relay here)."""
    runner = Pipeline(make_engine(url), None, as_of=dt.date(2025, 9, 30))
    count = 0

    def batch(events: list[Event]) -> list[bool]:
        nonlocal count
        applied = handle_batch(runner, events)
        count += len(events)
        if die_after and count >= die_after:
            os.kill(os.getpid(), signal.SIGKILL)  # committed, not acknowledged
        return applied

    bus.handle_batch = batch
    bus.consume(subject, "crash-test", runner.handle, idle=4.0, batch=20, ack_wait=2.0)


def main() -> None:
    url, stream, subject, die_after = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    bus = JetStreamBus(stream=stream, subjects=[f"{subject.split('.')[0]}.>"])
    if sys.argv[5:] == ["pipeline"]:
        pipeline(url, bus, subject, die_after)
        return
    engine = make_engine(url)
    count = 0

    def apply(conn: Connection, event: Event) -> None:
        conn.execute(text("INSERT INTO applied VALUES (:e, :k, :n)"),
                     {"e": event.id, "k": event.key, "n": event.payload["n"]})  # fmt: skip

    def handle(event: Event) -> bool:
        nonlocal count
        applied = apply_once(engine, "crash-test", apply, event)
        count += 1
        if die_after and count == die_after:
            os.kill(os.getpid(), signal.SIGKILL)  # committed, not acknowledged
        return applied

    # An event handed to the killed process comes again after ack_wait: wait longer than that.
    bus.consume(subject, "crash-test", handle, idle=4.0, batch=20, ack_wait=2.0)


if __name__ == "__main__":
    main()
