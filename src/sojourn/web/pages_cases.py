"""The case pages: a case's tasks (assign, start, hold, complete, decide),
and redress intake. Every write goes through the domain in one
transaction with its audit event; a refused change is shown in plain words."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sojourn.api.models import ID
from sojourn.api.projection_cases import project_case
from sojourn.api.security import Guard
from sojourn.cases.model import DECIDED, ENDED_BY, NotFoundError, WorkflowError
from sojourn.cases.queries import case_detail
from sojourn.cases.recompute import recompute
from sojourn.cases.redress import file_request
from sojourn.cases.workflow import decide, transition
from sojourn.settings import today
from sojourn.web.people import named_fields, person_labels
from sojourn.web.render import page
from sojourn.web.security import PageError, check_csrf, page_guard

router = APIRouter(prefix="/ui", include_in_schema=False)
CaseReader = Annotated[Guard, Depends(page_guard("case.read", "Case"))]
CaseWorker = Annotated[Guard, Depends(page_guard("case.work", "Case"))]
Filer = Annotated[Guard, Depends(page_guard("redress.file", "Person", "person_id"))]
Form_ = Annotated[str, Form()]


@router.get("/cases/{case_id}")
def case_page(
    request: Request, case_id: Annotated[int, Path(ge=1, le=2**31 - 1)], g: CaseReader
) -> HTMLResponse:
    try:
        with g.engine.connect() as conn:
            found = case_detail(conn, case_id)
    except NotFoundError as exc:
        raise PageError(404, str(exc)) from exc
    groups = g.field_groups()
    who = person_labels(g.engine, [found["person_id"]], groups)[found["person_id"]]
    g.audit("case", [str(case_id), found["person_id"]],
            ["case", "tasks", "decisions", *named_fields({who.id: who})])  # fmt: skip
    found = project_case(g.engine, found, groups)
    return page(request, "case.html", case=found, supervisor=g.principal.role == "supervisor",
                who=who, decided=DECIDED, ended_by=ENDED_BY)  # fmt: skip


@router.post("/tasks/{task_id}")
def task_post(
    request: Request, task_id: Annotated[int, Path(ge=1, le=2**31 - 1)], g: CaseWorker,
    action: Form_, reason: Form_, csrf: Form_, case_id: Form_, outcome: Form_ = "",
) -> Response:  # fmt: skip
    """Move a task (start, hold, back, complete, cancel) or decide it, with a reason."""
    check_csrf(request, csrf)
    moves = {"start": "in_progress", "hold": "on_hold", "back": "assigned",
             "complete": "completed", "cancel": "cancelled"}  # fmt: skip
    try:
        with g.engine.begin() as conn:
            if action == "decide":
                decide(conn, task_id, outcome, reason, g.actor())
            elif action in moves:
                transition(conn, task_id, moves[action], g.actor(), reason)
            else:
                raise WorkflowError(f"unknown action {action!r}")
    except WorkflowError as exc:
        raise PageError(409, f"Not done: {exc}.") from exc
    g.audited = True
    return RedirectResponse(f"/ui/cases/{int(case_id)}", status_code=303)


@router.post("/persons/{person_id}/redress")
def redress_post(
    request: Request, person_id: Annotated[str, Path(max_length=64, pattern=ID)], g: Filer,
    kind: Form_, requester: Form_, statement: Form_, csrf: Form_, subject: Form_ = "",
) -> Response:  # fmt: skip
    """Redress intake: the person's enforcement tasks are frozen and a review opened."""
    check_csrf(request, csrf)
    try:
        with g.engine.begin() as conn:
            file_request(conn, person_id, kind, requester, statement, {"contested": subject},
                         g.actor())  # fmt: skip
    except WorkflowError as exc:
        raise PageError(400, f"Not filed: {exc}.") from exc
    g.audited = True
    recompute(g.engine, today(), "redress filed", [person_id], g.actor())
    return RedirectResponse(f"/ui/persons/{person_id}", status_code=303)
