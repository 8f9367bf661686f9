"""The work pages: the identity review queue (two records side by side, the model's
explanation, a judgement with a reason), the case board and a case's tasks (assign, start,
hold, complete, decide), and redress intake. Every write goes through the domain in one
transaction with its audit event; a refused change is shown in plain words."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sojourn.api.models import ID
from sojourn.api.projection_cases import project_case, sees_records
from sojourn.api.security import Guard
from sojourn.audit.log import AuditEvent, append
from sojourn.cases.model import DECIDED, ENDED_BY, NotFoundError, WorkflowError
from sojourn.cases.queries import case_detail, list_cases
from sojourn.cases.recompute import recompute
from sojourn.cases.redress import file_request
from sojourn.cases.workflow import decide, transition
from sojourn.resolve.judgements import JudgementError, judge_on
from sojourn.resolve.queries import UnknownRecordError, open_reviews, review_pair
from sojourn.resolve.run import resolve_records
from sojourn.settings import today
from sojourn.web.people import named_fields, person_labels, record_labels
from sojourn.web.render import page
from sojourn.web.security import PageError, check_csrf, page_guard

router = APIRouter(prefix="/ui", include_in_schema=False)
Judge = Annotated[Guard, Depends(page_guard("review.judge", "Review"))]
CaseReader = Annotated[Guard, Depends(page_guard("case.read", "Case"))]
CaseWorker = Annotated[Guard, Depends(page_guard("case.work", "Case"))]
Filer = Annotated[Guard, Depends(page_guard("redress.file", "Person", "person_id"))]
Form_ = Annotated[str, Form()]
#: Comparisons shown in a review, by the field group they need.
COMPARISON_GROUPS = {
    "a_number": "identifiers",
    "passport": "identifiers",
    "other_id": "identifiers",
    "address": "address",
    "postcode": "address",
}


@router.get("/reviews")
def reviews_page(request: Request, g: Judge) -> HTMLResponse:
    groups = g.field_groups()
    found = [r for r in open_reviews(g.engine, 200)
             if sees_records(g.engine, groups, [r["record_l"], r["record_r"]])][:100]  # fmt: skip
    names = record_labels(g.engine, [i for r in found for i in (r["record_l"], r["record_r"])],
                          groups)  # fmt: skip
    g.audit("review", [str(r["id"]) for r in found], ["reviews", *named_fields(names)])
    return page(request, "reviews.html", reviews=found, names=names)


@router.get("/reviews/{review_id}")
def review_page(
    request: Request, review_id: Annotated[int, Path(ge=1, le=2**31 - 1)], g: Judge
) -> HTMLResponse:
    try:
        pair = review_pair(g.engine, review_id)
    except UnknownRecordError as exc:
        raise PageError(404, str(exc)) from exc
    groups = g.field_groups()
    ids = [pair["review"]["record_l"], pair["review"]["record_r"]]
    if not sees_records(g.engine, groups, ids):  # as if there were none (audited)
        g.audit("review", [str(review_id)], [], {"reason": "a record withheld"}, "deny")
        raise PageError(404, f"no identity review {review_id}")
    values = {k: v for k, v in pair["values"].items() if COMPARISON_GROUPS.get(k, "identity")
              in groups}  # fmt: skip
    g.audit("record", ids, sorted(values), {"review": review_id})
    return page(request, "review.html", pair=pair, values=values)


@router.post("/reviews/{review_id}")
def judge_post(
    request: Request, review_id: Annotated[int, Path(ge=1, le=2**31 - 1)], g: Judge,
    verdict: Form_, reason: Form_, csrf: Form_,
) -> Response:  # fmt: skip
    check_csrf(request, csrf)
    if len(reason.strip()) < 3:
        raise PageError(400, "A judgement needs a reason.")
    pair = review_pair(g.engine, review_id)["review"]
    records = [pair["record_l"], pair["record_r"]]
    if not sees_records(g.engine, g.field_groups(), records):
        g.audit("review", [str(review_id)], [], {"reason": "a record withheld"}, "deny")
        raise PageError(404, f"no identity review {review_id}")
    try:
        with g.engine.begin() as conn:
            made = judge_on(conn, records[0], records[1], verdict, g.principal.username, reason,
                            review_id)  # fmt: skip
            append(conn, AuditEvent(g.principal.username, g.principal.role, g.purpose,
                                    "review.judge", "record", records, ["judgement"],
                                    request_id=g.request_id,
                                    detail={"verdict": verdict, "judgement": made}))  # fmt: skip
    except (JudgementError, ValueError) as exc:
        raise PageError(400, str(exc)) from exc
    g.audited = True
    resolve_records(g.engine, records)
    return RedirectResponse("/ui/reviews", status_code=303)


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
