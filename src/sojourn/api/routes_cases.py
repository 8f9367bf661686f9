"""Cases: the list and one case whole (read); tasks added, moved, assigned and decided (each
write with an ``Idempotency-Key``, its task event and audit event in one transaction). The
workflow's refusals (an illegal move, a supervisor-only decision, a frozen enforcement task)
are 409 with the reason."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from sojourn.api.errors import ERRORS, ApiError
from sojourn.api.idempotent import Key, once
from sojourn.api.models import ID
from sojourn.api.projection_cases import project_case, project_cases
from sojourn.api.security import Guard, declare, guard
from sojourn.cases.model import STATUSES, TASK_TYPES, NotFoundError
from sojourn.cases.queries import case_detail, case_of_task, list_cases
from sojourn.cases.workflow import add_task, assign, decide, transition

router = APIRouter(tags=["cases"], responses=ERRORS)
Reader = Annotated[Guard, Depends(guard("case.read", "Case", "case_id"))]
Worker = Annotated[Guard, Depends(guard("case.work", "Case", "case_id"))]


def _case_of(engine: Engine, task_id: str) -> str | None:
    """The case a task belongs to: task routes are decided on their case."""
    if not task_id.isdigit() or int(task_id) > 2**31 - 1:
        return None  # not a task id: the route refuses it
    try:
        with engine.connect() as conn:
            return str(case_of_task(conn, int(task_id)))
    except NotFoundError:
        return None


TaskWorker = Annotated[Guard, Depends(guard("case.work", "Case", "task_id", _case_of))]
Decider = Annotated[Guard, Depends(guard("case.decide", "Case", "task_id", _case_of))]
CaseId = Annotated[int, Path(ge=1, le=2**31 - 1)]
TaskId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Reason = Annotated[str, Field(min_length=3, max_length=2000)]


class NewTask(BaseModel):
    type: Literal[tuple(t for t in TASK_TYPES if t != "case")]  # type: ignore[valid-type]
    reason: Reason
    parent_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class Move(BaseModel):
    to: Literal[STATUSES]  # type: ignore[valid-type]
    reason: Reason


class Assignment(BaseModel):
    kind: Literal["user", "team"]
    assignee: str = Field(min_length=1, max_length=64, pattern=ID)
    reason: Reason


class DecisionBody(BaseModel):
    outcome: str = Field(min_length=2, max_length=32, pattern=r"^[a-z_]+$")
    finding: Reason


def _route(method: str, path: str, action: str, audit: str) -> dict[str, Any]:
    return {"openapi_extra": declare(method, path, action, "Case", audit)}


@router.get("/cases", **_route("GET", "/cases", "case.read", "case.list"))
def get_cases(
    g: Annotated[Guard, Depends(guard("case.read", "Case"))],
    person: Annotated[str | None, Query(max_length=64, pattern=ID)] = None,
    status: Annotated[Literal["open", "closed"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """Cases, newest first, by person and state."""
    with g.engine.connect() as conn:
        found = list_cases(conn, person, status, limit)
    g.audit("case", [str(c["id"]) for c in found], ["case"], {"person": person})
    return project_cases(g.engine, found, g.field_groups())


@router.get("/cases/{case_id}", **_route("GET", "/cases/{case_id}", "case.read", "case.read"))
def get_case(case_id: CaseId, g: Reader) -> dict[str, Any]:
    """One case: its tasks as a tree with every state change, decisions and redress."""
    try:
        with g.engine.connect() as conn:
            found = case_detail(conn, case_id)
    except NotFoundError as exc:
        raise ApiError(404, "not_found", str(exc)) from exc
    g.audit("case", [str(case_id), found["person_id"]], ["case", "tasks", "decisions"])
    return project_case(g.engine, found, g.field_groups())


@router.post(
    "/cases/{case_id}/tasks",
    status_code=201,
    **_route("POST", "/cases/{case_id}/tasks", "case.work", "case.task_add"),
)
def post_task(case_id: CaseId, body: NewTask, g: Worker, key: Key) -> dict[str, Any]:
    """Add a task to a case (under its root, or under ``parent_id``)."""

    def write(conn: Any) -> dict[str, Any]:
        made = add_task(conn, case_id, body.type, g.actor(), body.reason, body.parent_id)
        return {"task_id": made, "case_id": case_id, "type": body.type}

    return dict(once(g, key, f"POST /cases/{case_id}/tasks", write))


@router.post(
    "/tasks/{task_id}/status",
    **_route("POST", "/tasks/{task_id}/status", "case.work", "case.task_status"),
)
def post_status(task_id: TaskId, body: Move, g: TaskWorker, key: Key) -> dict[str, Any]:
    """Move a task (assigned, in_progress, on_hold, completed, cancelled), with a reason."""

    def write(conn: Any) -> dict[str, Any]:
        case_of_task(conn, task_id)
        transition(conn, task_id, body.to, g.actor(), body.reason)
        return {"task_id": task_id, "status": body.to}

    return dict(once(g, key, f"POST /tasks/{task_id}/status", write))


@router.post(
    "/tasks/{task_id}/assignee",
    **_route("POST", "/tasks/{task_id}/assignee", "case.work", "case.task_assign"),
)
def post_assignee(task_id: TaskId, body: Assignment, g: TaskWorker, key: Key) -> dict[str, Any]:
    """Assign a task to a user or a team, with a reason."""

    def write(conn: Any) -> dict[str, Any]:
        assign(conn, task_id, body.kind, body.assignee, g.actor(), body.reason)
        return {"task_id": task_id, "assignee": body.assignee}

    return dict(once(g, key, f"POST /tasks/{task_id}/assignee", write))


@router.post(
    "/tasks/{task_id}/decision",
    status_code=201,
    **_route("POST", "/tasks/{task_id}/decision", "case.decide", "case.decision"),
)
def post_decision(task_id: TaskId, body: DecisionBody, g: Decider, key: Key) -> dict[str, Any]:
    """Decide a task: its outcome and the written finding (a supervisor approves a priority
    designation and closes a citizenship investigation)."""

    def write(conn: Any) -> dict[str, Any]:
        made = decide(conn, task_id, body.outcome, body.finding, g.actor())
        return {"decision_id": made, "task_id": task_id, "outcome": body.outcome}

    return dict(once(g, key, f"POST /tasks/{task_id}/decision", write))
