"""Alerts in the pages: follow a person or a case from its page; the alerts page lists the
user's alerts and receives new ones live (server-sent events from ``/ui/alerts/stream``)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from sqlalchemy import Connection, func, select

from sojourn.api.models import ID
from sojourn.api.projection_cases import project_alerts
from sojourn.api.security import Guard
from sojourn.cases.queries import person_of
from sojourn.events.alerts import alerts, alerts_for, follow
from sojourn.web.flash import done
from sojourn.web.paging import Paging, paging
from sojourn.web.people import named_fields, person_labels
from sojourn.web.render import page
from sojourn.web.security import PageError, check_csrf, page_guard

router = APIRouter(prefix="/ui", include_in_schema=False)
Reader = Annotated[Guard, Depends(page_guard("person.read", "Person", "person_id"))]
CaseReader = Annotated[Guard, Depends(page_guard("case.read", "Case", "case_id"))]
Own = Annotated[Guard, Depends(page_guard("alert.read", "Alert"))]


@router.post("/persons/{person_id}/follow")
def follow_post(
    request: Request, person_id: Annotated[str, Path(max_length=64, pattern=ID)], g: Reader,
    csrf: Annotated[str, Form()],
) -> Response:  # fmt: skip
    check_csrf(request, csrf)
    if "immigration_history" not in g.field_groups():
        why = "alerts carry the immigration history, which your role may not read"
        g.refuse("person", [person_id], why)  # audited as a refusal
        raise PageError(403, why)
    with g.engine.begin() as conn:
        who = g.principal
        follow(conn, who.username, who.role, g.purpose, person_id, g.request_id)
    g.audited = True
    return done(f"/ui/persons/{person_id}", "You follow this person: changes arrive in Alerts.")


@router.post("/cases/{case_id}/follow")
def follow_case_post(
    request: Request, case_id: Annotated[int, Path(ge=1, le=2**31 - 1)], g: CaseReader,
    csrf: Annotated[str, Form()],
) -> Response:  # fmt: skip
    check_csrf(request, csrf)
    with g.engine.begin() as conn:
        person = person_of(conn, case_id)
        if person is None:
            raise PageError(404, f"no case {case_id}")
        who = g.principal
        follow(conn, who.username, who.role, g.purpose, person, g.request_id, case_id)
    g.audited = True
    return done(f"/ui/cases/{case_id}", "You follow this case: changes arrive in Alerts.")


def _newest_first(conn: Connection, username: str, p: Paging) -> tuple[int, int, list[Any]]:
    """How many alerts the user has, the newest one's id, and one page of them, newest first."""
    mine = alerts.c.username == username
    total, newest = conn.execute(select(func.count(), func.max(alerts.c.id)).where(mine)).one()
    query = select(alerts).where(mine).order_by(alerts.c.id.desc()).limit(p.per).offset(p.offset)
    found = [{**dict(r._mapping), "summary": json.loads(r.summary), "at": r.at.isoformat()}
             for r in conn.execute(query)]  # fmt: skip
    return int(total), int(newest or 0), found


@router.get("/alerts")
def alerts_page(request: Request, g: Own, p: Annotated[Paging, Depends(paging)]) -> HTMLResponse:
    """The user's alerts, newest first and paged; the first page receives new ones live."""
    with g.engine.connect() as conn:
        total, newest, found = _newest_first(conn, g.principal.username, p)
    found = project_alerts(g.engine, found, g.field_groups())
    people = person_labels(g.engine, [a["person_id"] for a in found if a.get("person_id")],
                           g.field_groups())  # fmt: skip
    g.audit("alert", [str(a["id"]) for a in found], ["alerts", *named_fields(people)],
            {"total": total})  # fmt: skip
    return page(request, "alerts.html", alerts=found, last=newest, p=p.of(total), people=people)


@router.get("/alerts/stream")
async def alerts_stream(
    request: Request, g: Own,
    after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    seconds: Annotated[float, Query(gt=0, le=3600)] = 600,
) -> StreamingResponse:  # fmt: skip
    """New alerts as server-sent events (each already audited when written), for
    ``seconds`` (the browser reconnects)."""
    g.audited = True  # the stream shows alerts whose delivery was audited as it was written
    groups = g.field_groups()

    async def events() -> AsyncIterator[str]:
        last, waited = after, 0.0
        while waited < seconds and not await request.is_disconnected():
            with g.engine.connect() as conn:
                found = alerts_for(conn, g.principal.username, last)
            found = project_alerts(g.engine, found, groups)
            for a in found:
                last = a["id"]
                yield f"id: {a['id']}\nevent: alert\ndata: {json.dumps(a, default=str)}\n\n"
            await asyncio.sleep(0.5)
            waited += 0.5

    return StreamingResponse(events(), media_type="text/event-stream")
