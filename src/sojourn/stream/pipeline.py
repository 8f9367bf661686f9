"""The real-time path for one source record arriving on ``sojourn.in.<kind>``: ingest (mapping,
validation, quarantine) → real-time match against the resolution index → the person's status,
assessment and case recomputed → ``sojourn.person.<id>.updated`` (and
``sojourn.record.quarantined``) put in the outbox and relayed.

Each step is idempotent on its own (content-hash record ids, a record already in the index is
not matched again, assessments and cases change only when the outcome does), and the event
is recorded in the consumer's inbox in the last transaction, with the outgoing events: a
consumer killed anywhere in between does the remaining steps again on redelivery, and nothing
twice. The payload is ``{"mapping": <built-in mapping>, "row": {…source columns…},
"line": <row number in the source, optional>}``.
"""

from __future__ import annotations

import datetime as dt
import logging
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine

from sojourn.cases.model import SYSTEM
from sojourn.cases.recompute import Recomputed, recompute
from sojourn.cases.sync import open_case_of
from sojourn.events.alerts import alert_followers
from sojourn.events.bus import Bus, applied, enqueue, first_times, relay
from sojourn.events.event import Event, PoisonError
from sojourn.priority.sweep import persons_concerned
from sojourn.records.mapping import Mapping, MappingError, builtin_mapping
from sojourn.records.streamed import ingest_row
from sojourn.resolve.realtime import Index
from sojourn.resolve.serving import load_index, resolve_one

CONSUMER = "pipeline"
log = logging.getLogger(__name__)


@lru_cache(maxsize=32)
def _mapping(name: str) -> Mapping:
    return builtin_mapping(name)


@dataclass
class Pipeline:
    engine: Engine
    bus: Bus | None = None
    consumer: str = CONSUMER
    index: Index | None = None
    as_of: dt.date | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def parse(self, event: Event) -> tuple[Mapping, dict[str, Any], int]:
        name, row = event.payload.get("mapping"), event.payload.get("row")
        if not isinstance(name, str) or not isinstance(row, dict):
            raise PoisonError("the payload needs a mapping name and a row object")
        try:
            mapping = _mapping(name)
        except MappingError as exc:
            raise PoisonError(str(exc)) from exc
        line = event.payload.get("line")
        number = line if isinstance(line, int) else zlib.crc32(event.id.encode()) & 0x7FFFFFFF
        return mapping, row, number

    def _applied(self, event: Event) -> bool:
        with self.engine.connect() as conn:
            return bool(applied(conn, self.consumer, [event.id]))

    def handle(self, event: Event) -> bool:
        """Apply one incoming record event; False if it was applied before."""
        if self._applied(event):
            return False
        mapping, row, number = self.parse(event)
        with self.engine.begin() as conn:
            stored = ingest_row(conn, mapping, row, f"stream:{event.subject}", number)
        if stored.record_id is None:
            note = Event("sojourn.record.quarantined", {"reason": stored.reason,
                         "source_event": event.id}, event.key)  # fmt: skip
            return self._finish(event, [note], "quarantined")
        if self.index is None:
            self.index = load_index(self.engine)
        _, person = resolve_one(self.engine, self.index, stored.record_id)
        assert person is not None
        day = self.as_of or dt.date.today()
        with self.engine.connect() as conn:  # citizenship evidence: whose could it be?
            concerned = persons_concerned(conn, [stored.record_id])
        done = recompute(self.engine, day, f"event {event.id}", [person, *concerned], SYSTEM)
        a = next((x for x in done.assessments if x.person_id == person), None)
        out = self.person_event(event, person, a, stored.record_id, done)
        return self._finish(event, [out], "applied")

    def person_event(
        self, event: Event, person: str, a: Any, record: str, done: Recomputed
    ) -> Event:
        """``sojourn.person.<id>.updated`` after ``event`` changed the person (assessment
        ``a``; ``done``: the recomputation, with the person's open case)."""
        if person in done.cases:
            case = done.cases[person]
        else:
            with self.engine.connect() as conn:
                case = open_case_of(conn, person)
        payload = {
            "person": person, "record": record, "source_event": event.id,
            "source_at": event.at, "status": a.facts.get("status") if a else None,
            "priority": a.priority if a else None,
            "enforcement_ready": a.enforcement_ready if a else False,
            "stops": [s.id for s in a.stops] if a else [], "case": case,
        }  # fmt: skip
        return Event(f"sojourn.person.{person}.updated", payload, person)

    def _finish(self, event: Event, out: list[Event], outcome: str) -> bool:
        return self.finish([(event, out, outcome)])[0]

    def finish(self, done: list[tuple[Event, list[Event], str]]) -> list[bool]:
        """The last step, for one or many events in one transaction: each recorded in the
        inbox with its outgoing events and alerts (an event applied before writes nothing)."""
        with self.engine.begin() as conn:
            applied = first_times(conn, self.consumer, [event for event, _, _ in done])
            out = [e for (_, events, _), first in zip(done, applied, strict=True) if first
                   for e in events]  # fmt: skip
            enqueue(conn, *out)
            alert_followers(conn, *out)
        for (_, _, outcome), first in zip(done, applied, strict=True):
            if first:
                self.counts[outcome] = self.counts.get(outcome, 0) + 1
        if self.bus is not None:
            try:
                relay(self.engine, self.bus)
            except Exception as exc:  # the outbox keeps them: the next relay publishes them
                log.warning("outbox not relayed now (%s); kept for the next relay", exc)
        return applied
