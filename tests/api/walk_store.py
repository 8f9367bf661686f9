"""A planted person with a record of every kind (an I-589 and an I-485 pending, a conviction
and a custody with their investigative fields, identifiers, an address), linked into a
resolved population; a case with its review tasks, a decided redress request with a
correction and an open one, an open identity review on the asylum record and an alert naming
it. ``MARKERS`` are the planted values, by the field group that may show them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, insert, select

from sojourn.cases.model import Actor
from sojourn.cases.queries import list_cases
from sojourn.cases.recompute import recompute
from sojourn.cases.redress import Correction, decide_request, file_request, open_review
from sojourn.cases.tables import tasks
from sojourn.events.alerts import alerts
from sojourn.records.tables import IDENTITY_COLUMNS, records
from sojourn.resolve.tables import links, reviews, runs

PERSON = "Pzyxplant000001"
WHO = {"given_name": "Zyxplant", "family_name": "Qorvath", "birth_date": "1988-04-12",
       "sex": "F", "nationality": "GTM"}  # fmt: skip
PASSPORT, A_NUMBER, FIXED = "ZYXP7731904", "A099887766", "ZYXFIXEDOFFENSE"
ADDRESS = "77 Zyxplant Projection Way, Boston, MA"
STATEMENT = "Zyxstatement: the arrival record is not mine"

#: kind, source record id, event date, extra identity, event fields
PLANTS: list[tuple[str, str, str, dict[str, str], dict[str, Any]]] = [
    ("arrival", "ZYXADM000001", "2023-05-01", {"passport_number": PASSPORT},
     {"arrival_date": "2023-05-01", "port": "JFK", "mode": "air", "class_of_admission": "B2",
      "admit_until": "2023-10-31", "duration_of_status": False}),
    ("student", "ZYXSEV000001", "2023-06-01", {"passport_number": PASSPORT},
     {"program_start": "2023-06-01", "program_end": "2023-09-01", "status": "completed",
      "status_date": "2023-09-01", "school": "Zyxplant Institute", "visa_class": "F1"}),
    ("status", "ZYXASY000001", "2024-01-10",
     {"a_number": A_NUMBER, "receipt_number": "ZYXASY000001"},
     {"form": "I-589", "filed_on": "2024-01-10", "decided_on": None, "outcome": "pending",
      "new_class": None, "valid_until": None}),
    ("status", "ZYXADJ000001", "2024-02-10",
     {"a_number": A_NUMBER, "receipt_number": "ZYXADJ000001"},
     {"form": "I-485", "filed_on": "2024-02-10", "decided_on": None, "outcome": "pending",
      "new_class": None, "valid_until": None}),
    ("court", "ZYXEOIR00001", "2024-03-01", {"a_number": A_NUMBER},
     {"nta_served_on": "2024-03-01", "nta_filed_on": "2024-03-10", "hearing_on": None,
      "order": None, "order_date": None, "in_absentia": False, "finality": None,
      "appeal_filed_on": None, "vd_until": None, "charge": "INA 237(a)(1)(B) ZYXCHARGE"}),
    ("conviction", "ZYXCONV00001", "2024-06-01", {},
     {"conviction_date": "2024-06-01", "offense": "ZYXOFFENSE ROBBERY", "statute": "ZYX 160.15",
      "offense_date": "2024-01-02", "sentence_days": 98765, "classification": "misdemeanor"}),
    ("custody", "ZYXBOOK00001", "2024-07-01", {"a_number": A_NUMBER},
     {"book_in_on": "2024-07-01", "release_on": "2024-07-15", "removed_on": None,
      "facility": "Zyxplant Detention Facility"}),
    ("address", "ZYXAR1100001", "2024-08-01", {"a_number": A_NUMBER, "address": ADDRESS,
                                               "postcode": "ZYX-77"},
     {"effective_on": "2024-08-01", "filed_on": "2024-08-05"}),
    ("naturalization", "ZYXCERT00001", "2026-06-01", {"a_number": A_NUMBER},
     {"naturalized_on": "2026-06-01", "certificate_number": "ZYXCERT00001", "office": "Boston"}),
]  # fmt: skip


def record_id(source_record_id: str) -> str:
    return hashlib.md5(source_record_id.encode(), usedforsecurity=False).hexdigest()


ASYLUM_ID, ADJUSTMENT_ID = record_id("ZYXASY000001"), record_id("ZYXADJ000001")
ARRIVAL_ID = record_id("ZYXADM000001")

#: The planted values, by the field group a caller needs to be shown them.
MARKERS: dict[str, tuple[str, ...]] = {
    "identity": ("Zyxplant", "Qorvath"),
    "identifiers": (PASSPORT, A_NUMBER),
    "address": ("Zyxplant Projection Way", "ZYX-77"),
    "travel_history": ("ZYXADM000001",),
    "immigration_history": ("ZYXSEV000001", "Zyxplant Institute", "ZYXCERT00001",
                            "ZYXEOIR00001", "Zyxstatement"),
    "criminal_history": ("ZYXCONV00001", "ZYXBOOK00001"),
    "investigative": ("ZYXOFFENSE", FIXED, "ZYX 160.15", "98765", "Zyxplant Detention",
                      "ZYXCHARGE"),
    "asylum": (ASYLUM_ID, ADJUSTMENT_ID, "I-589", "I-485", "ZYXASY000001", "ZYXADJ000001",
               "asylum_pending", "adjustment_pending"),
}  # fmt: skip


@dataclass
class Planted:
    person: str
    case_id: int
    legal_review: int
    tasks: list[int]
    redress_open: int
    redress_decided: int
    review_id: int


def _records(engine: Engine) -> None:
    rows = []
    for n, (kind, source_id, day, extra, event) in enumerate(PLANTS):
        rows.append({"id": record_id(source_id), "batch_id": "zyx-walk", "source": f"walk-{kind}",
                     "source_record_id": source_id, "kind": kind, "file": "walk.jsonl",
                     "row": n + 1, "event_date": dt.date.fromisoformat(day),
                     **dict.fromkeys(IDENTITY_COLUMNS), **WHO, **extra,
                     "event": json.dumps(event), "raw": "{}"})  # fmt: skip
    with engine.begin() as conn:
        run = conn.execute(select(func.max(runs.c.id))).scalar_one()
        model = conn.execute(select(links.c.model_version).where(links.c.method == "model")
                             .limit(1)).scalar_one()  # fmt: skip
        conn.execute(insert(records), rows)
        conn.execute(insert(links), [
            {"record_id": r["id"], "person_id": PERSON, "run_id": run, "method": "model",
             "model_version": model, "match_probability": 0.999,
             "linked_at": dt.datetime.now(dt.UTC),
             "via_record_id": None if r["id"] == ARRIVAL_ID else ARRIVAL_ID}
            for r in rows
        ])  # fmt: skip
        conn.execute(insert(reviews).values(
            record_l=ARRIVAL_ID, record_r=ASYLUM_ID, person_l=PERSON, person_r=PERSON,
            match_probability=0.5, reason="walk",
            model_version=model, run_id=run, created_at=dt.datetime.now(dt.UTC)))  # fmt: skip


def plant(engine: Engine) -> Planted:
    """Plant the person and their case; returns what the walk's requests name."""
    _records(engine)
    lead = Actor("redress_officer", "redress_officer", "redress")
    with engine.begin() as conn:
        first = file_request(conn, PERSON, "record", "the person", STATEMENT,
                             {"record": ASYLUM_ID}, lead)  # fmt: skip
    recompute(engine, dt.date.today(), "walk", [PERSON])
    with engine.begin() as conn:
        fix = Correction(record_id("ZYXCONV00001"), "offense", FIXED)
        open_review(conn, first, lead)
        decide_request(conn, first, "corrected", "Zyxstatement corrected: " + ASYLUM_ID, lead, fix)
        second = file_request(conn, PERSON, "status", "the person's attorney", STATEMENT,
                              {"record": ADJUSTMENT_ID}, lead)  # fmt: skip
    recompute(engine, dt.date.today(), "walk", [PERSON])
    with engine.begin() as conn:
        case_id = int(list_cases(conn, PERSON, "open", 1)[0]["id"])
        found = conn.execute(select(tasks.c.id, tasks.c.type).where(tasks.c.case_id == case_id)
                             .order_by(tasks.c.id)).all()  # fmt: skip
        review = conn.execute(select(func.max(reviews.c.id))).scalar_one()
    legal = next(t.id for t in found if t.type == "legal_review")
    return Planted(PERSON, case_id, legal, [t.id for t in found], second, first, review)


def alert_everyone(engine: Engine, usernames: list[str]) -> None:
    """An alert for each user naming the asylum record (as the pipeline writes one when a
    record arrives for a person they follow)."""
    summary = {"status": "pending_application", "priority": None, "enforcement_ready": False,
               "stops": ["pending_application"], "case": None, "record": ASYLUM_ID}  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(alerts), [
            {"username": u, "person_id": PERSON, "event_id": f"walk-{u}"[:32],
             "at": dt.datetime.now(dt.UTC), "summary": json.dumps(summary), "case_id": None}
            for u in usernames
        ])  # fmt: skip
