"""The real-time path for records arriving on ``sojourn.in.<kind>``: ingest (mapping,
validation, quarantine) → real-time match against the resolution index → the status,
assessment and case of each person whose records changed → ``sojourn.person.<id>.updated``
(and ``sojourn.record.quarantined``) put in the outbox and relayed.

One event or a whole fetch is applied in **one transaction** (``stream.batch``): its inbox
rows, records, links, assessments, case changes, audit entries, outgoing events and alerts
commit together or not at all. A failure anywhere rolls all of it back (and the in-memory
index forgets the batch's records), so the redelivered events are applied as if for the first
time; an event already in the inbox writes nothing. The payload is ``{"mapping": <built-in
mapping>, "row": {…source columns…}, "line": <row number in the source, optional>}``.
"""

from __future__ import annotations

import datetime as dt
import logging
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine

from sojourn.events.bus import Bus, relay
from sojourn.events.event import Event, PoisonError
from sojourn.records.mapping import Mapping, MappingError, builtin_mapping
from sojourn.resolve.realtime import Index
from sojourn.stream.batch import handle_batch
from sojourn.stream.partition import Partition

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
    #: When set, only the events of this partition are applied (the rest: another's).
    partition: Partition | None = None

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

    def handle(self, event: Event) -> bool:
        """Apply one incoming record event; False if it was applied before."""
        return handle_batch(self, [event])[0]

    def relay(self) -> None:
        """Publish the outbox now; a failure leaves it for the next relay."""
        if self.bus is None:
            return
        try:
            relay(self.engine, self.bus)
        except Exception as exc:  # the outbox keeps them: the next relay publishes them
            log.warning("outbox not relayed now (%s); kept for the next relay", exc)
