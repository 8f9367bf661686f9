"""The case board: the open tasks of open cases, by state, filtered by assignee (or "me")
and task type, each list with its total; one state's list paged."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from sojourn.api.security import Guard
from sojourn.cases.model import ASSIGNED, IN_PROGRESS, ON_HOLD
from sojourn.cases.queries import (
    TaskFilter,
    count_cases,
    open_task_choices,
    open_task_states,
    open_tasks,
)
from sojourn.web.paging import Paging, paging
from sojourn.web.people import named_fields, person_labels
from sojourn.web.render import page
from sojourn.web.security import PageError, page_guard

router = APIRouter(prefix="/ui", include_in_schema=False)
CaseReader = Annotated[Guard, Depends(page_guard("case.read", "Case"))]
Text = Annotated[str | None, Query(max_length=64)]
STATES = (ASSIGNED, IN_PROGRESS, ON_HOLD)


@router.get("/cases")
def board(
    request: Request, g: CaseReader, p: Annotated[Paging, Depends(paging)],
    state: Text = None, assignee: Text = None, type: Text = None,
) -> HTMLResponse:  # fmt: skip
    """Open cases' tasks by state (each state's first page, or one state's pages)."""
    if state and state not in STATES:
        raise PageError(400, f"There is no open task state {state!r}.")
    who = g.principal.username if assignee == "me" else assignee or None
    which = TaskFilter(None, who, type or None)
    shown = [state] if state else list(STATES)
    with g.engine.connect() as conn:
        counts = open_task_states(conn, which)
        lists: dict[str, Any] = {}
        for s in shown:
            at = p.of(counts.get(s, 0)) if state else Paging(1, p.per, counts.get(s, 0))
            lists[s] = (at, open_tasks(conn, TaskFilter(s, who, type or None), at.per, at.offset))
        cases, (assignees, types) = count_cases(conn, None, "open"), open_task_choices(conn)
    tasks = [t for _, found in lists.values() for t in found]
    people = person_labels(g.engine, [t["person_id"] for t in tasks], g.field_groups())
    case_ids = sorted({str(t["case_id"]) for t in tasks})
    detail = {
        "shown": len(tasks),
        "open_cases": cases,
        "state": state,
        "assignee": who,
        "type": type,
    }
    g.audit("case", case_ids, ["case", "tasks", *named_fields(people)], detail)
    return page(request, "cases.html", lists=lists, counts=counts, people=people, cases=cases,
                q={"state": state, "assignee": assignee, "type": type}, assignees=assignees,
                types=types, states=STATES)  # fmt: skip
