"""The planted persons of issue 15's acceptance suite, shared by tests/cases/test_planted_suite.py
and bench/safeguards.py: what is planted for an enforcement-ready person in each category,
which hard stop must catch it, and what became of the person (their latest assessment, their
cases' approval tasks and decisions)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select

from sojourn.cases.model import ON_HOLD, OPEN, Actor, StoppedError, WorkflowError
from sojourn.cases.redress import file_request
from sojourn.cases.tables import cases, decisions, tasks
from sojourn.cases.workflow import decide
from sojourn.priority.store import history
from tests.cases.planted import (
    VARIANTS,
    Arrive,
    Planted,
    application,
    identity,
    known,
    naturalization,
    variant,
)

OFFICER, SUPERVISOR = Actor("olivia", "officer"), Actor("sam", "supervisor")
FORMS = ("I-589", "I-485")
REDRESS = "open redress"
LAND = "land-only arrival"
NATURALIZED = dt.date(2024, 5, 1)
#: The categories planted on an enforcement-ready person, with the stop that must catch each.
STOP = {**{f"citizenship {how}": "citizenship" for how in VARIANTS},
        **{f"pending {form}": "pending_application" for form in FORMS},
        REDRESS: "open_redress"}  # fmt: skip
CATEGORIES = tuple(STOP)
#: Categories that arrive as a source record (a redress request is filed, not ingested).
EVIDENCE = tuple(c for c in CATEGORIES if c != REDRESS)
FACTS = ("status", "in_us", "citizenship_evidence", "citizenship_candidate", "relief_pending",
         "open_redress", "overstay_unverified", "identity_review_open")  # fmt: skip


def evidence(category: str, who: dict[str, Any]) -> Planted | None:
    """The source record planted for a person of identity ``who`` (None: it does not apply
    to them, e.g. a day/month swap of a birth day after the 12th)."""
    if category.startswith("pending "):
        return application(who, category.removeprefix("pending "))
    how = variant(who, category.removeprefix("citizenship "))
    if how is None:
        return None
    born = dt.date.fromisoformat(how["birth_date"])  # naturalized after birth (a minor too)
    return naturalization(how, max(NATURALIZED, born + dt.timedelta(days=30)).isoformat())


def plant(engine: Engine, category: str, person: str, arrive: Arrive) -> None:
    """Plant ``category`` for ``person``: a record arriving by ``arrive``, or a redress
    request filed by an officer (the caller recomputes, as the API does)."""
    if category == REDRESS:
        with engine.begin() as conn:
            file_request(conn, person, "status", "the person's attorney",
                         "the overstay is wrong: I applied for an extension in time",
                         {"contested": "status"}, OFFICER)  # fmt: skip
        return
    planted = evidence(category, identity(engine, person))
    assert planted is not None, f"{category} does not apply to {person}"
    arrive(engine, planted)


def fits(engine: Engine, category: str, person: str) -> bool:
    """Whether ``category`` can be planted for the person (evidence needs a name and birth
    date of theirs to copy)."""
    who = known(engine, person)
    return category == REDRESS or (who is not None and evidence(category, who) is not None)


@dataclass
class Outcome:
    """What became of a planted person."""

    person: str
    ready: bool = False
    stops: tuple[str, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)
    types: dict[str, list[str]] = field(default_factory=dict)  # task type → statuses
    unheld_approvals: list[int] = field(default_factory=list)
    standing: list[int] = field(default_factory=list)  # approve decisions not withdrawn
    withdrawn: list[int] = field(default_factory=list)  # approvals a retraction withdrew
    executed: list[int] = field(default_factory=list)


def outcome(engine: Engine, person: str) -> Outcome:
    """The person's latest stored assessment, and every task and decision of their cases."""
    out = Outcome(person)
    with engine.connect() as conn:
        stored = history(conn, person)
        ids = list(conn.execute(select(cases.c.id).where(cases.c.person_id == person)).scalars())
        found = conn.execute(select(tasks).where(tasks.c.case_id.in_(ids))).all()
        made = conn.execute(select(decisions).where(decisions.c.case_id.in_(ids))).all()
    if stored:
        last = stored[-1]
        out.ready, out.stops = bool(last["enforcement_ready"]), tuple(last["stops"])
        out.facts = {k: last["body"]["facts"].get(k) for k in FACTS}
    for t in found:
        out.types.setdefault(t.type, []).append(t.status)
        if t.type == "supervisor_approval" and t.status in OPEN and t.status != ON_HOLD:
            out.unheld_approvals.append(int(t.id))
    out.withdrawn = sorted(int(d.retracts) for d in made if d.retracts)
    out.standing = [int(d.id) for d in made if d.kind == "supervisor_approval"
                    and d.outcome == "approve" and d.id not in out.withdrawn]  # fmt: skip
    out.executed = [int(d.id) for d in made
                    if d.kind == "enforcement_action" and d.outcome == "executed"]  # fmt: skip
    return out


def caught(out: Outcome, stop: str) -> bool:
    """Held as the issue asks: not enforcement-ready, caught by ``stop``, no approval open
    and un-held, none standing, nothing executed."""
    return (not out.ready and stop in out.stops and not out.unheld_approvals
            and not out.standing and not out.executed)  # fmt: skip


def open_task(engine: Engine, person: str, kind: str) -> Any:
    """The person's open task of ``kind`` (the latest), or None."""
    query = (
        select(tasks).join(cases, cases.c.id == tasks.c.case_id)
        .where(cases.c.person_id == person, tasks.c.type == kind, tasks.c.status.in_(OPEN))
    )  # fmt: skip
    with engine.connect() as conn:
        return conn.execute(query.order_by(tasks.c.id.desc())).first()


def approve(engine: Engine, person: str) -> int:
    """The supervisor approves the person's designation; the approval decision's id."""
    task = open_task(engine, person, "supervisor_approval")
    with engine.begin() as conn:
        return decide(conn, task.id, "approve", "the designation is supported", SUPERVISOR)


def execute(engine: Engine, person: str) -> str | None:
    """An officer tries to carry out the person's latest approved designation (whatever its
    task's state): the refusal (StoppedError), or None when it went through."""
    query = (
        select(tasks.c.id).join(cases, cases.c.id == tasks.c.case_id)
        .where(cases.c.person_id == person, tasks.c.type == "enforcement_action")
    )  # fmt: skip
    with engine.connect() as conn:
        task = conn.execute(query.order_by(tasks.c.id.desc())).scalar()
    if task is None:
        return "no enforcement action"
    try:
        with engine.begin() as conn:
            decide(conn, task, "executed", "detainer lodged with the county", OFFICER)
    except StoppedError as exc:
        return str(exc)
    except WorkflowError as exc:  # refused, but not for a hard stop (the task was closed)
        return f"{type(exc).__name__}: {exc}"
    return None


@dataclass
class Pool:
    """Enforcement-ready persons not planted yet, taken one per plant."""

    engine: Engine
    persons: list[str]

    def take(self, category: str, asked: bool = True) -> str:
        """The next person ``category`` applies to (``asked``: whose approval is open and
        un-held now, as the timing needs; persons planted near them may be held already)."""
        for person in self.persons:
            if asked:
                task = open_task(self.engine, person, "supervisor_approval")
                if task is None or task.status == ON_HOLD:
                    continue
            if fits(self.engine, category, person):
                self.persons.remove(person)
                return person
        raise LookupError(f"no enforcement-ready person left for {category}")
