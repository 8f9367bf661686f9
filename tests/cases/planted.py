"""Evidence planted for a resolved person, in the sources' own formats: a naturalization
certificate (N-400 extract) or a pending benefit application (USCIS extract), arriving either
through the real-time pipeline (ingest → match → recompute → case) or quietly (stored and
linked, nothing recomputed yet: the late evidence a decision must still see)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, text

from sojourn.cases.recompute import recompute
from sojourn.records.mapping import builtin_mapping
from sojourn.records.streamed import ingest_row
from sojourn.resolve.realtime import Index
from sojourn.resolve.serving import load_index, resolve_one
from sojourn.stream.events import Event
from sojourn.stream.pipeline import Pipeline

TODAY = dt.date.today()
NUMBERS = itertools.count(1)
IDENTITY_SQL = (
    "SELECT r.family_name, r.given_name, r.birth_date, r.a_number, r.birth_place "
    "FROM records r JOIN links l ON l.record_id = r.id WHERE l.person_id = :p "
    "AND l.id = (SELECT max(x.id) FROM links x WHERE x.record_id = r.id) "
    "AND r.family_name IS NOT NULL AND r.birth_date IS NOT NULL "
    "ORDER BY r.a_number IS NULL, r.id LIMIT 1"
)


def identity(engine: Engine, person: str) -> dict[str, Any]:
    """The person's name, birth date and A-number as their records give them."""
    with engine.connect() as conn:
        row = conn.execute(text(IDENTITY_SQL), {"p": person}).one()
    return dict(row._mapping)


def naturalization(who: dict[str, Any], on: str = "2024-05-01") -> tuple[str, dict[str, Any]]:
    n = next(NUMBERS)
    row = {"CERT_NO": f"N{90000000 + n}", "A_NUMBER": who["a_number"] or "",
           "FAMILY_NAME": who["family_name"], "GIVEN_NAME": who["given_name"] or "",
           "BIRTH_DATE": who["birth_date"], "COUNTRY_OF_BIRTH": who["birth_place"] or "",
           "NATURALIZED_DATE": on, "OFFICE": "NYC"}  # fmt: skip
    return "uscis-n400", row


def application(who: dict[str, Any], form: str = "I-589") -> tuple[str, dict[str, Any]]:
    n, born = next(NUMBERS), dt.date.fromisoformat(who["birth_date"])
    row = {"RECEIPT_NUMBER": f"ZLA{9000000000 + n}", "A_NUMBER": who["a_number"] or "",
           "APPLICANT_NAME": f"{who['family_name']}, {who['given_name'] or ''}",
           "DATE_OF_BIRTH": born.strftime("%m/%d/%Y"),
           "COUNTRY_OF_BIRTH": who["birth_place"] or "", "FORM_TYPE": form,
           "RECEIPT_DATE": (TODAY - dt.timedelta(days=30)).strftime("%m/%d/%Y"),
           "DECISION_DATE": "", "CASE_STATUS": "PENDING", "REQUESTED_CLASS": "",
           "VALID_TO": ""}  # fmt: skip
    return "uscis-benefits", row


def address_filing(who: dict[str, Any], on: dt.date) -> tuple[str, dict[str, Any]]:
    """An AR-11 change of address effective ``on``: the person's presence in the U.S."""
    n, born = next(NUMBERS), dt.date.fromisoformat(who["birth_date"])
    row = {"confirmation": f"AR{70000000 + n}", "a_number": who["a_number"] or "",
           "name": {"first": who["given_name"] or "", "last": who["family_name"]},
           "dob": born.strftime("%Y/%m/%d"), "effective": on.isoformat(),
           "submitted": on.isoformat(),
           "new_address": {"street": f"{n} Elm St", "city": "Newark", "state": "NJ",
                           "zip": "07102"}}  # fmt: skip
    return "uscis-ar11", row


Planted = tuple[str, dict[str, Any]]


def streamed(engine: Engine, planted: Planted, as_of: dt.date = TODAY) -> str | None:
    """Through the real-time pipeline; the person the record went to."""
    mapping, row = planted
    kind = builtin_mapping(mapping).kind
    event = Event(f"sojourn.in.{kind}", {"mapping": mapping, "row": row}, row[next(iter(row))])
    pipe = Pipeline(engine, as_of=as_of)
    pipe.handle(event)
    with engine.connect() as conn:
        sql = "SELECT person_id FROM links WHERE record_id = (SELECT id FROM records WHERE " \
              "source_record_id = :s) ORDER BY id DESC LIMIT 1"  # fmt: skip
        found = conn.execute(text(sql), {"s": str(row[next(iter(row))])}).scalar()
    return None if found is None else str(found)


def quietly(engine: Engine, planted: Planted, index: Index | None = None) -> str | None:
    """Stored and matched (a batch ingest and resolve), with no recompute: the person's
    assessment and case do not know yet. The person the record went to."""
    mapping, row = planted
    with engine.begin() as conn:
        stored = ingest_row(conn, builtin_mapping(mapping), row, "test:quiet", next(NUMBERS))
    assert stored.record_id is not None, stored.reason
    _, person = resolve_one(engine, index or load_index(engine), stored.record_id)
    return person


def ready_persons(engine: Engine, as_of: dt.date = TODAY, at_least: int = 0) -> list[str]:
    """Everyone enforcement-ready after a recompute (their cases hold an approval). When
    fewer than ``at_least``, suspected overstays (an overstay no record of presence verifies)
    are given an address filing a month ago, which verifies it, and recomputed."""
    done = recompute(engine, as_of, "test")
    ready = [a.person_id for a in done.assessments if a.enforcement_ready]
    suspected = [a.person_id for a in done.assessments
                 if [s.id for s in a.stops] == ["presence_unverified"]
                 and a.facts.get("status") == "overstay"]  # fmt: skip
    wanted = suspected[: max(0, at_least - len(ready))]
    index = load_index(engine) if wanted else None
    for person in wanted:
        quietly(engine, address_filing(identity(engine, person), as_of - dt.timedelta(30)), index)
    if wanted:
        again = recompute(engine, as_of, "test", wanted)
        ready += [a.person_id for a in again.assessments if a.enforcement_ready]
    return ready


Arrive = Callable[[Engine, Planted], str | None]
