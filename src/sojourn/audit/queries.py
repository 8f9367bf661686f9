"""Reading the audit log: who looked at a person, when and why; what one user did; a page of
events matching a filter (with how many match); the last verification recorded in the log."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, func, select

from sojourn.audit.tables import audit_events, audit_resources

COLUMNS = ("seq", "at", "actor", "role", "purpose", "action", "resource_type", "resource_ids",
           "fields", "decision", "policy_ids", "request_id")  # fmt: skip
LISTS = ("resource_ids", "fields", "policy_ids")
#: How a verification run from the pages is recorded: a key of its event's detail.
VERIFICATION = "verification"


@dataclass(frozen=True)
class EventFilter:
    """Which events: naming ``person``, by ``actor``, of ``action``, written on or after
    ``start`` and on or before ``end`` (UTC days), up to event ``upto``. None: any."""

    person: str | None = None
    actor: str | None = None
    action: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    upto: int | None = None  #: only events up to this sequence number

    def where(self, query: Select[Any]) -> Select[Any]:
        """``query`` restricted to the events this filter keeps."""
        c = audit_events.c
        if self.person:
            named = select(audit_resources.c.seq).where(
                audit_resources.c.resource_id == self.person
            )
            query = query.where(c.seq.in_(named))
        if self.actor:
            query = query.where(c.actor == self.actor)
        if self.action:
            query = query.where(c.action == self.action)
        if self.start:  # ``at`` is ISO 8601 in UTC: text order is time order
            query = query.where(c.at >= self.start.isoformat())
        if self.end:
            query = query.where(c.at < (self.end + dt.timedelta(days=1)).isoformat())
        if self.upto is not None:
            query = query.where(c.seq <= self.upto)
        return query


def _item(row: Any) -> dict[str, Any]:
    item = dict(row._mapping)
    for name in LISTS:
        item[name] = json.loads(item[name])
    return item


def events(
    conn: Connection, person: str | None = None, actor: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """The latest ``limit`` events naming ``person`` and/or by ``actor``, newest first."""
    return page_events(conn, EventFilter(person, actor), limit)


def page_events(
    conn: Connection, which: EventFilter, limit: int = 50, offset: int = 0
) -> list[dict[str, Any]]:
    """``limit`` events the filter keeps, newest first, after skipping ``offset``."""
    query = which.where(select(*(audit_events.c[c] for c in COLUMNS)))
    query = query.order_by(audit_events.c.seq.desc()).limit(limit).offset(offset)
    return [_item(r) for r in conn.execute(query)]


def count_events(conn: Connection, which: EventFilter) -> int:
    """How many events the filter keeps."""
    return int(conn.execute(which.where(select(func.count()).select_from(audit_events)))
               .scalar_one())  # fmt: skip


def each_event(
    conn: Connection, which: EventFilter, batch: int = 1000, below: int | None = None
) -> Iterator[list[dict[str, Any]]]:
    """Every event the filter keeps (only those before event ``below``, if given), newest
    first, in batches: an export reads the log in slices by sequence number, never whole."""
    while True:
        query = which.where(select(*(audit_events.c[c] for c in COLUMNS)))
        if below is not None:
            query = query.where(audit_events.c.seq < below)
        found = [_item(r) for r in conn.execute(query.order_by(audit_events.c.seq.desc())
                                                .limit(batch))]  # fmt: skip
        if found:
            yield found
        if len(found) < batch:
            return
        below = int(found[-1]["seq"])


def actions(conn: Connection) -> list[str]:
    """The actions the log holds, in order."""
    query = select(audit_events.c.action).distinct().order_by(audit_events.c.action)
    return [str(a) for a in conn.execute(query).scalars()]


def last_verification(conn: Connection) -> dict[str, Any] | None:
    """The newest verification recorded in the log (its event's time, actor and sequence
    number, and the result its detail holds), or None."""
    c = audit_events.c
    query = (select(c.seq, c.at, c.actor, c.detail)
             .where(c.resource_type == "audit", c.decision == "allow",
                    c.detail.like(f'%"{VERIFICATION}": {{%'))
             .order_by(c.seq.desc()).limit(1))  # fmt: skip
    row = conn.execute(query).first()
    if row is None:
        return None
    result = json.loads(row.detail).get(VERIFICATION)
    if not isinstance(result, dict):
        return None
    return {"seq": int(row.seq), "at": str(row.at), "actor": str(row.actor), **result}
