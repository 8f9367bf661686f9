"""For privacy officers, the audit log (who looked at what, when and why), filtered, paged,
exported as CSV, and verified on request; for administrators, the users."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from sojourn.access.users import list_users
from sojourn.api.projection_cases import project_audit
from sojourn.api.security import Guard
from sojourn.audit.log import size
from sojourn.audit.queries import (
    VERIFICATION,
    actions,
    count_events,
    last_verification,
    page_events,
)
from sojourn.audit.verify import verify
from sojourn.web.audit_view import AuditQuery, csv_lines, newest, read_query
from sojourn.web.flash import done
from sojourn.web.paging import Paging, paging
from sojourn.web.render import page
from sojourn.web.security import PageError, check_csrf, page_guard

router = APIRouter(prefix="/ui", include_in_schema=False)
Auditor = Annotated[Guard, Depends(page_guard("audit.read", "AuditLog"))]
Admin = Annotated[Guard, Depends(page_guard("user.manage", "UserAccount"))]
Text = Annotated[str | None, Query(max_length=64)]
Pages = Annotated[Paging, Depends(paging)]


def _query(
    request: Request, person: Text = None, actor: Text = None, action: Text = None
) -> AuditQuery:
    return read_query(request, person, actor, action)


Filter = Annotated[AuditQuery, Depends(_query)]


@router.get("/audit")
def audit_page(request: Request, g: Auditor, q: Filter, p: Pages) -> HTMLResponse:
    """Who looked at what, when and why, newest first; the last verification of the log."""
    with g.engine.connect() as conn:
        known, last, events = actions(conn), last_verification(conn), size(conn)
        if q.errors:
            return page(request, "audit.html", 400, q=q, p=p.of(0), found=[], actions=known,
                        last=last, size=events, error="the audit filter is not valid")  # fmt: skip
        p = p.of(count_events(conn, q.which))
        found = page_events(conn, q.which, p.per, p.offset)
    found = project_audit(g.engine, found, g.field_groups())
    detail = {"returned": len(found), "total": p.total, **q.detail()}
    g.audit("audit", q.named(), ["audit"], detail)
    return page(request, "audit.html", q=q, p=p, found=found, actions=known, last=last,
                size=events)  # fmt: skip


@router.get("/audit.csv")
def audit_csv(request: Request, g: Auditor, q: Filter) -> Response:
    """The events the filter keeps, as CSV (streamed; limited per user like every export;
    audited as an export before the first row leaves)."""
    if q.errors:
        raise PageError(400, "Not exported: " + "; ".join(q.errors.values()) + ".")
    request.app.state.rate_limits["export"].check(f"user {g.principal.username}")
    upto = newest(g.engine)
    with g.engine.connect() as conn:
        total = count_events(conn, replace(q.which, upto=upto))
    groups = g.field_groups()
    detail = {"export": "csv", "rows": total, "upto": upto, **q.detail()}
    g.audit("audit", q.named(), ["audit", "export"], detail)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return StreamingResponse(
        csv_lines(g.engine, q.which, upto, groups),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'},
    )


@router.post("/audit/verify")
def verify_post(request: Request, g: Auditor, csrf: Annotated[str, Form()]) -> Response:
    """Recompute the chain and the signed checkpoints now; the result is kept in the log.
    Limited per user (``SOJOURN_VERIFY_RATE_PER_HOUR``): a whole-log pass takes seconds."""
    check_csrf(request, csrf)
    request.app.state.rate_limits["verify"].check(f"user {g.principal.username}")
    report = verify(g.engine)
    result: dict[str, Any] = {
        "ok": report.ok, "events": report.events, "checkpoints": report.checkpoints,
        "first_bad": report.first_bad, "problems": len(report.problems),
        "shown": [f"{s if s is not None else '-'}: {m}" for s, m in report.problems[:10]],
    }  # fmt: skip
    g.audit("audit", [], ["verification"], {VERIFICATION: result})
    if not report.ok:
        return RedirectResponse("/ui/audit#verification", status_code=303)
    return done("/ui/audit", f"The log verifies: {report.events:,} events, "
                f"{report.checkpoints:,} signed checkpoints.")  # fmt: skip


@router.get("/users")
def users_page(request: Request, g: Admin, p: Pages) -> HTMLResponse:
    with g.engine.connect() as conn:
        everyone: list[Any] = list_users(conn)  # a few dozen at most
    p = p.of(len(everyone))
    found = everyone[p.offset : p.offset + p.per]
    g.audit("user", [u.username for u in found], ["username", "role", "active"])
    return page(request, "users.html", users=found, p=p)
