"""Every refusal on the record. A request answered 4xx (400, 401, 403, 404, 409, 422 and the
rest; a page's error page, and its redirects to sign in or to choose a purpose) writes one
audit event with decision ``deny``: who (``anonymous`` before a valid token), their role and
purpose when known, the route's action (or method and path template), the ids in the path,
and the status, code and reason. It is written in a transaction of its own after the route
has finished, so a route's rolled-back transaction cannot take it along, and no route can
forget it. Refusals a guard or route audited itself (with the Cedar policies that refused)
are not written twice. Not written: 429 (an audit write per rejected request would undo the
rate limit) and a failed sign-in (the login audits every attempt itself)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from sojourn.access.model import PURPOSES
from sojourn.api.errors import json_error
from sojourn.api.security import CONTRACT, PURPOSE_HEADER, checkpointer_of, write_event
from sojourn.audit.log import AuditEvent

log = logging.getLogger("sojourn.api")
NOT_AUDITED = frozenset({429})
#: Failed sign-ins: ``access.users.login`` audits each attempt (``auth.login``).
SELF_AUDITED = frozenset({("POST", "/auth/login", 401), ("POST", "/ui/login", 401)})
ANONYMOUS = "anonymous"


def _route(request: Request) -> tuple[str, str]:
    """(action, resource type): the route's declared contract, else its method and path
    template (the path itself when no route matched)."""
    method = request.method
    template = getattr(request.scope.get("route"), "path", None)
    contract = CONTRACT.get((method, template)) if template else None
    if contract is not None:
        return contract.action, contract.resource_type
    return f"{method} {template or request.url.path}"[:64], "request"


def _purpose(request: Request) -> str:
    sent = request.headers.get(PURPOSE_HEADER) or request.cookies.get("sojourn_purpose") or ""
    return sent if sent in PURPOSES else ""


def refusal_event(request: Request, status: int) -> AuditEvent:
    """The audit event of a refused request."""
    _, code, message = getattr(request.state, "refusal", (status, "refused", ""))
    principal = getattr(request.state, "principal", None)
    action, kind = _route(request)
    ids = [str(v)[:64] for v in list(request.path_params.values())[:8]]
    detail: dict[str, Any] = {"status": status, "code": code, "reason": str(message)[:500],
                              "path": request.url.path[:200]}  # fmt: skip
    sent = request.headers.get(PURPOSE_HEADER)
    if sent and sent not in PURPOSES:
        detail["purpose_sent"] = sent[:64]
    return AuditEvent(
        principal.username if principal else ANONYMOUS,
        principal.role if principal else ANONYMOUS,
        _purpose(request),
        action,
        kind,
        ids,
        decision="deny",
        request_id=getattr(request.state, "request_id", ""),
        detail=detail,
    )


def _refused(request: Request, response: Response) -> int | None:
    """The status to audit this answer under, or None (not a refusal, or audited already)."""
    if getattr(request.state, "refusal_audited", False):
        return None
    noted = getattr(request.state, "refusal", None)
    status = response.status_code
    if noted is not None and not 400 <= status < 500:
        status = int(noted[0])  # a page's redirect to sign in or to choose a purpose
    if not 400 <= status < 500 or status in NOT_AUDITED:
        return None
    if (request.method, request.url.path, status) in SELF_AUDITED:
        return None
    return status


async def audit_refusals(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """The middleware: the refusal's event commits before the answer leaves."""
    response = await call_next(request)
    status = _refused(request, response)
    if status is None:
        return response
    try:
        await run_in_threadpool(
            write_event, checkpointer_of(request), refusal_event(request, status)
        )
    except Exception:  # no refusal goes unrecorded: the request fails instead
        log.exception("could not audit a refusal")
        return json_error(request, 500, "internal_error", "an unexpected error occurred")
    return response
