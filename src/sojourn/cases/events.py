"""Every change to a case is announced: ``sojourn.case.<id>.<action>`` (``task_add``,
``task_status``, ``task_assign``, ``close``) goes into the outbox in the transaction of the
change, and the case's followers are alerted in it too. The payload says which task moved
from which state to which, and the case's state after — not the officer's free-text reason,
which stays in the case for those who read it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select

from sojourn.cases.tables import cases, tasks
from sojourn.events.alerts import alert_followers
from sojourn.events.bus import enqueue
from sojourn.events.event import Event


def announce(conn: Connection, action: str, ids: list[str], detail: Mapping[str, Any]) -> Event:
    """Announce ``case.<action>`` on the case ``ids[0]`` (and task ``ids[1]`` for a task
    action), in the caller's transaction."""
    case_id = int(ids[0])
    case = conn.execute(
        select(cases.c.person_id, cases.c.status).where(cases.c.id == case_id)
    ).one()
    task = int(ids[1]) if action.startswith("task_") else None
    task_type = detail.get("type")
    if task is not None and task_type is None:
        task_type = conn.execute(select(tasks.c.type).where(tasks.c.id == task)).scalar()
    payload = {
        "case": case_id, "person": case.person_id, "case_status": case.status,
        "action": action, "task": task, "task_type": task_type,
        "from": detail.get("from"), "to": detail.get("to"),
    }  # fmt: skip
    event = Event(f"sojourn.case.{case_id}.{action}", payload, case.person_id)
    enqueue(conn, event)
    alert_followers(conn, event)
    return event
