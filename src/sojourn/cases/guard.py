"""Hard stops checked where the action happens (DESIGN.md §1.3).

Approving a priority designation, carrying one out, or bringing a held approval back re-reads
the person's hard stops in the deciding transaction — their records and links as they are
now, their case's open reviews and redress requests — and is refused while any holds. An
assessment made earlier, or a recompute that has not run yet, cannot let an approval through.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, select

from sojourn.audit.log import hold_writes
from sojourn.cases.model import (
    ASSIGNED,
    COMPLETED,
    GUARDED,
    IN_PROGRESS,
    OPEN,
    REVIEWS,
    TOWARD_ENFORCEMENT,
    StoppedError,
)
from sojourn.cases.tables import cases, redress_requests, tasks
from sojourn.priority.current import assess_in
from sojourn.priority.run import Statements
from sojourn.settings import today


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


def open_reviews(conn: Connection, person_id: str) -> list[tuple[int, str]]:
    """The review tasks (opened by hard stops or by people) open in the person's cases."""
    query = (
        select(tasks.c.id, tasks.c.type)
        .join(cases, cases.c.id == tasks.c.case_id)
        .where(cases.c.person_id == person_id, tasks.c.type.in_(REVIEWS))
        .where(tasks.c.status.in_(OPEN))
        .order_by(tasks.c.id)
    )
    return [(int(i), str(t)) for i, t in conn.execute(query)]


def stops_now(conn: Connection, person_id: str, as_of: dt.date | None = None) -> list[str]:
    """What stops enforcement for the person at this moment, each named with its records or
    task: the hard stops of an assessment made now, open reviews, open redress requests."""
    out = [f"{kind} open (task {task_id})" for task_id, kind in open_reviews(conn, person_id)]
    said = case_statements(conn, [person_id])
    if person_id in said:
        out.append(f"redress request open ({', '.join(said[person_id]['open_redress'][1])})")
    found = assess_in(conn, [person_id], as_of or today(), said)
    if not found:
        out.append(f"person {person_id} has no current records (merged, split or retracted): "
                   "review the identity first")  # fmt: skip
    for a in found:
        out += [f"hard stop {s.id} (records {', '.join(s.records) or 'none'})" for s in a.stops]
    return out


def guarded_move(task: Any, target: str, outcome: str | None) -> bool:
    """Whether moving ``task`` to ``target`` (with a decision's ``outcome``) acts toward
    enforcement: approving or carrying out a designation, or taking a held one back up."""
    if task.type not in GUARDED:
        return False
    if target == COMPLETED:
        return outcome in TOWARD_ENFORCEMENT
    if task.type == "enforcement_action" and target == IN_PROGRESS:
        return True  # starting the operation
    return task.status not in (ASSIGNED, IN_PROGRESS) and target in (ASSIGNED, IN_PROGRESS)


def check_stops(
    conn: Connection, task: Any, person_id: str, target: str, outcome: str | None = None
) -> None:
    """Refuse the move (StoppedError naming every stop) while any hard stop holds."""
    if not guarded_move(task, target, outcome):
        return
    hold_writes(conn)  # withdrawals in flight finish first; what they wrote is read below
    found = stops_now(conn, person_id)
    if found:
        what = f"{outcome or target} of {task.type} task {task.id}"
        raise StoppedError(what, found)
