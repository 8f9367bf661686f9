"""A hard stop that arises after a priority designation was proposed or approved (DESIGN.md
§1.3: "one that arises later withdraws approvals already given").

``withdraw`` puts every open approval and enforcement action of the case on hold, and
withdraws every approval decided but not yet carried out: a retraction decision (append-only,
naming the stop) and its enforcement action cancelled. ``resume_held`` brings held tasks back
once nothing stops them: no redress request open and, for approvals and enforcement actions,
no hard stop now.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from sojourn.cases.guard import stops_now
from sojourn.cases.model import (
    ASSIGNED,
    CANCELLED,
    ENFORCEMENT_TASKS,
    GUARDED,
    ON_HOLD,
    OPEN,
    SYSTEM,
)
from sojourn.cases.steps import changed, frozen, insert, now, open_children, set_status
from sojourn.cases.tables import cases, decisions, tasks


def _open_tasks(conn: Connection, case_id: int, types: frozenset[str]) -> list[Any]:
    query = select(tasks).where(tasks.c.case_id == case_id, tasks.c.status.in_(OPEN))
    return list(conn.execute(query.where(tasks.c.type.in_(types)).order_by(tasks.c.id)))


def _retract(conn: Connection, case_id: int, action: Any, why: str) -> int:
    """Withdraw the approval an unexecuted enforcement action carries out."""
    approval = json.loads(action.detail).get("approval")
    retraction = insert(
        conn, decisions, case_id=case_id, task_id=action.id, kind="retraction",
        outcome="withdrawn", finding=f"approval withdrawn: {why}", actor=SYSTEM.username,
        role=SYSTEM.role, at=now(), retracts=approval,
        evidence=json.dumps({"stop": why, "approval": approval}),
    )  # fmt: skip
    set_status(conn, action.id, action.status, CANCELLED, SYSTEM, f"approval withdrawn: {why}")
    return retraction


def withdraw(conn: Connection, case_id: int, why: str) -> dict[str, list[int]]:
    """Hold the case's open approvals and withdraw its unexecuted ones (``why``: the stop,
    named in every row written); what was done, by task and decision ids."""
    done: dict[str, list[int]] = {"withdrawn": [], "held": []}
    for action in _open_tasks(conn, case_id, frozenset({"enforcement_action"})):
        done["withdrawn"].append(_retract(conn, case_id, action, why))
    for task in _open_tasks(conn, case_id, GUARDED):
        if task.status != ON_HOLD:
            set_status(conn, task.id, task.status, ON_HOLD, SYSTEM, f"hard stop: {why}")
            done["held"].append(int(task.id))
    if done["withdrawn"] or done["held"]:
        changed(conn, SYSTEM, "withdraw", [str(case_id)], {**done, "stop": why})
    return done


def held_tasks(conn: Connection, person_id: str) -> list[Any]:
    """The person's enforcement tasks on hold, in open cases."""
    query = (
        select(tasks)
        .join(cases, cases.c.id == tasks.c.case_id)
        .where(cases.c.person_id == person_id, cases.c.status == "open")
        .where(tasks.c.status == ON_HOLD, tasks.c.type.in_(ENFORCEMENT_TASKS))
    )
    return list(conn.execute(query.order_by(tasks.c.id)))


def resume_held(conn: Connection, person_id: str, stops: list[str] | None = None) -> list[int]:
    """Bring the person's held enforcement tasks back (unless they wait on children): none
    while a redress request is open, approvals only when no hard stop holds (``stops``: the
    stops as just assessed, else read now). The task ids resumed."""
    if frozen(conn, person_id):
        return []
    out = []
    for task in held_tasks(conn, person_id):
        if open_children(conn, task.id):
            continue
        if task.type in GUARDED:
            stops = stops_now(conn, person_id) if stops is None else stops
            if stops:
                continue
        set_status(conn, task.id, ON_HOLD, ASSIGNED, SYSTEM, "nothing holds it any more")
        out.append(int(task.id))
    return out


def withdraw_orphans(conn: Connection, assessed: set[str], wanted: list[str] | None) -> int:
    """Withdraw the approvals of persons who were to be assessed (``wanted``; everyone when
    None) but have no current records any more (merged into another person, split): the
    cases of a retired person id. How many cases it touched."""
    guarded = select(tasks.c.case_id).where(tasks.c.type.in_(GUARDED), tasks.c.status.in_(OPEN))
    query = select(cases.c.id, cases.c.person_id).where(
        cases.c.status == "open", cases.c.id.in_(guarded)
    )
    if wanted is not None:
        query = query.where(cases.c.person_id.in_(wanted))
    touched = 0
    for case_id, person in list(conn.execute(query)):
        if person not in assessed:
            why = f"person {person} has no current records (merged, split or retracted)"
            withdraw(conn, int(case_id), why)
            touched += 1
    return touched
