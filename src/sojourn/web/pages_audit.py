"""For privacy officers, the audit log (who looked at what, when and why) and its
verification; for administrators, the users."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from sojourn.access.users import list_users
from sojourn.api.models import ID, USERNAME
from sojourn.api.projection_cases import project_audit
from sojourn.api.security import Guard
from sojourn.audit.queries import events
from sojourn.audit.verify import verify
from sojourn.web.render import page
from sojourn.web.security import page_guard

router = APIRouter(prefix="/ui", include_in_schema=False)
Auditor = Annotated[Guard, Depends(page_guard("audit.read", "AuditLog"))]
Admin = Annotated[Guard, Depends(page_guard("user.manage", "UserAccount"))]


@router.get("/audit")
def audit_page(
    request: Request,
    g: Auditor,
    person: Annotated[str | None, Query(max_length=64, pattern=ID)] = None,
    actor: Annotated[str | None, Query(max_length=64, pattern=USERNAME)] = None,
) -> HTMLResponse:
    """Who looked at what, when and why; and whether the log verifies."""
    report = verify(g.engine)
    with g.engine.connect() as conn:
        found = events(conn, person or None, actor or None, 200)
    found = project_audit(g.engine, found, g.field_groups())
    g.audit("audit", [x for x in (person, actor) if x], ["audit"], {"returned": len(found)})
    return page(request, "audit.html", report=report, events=found,
                q={"person": person, "actor": actor})  # fmt: skip


@router.get("/users")
def users_page(request: Request, g: Admin) -> HTMLResponse:
    with g.engine.connect() as conn:
        found: list[Any] = list_users(conn)
    g.audit("user", [u.username for u in found], ["username", "role", "active"])
    return page(request, "users.html", users=found)
