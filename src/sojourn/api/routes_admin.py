"""Login, users (administrator), the audit log (privacy officer) and the lifecycle reports."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request

from sojourn.access.model import ROLES
from sojourn.access.tokens import issue
from sojourn.access.users import LoginError, UserError, add_user, list_users, login
from sojourn.api.errors import ERRORS, ApiError
from sojourn.api.models import (
    ID,
    USERNAME,
    AuditEventView,
    Login,
    NewUser,
    Token,
    UserView,
    VerifyView,
)
from sojourn.api.projection_cases import project_audit
from sojourn.api.ratelimit import RateLimit
from sojourn.api.security import Guard, declare, engine_of, guard
from sojourn.audit.queries import events
from sojourn.audit.verify import verify
from sojourn.reports.snapshot import NotResolvedError
from sojourn.reports.store import departures, overstay_report
from sojourn.settings import get_settings, today
from sojourn.store.idempotency import remember, seen

router = APIRouter(responses=ERRORS)
Admin = Annotated[Guard, Depends(guard("user.manage", "UserAccount"))]
Auditor = Annotated[Guard, Depends(guard("audit.read", "AuditLog"))]
Reports = Annotated[Guard, Depends(guard("report.read", "Report"))]


@router.post(
    "/auth/login",
    response_model=Token,
    tags=["auth"],
    dependencies=[Depends(RateLimit.of("login"))],
    openapi_extra=declare("POST", "/auth/login", "auth.login", "User", "auth.login"),
)
def post_login(body: Login, request: Request) -> Token:
    """A short-lived access token for a local user (every attempt is audited; repeated
    failures are throttled)."""
    client = request.client.host if request.client else "-"
    try:
        user = login(engine_of(request), body.username, body.password, source=client, channel="api")
    except LoginError as exc:
        raise ApiError(401, "login_failed", str(exc)) from exc
    minutes = get_settings().access_token_minutes
    return Token(access_token=issue(user.principal()), expires_in=minutes * 60)


@router.get(
    "/users",
    response_model=list[UserView],
    tags=["users"],
    openapi_extra=declare("GET", "/users", "user.manage", "UserAccount", "user.list"),
)
def get_users(g: Admin) -> list[UserView]:
    """Every user and their role (administrator)."""
    with g.engine.connect() as conn:
        found = list_users(conn)
    g.audit("user", [u.username for u in found], ["username", "role", "active"])
    return [
        UserView(
            username=u.username, role=u.role, active=u.active, created_at=u.created_at.isoformat()
        )
        for u in found
    ]


@router.post(
    "/users",
    response_model=UserView,
    status_code=201,
    tags=["users"],
    openapi_extra=declare("POST", "/users", "user.manage", "UserAccount", "user.add"),
)
def post_user(
    body: NewUser,
    g: Admin,
    key: Annotated[str, Header(alias="Idempotency-Key", min_length=8, max_length=128)],
) -> Any:
    """Add a user (administrator). The ``Idempotency-Key`` makes a retry return the first
    answer instead of a second user or an error."""
    with g.engine.connect() as conn:
        try:
            first = seen(conn, key, g.principal.username, "POST /users")
        except ValueError as exc:
            raise ApiError(422, "idempotency_key_reused", str(exc)) from exc
    if first is not None:
        return first
    if body.role not in ROLES:
        raise ApiError(422, "invalid_request", f"unknown role {body.role!r}")
    try:
        user = add_user(g.engine, body.username, body.role, body.password, by=g.principal.username)
    except UserError as exc:
        raise ApiError(409, "conflict", str(exc)) from exc
    view = UserView(
        username=user.username, role=user.role, active=True, created_at=user.created_at.isoformat()
    )
    with g.engine.begin() as conn:
        remember(conn, key, g.principal.username, "POST /users", view.model_dump())
    g.audit("user", [user.username], ["username", "role"])
    return view


@router.get(
    "/audit/events",
    response_model=list[AuditEventView],
    tags=["audit"],
    openapi_extra=declare("GET", "/audit/events", "audit.read", "AuditLog", "audit.read"),
)
def get_audit_events(
    g: Auditor,
    person: Annotated[str | None, Query(max_length=64, pattern=ID)] = None,
    actor: Annotated[str | None, Query(max_length=64, pattern=USERNAME)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEventView]:
    """Who looked at a person (or what a user did): when, in which role, why and what."""
    with g.engine.connect() as conn:
        found = events(conn, person, actor, limit)
    g.audit("audit", [x for x in (person, actor) if x], ["audit"], {"returned": len(found)})
    return [AuditEventView(**e) for e in project_audit(g.engine, found, g.field_groups())]


@router.get(
    "/audit/verify",
    response_model=VerifyView,
    tags=["audit"],
    openapi_extra=declare("GET", "/audit/verify", "audit.read", "AuditLog", "audit.verify"),
)
def get_audit_verify(g: Auditor) -> VerifyView:
    """Recompute the hash chain and the exported signed checkpoints."""
    report = verify(g.engine)
    g.audit("audit", [], ["verification"])
    return VerifyView(
        ok=report.ok,
        events=report.events,
        checkpoints=report.checkpoints,
        first_bad_event=report.first_bad,
        problems=[f"{s if s is not None else '-'}: {p}" for s, p in report.problems],
    )


@router.get(
    "/reports/overstay",
    tags=["reports"],
    openapi_extra=declare("GET", "/reports/overstay", "report.read", "Report", "report.overstay"),
)
def get_overstay(
    g: Reports,
    fy: Annotated[int, Query(ge=2000, le=2100)],
    as_of: Annotated[dt.date | None, Query()] = None,
) -> dict[str, Any]:
    """The overstay report by the DHS method (aggregates only)."""
    try:
        report = overstay_report(g.engine, fy, as_of or today())
    except NotResolvedError as exc:
        raise ApiError(404, "not_found", str(exc)) from exc
    g.audit("report", [f"overstay-FY{fy}"], ["aggregates"])
    return report.as_dict()


@router.get(
    "/reports/departures",
    tags=["reports"],
    openapi_extra=declare(
        "GET", "/reports/departures", "report.read", "Report", "report.departures"
    ),
)
def get_departures(
    g: Reports,
    start: Annotated[dt.date, Query(alias="from")],
    as_of: Annotated[dt.date | None, Query()] = None,
) -> dict[str, Any]:
    """Confirmed departures by evidence and week; self-departure intents; conflicts."""
    try:
        data = departures(g.engine, start, as_of or today()).as_dict()
    except NotResolvedError as exc:
        raise ApiError(404, "not_found", str(exc)) from exc
    data.pop("conflict_records", None)  # aggregates only
    g.audit("report", ["departures"], ["aggregates"])
    return data
