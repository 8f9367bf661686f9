"""Reading cases: the list (by person, by state) and one case whole: its tasks as a tree with
every state change, and its decisions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, func, select

from sojourn.cases.model import OPEN, ROOT, NotFoundError
from sojourn.cases.tables import cases, decisions, redress_requests, task_events, tasks


def _plain(row: Any) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row._mapping.items()}


def _cases_where(query: Select[Any], person: str | None, status: str | None) -> Select[Any]:
    if person:
        query = query.where(cases.c.person_id == person)
    if status:
        query = query.where(cases.c.status == status)
    return query


def list_cases(
    conn: Connection,
    person: str | None = None,
    status: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    query = select(cases).order_by(cases.c.id.desc()).limit(limit).offset(offset)
    return [_plain(r) for r in conn.execute(_cases_where(query, person, status))]


def count_cases(conn: Connection, person: str | None = None, status: str | None = None) -> int:
    query = _cases_where(select(func.count()).select_from(cases), person, status)
    return int(conn.execute(query).scalar_one())


@dataclass(frozen=True)
class TaskFilter:
    """Which open tasks of open cases (the root task aside): in ``state``, assigned to
    ``assignee`` (a user or a team), of ``type``. None: any."""

    state: str | None = None
    assignee: str | None = None
    type: str | None = None

    def where(self, query: Select[Any], skip_state: bool = False) -> Select[Any]:
        t = tasks.c
        query = query.where(cases.c.status == "open", t.type != ROOT, t.status.in_(sorted(OPEN)))
        if self.state and not skip_state:
            query = query.where(t.status == self.state)
        if self.assignee:
            query = query.where(t.assignee == self.assignee)
        if self.type:
            query = query.where(t.type == self.type)
        return query


_OPEN_TASKS = tasks.join(cases, tasks.c.case_id == cases.c.id)


def open_tasks(
    conn: Connection, which: TaskFilter, limit: int = 50, offset: int = 0
) -> list[dict[str, Any]]:
    """A page of open tasks (with their case's person), the newest case first."""
    t = tasks.c
    query = select(t.id, t.case_id, t.type, t.status, t.assignee_kind, t.assignee,
                   t.created_at, cases.c.person_id).select_from(_OPEN_TASKS)  # fmt: skip
    query = which.where(query).order_by(t.case_id.desc(), t.id).limit(limit).offset(offset)
    return [_plain(r) for r in conn.execute(query)]


def count_open_tasks(conn: Connection, which: TaskFilter) -> int:
    query = which.where(select(func.count()).select_from(_OPEN_TASKS))
    return int(conn.execute(query).scalar_one())


def open_task_states(conn: Connection, which: TaskFilter) -> dict[str, int]:
    """How many tasks the filter keeps in each open state (whatever its own state)."""
    query = which.where(select(tasks.c.status, func.count()).select_from(_OPEN_TASKS), True)
    return {str(s): int(n) for s, n in conn.execute(query.group_by(tasks.c.status))}


def open_task_choices(conn: Connection) -> tuple[list[str], list[str]]:
    """The assignees and the task types open tasks of open cases have, each in order."""
    out = []
    for column in (tasks.c.assignee, tasks.c.type):
        query = TaskFilter().where(select(column).select_from(_OPEN_TASKS).distinct())
        out.append(sorted(str(v) for v in conn.execute(query).scalars()))
    return out[0], out[1]


def list_redress(
    conn: Connection, status: str | None = None, limit: int = 50, offset: int = 0
) -> list[dict[str, Any]]:
    """Redress requests, open first, newest first."""
    r = redress_requests.c
    query = select(redress_requests).order_by(r.status.desc(), r.id.desc())
    if status:
        query = query.where(r.status == status)
    return [dict(x._mapping) for x in conn.execute(query.limit(limit).offset(offset))]


def count_redress(conn: Connection) -> dict[str, int]:
    """How many redress requests there are in each state."""
    r = redress_requests.c
    query = select(r.status, func.count()).group_by(r.status)
    return {str(s): int(n) for s, n in conn.execute(query)}


def case_detail(conn: Connection, case_id: int) -> dict[str, Any]:
    """The case, its tasks (each with its events), its decisions and the person's redress
    requests."""
    row = conn.execute(select(cases).where(cases.c.id == case_id)).first()
    if row is None:
        raise NotFoundError(f"no case {case_id}")
    out = _plain(row)
    out["closure"] = json.loads(row.closure) if row.closure else None
    found = [_plain(t) for t in conn.execute(select(tasks).where(tasks.c.case_id == case_id)
                                             .order_by(tasks.c.id))]  # fmt: skip
    ids = [t["id"] for t in found]
    events: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    query = select(task_events).where(task_events.c.task_id.in_(ids)).order_by(task_events.c.id)
    for e in conn.execute(query):
        events[e.task_id].append(_plain(e))
    for t in found:
        t["detail"], t["events"] = json.loads(t["detail"]), events[t["id"]]
    out["tasks"] = found
    made = conn.execute(select(decisions).where(decisions.c.case_id == case_id))
    out["decisions"] = [{**_plain(d), "evidence": json.loads(d.evidence)} for d in made]
    asked = select(redress_requests).where(redress_requests.c.person_id == row.person_id)
    out["redress"] = [_plain(r) for r in conn.execute(asked)]
    return out


def case_of_task(conn: Connection, task_id: int) -> int:
    found = conn.execute(select(tasks.c.case_id).where(tasks.c.id == task_id)).scalar()
    if found is None:
        raise NotFoundError(f"no task {task_id}")
    return int(found)


def person_of(conn: Connection, case_id: int) -> str | None:
    """The person a case is about (None: no such case)."""
    found = conn.execute(select(cases.c.person_id).where(cases.c.id == case_id)).scalar()
    return None if found is None else str(found)
