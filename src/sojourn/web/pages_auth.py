"""Sign in and out, the purpose of use, and the search page."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sojourn.access.authz import Principal, authorizer
from sojourn.access.model import PURPOSES
from sojourn.access.tokens import issue, sign
from sojourn.access.users import LoginError, login
from sojourn.api.security import Guard, engine_of
from sojourn.resolve.search import search
from sojourn.settings import get_settings
from sojourn.web.people import named_fields, person_labels
from sojourn.web.render import page
from sojourn.web.security import (
    PURPOSE,
    SESSION,
    PageError,
    check_csrf,
    page_guard,
    web_principal,
)

router = APIRouter(prefix="/ui", include_in_schema=False)
LOGIN_NONCE = "sojourn_login"
#: The actions that make a purpose worth offering to a role.
PROBES = (("person.read", "Person"), ("case.read", "Case"), ("report.read", "Report"),
          ("user.manage", "UserAccount"), ("audit.read", "AuditLog"))  # fmt: skip


def purposes_for(who: Principal) -> list[tuple[str, str]]:
    """The purposes for which the role may do anything at all (asked of the policies)."""
    authz = authorizer()
    return [
        (p, text) for p, text in PURPOSES.items()
        if any(authz.decide(who, a, kind, "*", p).allowed for a, kind in PROBES)
    ]  # fmt: skip


def _login_page(
    request: Request, code: int = 200, error: str | None = None, username: str = ""
) -> HTMLResponse:
    """The sign-in form with its CSRF token: a random nonce in an HttpOnly, SameSite=Strict
    cookie, and in the form the server's signature of it (another site can neither read the
    cookie nor forge the signature)."""
    nonce = request.cookies.get(LOGIN_NONCE) or secrets.token_urlsafe(32)
    out = page(request, "login.html", code, error=error, login_csrf=_login_token(nonce),
               username=username)  # fmt: skip
    out.set_cookie(LOGIN_NONCE, nonce, max_age=3600, httponly=True, samesite="strict",
                   secure=request.url.scheme == "https")  # fmt: skip
    return out


def _login_token(nonce: str) -> str:
    return sign(b"login-form:" + nonce.encode())[:40]


def _check_login_csrf(request: Request, sent: str) -> None:
    nonce = request.cookies.get(LOGIN_NONCE)
    if not nonce or not hmac.compare_digest(_login_token(nonce), sent):
        raise PageError(403, "This sign-in form has expired. Reload the page and try again.")


@router.get("/login")
def login_form(request: Request) -> HTMLResponse:
    return _login_page(request)


@router.post("/login")
def login_post(
    request: Request,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1024)],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    _check_login_csrf(request, csrf)
    client = request.client.host if request.client else "-"
    try:
        user = login(engine_of(request), username, password, source=client, channel="web")
    except LoginError as exc:
        return _login_page(request, 401, str(exc).capitalize() + ".", username)  # kept
    out = RedirectResponse("/ui/purpose", status_code=303)
    out.delete_cookie(LOGIN_NONCE)
    secure = request.url.scheme == "https"
    age = get_settings().access_token_minutes * 60
    out.set_cookie(SESSION, issue(user.principal()), max_age=age, httponly=True,
                   samesite="strict", secure=secure)  # fmt: skip
    out.delete_cookie(PURPOSE)
    return out


@router.get("/purpose")
def purpose_form(
    request: Request, who: Annotated[Principal, Depends(web_principal)]
) -> HTMLResponse:
    return page(request, "purpose.html", choices=purposes_for(who))


@router.post("/purpose")
def purpose_post(
    request: Request,
    who: Annotated[Principal, Depends(web_principal)],
    purpose: Annotated[str, Form()],
    csrf: Annotated[str, Form()],
) -> Response:
    check_csrf(request, csrf)
    if purpose not in dict(purposes_for(who)):
        return page(request, "purpose.html", 400, choices=purposes_for(who))
    out = RedirectResponse(LANDING.get(purpose, "/ui/"), status_code=303)
    out.set_cookie(PURPOSE, purpose, httponly=True, samesite="strict",
                   secure=request.url.scheme == "https")  # fmt: skip
    return out


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()]) -> Response:
    check_csrf(request, csrf)
    out = RedirectResponse("/ui/login", status_code=303)
    out.delete_cookie(SESSION)
    out.delete_cookie(PURPOSE)
    return out


Searcher = Annotated[Guard, Depends(page_guard("person.search", "Person"))]
#: Where a purpose starts (the search page otherwise).
LANDING = {"administration": "/ui/users", "oversight_audit": "/ui/audit",
           "statistics": "/ui/dashboard"}  # fmt: skip


@router.get("/")
def home(request: Request, g: Searcher) -> HTMLResponse:
    g.audit("page", [], ["search form"])
    return page(request, "home.html", q={}, hits=None)


@router.get("/search")
def search_page(
    request: Request,
    g: Searcher,
    name: Annotated[str | None, Query(max_length=200)] = None,
    birth_date: Annotated[str | None, Query(max_length=10)] = None,
    identifier: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    """Results say why each person matched; a search is audited with the persons returned."""
    q = {"name": name, "birth_date": birth_date, "identifier": identifier}
    template = "results.html" if request.headers.get("HX-Request") else "home.html"
    if not identifier and not (name and birth_date):
        return page(request, template, q=q, hits=None,
                    error="Give a name with a date of birth, or an identifier.")  # fmt: skip
    hits = search(request.app.state.search_index.get(), name, birth_date, identifier, 20)
    asked = {k: v for k, v in q.items() if v}
    people = person_labels(g.engine, [h.person_id for h in hits], g.field_groups())
    fields = sorted({*asked, *named_fields(people)})
    g.audit("person", [h.person_id for h in hits], fields, {"query": asked, "web": True})
    return page(request, template, q=q, hits=hits, people=people)
