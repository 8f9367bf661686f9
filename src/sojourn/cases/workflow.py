"""The case workflow over the store. Every change is a ``task_events`` row naming its actor,
role and reason, and an audit event in the same transaction; decisions are ``decisions``
rows; nothing is updated but a task's current state (whose history the events keep).

A parent task goes on hold when a child is added and comes back (``assigned``) when its last
open child closes. While a redress request is open for the person, enforcement tasks are held
and cannot start or complete.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Connection, Table, func, select

from sojourn.audit.log import AuditEvent, append
from sojourn.cases.events import announce
from sojourn.cases.model import (
    ASSIGNED,
    CANCELLED,
    COMPLETED,
    ENFORCEMENT_TASKS,
    ON_HOLD,
    OPEN,
    ROOT,
    SYSTEM,
    TASK_TYPES,
    Actor,
    NotFoundError,
    WorkflowError,
    check_decision,
    check_transition,
)
from sojourn.cases.queries import person_of
from sojourn.cases.tables import cases, decisions, redress_requests, task_events, tasks


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def audit(conn: Connection, actor: Actor, action: str, ids: list[str], detail: Any) -> None:
    event = AuditEvent(actor.username, actor.role, actor.purpose, action, "case", ids,
                       ["case"], detail=detail)  # fmt: skip
    append(conn, event)


def changed(conn: Connection, actor: Actor, action: str, ids: list[str], detail: Any) -> None:
    """A change to a case: audited, announced (``sojourn.case.*``) and its followers
    alerted, in the caller's transaction."""
    audit(conn, actor, f"case.{action}", ids, detail)
    announce(conn, action, ids, detail)


def _event(conn: Connection, task_id: int, actor: Actor, reason: str, **kw: Any) -> None:
    conn.execute(task_events.insert(), {"task_id": task_id, "at": now(), "actor": actor.username,
                 "role": actor.role, "reason": reason, **kw})  # fmt: skip


def insert(conn: Connection, table: Table, **values: Any) -> int:
    """Insert one row; its new id."""
    return int(conn.execute(table.insert().values(**values).returning(table.c.id)).scalar_one())


def task_row(conn: Connection, task_id: int) -> Any:
    row = conn.execute(select(tasks).where(tasks.c.id == task_id)).first()
    if row is None:
        raise NotFoundError(f"no task {task_id}")
    return row


def open_children(conn: Connection, task_id: int) -> int:
    query = select(func.count()).where(tasks.c.parent_id == task_id, tasks.c.status.in_(OPEN))
    return int(conn.execute(query).scalar_one())


def person_of_case(conn: Connection, case_id: int) -> str:
    person = person_of(conn, case_id)
    if person is None:
        raise NotFoundError(f"no case {case_id}")
    return person


def frozen(conn: Connection, person_id: str) -> bool:
    """Whether a redress request is open for the person."""
    query = select(func.count()).where(
        redress_requests.c.person_id == person_id, redress_requests.c.status == "open"
    )
    return bool(conn.execute(query).scalar_one())


def set_status(conn: Connection, task_id: int, old: str, new: str, actor: Actor, why: str) -> None:
    conn.execute(tasks.update().where(tasks.c.id == task_id),
                 {"status": new, f"{new}_at": now()})  # fmt: skip
    _event(conn, task_id, actor, why, action="status", from_status=old, to_status=new)


def open_case(
    conn: Connection, person_id: str, actor: Actor, reason: str, assessment_id: int | None = None
) -> int:
    """A new case for the person with its root task; returns the case id."""
    case_id = insert(
        conn, cases, person_id=person_id, status="open", opened_at=now(),
        opened_by=actor.username, reason=reason, assessment_id=assessment_id,
    )  # fmt: skip
    add_task(conn, case_id, ROOT, actor, reason)
    return case_id


def root_of(conn: Connection, case_id: int) -> int:
    query = select(tasks.c.id).where(tasks.c.case_id == case_id, tasks.c.type == ROOT)
    found = conn.execute(query).scalar()
    if found is None:
        raise NotFoundError(f"no case {case_id}")
    return int(found)


def add_task(
    conn: Connection, case_id: int, task_type: str, actor: Actor, reason: str,
    parent_id: int | None = None, detail: Any = None,
) -> int:  # fmt: skip
    """A task of ``task_type`` under ``parent_id`` (default the root), assigned to its team;
    the parent goes on hold while it is open."""
    if task_type not in TASK_TYPES:
        raise WorkflowError(f"unknown task type {task_type!r}")
    if task_type != ROOT and parent_id is None:
        parent_id = root_of(conn, case_id)
    parent = task_row(conn, parent_id) if parent_id is not None else None
    if parent is not None and parent.case_id != case_id:
        raise WorkflowError(f"task {parent_id} belongs to case {parent.case_id}, not {case_id}")
    if parent is not None and parent.status not in OPEN:
        raise WorkflowError(f"task {parent_id} is {parent.status}: it takes no new tasks")
    at, team = now(), TASK_TYPES[task_type]
    task_id = insert(
        conn, tasks, case_id=case_id, parent_id=parent_id, type=task_type, status=ASSIGNED,
        assignee_kind="team", assignee=team, created_at=at, assigned_at=at,
        detail=json.dumps(detail or {}, default=str),
    )  # fmt: skip
    _event(conn, task_id, actor, reason, action="created", to_status=ASSIGNED, assignee=team)
    if parent is not None and parent.status != ON_HOLD:
        set_status(conn, parent.id, parent.status, ON_HOLD, SYSTEM, f"waiting on task {task_id}")
    if task_type in ENFORCEMENT_TASKS and frozen(conn, person_of_case(conn, case_id)):
        set_status(conn, task_id, ASSIGNED, ON_HOLD, SYSTEM, "redress request open")
    changed(conn, actor, "task_add", [str(case_id), str(task_id)],
          {"type": task_type, "reason": reason})  # fmt: skip
    return task_id


def transition(
    conn: Connection, task_id: int, target: str, actor: Actor, reason: str, deciding: bool = False
) -> None:
    """Move a task to ``target`` (checked against the workflow), then resume its parent if
    this closed the parent's last open child."""
    if not reason.strip():
        raise WorkflowError("every change needs a reason")
    row = task_row(conn, task_id)
    person = person_of_case(conn, row.case_id)
    check_transition(row.type, row.status, target, actor, open_children(conn, task_id),
                     frozen(conn, person), deciding)  # fmt: skip
    set_status(conn, task_id, row.status, target, actor, reason)
    changed(conn, actor, "task_status", [str(row.case_id), str(task_id), person],
          {"from": row.status, "to": target, "reason": reason})  # fmt: skip
    if target in (COMPLETED, CANCELLED) and row.parent_id is not None:
        _resume(conn, row.parent_id)


def _resume(conn: Connection, parent_id: int) -> None:
    parent = task_row(conn, parent_id)
    if parent.status == ON_HOLD and not open_children(conn, parent_id):
        set_status(conn, parent_id, ON_HOLD, ASSIGNED, SYSTEM, "its child tasks are closed")


def assign(
    conn: Connection, task_id: int, kind: str, assignee: str, actor: Actor, reason: str
) -> None:
    """Give a task to a user or a team."""
    if kind not in ("user", "team"):
        raise WorkflowError("a task is assigned to a user or a team")
    row = task_row(conn, task_id)
    if row.status not in OPEN:
        raise WorkflowError(f"task {task_id} is {row.status}")
    conn.execute(tasks.update().where(tasks.c.id == task_id),
                 {"assignee_kind": kind, "assignee": assignee})  # fmt: skip
    _event(conn, task_id, actor, reason, action="assigned", assignee=assignee)
    changed(conn, actor, "task_assign", [str(row.case_id), str(task_id)],
          {"assignee": assignee, "reason": reason})  # fmt: skip


def decide(
    conn: Connection, task_id: int, outcome: str, finding: str, actor: Actor,
    evidence: Any = None,
) -> int:  # fmt: skip
    """A human decision that completes a task (supervisor-only tasks need their outcome and a
    written finding); returns the decision id."""
    row = task_row(conn, task_id)
    check_decision(row.type, outcome, finding)
    transition(conn, task_id, COMPLETED, actor, f"{outcome}: {finding}", deciding=True)
    return insert(
        conn, decisions, case_id=row.case_id, task_id=task_id, kind=row.type, outcome=outcome,
        finding=finding, actor=actor.username, role=actor.role, at=now(),
        evidence=json.dumps(evidence or {}, default=str),
    )  # fmt: skip


def close_case(conn: Connection, case_id: int, actor: Actor, reason: str, evidence: Any) -> None:
    """Close a case: open tasks are cancelled (children first), the root completes, and the
    closure keeps its reason and evidence."""
    query = select(tasks.c.id).where(tasks.c.case_id == case_id, tasks.c.status.in_(OPEN))
    open_tasks = list(conn.execute(query.order_by(tasks.c.id.desc())).scalars())
    root = root_of(conn, case_id)
    for task_id in open_tasks:
        row = task_row(conn, task_id)
        if task_id != root and row.status in OPEN:
            set_status(conn, task_id, row.status, CANCELLED, actor, f"case closed: {reason}")
    row = task_row(conn, root)
    if row.status in OPEN:
        set_status(conn, root, row.status, COMPLETED, actor, reason)
    closure = json.dumps({"reason": reason, "evidence": evidence}, default=str)
    conn.execute(cases.update().where(cases.c.id == case_id),
                 {"status": "closed", "closed_at": now(), "closure": closure})  # fmt: skip
    changed(conn, actor, "close", [str(case_id), person_of_case(conn, case_id)],
          {"reason": reason, "evidence": evidence})  # fmt: skip


def resume_frozen(conn: Connection, person_id: str) -> None:
    """After the last open redress request of a person is decided, their held enforcement
    tasks come back (unless they wait on children)."""
    if frozen(conn, person_id):
        return
    query = (
        select(tasks.c.id)
        .join(cases, cases.c.id == tasks.c.case_id)
        .where(cases.c.person_id == person_id, tasks.c.status == ON_HOLD)
        .where(tasks.c.type.in_(ENFORCEMENT_TASKS))
    )
    for task_id in list(conn.execute(query).scalars()):
        if not open_children(conn, task_id):
            set_status(conn, task_id, ON_HOLD, ASSIGNED, SYSTEM, "redress request decided")
