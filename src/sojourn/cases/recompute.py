"""Recomputing after a change: the facts recorded on cases (an open redress request), the
persons' assessments under the active policy (kept when their outcome changed), and their
cases brought in line. Called after resolution, ingest, a redress filing or decision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, select

from sojourn.cases.model import SYSTEM, Actor
from sojourn.cases.sync import Known, sync_assessment
from sojourn.cases.tables import redress_requests
from sojourn.priority.assess import Assessment
from sojourn.priority.run import Statements, assess_store
from sojourn.priority.store import latest_ids, save


def case_statements(conn: Connection, person_ids: list[str] | None = None) -> Statements:
    """By person, the facts their cases hold: an open redress request (with its ids)."""
    query = select(redress_requests.c.person_id, redress_requests.c.id).where(
        redress_requests.c.status == "open"
    )
    if person_ids is not None:
        query = query.where(redress_requests.c.person_id.in_(person_ids))
    said: Statements = {}
    for person, request in conn.execute(query):
        _, ids = said.get(person, {}).get("open_redress", (True, ()))
        said[person] = {"open_redress": (True, (*ids, f"redress:{request}"))}
    return said


@dataclass
class Recomputed:
    assessments: list[Assessment] = field(default_factory=list)
    stored: int = 0
    opened: int = 0
    tasks: int = 0
    closed: int = 0
    cases: dict[str, int | None] = field(default_factory=dict)  # each person's open case after


def recompute(
    engine: Engine, as_of: dt.date, trigger: str, person_ids: list[str] | None = None,
    actor: Actor = SYSTEM,
) -> Recomputed:  # fmt: skip
    """Assess the persons (everyone by default), keep what changed, and sync their cases."""
    with engine.connect() as conn:
        said = case_statements(conn, person_ids)
    out = Recomputed(list(assess_store(engine, as_of, person_ids=person_ids, said=said)))
    with engine.begin() as conn:
        out.stored = save(conn, out.assessments, trigger)
        persons = [a.person_id for a in out.assessments]
        ids, known = latest_ids(conn, persons), Known.load(conn, persons)
        for a in out.assessments:
            result = sync_assessment(conn, a, ids.get(a.person_id), actor, known)
            out.opened += len(result.opened)
            out.tasks += len(result.tasks)
            out.closed += len(result.closed)
        out.cases = {p: known.cases.get(p) for p in persons}
    return out
