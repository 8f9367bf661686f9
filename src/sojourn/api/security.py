"""Authentication, purpose of use, authorization and audit for every guarded route.

A route declares its action with ``guard(action, resource_type, id_param)``: the dependency
authenticates the bearer token (and checks the user is still active), requires the
``X-Purpose-Of-Use`` header, asks Cedar, audits a refusal and raises 403, or hands the route a
``Guard`` whose ``audit`` the route calls before it returns data (the audit event commits
first; if it fails, the request fails). ``CONTRACT`` records each route's action and audit
event; a test fails when a route lacks either.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine

from sojourn.access.authz import Decision, Principal, PurposeError, authorizer
from sojourn.access.tokens import TokenError, verify
from sojourn.access.users import get_user
from sojourn.api.errors import ApiError
from sojourn.audit.background import Checkpointer
from sojourn.audit.log import AuditEvent, append
from sojourn.cases.model import Actor

#: SQLite lets one writer at a time, and a waiting writer sleeps in growing steps: the app's
#: threads take turns here instead of all waiting on the database lock.
_SQLITE_WRITES = threading.Lock()

bearer = HTTPBearer(auto_error=False, description="An access token from POST /auth/login")
PURPOSE_HEADER = "X-Purpose-Of-Use"


@dataclass(frozen=True)
class Contract:
    action: str
    resource_type: str
    audit: str


#: (method, path) → the route's declared authorization action and audit event.
CONTRACT: dict[tuple[str, str], Contract] = {}


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def checkpointer_of(request: Request) -> Checkpointer:
    checkpointer: Checkpointer = request.app.state.checkpointer
    return checkpointer


async def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller of a request with a valid token of an active user (401 otherwise)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "not_authenticated", "a bearer token is required")
    try:
        claimed = verify(credentials.credentials)
    except TokenError as exc:
        raise ApiError(401, "not_authenticated", str(exc)) from exc
    with engine_of(request).connect() as conn:
        user = get_user(conn, claimed.username)
    if user is None or not user.active or user.role != claimed.role:
        raise ApiError(401, "not_authenticated", "this user is unknown or disabled")
    request.state.principal = user.principal()
    return user.principal()


@dataclass
class Guard:
    """An allowed request: who, for which purpose, and the decision behind it."""

    engine: Engine
    checkpointer: Checkpointer
    principal: Principal
    purpose: str
    action: str
    decision: Decision
    request_id: str
    audited: bool = False
    extra_policies: list[str] = field(default_factory=list)
    state: Any = None  # the request's state: a refusal audited here is not audited again

    def actor(self) -> Actor:
        """Who acts in the case workflow: the caller, in their role, for their purpose."""
        return Actor(self.principal.username, self.principal.role, self.purpose)

    def field_groups(self) -> frozenset[str]:
        groups, decision = authorizer().field_groups(self.principal, self.purpose)
        self.extra_policies += decision.policy_ids
        return groups

    def audit(
        self,
        resource_type: str,
        ids: Sequence[str],
        fields: Sequence[str] = (),
        detail: dict[str, Any] | None = None,
        decision: str = "allow",
    ) -> None:
        """Write the audit event of this request (before the route returns its data)."""
        policies = sorted({*self.decision.policy_ids, *self.extra_policies})
        event = AuditEvent(
            self.principal.username,
            self.principal.role,
            self.purpose,
            self.action,
            resource_type,
            list(ids),
            list(fields),
            decision,
            policies,
            self.request_id,
            detail or {},
        )
        write_event(self.checkpointer, event)
        self.audited = True
        if decision == "deny" and self.state is not None:
            self.state.refusal_audited = True

    def refuse(self, resource_type: str, ids: Sequence[str], reason: str) -> ApiError:
        """Audit a refusal the route itself decides (a field group missing) and return the
        403 to raise."""
        self.audit(resource_type, ids, (), {"reason": reason}, decision="deny")
        return ApiError(403, "forbidden", reason)


def deny(
    checkpointer: Checkpointer,
    who: Principal,
    purpose: str,
    action: str,
    resource: tuple[str, str],
    decision: Decision,
    request_id: str,
) -> None:
    event = AuditEvent(
        who.username,
        who.role,
        purpose,
        action,
        resource[0],
        [resource[1]],
        [],
        "deny",
        list(decision.policy_ids),
        request_id,
    )
    write_event(checkpointer, event)


def write_event(checkpointer: Checkpointer, event: AuditEvent) -> None:
    """Commit one audit event (before any data leaves: if this fails, the request fails);
    a signed checkpoint follows in the background when one falls due."""
    engine = checkpointer.engine
    turn = _SQLITE_WRITES if engine.dialect.name == "sqlite" else nullcontext()
    with turn, engine.begin() as conn:
        seq = append(conn, event)
    checkpointer.after(seq)


def guard(
    action: str, resource_type: str, id_param: str | None = None,
    via: Callable[[Engine, str], str | None] | None = None,
) -> Callable[..., Awaitable[Guard]]:  # fmt: skip
    """The dependency of a route that does ``action`` on a ``resource_type``; ``via`` maps
    the path's id to the resource's (a task's case: the decision is on the case)."""

    async def dependency(
        request: Request,
        principal: Annotated[Principal, Depends(authenticate)],
        purpose: Annotated[str | None, Header(alias=PURPOSE_HEADER)] = None,
    ) -> Guard:
        rid = str(request.path_params.get(id_param, "*")) if id_param else "*"
        if via is not None and rid != "*":
            rid = via(checkpointer_of(request).engine, rid) or rid  # unknown: the route 404s
        try:
            decision = authorizer().decide(principal, action, resource_type, rid, purpose)
        except PurposeError as exc:
            raise ApiError(400, "purpose_required", str(exc)) from exc
        log, request_id = checkpointer_of(request), request.state.request_id
        assert purpose is not None
        if not decision.allowed:
            deny(log, principal, purpose, action, (resource_type, rid), decision, request_id)
            request.state.refusal_audited = True
            raise ApiError(403, "forbidden", f"{principal.role} may not {action} for {purpose}")
        return Guard(log.engine, log, principal, purpose, action, decision, request_id,
                     state=request.state)  # fmt: skip

    dependency.__name__ = f"guard_{action.replace('.', '_')}"
    return dependency


def declare(method: str, path: str, action: str, resource_type: str, audit: str) -> dict[str, Any]:
    """Record a route's contract; the result goes into its OpenAPI operation."""
    CONTRACT[(method, path)] = Contract(action, resource_type, audit)
    return {"x-sojourn-action": action, "x-sojourn-audit": audit}
