"""The person page: identity with its sources, the status timeline with citations, records with
provenance, links with their explanations, the assessment with evidence and hard stops, the
case and its tasks, redress, and (for privacy officers) who viewed this person. Every section
is built from the same projected views as the API, and the page is one audit event."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from sojourn.access.authz import authorizer
from sojourn.api import views
from sojourn.api.errors import ApiError
from sojourn.api.models import ID
from sojourn.api.projection_cases import project_case
from sojourn.api.routes_assessment import assessment_view
from sojourn.api.security import Guard
from sojourn.audit.queries import events
from sojourn.cases.model import NotFoundError, WorkflowError
from sojourn.cases.queries import case_detail, list_cases
from sojourn.cases.recompute import recompute
from sojourn.cases.redress import KINDS, file_request
from sojourn.settings import today
from sojourn.web import actionable
from sojourn.web.charts import legend, timeline_svg
from sojourn.web.flash import done
from sojourn.web.people import person_labels, withheld_count
from sojourn.web.render import page
from sojourn.web.security import PageError, check_csrf, page_guard
from sojourn.web.start import back_to

router = APIRouter(prefix="/ui", include_in_schema=False)
Reader = Annotated[Guard, Depends(page_guard("person.read", "Person", "person_id"))]
Filer = Annotated[Guard, Depends(page_guard("redress.file", "Person", "person_id"))]
PersonId = Annotated[str, Path(max_length=64, pattern=ID)]
Form_ = Annotated[str, Form(max_length=4000)]


def _cases(g: Guard, person_id: str, groups: frozenset[str]) -> list[dict[str, Any]]:
    with g.engine.connect() as conn:
        found = [case_detail(conn, c["id"]) for c in list_cases(conn, person_id, None, 5)]
    return [project_case(g.engine, c, groups) for c in found]


def _sections(g: Guard, person_id: str) -> dict[str, Any]:
    records, groups = views.visible_records(g, person_id)
    out: dict[str, Any] = {
        "person": views.person_view(person_id, records, groups),
        "records": views.record_views(records, groups),
        "links": views.link_views(g.engine, person_id, records),
        "groups": sorted(groups),
        "status": None,
        "assessment": None,
        "cases": [],
        "viewers": None,
        "who": person_labels(g.engine, [person_id], groups)[person_id],
        "withheld": withheld_count(g.engine, person_id, groups),
    }
    if "immigration_history" in groups:
        status = views.status_view(g.engine, person_id, today(), records, groups)
        dated = [(r["event_date"], r["kind"]) for r in records if r["event_date"] is not None]
        out.update(
            status=status, chart=timeline_svg(status, dated), chart_legend=legend(status, dated)
        )
        out["assessment"] = assessment_view(g, person_id, today(), records, groups)
        out.update(_why(g, out["assessment"], out["records"], out["links"]))
    if g.principal.role != "administrator":
        out["cases"] = _cases(g, person_id, groups)
    if "audit" in groups:
        with g.engine.connect() as conn:
            out["viewers"] = events(conn, person_id, None, 50)
    return out


def _why(
    g: Guard, assessment: dict[str, Any] | None, shown: list[Any], links: list[Any]
) -> dict[str, Any]:
    """Why the person is actionable, in words; where they are and the departures checked."""
    if assessment is None:
        return {}
    linked = {k.record_id: 1.0 if k.probability is None else k.probability for k in links}
    found = actionable.presence(assessment, shown, linked)
    gone = found is None or assessment["facts"].get("in_us") is not True
    return {
        "why": actionable.why(assessment, shown),
        "presence": found,
        "departures": [] if gone else actionable.departure_sources(g.engine),
        "since": assessment["facts"].get("present_since"),
    }


def _fields(sections: dict[str, Any]) -> list[str]:
    shown = [*sections["person"].identity, *views.record_fields(sections["records"]), "links"]
    shown += [name for name in ("status", "assessment", "viewers") if sections[name]]
    return sorted(set(shown)) + (["cases"] if sections["cases"] else [])


@router.get("/persons/{person_id}")
def person_page(request: Request, person_id: PersonId, g: Reader) -> HTMLResponse:
    return show_person(request, g, person_id)


def show_person(
    request: Request, g: Guard, person_id: str, code: int = 200,
    errors: dict[str, str] | None = None, typed: dict[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    """The person page (again after a refused redress filing: ``errors`` by field id, what was
    typed in ``typed``)."""
    try:
        sections = _sections(g, person_id)
    except ApiError as exc:
        return page(request, "error.html", exc.status, heading="Not found", message=exc.message,
                    request_id=g.request_id, back=back_to(request, g.purpose))  # fmt: skip
    ids = [person_id, *(r.id for r in sections["records"])]
    g.audit("person", ids, _fields(sections), {"web": "person page"})
    can_file = authorizer().decide(g.principal, "redress.file", "Person", person_id,
                                   g.purpose).allowed  # fmt: skip
    message = "; ".join((errors or {}).values()) or None
    return page(request, "person.html", code, person_id=person_id, can_file=can_file,
                errors=errors or {}, typed=typed or {}, message=message, kinds=KINDS,
                **sections)  # fmt: skip


def _redress_problems(kind: str, requester: str, statement: str) -> dict[str, str]:
    out = {}
    if kind not in KINDS:
        out["kind"] = "Choose what the request is about: a record, a link or the status"
    if len(requester.strip()) < 3:
        out["requester"] = "Enter who asks: the person or their attorney (at least 3 characters)"
    if len(statement.strip()) < 3:
        out["statement"] = "Enter what they say (at least 3 characters)"
    return out


@router.post("/persons/{person_id}/redress")
def redress_post(
    request: Request, person_id: PersonId, g: Filer, csrf: Form_, kind: Form_ = "",
    requester: Form_ = "", statement: Form_ = "", subject: Form_ = "",
) -> Response:  # fmt: skip
    """Redress intake: the person's enforcement tasks are frozen and a review opened; a form
    that lacks something shows the page again with what was typed."""
    check_csrf(request, csrf)
    typed = {"kind": kind, "requester": requester, "statement": statement, "subject": subject}
    problems = _redress_problems(kind, requester, statement)
    if problems:
        return show_person(request, g, person_id, 400, problems, typed)
    try:
        with g.engine.begin() as conn:
            filed = file_request(conn, person_id, kind, requester, statement,
                                 {"contested": subject}, g.actor())  # fmt: skip
    except NotFoundError as exc:
        raise PageError(404, "There is no person with this id.") from exc
    except WorkflowError as exc:
        why = {"statement": f"Not filed: {exc}."}
        return show_person(request, g, person_id, 409, why, typed)
    g.audited = True
    recompute(g.engine, today(), "redress filed", [person_id], g.actor())
    return done(f"/ui/persons/{person_id}", f"Redress request {filed} filed: the person's "
                "enforcement tasks wait until it is decided.")  # fmt: skip
