"""A person's dated events, taken from their records: what the status engine reads.

Each stored record becomes one event: its kind, the date that dates it, its event fields
(parsed dates as ``datetime.date``) and its record id, which every derived status cites.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sojourn.records.kinds import EVENT_DATE_FIELD, EVENT_FIELDS, FieldType


@dataclass(frozen=True, order=True)
class Event:
    """One dated event of a person (a record of one of the ten kinds)."""

    date: dt.date
    kind: str
    record_id: str
    fields: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def get(self, name: str) -> Any:
        return self.fields.get(name)

    def day(self, name: str, known_on: dt.date | None = None) -> dt.date | None:
        """A date field; with ``known_on``, None when the date is after it (not yet known:
        a decision recorded later than the as-of date has not happened as of then)."""
        value = self.fields.get(name)
        if not isinstance(value, dt.date):
            return None
        return None if known_on is not None and value > known_on else value


def _typed(kind: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    specs = EVENT_FIELDS[kind]
    out: dict[str, Any] = {}
    for name, value in raw.items():
        spec = specs.get(name)
        if spec is not None and spec.type is FieldType.DATE and isinstance(value, str):
            out[name] = dt.date.fromisoformat(value)
        else:
            out[name] = value
    return out


def event_from_record(row: Mapping[str, Any]) -> Event:
    """An event from a stored record row (``id``, ``kind``, ``event_date``, ``event`` JSON)."""
    raw = row["event"]
    fields = json.loads(raw) if isinstance(raw, str) else dict(raw)
    date = row["event_date"]
    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    return Event(date, row["kind"], row["id"], _typed(row["kind"], fields))


def make_event(kind: str, record_id: str, **fields: Any) -> Event:
    """An event built by hand (tests, what-if runs): dates as ISO text or dates."""
    typed = _typed(kind, fields)
    date = typed[EVENT_DATE_FIELD[kind]]
    return Event(date, kind, record_id, typed)


def sorted_events(events: Iterable[Event], as_of: dt.date) -> list[Event]:
    """The events known on ``as_of`` (dated on or before it), oldest first."""
    return sorted(e for e in events if e.date <= as_of)
