"""Redress (filed through an officer for a person or their attorney; decided by a redress
officer or a supervisor) and the prioritization policies (published to every user; the
active one switched by an administrator). A redress filing or decision recomputes the
person's assessment and case at once."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from sojourn.api.errors import ERRORS, ApiError
from sojourn.api.idempotent import Key, once
from sojourn.api.models import ID
from sojourn.api.projection_cases import project_redress, sees_records
from sojourn.api.security import Guard, declare, guard
from sojourn.api.views import record_views, visible_records
from sojourn.cases.model import NotFoundError
from sojourn.cases.recompute import after_redress, recompute
from sojourn.cases.redress import (
    KINDS,
    OUTCOMES,
    Correction,
    decide_request,
    file_request,
    open_review,
    person_of_request,
)
from sojourn.cases.remedy import FINDINGS, Finding
from sojourn.priority.policy import PolicyError, shipped
from sojourn.priority.store import activate, active_policy
from sojourn.resolve.judgements import JudgementError, judge_on
from sojourn.settings import today

router = APIRouter(responses=ERRORS)
Text = Annotated[str, Field(min_length=3, max_length=4000)]


class RedressBody(BaseModel):
    kind: Literal[KINDS]  # type: ignore[valid-type]
    requester: Text
    statement: Text
    subject: dict[str, str] = Field(description="the record, link or field contested")


class CorrectionBody(BaseModel):
    record_id: str = Field(max_length=64, pattern=ID)
    field: str = Field(max_length=64, pattern=r"^[a-z_]+$")
    value: str | int | bool | None


class JudgementBody(BaseModel):
    record_a: str = Field(max_length=64, pattern=ID)
    record_b: str = Field(max_length=64, pattern=ID)
    verdict: Literal["same", "different", "unsure"]


class FindingBody(BaseModel):
    kind: Literal[tuple(FINDINGS)]  # type: ignore[valid-type]
    fields: dict[str, str | int | bool | None] = Field(
        description="the event fields of the record it amounts to (form, filed_on, outcome…)"
    )
    evidence: Text = Field(description="the documents examined")


class RedressDecision(BaseModel):
    outcome: Literal[(*OUTCOMES, "upheld")] = Field(  # type: ignore[valid-type]
        description="the remedy (corrected, link_judged, status_found) or denied; 'upheld' "
        "alone is refused: an uphold carries its remedy"
    )
    finding: Text
    correction: CorrectionBody | None = None
    judgement: JudgementBody | None = Field(
        default=None, description="for a contested link: the judgement on its two records"
    )
    status_finding: FindingBody | None = Field(
        default=None, description="for a contested status: the finding, stored as a record"
    )


class Activation(BaseModel):
    policy: str = Field(max_length=96)
    reason: Text


def _extra(method: str, path: str, action: str, kind: str, audit: str) -> dict[str, Any]:
    return {"openapi_extra": declare(method, path, action, kind, audit)}


@router.post(
    "/persons/{person_id}/redress",
    status_code=201,
    tags=["redress"],
    **_extra("POST", "/persons/{person_id}/redress", "redress.file", "Person", "redress.file"),
)
def post_redress(
    person_id: Annotated[str, Path(max_length=64, pattern=ID)],
    body: RedressBody,
    g: Annotated[Guard, Depends(guard("redress.file", "Person", "person_id"))],
    key: Key,
) -> dict[str, Any]:
    """File a request to correct a record, contest a link or contest a status: the
    person's enforcement tasks are frozen and a redress review is opened."""

    def write(conn: Any) -> dict[str, Any]:
        made = file_request(conn, person_id, body.kind, body.requester, body.statement,
                            body.subject, g.actor())  # fmt: skip
        return {"redress_id": made, "person_id": person_id}

    made = once(g, key, f"POST /persons/{person_id}/redress", write)
    recompute(g.engine, today(), "redress filed", [person_id], g.actor())
    return dict(made)


@router.post(
    "/redress/{redress_id}/decision",
    tags=["redress"],
    **_extra(
        "POST", "/redress/{redress_id}/decision", "redress.decide", "Redress", "redress.decide"
    ),
)
def post_redress_decision(
    redress_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    body: RedressDecision,
    g: Annotated[Guard, Depends(guard("redress.decide", "Redress", "redress_id"))],
    key: Key,
) -> dict[str, Any]:
    """Decide a redress request; the outcome (what the requester is told) is kept, the
    frozen tasks come back, and the person's status and assessment are recomputed."""
    fix = Correction(**body.correction.model_dump()) if body.correction else None
    pair = (body.judgement.record_a, body.judgement.record_b) if body.judgement else ()
    found = Finding(**body.status_finding.model_dump()) if body.status_finding else None
    if pair and not sees_records(g.engine, g.field_groups(), list(pair)):
        raise ApiError(404, "not_found", "no such record")  # one the caller may not see alike

    def write(conn: Any) -> dict[str, Any]:
        made = None
        if body.judgement is not None:
            j = body.judgement
            made = judge_on(conn, j.record_a, j.record_b, j.verdict, g.principal.username,
                            body.finding)  # fmt: skip
        return decide_request(conn, redress_id, body.outcome, body.finding, g.actor(), fix,
                              made, tuple(pair), found)  # fmt: skip

    try:
        told = once(g, key, f"POST /redress/{redress_id}/decision", write)
    except JudgementError as exc:
        raise ApiError(422, "invalid_request", str(exc)) from exc
    with g.engine.connect() as conn:
        person = person_of_request(conn, redress_id)
    after_redress(g.engine, person, dict(told), g.actor())
    return dict(told)


@router.get(
    "/redress/{redress_id}",
    tags=["redress"],
    **_extra("GET", "/redress/{redress_id}", "redress.decide", "Redress", "redress.review"),
)
def get_redress(
    redress_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    g: Annotated[Guard, Depends(guard("redress.decide", "Redress", "redress_id"))],
) -> dict[str, Any]:
    """The request's review, for the one who decides it: the request, the item it contests
    and the person's records as the caller may see them. Deciding needs this look first."""
    try:
        with g.engine.begin() as conn:
            found = open_review(conn, redress_id, g.actor())
    except NotFoundError as exc:
        raise ApiError(404, "not_found", str(exc)) from exc
    g.audited = True
    groups = g.field_groups()
    (request,) = project_redress(g.engine, [found], groups)
    records, _ = visible_records(g, str(found["person_id"]))
    return {**request, "records": [v.model_dump() for v in record_views(records, groups)]}


@router.get(
    "/policies",
    tags=["policy"],
    **_extra("GET", "/policies", "policy.read", "Policy", "policy.read"),
)
def get_policies(g: Annotated[Guard, Depends(guard("policy.read", "Policy"))]) -> dict[str, Any]:
    """The published policies (rules with their citations) and the active one."""
    with g.engine.connect() as conn:
        active = active_policy(conn, today()).key
    g.audit("policy", [], ["policy"])
    out = []
    for p in shipped().values():
        rules = [{"id": r.id, "tier": r.tier, "when": r.when, "citation": r.citation}
                 for r in (*p.rules, *p.factors)]  # fmt: skip
        dates = {"effective_from": p.effective_from, "effective_until": p.effective_until}
        meta = {"id": p.id, "version": p.version, "title": p.title, "citation": p.citation,
                "source": p.source, "tiers": list(p.tiers), "notes": p.notes, **dates}  # fmt: skip
        out.append({**meta, "key": p.key, "rules": rules})
    return {"active": active, "policies": out}


@router.post(
    "/policy/active",
    tags=["policy"],
    **_extra("POST", "/policy/active", "policy.activate", "Policy", "policy.activate"),
)
def post_active_policy(
    body: Activation, g: Annotated[Guard, Depends(guard("policy.activate", "Policy"))]
) -> dict[str, str]:
    """Switch the active policy (administrator; the reason is kept and audited)."""
    try:
        activate(g.engine, body.policy, g.principal.username, g.principal.role, body.reason)
    except PolicyError as exc:
        raise ApiError(422, "invalid_request", str(exc)) from exc
    g.audited = True
    return {"active": body.policy}
