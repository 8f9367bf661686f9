"""A hand-built store for the citizenship sweep: records and their links written directly, so
that a test decides what resolution did (linked the evidence or not)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import Engine, insert

from sojourn.records.tables import records
from sojourn.resolve.tables import links, reviews

AS_OF = dt.date(2025, 9, 30)
#: The person: Maria Elena Rodriguez Garcia, born 1984-03-07, a final order of removal.
PERSON = {"given_name": "Maria Elena", "family_name": "Rodriguez Garcia",
          "birth_date": "1984-03-07", "a_number": "A201234567", "nationality": "MEX"}  # fmt: skip
COURT = {"nta_served_on": "2019-02-01", "order": "removal", "order_date": "2020-06-01",
         "finality": "final", "charge": "237(a)(1)(B)"}  # fmt: skip


def _id(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def add_record(
    engine: Engine, name: str, kind: str, event: dict[str, Any], identity: dict[str, Any],
    person: str, method: str = "model", p: float | None = 0.99,
) -> str:  # fmt: skip
    """A record of ``kind`` (dated by its event) linked to ``person``; returns its id."""
    rid = _id(name, kind, json.dumps(identity, sort_keys=True))
    date = next(v for k, v in event.items() if k.endswith(("_on", "_date")))
    row = {"id": rid, "batch_id": "b1", "source": "test", "source_record_id": name,
           "kind": kind, "file": "planted", "row": 1, "event_date": dt.date.fromisoformat(date),
           "event": json.dumps(event), "raw": "{}", **identity}  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        conn.execute(insert(records).values(**row))
        conn.execute(insert(links).values(record_id=rid, person_id=person, run_id=1,
                     linked_at=now, method=method, model_version="test",
                     match_probability=p))  # fmt: skip
    return rid


def planted_person(engine: Engine, person: str = "P-maria") -> list[str]:
    """The person: a court record with a final order of removal (enforcement-ready)."""
    return [add_record(engine, person, "court", COURT, PERSON, person, "single", None)]


def naturalization(engine: Engine, identity: dict[str, Any], person: str) -> str:
    """A naturalization certificate for ``identity`` (no nationality: it is the evidence)."""
    event = {"naturalized_on": "2024-05-10", "certificate_number": "N123"}
    return add_record(engine, f"natz-{person}", "naturalization", event, identity, person,
                      "single", None)  # fmt: skip


def open_review(engine: Engine, a: str, b: str) -> None:
    low, high = sorted((a, b))
    with engine.begin() as conn:
        conn.execute(insert(reviews).values(
            run_id=1, created_at=dt.datetime.now(dt.UTC), record_l=low, record_r=high,
            person_l="x", person_r="y", match_probability=0.7, model_version="test",
            reason="grey band",
        ))  # fmt: skip
