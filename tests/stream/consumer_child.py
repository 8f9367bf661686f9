"""A consumer in its own process, for the crash test: applies events from NATS to a SQLite
table (with the inbox) and kills itself with SIGKILL after ``die_after`` events, between an
event's commit and its acknowledgement when it can."""

from __future__ import annotations

import os
import signal
import sys

from sqlalchemy import Connection, text

from sojourn.store import make_engine
from sojourn.stream.bus import apply_once
from sojourn.stream.events import Event
from sojourn.stream.jetstream import JetStreamBus


def main() -> None:
    url, stream, subject, die_after = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    engine = make_engine(url)
    bus = JetStreamBus(stream=stream, subjects=[f"{subject.rstrip('>')}>"])
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
