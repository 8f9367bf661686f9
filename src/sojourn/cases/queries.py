"""Reading cases: the list (by person, by state) and one case whole: its tasks as a tree with
every state change, and its decisions."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from sojourn.cases.model import NotFoundError
from sojourn.cases.tables import cases, decisions, redress_requests, task_events, tasks


def _plain(row: Any) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row._mapping.items()}


def list_cases(
    conn: Connection, person: str | None = None, status: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    query = select(cases).order_by(cases.c.id.desc()).limit(limit)
    if person:
        query = query.where(cases.c.person_id == person)
    if status:
        query = query.where(cases.c.status == status)
    return [_plain(r) for r in conn.execute(query)]


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
