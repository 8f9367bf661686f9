"""A resolved person's status from the store: their records (through the current links)
become events, and the engine computes the timeline."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict
from typing import Any

from sqlalchemy import Engine, select

from sojourn.records.corrections import apply, corrected_fields
from sojourn.records.tables import records
from sojourn.resolve.store import person_record_ids
from sojourn.status.engine import Timeline, timeline
from sojourn.status.events import Event, record_events
from sojourn.status.rulebook import RuleBook


class UnknownPersonError(LookupError):
    """No current link names this person."""


def person_events(engine: Engine, person_id: str) -> tuple[list[Event], dt.date | None]:
    """The events of a person's records, and their most often recorded full birth date."""
    with engine.connect() as conn:
        ids = person_record_ids(conn, person_id)
        if not ids:
            raise UnknownPersonError(f"no person with id {person_id}")
        query = select(
            records.c.id, records.c.kind, records.c.event_date, records.c.event,
            records.c.birth_date,
        ).where(records.c.id.in_(ids))  # fmt: skip
        rows = conn.execute(query).all()
        fixed = corrected_fields(conn, ids)
    events = record_events(apply(dict(r._mapping), fixed.get(r.id)) for r in rows)
    births = Counter(r.birth_date for r in rows if r.birth_date and len(r.birth_date) == 10)
    birth = dt.date.fromisoformat(births.most_common(1)[0][0]) if births else None
    return events, birth


def person_status(
    engine: Engine, person_id: str, as_of: dt.date, rules: RuleBook | None = None
) -> Timeline:
    """The timeline of a resolved person as of ``as_of``."""
    events, birth = person_events(engine, person_id)
    return timeline(events, as_of, birth, rules)


def timeline_dict(result: Timeline) -> dict[str, Any]:
    """A JSON-ready form of a timeline."""
    return asdict(result)
