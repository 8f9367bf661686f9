"""A person's dated events, taken from their records: what the status engine reads.

Each stored record becomes one event: its kind, the date that dates it, its event fields
(parsed dates as ``datetime.date``) and its record id, which every derived status cites.
"""

from __future__ import annotations

import datetime as dt
import json
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sojourn.records.kinds import EVENT_DATE_FIELD, EVENT_FIELDS, IDENTITY_ONLY_KINDS, FieldType


@dataclass(frozen=True, order=True)
class Event:
    """One dated event of a person (a record of one of the kinds with events)."""

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


def record_events(rows: Iterable[Mapping[str, Any]]) -> list[Event]:
    """The events of stored record rows: an identity-only record (a person list, possibly
    undated) is no event, so the status engine sees only the kinds its rules read."""
    return [event_from_record(r) for r in rows if r["kind"] not in IDENTITY_ONLY_KINDS]


def make_event(kind: str, record_id: str, **fields: Any) -> Event:
    """An event built by hand (tests, what-if runs): dates as ISO text or dates."""
    typed = _typed(kind, fields)
    date = typed[EVENT_DATE_FIELD[kind]]
    return Event(date, kind, record_id, typed)


def sorted_events(events: Iterable[Event], as_of: dt.date) -> list[Event]:
    """The events known on ``as_of`` (dated on or before it), oldest first."""
    return sorted(e for e in events if e.date <= as_of)


class History:
    """A person's events, oldest first, indexed by kind: the engine asks "the arrivals up to
    this day" many times per timeline, and each answer is a binary search, not a scan."""

    def __init__(self, events: Iterable[Event]) -> None:
        self.events = sorted(events)
        self.dates = [e.date for e in self.events]
        self._kinds: dict[str, list[Event]] = {}
        for event in self.events:
            self._kinds.setdefault(event.kind, []).append(event)
        self._kind_dates = {k: [e.date for e in v] for k, v in self._kinds.items()}

    def __len__(self) -> int:
        return len(self.events)

    def of(self, kind: str, day: dt.date) -> list[Event]:
        """The events of ``kind`` dated on or before ``day``, oldest first."""
        found = self._kinds.get(kind)
        if not found:
            return []
        return found[: bisect_right(self._kind_dates[kind], day)]

    def next_date(self, kind: str, after: dt.date) -> dt.date | None:
        """The date of the first event of ``kind`` dated after ``after``."""
        dates = self._kind_dates.get(kind, [])
        i = bisect_right(dates, after)
        return dates[i] if i < len(dates) else None

    def upto(self, day: dt.date) -> list[Event]:
        """Every event dated on or before ``day``."""
        return self.events[: bisect_right(self.dates, day)]

    def any_between(self, kinds: Iterable[str], after: dt.date, until: dt.date) -> bool:
        """Whether an event of ``kinds`` is dated after ``after`` and on or before ``until``."""
        for kind in kinds:
            dates = self._kind_dates.get(kind, [])
            if bisect_right(dates, until) > bisect_right(dates, after):
                return True
        return False
