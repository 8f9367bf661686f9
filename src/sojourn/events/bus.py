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

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from sojourn.events.event import Event, decode
from sojourn.events.tables import inbox, outbox

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


def applied(conn: Connection, consumer: str, event_ids: list[str]) -> set[str]:
    """The events among ``event_ids`` that ``consumer`` has applied."""
    query = select(inbox.c.event_id).where(
        inbox.c.consumer == consumer, inbox.c.event_id.in_(list(dict.fromkeys(event_ids)))
    )
    return set(conn.execute(query).scalars())


def first_times(conn: Connection, consumer: str, events: list[Event]) -> list[bool]:
    """Record many events as applied by ``consumer`` in one statement; for each, False if it
    was applied before (or earlier in ``events``). A concurrent consumer recording one of them
    at the same moment fails the caller's transaction (an ``IntegrityError``)."""
    done = applied(conn, consumer, [e.id for e in events])
    firsts = []
    for e in events:
        firsts.append(e.id not in done)
        done.add(e.id)
    at = dt.datetime.now(dt.UTC)
    rows = [{"consumer": consumer, "event_id": e.id, "applied_at": at}
            for e, first in zip(events, firsts, strict=True) if first]  # fmt: skip
    if rows:
        conn.execute(insert(inbox), rows)
    return firsts


def apply_once(engine: Engine, consumer: str, handler: Handler, event: Event) -> bool:
    """Apply ``event`` with ``handler`` unless ``consumer`` applied it already; True if it
    was applied now. The inbox row and the handler's writes commit together."""
    with engine.begin() as conn:
        if not first_time(conn, consumer, event):
            return False
        handler(conn, event)
        return True


def enqueue(conn: Connection, *events: Event) -> None:
    """Put ``events`` in the outbox, in the caller's transaction (one statement)."""
    at = dt.datetime.now(dt.UTC)
    rows = [{"event_id": e.id, "subject": e.subject, "body": e.encode().decode(),
             "created_at": at} for e in events]  # fmt: skip
    if rows:
        conn.execute(insert(outbox), rows)


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


def unpublished(engine: Engine) -> int:
    """Outbox events not yet published (the relay's backlog)."""
    query = select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())
