"""A person's lawful facts as of a date, each with the records behind it and the identity
confidence of the links that attach those records to the person.

Derived from the person's events and status timeline (``derive``); nothing else reaches a
policy. Officer facts (national security, victim or witness, caregiver, military service…)
come from statements recorded on the case and stay null (unknown) until one is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from sojourn.priority.schema import FACTS
from sojourn.status.accrual import EWI_CHARGE
from sojourn.status.engine import GONE, RELIEF, Timeline
from sojourn.status.events import Event
from sojourn.status.presence import default_presence
from sojourn.yamlsafe import load_yaml

RELIEF_FORMS = RELIEF
CONFIRMED_EXITS = ("biometric", "land_exchange")
CLASSES = {"AF": "aggravated_felony", "F": "felony", "M": "misdemeanor", "I": "infraction"}


@dataclass(frozen=True)
class PersonInput:
    """What the facts are derived from."""

    person_id: str
    events: list[Event]
    birth: dt.date | None
    timeline: Timeline
    confidence: Mapping[str, float]  # record id → probability of its link to the person
    citizen_records: tuple[str, ...] = ()  # records giving U.S. nationality or passport
    statements: Mapping[str, tuple[Any, tuple[str, ...]]] = field(default_factory=dict)
    #: Citizenship records not linked to the person that could be theirs (priority/sweep.py).
    citizenship_candidates: tuple[str, ...] = ()
    #: The records of the open identity reviews touching any of the person's records.
    open_reviews: tuple[str, ...] = ()


@dataclass
class Facts:
    values: dict[str, Any]
    evidence: dict[str, tuple[str, ...]]
    confidence: dict[str, float]

    def set(self, name: str, value: Any, records: Iterable[str] = ()) -> None:
        assert name in FACTS, name
        self.values[name] = value
        self.evidence[name] = tuple(sorted(set(records)))


@lru_cache(maxsize=1)
def offense_table() -> dict[str, Any]:
    table: dict[str, Any] = load_yaml(Path(__file__).with_name("offenses.yaml"))
    return table


def categorize(offense: str, statute: str | None) -> str:
    text = f"{offense} {statute or ''}".upper()
    for entry in offense_table()["categories"]:
        if any(m.upper() in text for m in entry["match"]):
            return str(entry["category"])
    return "other"


def conviction(e: Event) -> dict[str, Any]:
    """One conviction as a policy sees it."""
    table = offense_table()
    category = categorize(str(e.get("offense") or ""), e.get("statute"))
    cls = CLASSES.get(str(e.get("classification")), str(e.get("classification")))
    sentence = int(e.get("sentence_days") or 0)
    significant = category in table["significant"] or sentence >= table["significant_sentence_days"]
    if cls == "misdemeanor" and significant:
        cls = "significant_misdemeanor"
    return {"class": cls, "category": category, "date": e.date.isoformat(),
            "sentence_days": sentence}  # fmt: skip


def _years(start: dt.date, end: dt.date) -> float:
    return round((end - start).days / 365.25, 2)


def _convictions(f: Facts, known: list[Event], as_of: dt.date) -> None:
    found = [(e.record_id, conviction(e)) for e in known if e.kind == "conviction"]
    ids = [i for i, _ in found]
    rows = [c for _, c in found]
    f.set("convictions", rows, ids)

    def count(*classes: str) -> tuple[int, list[str]]:
        hit = [i for i, c in found if c["class"] in classes and c["category"] != "traffic"]
        return len(hit), hit

    for name, classes in (
        ("aggravated_felonies", ("aggravated_felony",)),
        ("felonies", ("aggravated_felony", "felony")),
        ("significant_misdemeanors", ("significant_misdemeanor",)),
        ("misdemeanors", ("misdemeanor", "significant_misdemeanor")),
    ):
        n, hit = count(*classes)
        f.set(name, n, hit)
    last = max((dt.date.fromisoformat(c["date"]) for c in rows), default=None)
    f.set("years_since_last_conviction", _years(last, as_of) if last else None, ids)


def _entry(f: Facts, known: list[Event]) -> dt.date | None:
    arrivals = [e for e in known if e.kind == "arrival"]
    charged = [e for e in known if e.kind == "court" and EWI_CHARGE in str(e.get("charge"))]
    if arrivals:
        last = arrivals[-1]
        method = "paroled" if last.get("class_of_admission") == "PAROLE" else "admitted"
        f.set("entry_method", method, [last.record_id])
        f.set("entry_date", last.date.isoformat(), [last.record_id])
        f.set("class_of_admission", last.get("class_of_admission"), [last.record_id])
        return last.date
    f.set("entry_method", "without_inspection" if charged else "unknown",
          [e.record_id for e in charged])  # fmt: skip
    f.set("entry_date", None)
    f.set("class_of_admission", None)
    return known[0].date if known else None


def _court(f: Facts, known: list[Event], t: Timeline) -> None:
    orders = [e for e in known if e.kind == "court" and e.get("order") == "removal"]
    last = orders[-1] if orders else None
    ids = [last.record_id] if last else []
    f.set("removal_order", last is not None, ids)
    when = last.day("order_date", t.as_of) if last else None
    f.set("removal_order_date", when.isoformat() if when else None, ids)
    f.set("removal_order_in_absentia", bool(last and last.get("in_absentia")), ids)
    current = t.current
    status = current.status if current else "unknown"
    records = current.records if current else ()
    final = [i for i in t.intervals if i.status == "removal_order_final"]
    if status == "us_citizen" and final:  # naturalized after a final order: the order's own
        f.set("removal_order_final", True, final[-1].records)  # finality, not "not final"
    else:
        f.set("removal_order_final", status == "removal_order_final", records)
    f.set("in_proceedings", status == "in_proceedings", records)
    f.set("tps", bool(current and current.rule_id.startswith("tps")), records)
    if status == "deferred_action":  # from the records; otherwise an officer may state it
        f.set("deferred_action", True, records)


def _applications(f: Facts, known: list[Event], as_of: dt.date) -> None:
    pending = [
        e for e in known
        if e.kind == "status" and e.get("outcome") == "pending"
        and e.day("decided_on", as_of) is None
    ]  # fmt: skip
    f.set("pending_applications", sorted({str(e.get("form")) for e in pending}),
          [e.record_id for e in pending])  # fmt: skip
    relief = [e.record_id for e in pending if e.get("form") in RELIEF_FORMS]
    f.set("relief_pending", bool(relief), relief)


def _departure(f: Facts, known: list[Event], records: tuple[str, ...], gone: bool) -> None:
    cited = {e.record_id: e for e in known if e.record_id in records}

    def confirmed(e: Event) -> bool:
        if e.kind == "departure":
            return e.get("provenance") in CONFIRMED_EXITS
        return e.kind in ("custody", "self_departure")  # a removal, a verified self-departure

    sure = [i for i, e in cited.items() if gone and confirmed(e)]
    f.set("departure_confirmed", bool(sure), sure or records)


def _presence(f: Facts, known: list[Event], t: Timeline) -> None:
    """Absence is not presence (status/presence.yaml): an overstay is verified only by a
    record placing the person in the U.S. after the authorized stay ended."""
    arrivals = [e for e in known if e.kind == "arrival"]
    last, end = (arrivals[-1] if arrivals else None), t.authorized_until
    if last is None or end is None:
        f.set("exit_recording", _recording(last), [last.record_id] if last else [])
        f.set("presence_verified", False)
        f.set("overstay_unverified", False)
        return
    checked = default_presence().verify(known, last, end, t.as_of)
    f.set("exit_recording", checked.recording.recording, [last.record_id])
    f.set("presence_verified", bool(checked.presence), checked.presence)
    unverified = t.presence_in_question and checked.unverified
    stay = (last.record_id, *(t.current.records if t.current else ()))
    f.set("overstay_unverified", unverified, stay if unverified else checked.presence)


def _recording(arrival: Event | None) -> str | None:
    if arrival is None:
        return None
    return default_presence().exit_recording(arrival.get("mode")).recording


def derive(p: PersonInput) -> Facts:
    """The person's facts on the timeline's as-of date."""
    t, f = p.timeline, Facts({}, {}, {})
    known = sorted(e for e in p.events if e.date <= t.as_of)
    current = t.current
    status = current.status if current else "unknown"
    records = current.records if current else ()
    f.set("status", status, records)
    f.set("in_us", current is not None and status not in GONE, records)
    f.set("overstay_days", t.overstay_days or 0, records)
    _departure(f, known, records, status in GONE)
    _presence(f, known, t)
    f.set("unlawful_presence_days", t.unlawful_presence_days, records)
    since = _entry(f, known)
    f.set("present_since", since.isoformat() if since else None)
    f.set("years_in_us", _years(since, t.as_of) if since else 0.0)
    _court(f, known, t)
    _applications(f, known, t.as_of)
    _convictions(f, known, t.as_of)
    age = (t.as_of - p.birth).days // 365.25 if p.birth else None
    f.set("age", int(age) if age is not None else None)
    natz = [e.record_id for e in known if e.kind == "naturalization"]
    citizen = [i for iv in t.intervals if iv.status == "us_citizen" for i in iv.records]
    evidence = [*natz, *citizen, *p.citizen_records]
    f.set("citizenship_evidence", bool(evidence), evidence)
    f.set("citizenship_candidate", bool(p.citizenship_candidates), p.citizenship_candidates)
    f.set("identity_review_open", bool(p.open_reviews), p.open_reviews)
    for name, spec in FACTS.items():
        if spec.source in ("officer", "cases") and name not in f.values:
            value, ids = p.statements.get(name, (None, ()))
            f.set(name, value, ids)
    conf = p.confidence
    f.confidence = {
        name: min([conf.get(r, 1.0) for r in ids]) if ids else 1.0
        for name, ids in f.evidence.items()
    }
    return f
