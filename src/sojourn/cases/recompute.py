"""Recomputing after a change: the facts recorded on cases (an open redress request), the
persons' assessments under the active policy (kept when their outcome changed), and their
cases brought in line. Called after resolution, ingest, a redress filing or decision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from sojourn.cases.guard import case_statements
from sojourn.cases.model import SYSTEM, Actor
from sojourn.cases.sync import Known, sync_assessment
from sojourn.cases.withdraw import withdraw_orphans
from sojourn.priority.assess import Assessment
from sojourn.priority.run import assess_store
from sojourn.priority.store import latest_ids, save
from sojourn.resolve.queries import person_of_record
from sojourn.resolve.run import resolve_records
from sojourn.settings import today


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
        withdraw_orphans(conn, set(persons), person_ids)
    return out


def after_redress(engine: Engine, person_id: str, told: dict[str, Any], actor: Actor) -> list[str]:
    """After a redress decision: the records a judgement or a finding touched resolved again
    at once, then the request's person and every person now holding one of those records
    recomputed (as of today). The persons recomputed."""
    moved = [] if "correction" in told else list(told.get("records", ()))
    if moved:
        resolve_records(engine, moved)
    persons = sorted({person_id} | {p for r in moved if (p := person_of_record(engine, r))})
    recompute(engine, today(), "redress decided", persons, actor)
    return persons
