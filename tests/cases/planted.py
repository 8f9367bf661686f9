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
from sojourn.events.event import Event
from sojourn.priority.run import assess_store
from sojourn.records.mapping import builtin_mapping
from sojourn.records.streamed import ingest_row
from sojourn.resolve.realtime import Index
from sojourn.resolve.serving import load_index, resolve_one
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


def known(engine: Engine, person: str) -> dict[str, Any] | None:
    """The person's identity, or None when no record of theirs has a name and birth date."""
    with engine.connect() as conn:
        row = conn.execute(text(IDENTITY_SQL), {"p": person}).first()
    return None if row is None else dict(row._mapping)


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


def would_be_ready(engine: Engine, as_of: dt.date = TODAY, at_least: int = 0) -> list[str]:
    """Everyone enforcement-ready if assessed now, with nothing stored and no case opened (so
    evidence can still arrive before the first recompute). When fewer than ``at_least``,
    suspected overstays are given an address filing a month ago, which verifies them."""
    found = list(assess_store(engine, as_of))
    ready = [a.person_id for a in found if a.enforcement_ready]
    suspected = [a.person_id for a in found
                 if [s.id for s in a.stops] == ["presence_unverified"]
                 and a.facts.get("status") == "overstay"
                 and known(engine, a.person_id) is not None]  # fmt: skip
    wanted = suspected[: max(0, at_least - len(ready))]
    index = load_index(engine) if wanted else None
    for person in wanted:
        quietly(engine, address_filing(identity(engine, person), as_of - dt.timedelta(30)), index)
    again = assess_store(engine, as_of, person_ids=wanted) if wanted else []
    return ready + [a.person_id for a in again if a.enforcement_ready]


def _typo(name: str, drop: bool) -> str | None:
    """The name with one letter of its longest word changed (or dropped); None when that
    word is too short for one edit to leave a name (or its middle letter is not a-z)."""
    words = name.split()
    i = max(range(len(words)), key=lambda k: len(words[k]))
    word, j = words[i], len(words[i]) // 2
    if len(word) < 5 or not (word[j].isascii() and word[j].isalpha()):
        return None
    new = "" if drop else ("a" if word[j].lower() == "e" else "e")
    words[i] = word[:j] + (new.upper() if word[j].isupper() else new) + word[j + 1 :]
    return " ".join(words)


def _shifted(who: dict[str, Any], days: int) -> dict[str, Any]:
    born = dt.date.fromisoformat(who["birth_date"]) + dt.timedelta(days=days)
    return {**who, "birth_date": born.isoformat()}


def _swapped_date(who: dict[str, Any]) -> dict[str, Any] | None:
    y, m, d = who["birth_date"].split("-")
    return None if int(d) > 12 or d == m else {**who, "birth_date": f"{y}-{d}-{m}"}


def _renamed(who: dict[str, Any], drop: bool) -> dict[str, Any] | None:
    family = _typo(who["family_name"], drop)
    return None if family is None else {**who, "family_name": family}


def _names_swapped(who: dict[str, Any]) -> dict[str, Any] | None:
    given = who["given_name"]
    return {**who, "given_name": who["family_name"], "family_name": given} if given else None


#: How citizenship evidence can differ from the person's own records (issue 15): each a
#: function of the person's identity giving the evidence's, None when it does not apply.
#: Every variant but the exact one carries no A-number.
VARIANTS: dict[str, Callable[[dict[str, Any]], dict[str, Any] | None]] = {
    "exact": lambda who: who,
    "family-name typo": lambda who: _renamed(who, drop=False),
    "dropped letter": lambda who: _renamed(who, drop=True),
    "birth date +1 day": lambda who: _shifted(who, 1),
    "birth date -1 day": lambda who: _shifted(who, -1),
    "day/month swapped": _swapped_date,
    "given/family swapped": _names_swapped,
}


def variant(who: dict[str, Any], how: str) -> dict[str, Any] | None:
    """The person's identity as citizenship evidence ``how`` different would give it."""
    out = VARIANTS[how](who)
    return out if out is None or how == "exact" else {**out, "a_number": None}


def land_arrival(n: int) -> Planted:
    """A new traveller (``n``: a number no other plant uses): admitted as a B-2 visitor at a
    land port on 2021-06-25 until 2021-12-23, and no other record of them anywhere."""
    letters = "".join("bdfgklmnprstvz"[int(c)] for c in f"{n:04d}")
    row = {"ADMNUM": f"L{80000000000 + n}", "LAST_NAME": f"Quarendon{letters.title()}",
           "FIRST_NAME": "Ysolde", "MIDDLE_NAME": "", "DOB": f"197{n % 10}0{n % 9 + 1}1{n % 10}",
           "SEX": "F", "CTZ": "MEX", "PASSPORT_NO": f"G{40000000 + n}", "PASSPORT_CNTRY": "MEX",
           "ARR_DT": "20210625", "PORT": "SYS", "MODE": "L", "COA": "B2",
           "ADMIT_UNTIL": "20211223"}  # fmt: skip
    return "cbp-i94", row
