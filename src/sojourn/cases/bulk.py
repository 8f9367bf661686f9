"""The case workflow for many assessments at once (the real-time pipeline's batch): the common
change — a departure on unconfirmed evidence asking for its verification — is written
set-based (one statement each for the tasks, their events, their parents put on hold, the
audit entries), and its case events are returned for the caller to put in the outbox with
the rest of the batch; every other change goes through ``sync_assessment`` one person at a
time, in the same transaction. The result is the same as syncing each assessment alone."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, insert, select, update

from sojourn.audit.log import AuditEvent, append_many
from sojourn.cases.model import (
    ASSIGNED,
    GUARDED,
    ON_HOLD,
    OPEN,
    ROOT,
    SYSTEM,
    TASK_TYPES,
    Actor,
    NotFoundError,
    WorkflowError,
)
from sojourn.cases.steps import now
from sojourn.cases.sync import Known, SyncResult, sync_assessment
from sojourn.cases.tables import task_events, tasks
from sojourn.events.event import Event
from sojourn.priority.assess import Assessment
from sojourn.status.engine import GONE

VERIFY = "departure_verification"
WHY = "departure recorded on unconfirmed evidence"


def sync_many(
    conn: Connection, assessments: list[Assessment], ids: dict[str, int], actor: Actor,
    known: Known,
) -> tuple[SyncResult, list[Event]]:  # fmt: skip
    """Bring the persons' cases in line with their assessments (``ids``: each person's
    latest stored assessment; ``known``: their open cases and task types, kept up to date);
    the changes, and the case events of the set-based writes (not yet in the outbox)."""
    result, verify = SyncResult(), []
    for a in assessments:
        case_id = known.cases.get(a.person_id)
        if case_id is not None and _departed_only(a, known.open_types(case_id)):
            if VERIFY not in known.open_types(case_id):
                verify.append((case_id, a))
                known.open_types(case_id).add(VERIFY)
            continue
        done = sync_assessment(conn, a, ids.get(a.person_id), actor, known)
        result.opened += done.opened
        result.tasks += done.tasks
        result.closed += done.closed
    made, events = add_verifications(conn, verify, actor)
    result.tasks += made
    return result, events


def _departed_only(a: Assessment, have: set[str]) -> bool:
    """Whether all that syncing would do is ask to verify a departure (no hard stop, no
    approval to hold or resume, no confirmed departure to close on)."""
    gone = a.facts.get("status") in GONE and not a.facts.get("departure_confirmed")
    return gone and not a.stops and not have & GUARDED


def add_verifications(
    conn: Connection, items: list[tuple[int, Assessment]], actor: Actor
) -> tuple[list[int], list[Event]]:
    """A departure verification under the root of each case (``(case id, assessment)``),
    its parent put on hold, audited: as ``add_task`` does one at a time."""
    if not items:
        return [], []
    roots = _roots(conn, [c for c, _ in items])
    at, team = now(), TASK_TYPES[VERIFY]
    rows = [
        {"case_id": case_id, "parent_id": roots[case_id][0], "type": VERIFY,
         "status": ASSIGNED, "assignee_kind": "team", "assignee": team, "created_at": at,
         "assigned_at": at, "detail": json.dumps(_detail(a), default=str)}
        for case_id, a in items
    ]  # fmt: skip
    made = insert(tasks).returning(tasks.c.id, sort_by_parameter_order=True)
    task_ids = [int(i) for i in conn.execute(made, rows).scalars()]
    history = [_event(t, at, actor, WHY, "created", None, ASSIGNED, team) for t in task_ids]
    conn.execute(insert(task_events), history)
    _hold_parents(conn, [(roots[c], t) for (c, _), t in zip(items, task_ids, strict=True)], at)
    detail = {"type": VERIFY, "reason": WHY}
    append_many(conn, [
        AuditEvent(actor.username, actor.role, actor.purpose, "case.task_add", "case",
                   [str(c), str(t)], ["case"], detail=detail)
        for (c, _), t in zip(items, task_ids, strict=True)
    ])  # fmt: skip
    events = [_announced(c, a.person_id, t) for (c, a), t in zip(items, task_ids, strict=True)]
    return task_ids, events


def _roots(conn: Connection, case_ids: list[int]) -> dict[int, tuple[int, str]]:
    """Each case's root task (id, status); refused if a case has none or it is closed."""
    query = select(tasks.c.case_id, tasks.c.id, tasks.c.status).where(
        tasks.c.case_id.in_(sorted(set(case_ids))), tasks.c.type == ROOT
    )
    roots = {int(c): (int(i), str(s)) for c, i, s in conn.execute(query)}
    for case_id in case_ids:
        if case_id not in roots:
            raise NotFoundError(f"no case {case_id}")
        if roots[case_id][1] not in OPEN:
            raise WorkflowError(f"task {roots[case_id][0]} is {roots[case_id][1]}: no new tasks")
    return roots


def _hold_parents(conn: Connection, parents: list[tuple[tuple[int, str], int]], at: Any) -> None:
    """Put each parent not yet on hold on hold, waiting on its new task (compare-and-set, as
    ``set_status``: a parent moved meanwhile is never overwritten)."""
    moving: dict[str, dict[int, int]] = defaultdict(dict)
    for (parent, status), task_id in parents:
        if status != ON_HOLD:
            moving[status].setdefault(parent, task_id)
    for old, waiting in moving.items():
        done = conn.execute(
            update(tasks).where(tasks.c.id.in_(sorted(waiting)), tasks.c.status == old)
            .values(status=ON_HOLD, on_hold_at=at)
        )  # fmt: skip
        if done.rowcount != len(waiting):
            raise WorkflowError(f"tasks {sorted(waiting)} changed meanwhile: not all {old}")
        conn.execute(insert(task_events), [
            _event(p, at, SYSTEM, f"waiting on task {t}", "status", old, ON_HOLD, None)
            for p, t in waiting.items()
        ])  # fmt: skip


def _event(
    task_id: int, at: Any, actor: Actor, reason: str, action: str, old: str | None,
    new: str | None, assignee: str | None,
) -> dict[str, Any]:  # fmt: skip
    return {"task_id": task_id, "at": at, "actor": actor.username, "role": actor.role,
            "reason": reason, "action": action, "from_status": old, "to_status": new,
            "assignee": assignee}  # fmt: skip


def _detail(a: Assessment) -> dict[str, Any]:
    records = list(a.evidence.get("departure_confirmed", ()))
    return {"status": a.facts.get("status"), "records": records, "policy": a.policy}


def _announced(case_id: int, person: str, task_id: int) -> Event:
    """``sojourn.case.<id>.task_add``, as ``cases.events.announce`` writes it."""
    payload = {
        "case": case_id, "person": person, "case_status": "open", "action": "task_add",
        "task": task_id, "task_type": VERIFY, "from": None, "to": None,
    }  # fmt: skip
    return Event(f"sojourn.case.{case_id}.task_add", payload, person)
