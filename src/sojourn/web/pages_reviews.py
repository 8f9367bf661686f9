"""The identity review queue: pairs the model could not decide, filtered, sorted and paged,
claimed or assigned; two records side by side in plain words with the model's explanation;
and a judgement with a reason (written with its audit event in one transaction; the persons
it touches are resolved again at once and the search index follows in place), then the next
review of the same queue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from sojourn.api.projection_cases import sees_records, viewer
from sojourn.api.security import Guard
from sojourn.audit.log import AuditEvent, append
from sojourn.cases.recompute import recompute
from sojourn.resolve.judgements import JudgementError, judge_on
from sojourn.resolve.queries import UnknownRecordError, person_of_record, review_pair
from sojourn.resolve.queue import (
    ANYONE,
    BANDS,
    ME,
    SORTS,
    UNASSIGNED,
    ClaimError,
    assignee_of,
    claim,
    next_review,
    queue_page,
    sources,
)  # fmt: skip
from sojourn.resolve.run import resolve_records
from sojourn.resolve.store import NoModelError
from sojourn.resolve.tables import reviews
from sojourn.settings import today
from sojourn.web.actionable import agency
from sojourn.web.flash import done
from sojourn.web.paging import Paging, paging
from sojourn.web.people import named_fields, record_labels
from sojourn.web.render import page
from sojourn.web.review_queue import (
    AGES,
    QueueArgs,
    pair_rows,
    queue_args,
    queue_form,
    reviewers,
    sides,
    visible_of,
    weight_rows,
    with_reasons,
)  # fmt: skip
from sojourn.web.security import PageError, check_csrf, page_guard

router = APIRouter(prefix="/ui", include_in_schema=False)
Judge = Annotated[Guard, Depends(page_guard("review.judge", "Review"))]
Form_ = Annotated[str, Form(max_length=4000)]
Number = Annotated[int, Path(ge=1, le=2**31 - 1)]
Args = Annotated[QueueArgs, Depends(queue_args)]
FormArgs = Annotated[QueueArgs, Depends(queue_form)]
Paged = Annotated[Paging, Depends(paging)]
VERDICTS = {"same": "the same person", "different": "not the same person", "unsure": "unsure"}


@router.get("/reviews")
def reviews_page(request: Request, g: Judge, args: Args, p: Paged) -> HTMLResponse:
    groups = g.field_groups()
    visible = visible_of(groups)
    with g.engine.connect() as conn:
        total, rows = queue_page(conn, visible, args.filter(g.principal.username), p.offset,
                                 p.per)  # fmt: skip
        choices = sources(conn, visible)
    v = viewer(g.engine, groups, [i for r in rows for i in (r["record_l"], r["record_r"])])
    rows = [r for r in rows if v.sees(r["record_l"]) and v.sees(r["record_r"])]
    names = record_labels(g.engine, [i for r in rows for i in (r["record_l"], r["record_r"])],
                          groups)  # fmt: skip
    g.audit("review", [str(r["id"]) for r in rows], ["reviews", *named_fields(names)],
            {"filters": dict(args.pairs()), "total": total})  # fmt: skip
    supervisor = g.principal.role == "supervisor"
    return page(
        request, "reviews.html", reviews=with_reasons(g.engine, rows, groups), names=names,
        p=p.of(total), args=args, bands=BANDS, sorts=SORTS, ages=AGES, me=g.principal.username,
        sources=[(s, f"{agency(s)}: {s}") for s in choices], supervisor=supervisor,
        people=reviewers(g.engine), anyone=ANYONE, unassigned=UNASSIGNED, mine=ME,
    )  # fmt: skip


def _review(g: Guard, review_id: int) -> dict[str, Any]:
    """The review's row, if the caller may see both its records (404 otherwise, audited)."""
    with g.engine.connect() as conn:
        row = conn.execute(select(reviews).where(reviews.c.id == review_id)).first()
    if row is None:
        raise PageError(404, f"no identity review {review_id}")
    if not sees_records(g.engine, g.field_groups(), [row.record_l, row.record_r]):
        g.audit("review", [str(review_id)], [], {"reason": "a record withheld"}, "deny")
        raise PageError(404, f"no identity review {review_id}")  # as if there were none
    return dict(row._mapping)


def show_review(
    request: Request, g: Guard, review_id: int, args: QueueArgs, code: int = 200,
    errors: dict[str, str] | None = None, typed: str = "",
) -> HTMLResponse:  # fmt: skip
    """The pair view (again after a refused judgement, with the reason typed kept)."""
    _review(g, review_id)
    try:
        pair = review_pair(g.engine, review_id)
    except UnknownRecordError as exc:
        raise PageError(404, str(exc)) from exc
    groups = g.field_groups()
    rows = pair_rows(pair, groups)
    ids = [pair["review"]["record_l"], pair["review"]["record_r"]]
    names = record_labels(g.engine, ids, groups)
    with g.engine.connect() as conn:
        assignee = assignee_of(conn, review_id)
    g.audit("record", ids, sorted({r["name"] for r in rows} | set(named_fields(names))),
            {"review": review_id})  # fmt: skip
    message = "; ".join((errors or {}).values()) or None
    return page(
        request, "review.html", code, pair=pair, rows=rows, sides=sides(pair), names=names,
        weights=weight_rows(pair["explanation"], groups), assignee=assignee, args=args,
        errors=errors or {}, typed=typed, message=message, verdicts=VERDICTS,
    )  # fmt: skip


@router.get("/reviews/{review_id}")
def review_page(request: Request, review_id: Number, g: Judge, args: Args) -> HTMLResponse:
    return show_review(request, g, review_id, args)


def _problems(verdict: str, reason: str) -> dict[str, str]:
    errors = {}
    if verdict not in VERDICTS:
        errors["verdict"] = "Choose same person, not the same, or unsure"
    if len(reason.strip()) < 3:
        errors["reason"] = "Enter your reason for the judgement (at least 3 characters)"
    return errors


@router.post("/reviews/{review_id}")
def judge_post(
    request: Request, review_id: Number, g: Judge, args: FormArgs, csrf: Form_,
    verdict: Form_ = "", reason: Form_ = "",
) -> Response:  # fmt: skip
    check_csrf(request, csrf)
    errors = _problems(verdict, reason)
    if errors:
        return show_review(request, g, review_id, args, 400, errors, reason)
    row = _review(g, review_id)
    records = [row["record_l"], row["record_r"]]
    me = g.principal.username
    with g.engine.connect() as conn:  # the next one, before this one leaves the queue
        following = next_review(conn, visible_of(g.field_groups()), args.filter(me), review_id)
    try:
        with g.engine.begin() as conn:
            made = judge_on(conn, records[0], records[1], verdict, me, reason, review_id)
            append(conn, AuditEvent(me, g.principal.role, g.purpose, "review.judge", "record",
                                    records, ["judgement"], request_id=g.request_id,
                                    detail={"verdict": verdict, "judgement": made}))  # fmt: skip
    except (JudgementError, ValueError) as exc:
        return show_review(request, g, review_id, args, 400, {"reason": str(exc)}, reason)
    g.audited = True
    _follow(g, records, [row["person_l"], row["person_r"]])
    said = f"Judgement recorded: review {review_id}, {VERDICTS[verdict]}."
    if following is None:
        return done(f"/ui/reviews{args.query()}", f"{said} No more reviews in this queue.")
    return done(f"/ui/reviews/{following}{args.query()}", f"{said} This is the next review.")


def _follow(g: Guard, records: list[str], before: list[str | None]) -> None:
    """The judged records' persons resolved again, then assessed again with their cases (the
    persons before and after: a merge may bring a hard stop, a split may end a case)."""
    try:
        resolve_records(g.engine, records)
    except NoModelError:  # nothing resolved yet: the first run applies the judgement
        return
    after = [person_of_record(g.engine, r) for r in records]
    persons = sorted({p for p in (*before, *after) if p})
    recompute(g.engine, today(), "identity judgement", persons, g.actor())


@router.post("/reviews/{review_id}/claim")
def claim_post(
    request: Request, review_id: Number, g: Judge, args: FormArgs, csrf: Form_,
    action: Form_ = "claim", to: Annotated[str, Form(max_length=64)] = "",
) -> Response:  # fmt: skip
    """Claim a review (for oneself), release it, or (a supervisor) assign it to a reviewer."""
    check_csrf(request, csrf)
    _review(g, review_id)
    me, supervisor = g.principal.username, g.principal.role == "supervisor"
    given = _claimed_by(g, action, to, supervisor)
    try:
        with g.engine.begin() as conn:
            was = assignee_of(conn, review_id)
            if was not in (None, me, given) and not supervisor:
                raise PageError(409, f"Not done: review {review_id} is assigned to {was}.")
            claim(conn, review_id, me, given)
            detail = {"claim": action, "assignee": given, "was": was}
            append(conn, AuditEvent(me, g.principal.role, g.purpose, "review.judge", "review",
                                    [str(review_id)], ["assignee"], request_id=g.request_id,
                                    detail=detail))  # fmt: skip
    except ClaimError as exc:
        raise PageError(409, f"Not done: {exc}.") from exc
    g.audited = True
    said = {"claim": "claimed by you", "release": "released: no one has it now"}
    words = said.get(action, f"assigned to {given}")
    return done(f"/ui/reviews{args.query()}", f"Review {review_id} {words}.")


def _claimed_by(g: Guard, action: str, assignee: str, supervisor: bool) -> str | None:
    if action == "claim":
        return g.principal.username
    if action == "release":
        return None
    if action != "assign":
        raise PageError(400, f"Not done: unknown action {action!r}.")
    if not supervisor:
        raise PageError(403, "Only a supervisor assigns a review to someone else.")
    if assignee not in reviewers(g.engine):
        raise PageError(400, "Not done: choose a reviewer to assign the review to.")
    return assignee
