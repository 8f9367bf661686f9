"""An event: an id (the deduplication key everywhere), a subject, an ordering key (events with
the same key are handled in order), a payload and its time; JSON on the wire. A message that
does not decode to a valid event is *poison*: it goes to the dead-letter subject with the
reason, never retried."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

SUBJECT = re.compile(r"^[a-z0-9_-]+(\.[A-Za-z0-9_-]+)+$")
DEAD = "sojourn.dead"


class PoisonError(ValueError):
    """An event that cannot be used as sent (the message says why)."""


@dataclass(frozen=True)
class Event:
    subject: str
    payload: dict[str, Any]
    key: str = ""
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat())

    def encode(self) -> bytes:
        body = {"id": self.id, "subject": self.subject, "key": self.key, "at": self.at,
                "payload": self.payload}  # fmt: skip
        return json.dumps(body, sort_keys=True, default=str).encode()


def decode(data: bytes, subject: str | None = None) -> Event:
    """The event in ``data``; PoisonError naming what is wrong."""
    try:
        body = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PoisonError(f"not JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise PoisonError("an event is a JSON object")
    for name, kind in (("id", str), ("subject", str), ("payload", dict)):
        if not isinstance(body.get(name), kind):
            raise PoisonError(f"field {name!r} is missing or not a {kind.__name__}")
    if not SUBJECT.match(body["subject"]) or (subject and body["subject"] != subject):
        raise PoisonError(f"bad subject {body['subject']!r}")
    return Event(body["subject"], body["payload"], str(body.get("key", "")), body["id"],
                 str(body.get("at", "")))  # fmt: skip


def dead_subject(subject: str) -> str:
    return f"{DEAD}.{subject}"
