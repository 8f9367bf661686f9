"""The bus interface, the inbox that makes consumers idempotent, and the outbox relay.

A handler applies an event inside a database transaction that also records the event in the
inbox under the consumer's name: if the event comes again (a redelivery, a duplicate publish,
a replay after a crash), the inbox refuses it and the handler does nothing. The outbox holds
events written in the same transaction as the change they announce; the relay publishes them
in order and marks them, so a crash between the two publishes an event again (the consumers'
inbox absorbs it) but never loses one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Protocol

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from sojourn.stream.events import Event, decode
from sojourn.stream.tables import inbox, outbox

#: What a consumer does with one event, in the transaction that records it in the inbox.
Handler = Callable[[Connection, Event], None]


class Bus(Protocol):
    def publish(self, events: Iterable[Event]) -> None: ...


def first_time(conn: Connection, consumer: str, event: Event) -> bool:
    """Record ``event`` as applied by ``consumer``; False if it was applied before."""
    try:
        with conn.begin_nested():
            conn.execute(insert(inbox).values(consumer=consumer, event_id=event.id,
                                               applied_at=dt.datetime.now(dt.UTC)))  # fmt: skip
    except IntegrityError:
        return False
    return True


def apply_once(engine: Engine, consumer: str, handler: Handler, event: Event) -> bool:
    """Apply ``event`` with ``handler`` unless ``consumer`` applied it already; True if it
    was applied now. The inbox row and the handler's writes commit together."""
    with engine.begin() as conn:
        if not first_time(conn, consumer, event):
            return False
        handler(conn, event)
        return True


def enqueue(conn: Connection, event: Event) -> None:
    """Put ``event`` in the outbox, in the caller's transaction."""
    conn.execute(insert(outbox).values(event_id=event.id, subject=event.subject,
                                       body=event.encode().decode(),
                                       created_at=dt.datetime.now(dt.UTC)))  # fmt: skip


def relay(engine: Engine, bus: Bus, batch: int = 500) -> int:
    """Publish the outbox's unpublished events in order; returns how many."""
    sent = 0
    while True:
        query = select(outbox.c.id, outbox.c.body).where(outbox.c.published_at.is_(None))
        with engine.connect() as conn:
            rows = conn.execute(query.order_by(outbox.c.id).limit(batch)).all()
        if not rows:
            return sent
        bus.publish([decode(body.encode()) for _, body in rows])
        with engine.begin() as conn:
            conn.execute(update(outbox).where(outbox.c.id.in_([i for i, _ in rows]))
                         .values(published_at=dt.datetime.now(dt.UTC)))  # fmt: skip
        sent += len(rows)
