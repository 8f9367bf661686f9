"""The case workflow's small steps over the store, shared by the workflow, the withdrawal of
approvals and redress: a task's row, its state change (a ``task_events`` row), the audit
event and announcement of a change, and the facts a move is checked against."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Table, func, select

from sojourn.audit.log import AuditEvent, append
from sojourn.cases.events import announce
from sojourn.cases.model import OPEN, Actor, NotFoundError, WorkflowError
from sojourn.cases.queries import person_of
from sojourn.cases.tables import redress_requests, task_events, tasks


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def audit(conn: Connection, actor: Actor, action: str, ids: list[str], detail: Any) -> None:
    made = AuditEvent(actor.username, actor.role, actor.purpose, action, "case", ids,
                      ["case"], detail=detail)  # fmt: skip
    append(conn, made)


def changed(conn: Connection, actor: Actor, action: str, ids: list[str], detail: Any) -> None:
    """A change to a case: audited, announced (``sojourn.case.*``) and its followers
    alerted, in the caller's transaction."""
    audit(conn, actor, f"case.{action}", ids, detail)
    announce(conn, action, ids, detail)


def event(conn: Connection, task_id: int, actor: Actor, reason: str, **kw: Any) -> None:
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
    """Move the task from ``old`` to ``new``; refused if it is no longer ``old`` (another
    transaction moved it meanwhile: its change is never overwritten)."""
    done = conn.execute(tasks.update().where(tasks.c.id == task_id, tasks.c.status == old),
                        {"status": new, f"{new}_at": now()})  # fmt: skip
    if done.rowcount != 1:
        raise WorkflowError(f"task {task_id} changed meanwhile: it is no longer {old}")
    event(conn, task_id, actor, why, action="status", from_status=old, to_status=new)
