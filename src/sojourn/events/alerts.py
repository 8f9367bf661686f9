"""Subscriptions and alerts: a user follows a person or a case (within their access rights,
checked when they follow) and is told of each change to it: a person's status, priority, hard
stops and case (``sojourn.person.*`` events), a case's tasks and state (``sojourn.case.*``).
An alert is written in the same transaction as the event that caused it, with an audit event
like a read (who was told what, for which purpose): none lost, none twice. Pages and clients
read their alerts as they come (server-sent events)."""

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

from sojourn.access.tables import users
from sojourn.audit.log import AuditEvent, append
from sojourn.events.event import Event
from sojourn.store.metadata import metadata

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
    Column("case_id", Integer, nullable=True, comment="set when the user follows a case"),
    Index("ix_subscriptions_person", "person_id"),
    Index("ix_subscriptions_case", "case_id"),
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
    Column("case_id", Integer, nullable=True, comment="set for an alert about a case"),
    Index("ix_alerts_user", "username", "id"),
)

#: What an alert tells (the payload's lawful, non-identifying summary fields).
SUMMARY = ("status", "priority", "enforcement_ready", "stops", "case", "record")
CASE_SUMMARY = ("case", "action", "task", "task_type", "from", "to", "case_status")


def follow(
    conn: Connection, username: str, role: str, purpose: str, person_id: str,
    request_id: str = "", case_id: int | None = None,
) -> int:  # fmt: skip
    """Follow ``person_id`` (or its case ``case_id``; the caller checked the user may read it
    for ``purpose``); audited in the same transaction."""
    what, ids = ("case", [str(case_id), person_id]) if case_id else ("person", [person_id])
    append(conn, AuditEvent(username, role, purpose, f"{what}.follow", what, ids,
                            ["subscription"], request_id=request_id))  # fmt: skip
    s = subscriptions.c
    found = conn.execute(select(s.id).where(
        s.username == username, s.person_id == person_id, s.active.is_(True),
        s.case_id == case_id if case_id else s.case_id.is_(None))).scalar()  # fmt: skip
    if found is not None:
        return int(found)
    values = {"username": username, "role": role, "purpose": purpose, "person_id": person_id,
              "case_id": case_id, "created_at": dt.datetime.now(dt.UTC),
              "active": True}  # fmt: skip
    return int(conn.execute(insert(subscriptions).values(**values)
                            .returning(subscriptions.c.id)).scalar_one())  # fmt: skip


def _case_of(event: Event) -> int | None:
    """The case a ``sojourn.case.<id>.*`` event is about."""
    case = event.payload.get("case")
    return case if event.subject.startswith("sojourn.case.") and isinstance(case, int) else None


def alert_followers(conn: Connection, *events: Event) -> int:
    """Write an alert (and its audit event) for each follower of each event's person (a
    person event) or case (a case event); returns how many (in the caller's transaction).
    Followers are read once for all."""
    persons = {p for e in events if isinstance(p := e.payload.get("person"), str)}
    if not persons:
        return 0
    query = select(subscriptions).where(subscriptions.c.person_id.in_(sorted(persons)),
                                        subscriptions.c.active.is_(True))  # fmt: skip
    subs = list(conn.execute(query.order_by(subscriptions.c.id)))
    followers: dict[tuple[str, int | None], list[Any]] = {}
    for sub in _still_entitled(conn, subs):
        followers.setdefault((sub.person_id, sub.case_id), []).append(sub)
    told = 0
    for event in events:
        key = (str(event.payload.get("person")), _case_of(event))
        for sub in followers.get(key, []):
            _alert(conn, sub, event, key[1])
            told += 1
    return told


def _still_entitled(conn: Connection, subs: list[Any]) -> list[Any]:
    """The subscriptions whose user is still active in the role they followed with (a user
    disabled, or given another role, is told nothing more)."""
    names = sorted({s.username for s in subs})
    if not names:
        return []
    query = select(users.c.username, users.c.role, users.c.active).where(
        users.c.username.in_(names)
    )
    known = {u.username: (u.role, u.active) for u in conn.execute(query)}
    return [s for s in subs if known.get(s.username, (s.role, True)) == (s.role, True)]


def _alert(conn: Connection, sub: Any, event: Event, case: int | None) -> None:
    person = str(event.payload["person"])
    summary = {k: event.payload.get(k) for k in (CASE_SUMMARY if case else SUMMARY)}
    conn.execute(insert(alerts).values(
        username=sub.username, person_id=person, case_id=case, event_id=event.id,
        at=dt.datetime.now(dt.UTC), summary=json.dumps(summary, default=str)))  # fmt: skip
    what, ids = ("case", [str(case), person]) if case else ("person", [person])
    append(conn, AuditEvent(sub.username, sub.role, sub.purpose, f"alert.{what}", what, ids,
                            sorted(summary), detail={"event": event.id}))  # fmt: skip


def alerts_for(
    conn: Connection, username: str, after: int = 0, limit: int = 100
) -> list[dict[str, Any]]:
    query = select(alerts).where(alerts.c.username == username, alerts.c.id > after)
    rows = conn.execute(query.order_by(alerts.c.id).limit(limit))
    return [{**dict(r._mapping), "summary": json.loads(r.summary), "at": r.at.isoformat()}
            for r in rows]  # fmt: skip
