"""The case pages: a case's tasks with only the moves the workflow, the hard stops and the
user's role allow now (start, hold, back, complete, decide; cancel apart, confirmed on its own
page), and giving a task to a user. Every write goes through the domain in one transaction
with its audit event; a refused change shows the case again with the reason beside the field
and what was typed kept."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from sojourn.access.authz import authorizer
from sojourn.api.projection_cases import project_case
from sojourn.api.security import Guard
from sojourn.cases.model import NotFoundError, WorkflowError
from sojourn.cases.queries import case_detail
from sojourn.cases.steps import task_row
from sojourn.cases.workflow import assign, decide, transition
from sojourn.web import offers
from sojourn.web.flash import done
from sojourn.web.people import named_fields, person_labels
from sojourn.web.render import page
from sojourn.web.security import PageError, check_csrf, page_guard

router = APIRouter(prefix="/ui", include_in_schema=False)
CaseReader = Annotated[Guard, Depends(page_guard("case.read", "Case"))]
CaseWorker = Annotated[Guard, Depends(page_guard("case.work", "Case"))]
Form_ = Annotated[str, Form(max_length=4000)]
Number = Annotated[int, Path(ge=1, le=2**31 - 1)]
USER = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
DONE = {"start": "started", "hold": "put on hold", "back": "back to assigned",
        "complete": "completed", "cancel": "cancelled"}  # fmt: skip


def show_case(
    request: Request, g: Guard, case_id: int, code: int = 200,
    errors: dict[str, str] | None = None, typed: dict[int, dict[str, str]] | None = None,
) -> HTMLResponse:  # fmt: skip
    """The case page (again, after a refused change: ``errors`` by field id, ``typed`` by
    task id)."""
    try:
        with g.engine.connect() as conn:
            found = case_detail(conn, case_id)
    except NotFoundError as exc:
        raise PageError(404, str(exc)) from exc
    groups = g.field_groups()
    who = person_labels(g.engine, [found["person_id"]], groups)[found["person_id"]]
    g.audit("case", [str(case_id), found["person_id"]],
            ["case", "tasks", "decisions", *named_fields({who.id: who})])  # fmt: skip
    works = offers.may_work(g.principal, g.purpose)
    offered = offers.offers(found, offers.context(g.engine, found, g.actor(), works))
    shown = project_case(g.engine, found, groups)
    message = "; ".join((errors or {}).values()) or None
    decides = authorizer().decide(g.principal, "redress.decide", "Redress", "*", g.purpose)
    return page(request, "case.html", code, case=shown, who=who, offers=offered, works=works,
                errors=errors or {}, typed=typed or {}, message=message,
                decides_redress=decides.allowed)  # fmt: skip


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: Number, g: CaseReader) -> HTMLResponse:
    return show_case(request, g, case_id)


def _problem(action: str, reason: str, outcome: str) -> str | None:
    """What the form lacks, in words (GOV.UK's "Enter …" messages), or None."""
    if action != "decide" and action not in offers.TARGETS:
        return "Choose what to do with the task"
    if action == "decide" and not outcome:
        return "Choose an outcome"
    if action == "decide" and len(reason.strip()) < 10:
        return "Enter the finding: what you found and why, in at least 10 characters"
    if len(reason.strip()) < 3:
        return "Enter the reason for this change, in at least 3 characters"
    return None


def _task_words(g: Guard, task_id: int) -> tuple[int, str]:
    try:
        with g.engine.connect() as conn:
            row = task_row(conn, task_id)
    except NotFoundError as exc:
        raise PageError(404, f"There is no task {task_id}.") from exc
    return int(row.case_id), str(row.type).replace("_", " ")


@router.post("/tasks/{task_id}")
def task_post(
    request: Request, task_id: Number, g: CaseWorker, action: Form_, csrf: Form_,
    reason: Form_ = "", outcome: Form_ = "", confirmed: Form_ = "", case_id: Form_ = "",
) -> Response:  # fmt: skip
    """Move a task (start, hold, back, complete, cancel once confirmed) or decide it, with a
    reason; a refusal shows the case again, the reason kept and the refusal beside it."""
    check_csrf(request, csrf)
    case, kind = _task_words(g, task_id)
    typed, field = {task_id: {"reason": reason, "outcome": outcome}}, f"reason-{task_id}"
    problem = _problem(action, reason, outcome)
    if problem:
        return show_case(request, g, case, 400, {field: problem}, typed)
    if action == "cancel" and confirmed != "yes":
        g.audit("case", [str(case), str(task_id)], ["tasks"], {"web": "confirm a cancel"})
        return page(request, "confirm_cancel.html", task_id=task_id, case_id=case, kind=kind,
                    reason=reason)  # fmt: skip
    try:
        with g.engine.begin() as conn:
            if action == "decide":
                decide(conn, task_id, outcome, reason, g.actor())
            else:
                transition(conn, task_id, offers.TARGETS[action], g.actor(), reason)
    except WorkflowError as exc:
        why = f"Not done: {str(exc).replace('_', ' ')}."
        return show_case(request, g, case, 409, {field: why}, typed)
    g.audited = True
    if action == "decide":
        return done(f"/ui/cases/{case}", f"Decision recorded: {kind}, {outcome.replace('_', ' ')}.")
    return done(f"/ui/cases/{case}", f"The {kind} task is {DONE[action]}.")


@router.post("/tasks/{task_id}/assignee")
def assign_post(
    request: Request, task_id: Number, g: CaseWorker, csrf: Form_, assignee: Form_ = "",
    reason: Form_ = "", case_id: Form_ = "",
) -> Response:  # fmt: skip
    """Give a task to a user; a refusal shows the case again with what was typed."""
    check_csrf(request, csrf)
    case, kind = _task_words(g, task_id)
    typed = {task_id: {"assignee": assignee, "why": reason}}
    problems = {}
    if not USER.fullmatch(assignee.strip()):
        problems[f"assignee-{task_id}"] = "Enter the user name to assign the task to"
    if len(reason.strip()) < 3:
        problems[f"why-{task_id}"] = "Enter why, in at least 3 characters"
    if problems:
        return show_case(request, g, case, 400, problems, typed)
    try:
        with g.engine.begin() as conn:
            assign(conn, task_id, "user", assignee.strip(), g.actor(), reason)
    except WorkflowError as exc:
        why = {f"assignee-{task_id}": f"Not assigned: {str(exc).replace('_', ' ')}."}
        return show_case(request, g, case, 409, why, typed)
    g.audited = True
    return done(f"/ui/cases/{case}", f"The {kind} task is assigned to {assignee.strip()}.")
