"""Redress tracking (requests by state, decided by a redress officer or a supervisor) and a
record's link explanation (field-by-field weights); assigning a task is on the case pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse

from sojourn.api.models import ID
from sojourn.api.projection_cases import project_explanation, project_redress, sees_records
from sojourn.api.security import Guard
from sojourn.cases.queries import count_redress, list_redress
from sojourn.resolve.queries import UnknownRecordError, explain_record
from sojourn.web.paging import Paging, paging
from sojourn.web.people import named_fields, person_labels
from sojourn.web.render import page
from sojourn.web.security import PageError, page_guard

router = APIRouter(prefix="/ui", include_in_schema=False)
Tracker = Annotated[Guard, Depends(page_guard("case.read", "Case"))]
Decider = Annotated[Guard, Depends(page_guard("redress.decide", "Redress", "redress_id"))]
Reader = Annotated[Guard, Depends(page_guard("person.read", "Person"))]
#: For an unknown record and for one the caller may not see alike.
NO_RECORD = "There is no record with this id."
REDRESS_STATES = ("open", "decided")


@router.get("/redress")
def redress_page(
    request: Request, g: Tracker, p: Annotated[Paging, Depends(paging)],
    state: Annotated[str | None, Query(max_length=16)] = None,
) -> HTMLResponse:  # fmt: skip
    """Redress requests, open first, with what the requester was told (paged, by state)."""
    if state and state not in REDRESS_STATES:
        raise PageError(400, f"There is no redress state {state!r}.")
    with g.engine.connect() as conn:
        counts = count_redress(conn)
        p = p.of(counts.get(state, 0) if state else sum(counts.values()))
        found = list_redress(conn, state or None, p.per, p.offset)
    groups = g.field_groups()
    found = project_redress(g.engine, found, groups)
    people = person_labels(g.engine, [r["person_id"] for r in found], groups)
    detail = {"shown": len(found), "total": p.total, "state": state}
    g.audit("redress", [r["person_id"] for r in found], ["redress", *named_fields(people)], detail)
    can_decide = g.principal.role in ("redress_officer", "supervisor")
    return page(request, "redress.html", requests=found, can_decide=can_decide, people=people,
                p=p, counts=counts, state=state, states=REDRESS_STATES)  # fmt: skip


@router.get("/records/{record_id}/explain")
def explain_page(
    request: Request, record_id: Annotated[str, Path(max_length=64, pattern=ID)], g: Reader
) -> HTMLResponse:
    """Why a record belongs to its person: the pair that linked it, weight by weight, as the
    caller may see it (a record of a group the caller lacks reads as no record at all)."""
    try:
        found = explain_record(g.engine, record_id)
    except UnknownRecordError as exc:
        raise PageError(404, NO_RECORD) from exc
    groups = g.field_groups()
    if "identity" not in groups:
        raise g.refuse("record", [record_id], "the explanation shows identity values")
    if not sees_records(g.engine, groups, [record_id]):
        g.audit("record", [record_id], [], {"reason": "record withheld"}, decision="deny")
        raise PageError(404, NO_RECORD)
    found = project_explanation(g.engine, found, groups)
    shown = [record_id, *(x for x in [found.via_record_id] if x)]
    g.audit("record", shown, ["explanation", *sorted(found.values)])
    return page(request, "explain.html", found=found)
