"""Subscriptions and alerts: a user follows a person (within their access rights, checked when
they follow) and is told of each change to that person. An alert is written in the same
transaction as the event that caused it (the pipeline's last step), with an audit event like a
read (who was told what, for which purpose): none lost, none twice. Pages and clients read
their alerts as they come (server-sent events)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
)

from sojourn.audit.log import AuditEvent, append
from sojourn.store.metadata import metadata
from sojourn.stream.events import Event

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("purpose", String(32), nullable=False),
    Column("person_id", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("active", Boolean, nullable=False),
    Index("ix_subscriptions_person", "person_id"),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False),
    Column("person_id", String(16), nullable=False),
    Column("event_id", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("summary", Text, nullable=False, comment="JSON: what changed"),
    Index("ix_alerts_user", "username", "id"),
)

#: What an alert tells (the payload's lawful, non-identifying summary fields).
SUMMARY = ("status", "priority", "enforcement_ready", "stops", "case", "record")


def follow(
    conn: Connection, username: str, role: str, purpose: str, person_id: str,
    request_id: str = "",
) -> int:  # fmt: skip
    """Follow ``person_id`` (the caller checked the user may read the person for ``purpose``);
    audited in the same transaction."""
    append(conn, AuditEvent(username, role, purpose, "person.follow", "person", [person_id],
                            ["subscription"], request_id=request_id))  # fmt: skip
    found = conn.execute(select(subscriptions.c.id).where(
        subscriptions.c.username == username, subscriptions.c.person_id == person_id,
        subscriptions.c.active.is_(True))).scalar()  # fmt: skip
    if found is not None:
        return int(found)
    values = {"username": username, "role": role, "purpose": purpose, "person_id": person_id,
              "created_at": dt.datetime.now(dt.UTC), "active": True}  # fmt: skip
    return int(conn.execute(insert(subscriptions).values(**values)
                            .returning(subscriptions.c.id)).scalar_one())  # fmt: skip


def alert_followers(conn: Connection, *events: Event) -> int:
    """Write an alert (and its audit event) for each follower of each event's person;
    returns how many (in the caller's transaction). Followers are read once for all."""
    persons = {p for e in events if isinstance(p := e.payload.get("person"), str)}
    if not persons:
        return 0
    query = select(subscriptions).where(subscriptions.c.person_id.in_(sorted(persons)),
                                        subscriptions.c.active.is_(True))  # fmt: skip
    followers: dict[str, list[Any]] = {}
    for sub in conn.execute(query.order_by(subscriptions.c.id)):
        followers.setdefault(sub.person_id, []).append(sub)
    told = 0
    for event in events:
        person = str(event.payload.get("person"))
        for sub in followers.get(person, []):
            _alert(conn, sub, person, event)
            told += 1
    return told


def _alert(conn: Connection, sub: Any, person: str, event: Event) -> None:
    summary = {k: event.payload.get(k) for k in SUMMARY}
    conn.execute(insert(alerts).values(
        username=sub.username, person_id=person, event_id=event.id,
        at=dt.datetime.now(dt.UTC), summary=json.dumps(summary, default=str)))  # fmt: skip
    append(conn, AuditEvent(sub.username, sub.role, sub.purpose, "alert.person", "person",
                            [person], sorted(summary), detail={"event": event.id}))  # fmt: skip


def alerts_for(
    conn: Connection, username: str, after: int = 0, limit: int = 100
) -> list[dict[str, Any]]:
    query = select(alerts).where(alerts.c.username == username, alerts.c.id > after)
    rows = conn.execute(query.order_by(alerts.c.id).limit(limit))
    return [{**dict(r._mapping), "summary": json.loads(r.summary), "at": r.at.isoformat()}
            for r in rows]  # fmt: skip
