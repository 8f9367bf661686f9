"""Sessions for the pages: the same access token as the API, kept in an HttpOnly, SameSite=Strict
cookie; the purpose of use chosen per session in a second cookie; a CSRF token (an HMAC of the
session) on every form. Each page goes through ``page_guard``: the same Cedar decision, the
same refusal audit and the same ``Guard`` (whose ``audit`` the page calls before it renders)
as the API's routes."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from sojourn.access.authz import Principal, PurposeError, authorizer
from sojourn.access.model import PURPOSES
from sojourn.access.tokens import TokenError, verify
from sojourn.access.users import get_user
from sojourn.api.security import Guard, checkpointer_of, deny, engine_of

SESSION, PURPOSE = "sojourn_session", "sojourn_purpose"
#: What a page's action does, in words (for its refusal: "An analyst may not read cases …").
DOING = {"alert.read": "read alerts", "audit.read": "read the audit log",
         "case.read": "read cases", "case.work": "work cases",
         "person.read": "read a person's file", "person.search": "search for persons",
         "redress.decide": "decide redress requests", "redress.file": "file redress requests",
         "report.read": "read the dashboards", "review.judge": "judge identity reviews",
         "user.manage": "manage users"}  # fmt: skip


class LoginRequiredError(Exception):
    """No valid session: the page sends the browser to the login form."""


class PurposeRequiredError(Exception):
    """A session without a purpose of use: the page asks for one."""


class PageError(Exception):
    """A refusal or a failure, shown as a page in plain words."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


async def web_principal(request: Request) -> Principal:
    """The signed-in user (an active user whose role still matches the session's)."""
    token = request.cookies.get(SESSION)
    if not token:
        raise LoginRequiredError
    try:
        claimed = verify(token)
    except TokenError as exc:
        raise LoginRequiredError from exc
    with engine_of(request).connect() as conn:
        user = get_user(conn, claimed.username)
    if user is None or not user.active or user.role != claimed.role:
        raise LoginRequiredError
    request.state.principal = user.principal()
    return user.principal()


def csrf_token(request: Request) -> str:
    """The form token of this session (an HMAC of its access token)."""
    token = request.cookies.get(SESSION, "")
    key = hashlib.sha256(b"sojourn-csrf:" + token.encode()).digest()
    return hmac.new(key, b"form", hashlib.sha256).hexdigest()[:40]


def check_csrf(request: Request, sent: str) -> None:
    if not hmac.compare_digest(csrf_token(request), sent or ""):
        raise PageError(403, "This form has expired. Reload the page and try again.")


def purpose_of(request: Request) -> str:
    purpose = request.cookies.get(PURPOSE)
    if purpose not in PURPOSES:
        raise PurposeRequiredError
    return str(purpose)


def role_words(role: str) -> str:
    """The role in words with its article: "An analyst", "A supervisor", "An administrator"."""
    words = role.replace("_", " ")
    return f"{'An' if words[:1].lower() in 'aeiou' else 'A'} {words}"


def page_guard(
    action: str, resource_type: str, id_param: str | None = None
) -> Callable[..., Awaitable[Guard]]:
    """The dependency of a page that does ``action`` on a ``resource_type``."""

    async def dependency(
        request: Request, principal: Annotated[Principal, Depends(web_principal)]
    ) -> Guard:
        purpose = purpose_of(request)
        rid = str(request.path_params.get(id_param, "*")) if id_param else "*"
        try:
            decision = authorizer().decide(principal, action, resource_type, rid, purpose)
        except PurposeError as exc:
            raise PurposeRequiredError from exc
        log, request_id = checkpointer_of(request), request.state.request_id
        if not decision.allowed:
            deny(log, principal, purpose, action, (resource_type, rid), decision, request_id)
            request.state.refusal_audited = True
            what = DOING.get(action, "do this")
            why = f"{role_words(principal.role)} may not {what} for {PURPOSES[purpose]}."
            raise PageError(403, why)
        return Guard(log.engine, log, principal, purpose, action, decision, request_id,
                     state=request.state)  # fmt: skip

    dependency.__name__ = f"page_{action.replace('.', '_')}"
    return dependency
