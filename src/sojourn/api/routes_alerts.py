"""Following a person or a case and reading one's alerts: ``POST /persons/{id}/follow`` and
``POST /cases/{id}/follow`` (the same decision as reading the person or the case, for the
caller's purpose; audited with the subscription) and ``GET /alerts?after=`` (the caller's own
alerts, each already audited when it was written)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from sojourn.api import views
from sojourn.api.errors import ERRORS, ApiError
from sojourn.api.models import ID
from sojourn.api.projection_cases import project_alerts
from sojourn.api.security import Guard, declare, guard
from sojourn.cases.queries import person_of
from sojourn.events.alerts import alerts_for, follow

router = APIRouter(tags=["alerts"], responses=ERRORS)
Reader = Annotated[Guard, Depends(guard("person.read", "Person", "person_id"))]
CaseReader = Annotated[Guard, Depends(guard("case.read", "Case", "case_id"))]
Own = Annotated[Guard, Depends(guard("alert.read", "Alert"))]


@router.post(
    "/persons/{person_id}/follow",
    status_code=201,
    openapi_extra=declare(
        "POST", "/persons/{person_id}/follow", "person.read", "Person", "person.follow"
    ),
)
def post_follow(
    person_id: Annotated[str, Path(max_length=64, pattern=ID)], g: Reader
) -> dict[str, Any]:
    """Be told of every change to this person (status, priority, hard stops, case): for
    those who may read the person's immigration history, which alerts carry."""
    if "immigration_history" not in g.field_groups():
        raise g.refuse("person", [person_id], "alerts carry the immigration history")
    views.visible_records(g, person_id)  # 404 for an unknown person
    with g.engine.begin() as conn:
        who = g.principal
        made = follow(conn, who.username, who.role, g.purpose, person_id, g.request_id)
    g.audited = True
    return {"subscription_id": made, "person_id": person_id}


@router.post(
    "/cases/{case_id}/follow",
    status_code=201,
    openapi_extra=declare("POST", "/cases/{case_id}/follow", "case.read", "Case", "case.follow"),
)
def post_follow_case(
    case_id: Annotated[int, Path(ge=1, le=2**31 - 1)], g: CaseReader
) -> dict[str, Any]:
    """Be told of every change to this case (tasks added, moved, assigned; the case closed)."""
    with g.engine.begin() as conn:
        person = person_of(conn, case_id)
        if person is None:
            raise ApiError(404, "not_found", f"no case {case_id}")
        who = g.principal
        made = follow(conn, who.username, who.role, g.purpose, person, g.request_id, case_id)
    g.audited = True
    return {"subscription_id": made, "case_id": case_id, "person_id": person}


@router.get("/alerts", openapi_extra=declare("GET", "/alerts", "alert.read", "Alert", "alert.read"))
def get_alerts(
    g: Own, after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0
) -> list[dict[str, Any]]:
    """The caller's alerts after id ``after``, oldest first."""
    with g.engine.connect() as conn:
        found = alerts_for(conn, g.principal.username, after)
    g.audit("alert", [str(a["id"]) for a in found], ["alerts"])
    return project_alerts(g.engine, found, g.field_groups())
