"""The case board: open cases' tasks by state and assignee."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from sojourn.api.security import Guard
from sojourn.cases.queries import case_detail, list_cases
from sojourn.web.people import named_fields, person_labels
from sojourn.web.render import page
from sojourn.web.security import page_guard

router = APIRouter(prefix="/ui", include_in_schema=False)
CaseReader = Annotated[Guard, Depends(page_guard("case.read", "Case"))]


@router.get("/cases")
def board(request: Request, g: CaseReader) -> HTMLResponse:
    """Open cases' tasks by state and assignee."""
    with g.engine.connect() as conn:
        found = [case_detail(conn, c["id"]) for c in list_cases(conn, None, "open", 50)]
    tasks = [dict(t, person_id=c["person_id"]) for c in found for t in c["tasks"]
             if t["type"] != "case"]  # fmt: skip
    people = person_labels(g.engine, [t["person_id"] for t in tasks], g.field_groups())
    g.audit("case", [str(c["id"]) for c in found], ["case", "tasks", *named_fields(people)])
    return page(request, "cases.html", tasks=tasks, people=people)
