"""Export: a person's whole file (identity, records with provenance, links with their
evidence, status timeline) as the caller may see it, in one JSON document. Limited per user
(``SOJOURN_EXPORT_RATE_PER_HOUR``) and audited as one event naming every record exported."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from sojourn.api import views
from sojourn.api.errors import ERRORS, ApiError
from sojourn.api.models import ID, PersonExport
from sojourn.api.ratelimit import RateLimit
from sojourn.api.security import Guard, declare, guard
from sojourn.audit.log import now
from sojourn.settings import today

router = APIRouter(prefix="/persons", tags=["export"], responses=ERRORS)
Exporter = Annotated[Guard, Depends(guard("person.export", "Person", "person_id"))]
PATH = "/persons/{person_id}/export"


@router.get(
    "/{person_id}/export",
    response_model=PersonExport,
    dependencies=[Depends(RateLimit.per_user("export"))],
    openapi_extra=declare("GET", PATH, "person.export", "Person", "person.export"),
)
async def export_person(
    person_id: Annotated[str, Path(max_length=64, pattern=ID)],
    g: Exporter,
    response: Response,
    as_of: Annotated[dt.date | None, Query()] = None,
) -> PersonExport:
    """The person's file for a case (criminal investigation) or for the person's own access
    or correction request (redress), projected to the caller's field groups."""
    records, groups = views.visible_records(g, person_id)
    day = as_of or today()
    status = None
    if "immigration_history" in groups:
        try:
            status = views.status_view(g.engine, person_id, day, records, groups)
        except LookupError as exc:
            raise ApiError(404, "not_found", str(exc)) from exc
    found = views.record_views(records, groups)
    doc = PersonExport(
        person_id=person_id,
        exported_at=now(),
        exported_by=g.principal.username,
        role=g.principal.role,
        purpose=g.purpose,
        request_id=g.request_id,
        as_of=day.isoformat(),
        field_groups=sorted(groups),
        person=views.person_view(person_id, records, groups),
        records=found,
        links=views.link_views(g.engine, person_id, records),
        status=status,
    )
    fields = [*views.record_fields(found), "links", *(["status"] if status else [])]
    detail = {"records": len(found), "as_of": doc.as_of}
    g.audit("person", [person_id, *(r.id for r in found)], fields, detail)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="person-{person_id}-{doc.as_of}.json"'
    )
    return doc
