"""Sign in and out, the purpose of use (only those with a start page the role may open, each
leading there), and the search page (a date of birth as day, month and year)."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sojourn.access.authz import Principal
from sojourn.access.tokens import issue, sign
from sojourn.access.users import LoginError, login
from sojourn.api.security import Guard, engine_of
from sojourn.resolve.search import search
from sojourn.settings import get_settings
from sojourn.web.forms import FormError, Typed, memorable, one_box
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
from sojourn.web.start import START, purposes_for, start_page

router = APIRouter(prefix="/ui", include_in_schema=False)
LOGIN_NONCE = "sojourn_login"


def _login_page(
    request: Request, code: int = 200, errors: dict[str, str] | None = None, username: str = ""
) -> HTMLResponse:
    """The sign-in form with its CSRF token: a random nonce in an HttpOnly, SameSite=Strict
    cookie, and in the form the server's signature of it (another site can neither read the
    cookie nor forge the signature)."""
    nonce = request.cookies.get(LOGIN_NONCE) or secrets.token_urlsafe(32)
    message = "; ".join((errors or {}).values()) or None
    out = page(request, "login.html", code, errors=errors or {}, message=message,
               login_csrf=_login_token(nonce), username=username)  # fmt: skip
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
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    _check_login_csrf(request, csrf)
    missing = {k: f"Enter your {words}" for k, words, v in
               (("username", "user name", username), ("password", "password", password))
               if not v.strip()}  # fmt: skip
    if missing:
        return _login_page(request, 400, missing, username)
    client = request.client.host if request.client else "-"
    try:
        user = login(engine_of(request), username, password, source=client, channel="web")
    except LoginError as exc:
        why = {"password": str(exc).capitalize() + "."}
        return _login_page(request, 401, why, username)  # the user name kept
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
    return page(request, "purpose.html", choices=purposes_for(who), errors={},
                starts=_starts(who))  # fmt: skip


def _starts(who: Principal) -> dict[str, str]:
    """For each purpose offered, the words of the page it opens."""
    return {p: PAGE_WORDS[START[who.role][p]] for p, _ in purposes_for(who)}


@router.post("/purpose")
def purpose_post(
    request: Request,
    who: Annotated[Principal, Depends(web_principal)],
    csrf: Annotated[str, Form()],
    purpose: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    check_csrf(request, csrf)
    start = start_page(who, purpose)
    if start is None:
        errors = {"purpose": "Choose the purpose of use of this session"}
        return page(request, "purpose.html", 400, choices=purposes_for(who), errors=errors,
                    message=errors["purpose"], starts=_starts(who))  # fmt: skip
    out = RedirectResponse(start, status_code=303)
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
#: The start pages, in words (the purpose form says where each purpose leads).
PAGE_WORDS = {"/ui/": "the search", "/ui/cases": "the case board",
              "/ui/redress": "the redress requests", "/ui/dashboard": "the dashboards",
              "/ui/audit": "the audit log", "/ui/users": "the users"}  # fmt: skip
Text = Annotated[str | None, Query(max_length=200)]
Box = Annotated[str | None, Query(max_length=8)]


@router.get("/")
def home(request: Request, g: Searcher) -> HTMLResponse:
    g.audit("page", [], ["search form"])
    return page(request, "home.html", q={"birth": Typed()}, hits=None, errors={})


def _birth(typed: Typed, one: str | None) -> tuple[dt.date | None, dict[str, str]]:
    """The date of birth from its three boxes, or from ``birth_date`` typed in one box (a
    link or a bookmark: 12/31/1980 or 1980-12-31); an unreadable date is an error."""
    try:
        if not typed.empty:
            return memorable("birth", "Date of birth", typed), {}
        return one_box("birth", "Date of birth", one), {}
    except FormError as exc:
        return None, {exc.field: exc.message}


def _needs(name: str | None, born: dt.date | None, identifier: str | None) -> dict[str, str]:
    """What a search lacks, by field id."""
    if identifier or (name and born):
        return {}
    if name:
        return {"birth": "Enter the date of birth, or search by an identifier"}
    if born:
        return {"name": "Enter the name, or search by an identifier"}
    return {"name": "Enter a name and a date of birth, or an identifier"}


@router.get("/search")
def search_page(
    request: Request, g: Searcher, name: Text = None, identifier: Text = None,
    birth_date: Text = None, birth_day: Box = None, birth_month: Box = None,
    birth_year: Box = None,
) -> HTMLResponse:  # fmt: skip
    """Results say why each person matched; a search is audited with the persons returned.
    A date of birth that cannot be read, or a search that lacks something, is an error
    beside its field, with what was typed kept."""
    typed = Typed(birth_day or "", birth_month or "", birth_year or "")
    born, errors = _birth(typed, birth_date)
    if born is not None:
        typed = Typed(str(born.day), str(born.month), str(born.year))
    q = {"name": name, "identifier": identifier, "birth": typed}
    errors = errors or _needs(name, born, identifier)
    if errors:
        message = "; ".join(errors.values())
        return page(request, "home.html", 400, q=q, hits=None, errors=errors, message=message)
    day = born.isoformat() if born else None
    hits = search(request.app.state.search_index.get(), name, day, identifier, 20)
    asked = {k: v for k, v in {"name": name, "birth_date": day, "identifier": identifier}.items()
             if v}  # fmt: skip
    people = person_labels(g.engine, [h.person_id for h in hits], g.field_groups())
    fields = sorted({*asked, *named_fields(people)})
    g.audit("person", [h.person_id for h in hits], fields, {"query": asked, "web": True})
    return page(request, "home.html", q=q, hits=hits, people=people, errors={})
