"""Deciding a redress request: the page shows the request, the item it contests, the person's
records (as the decider may see them) and their current assessment before the form; opening
it is the audited look (``redress.review``) that deciding requires. An uphold carries its
remedy: a field correction, a link judgement or a status finding with its evidence; a remedy
that changes nothing is refused with the reason, shown on the page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from sojourn.api import views
from sojourn.api.projection_cases import project_redress, sees_records
from sojourn.api.routes_assessment import assessment_view
from sojourn.api.security import Guard
from sojourn.cases.model import NotFoundError, WorkflowError
from sojourn.cases.recompute import after_redress
from sojourn.cases.redress import Correction, decide_request, open_review, person_of_request
from sojourn.cases.remedy import FINDINGS, Finding
from sojourn.records.corrections import CorrectionError
from sojourn.resolve.judgements import JudgementError, judge_on
from sojourn.settings import today
from sojourn.web.flash import done
from sojourn.web.forms import FormError
from sojourn.web.people import person_labels
from sojourn.web.render import page
from sojourn.web.security import PageError, check_csrf, page_guard

router = APIRouter(prefix="/ui", include_in_schema=False)
Decider = Annotated[Guard, Depends(page_guard("redress.decide", "Redress", "redress_id"))]
Number = Annotated[int, Path(ge=1, le=2**31 - 1)]
Field_ = Annotated[str, Form()]
Optional = Annotated[str, Form()]
OUTCOMES = {"denied": "Deny", "corrected": "Uphold: correct a field of a record",
            "status_found": "Uphold: record a status finding",
            "link_judged": "Uphold: judge the contested link"}  # fmt: skip


@router.get("/redress/{redress_id}")
def decide_page(request: Request, redress_id: Number, g: Decider) -> HTMLResponse:
    return show_decide(request, g, redress_id)


def show_decide(
    request: Request, g: Guard, redress_id: int, code: int = 200,
    errors: dict[str, str] | None = None, typed: dict[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    """The request's review: what is contested, the person's records and assessment, and
    the decision form (again after a refusal: ``errors`` by field id, ``typed`` kept)."""
    try:
        with g.engine.begin() as conn:
            found = open_review(conn, redress_id, g.actor())
    except NotFoundError as exc:
        raise PageError(404, "There is no redress request with this id.") from exc
    g.audited = True
    groups, person = g.field_groups(), str(found["person_id"])
    (shown,) = project_redress(g.engine, [found], groups)
    records, _ = views.visible_records(g, person)
    assessment = None
    if "immigration_history" in groups:
        assessment = assessment_view(g, person, today(), records, groups)
    contested = {str(v) for v in (shown.get("subject") or {}).values()}
    shown_records = views.record_views(records, groups)
    who = person_labels(g.engine, [person], groups)[person]
    message = "; ".join((errors or {}).values()) or None
    return page(request, "redress_decide.html", code, r=shown, records=shown_records, who=who,
                contested=contested, assessment=assessment, outcomes=OUTCOMES,
                findings=sorted(FINDINGS), errors=errors or {}, typed=typed or {},
                message=message)  # fmt: skip


def _fields(text: str) -> dict[str, str]:
    """``name: value`` lines (a status finding's event fields)."""
    out = {}
    for line in text.splitlines():
        if line.strip():
            name, sep, value = line.partition(":")
            if not sep or not name.strip():
                why = f"Write each field as 'name: value' (not {line!r})"
                raise FormError("finding_fields", why)
            out[name.strip()] = value.strip()
    return out


#: What each remedy needs, by field id: (the outcome, the field, the message if it is empty).
NEEDS = (("corrected", "record_id", "Choose the record to correct"),
         ("corrected", "field", "Enter the field of the record to correct"),
         ("status_found", "finding_fields", "Enter the finding's fields, one 'name: value' a line"),
         ("status_found", "evidence", "Enter the documents examined"),
         ("link_judged", "record_a", "Choose the first record of the link"),
         ("link_judged", "record_b", "Enter the second record of the link"))  # fmt: skip
#: Where a refusal of each outcome is shown.
REFUSED_AT = {"denied": "finding", "corrected": "field", "status_found": "finding_fields",
              "link_judged": "record_b"}  # fmt: skip


def _problems(form: dict[str, str]) -> dict[str, str]:
    """What the form lacks, by field id (GOV.UK's "Enter …" / "Choose …" messages)."""
    out: dict[str, str] = {}
    if form["outcome"] not in OUTCOMES:
        out["outcome"] = "Choose an outcome: deny, or uphold with its remedy"
    if len(form["finding"].strip()) < 10:
        out["finding"] = "Enter the finding: what you found and why, in at least 10 characters"
    for outcome, name, message in NEEDS:
        if form["outcome"] == outcome and not form[name].strip():
            out.setdefault(name, message)
    return out


def _remedies(form: dict[str, str]) -> tuple[Correction | None, Finding | None]:
    outcome = form["outcome"]
    fix = finding = None
    if outcome == "corrected":
        fix = Correction(form["record_id"], form["field"].strip(), form["value"].strip() or None)
    if outcome == "status_found":
        finding = Finding(form["finding_kind"], _fields(form["finding_fields"]), form["evidence"])
    return fix, finding


@router.post("/redress/{redress_id}")
def decide_post(
    request: Request, redress_id: Number, g: Decider, csrf: Field_, outcome: Optional = "",
    finding: Optional = "", record_id: Optional = "", field: Optional = "", value: Optional = "",
    finding_kind: Optional = "", finding_fields: Optional = "", evidence: Optional = "",
    record_a: Optional = "", record_b: Optional = "", verdict: Optional = "",
) -> Response:  # fmt: skip
    """Decide the request; on a refusal the page comes back with the reason beside the field,
    what was typed kept, and nothing written."""
    check_csrf(request, csrf)
    form = {"outcome": outcome, "finding": finding, "record_id": record_id, "field": field,
            "value": value, "finding_kind": finding_kind, "finding_fields": finding_fields,
            "evidence": evidence, "record_a": record_a, "record_b": record_b,
            "verdict": verdict}  # fmt: skip
    problems = _problems(form)
    try:
        fix, found = _remedies(form) if not problems else (None, None)
    except FormError as exc:
        problems = {exc.field: exc.message}
    if problems:
        return show_decide(request, g, redress_id, 400, problems, form)
    pair = (record_a, record_b) if outcome == "link_judged" else ()
    if pair and not sees_records(g.engine, g.field_groups(), list(pair)):
        why = {"record_b": "There is no record with this id"}
        return show_decide(request, g, redress_id, 400, why, form)
    try:
        with g.engine.begin() as conn:
            made = None
            if pair:
                made = judge_on(conn, record_a, record_b, verdict, g.principal.username, finding)
            told = decide_request(conn, redress_id, outcome, finding, g.actor(), fix, made, pair,
                                  found)  # fmt: skip
            person = person_of_request(conn, redress_id)
    except (WorkflowError, CorrectionError, JudgementError, ValueError) as exc:
        why = {REFUSED_AT[outcome]: f"Not decided: {exc}."}
        return show_decide(request, g, redress_id, 409, why, form)
    g.audited = True
    after_redress(g.engine, person, told, g.actor())
    return done("/ui/redress", f"Redress request {redress_id} decided: {OUTCOMES[outcome]}.")
