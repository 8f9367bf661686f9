"""The identity review queue: pairs the model could not decide, two records side by side with
the model's explanation, and a judgement with a reason (written with its audit event in one
transaction; the persons it touches are resolved again at once)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sojourn.api.projection_cases import sees_records
from sojourn.api.security import Guard
from sojourn.audit.log import AuditEvent, append
from sojourn.resolve.judgements import JudgementError, judge_on
from sojourn.resolve.queries import UnknownRecordError, open_reviews, review_pair
from sojourn.resolve.run import resolve_records
from sojourn.web.people import named_fields, record_labels
from sojourn.web.render import page
from sojourn.web.security import PageError, check_csrf, page_guard

router = APIRouter(prefix="/ui", include_in_schema=False)
Judge = Annotated[Guard, Depends(page_guard("review.judge", "Review"))]
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
