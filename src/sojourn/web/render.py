"""Rendering pages: one Jinja2 environment (autoescaped), the context every page shares (who,
in which role, for which purpose, the navigation of that role, the form token)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from sojourn.access.model import PURPOSES, ROLES
from sojourn.api.errors import note_refusal
from sojourn.web.flash import FLASH, take
from sojourn.web.security import PURPOSE, csrf_token
from sojourn.web.start import opens

HERE = Path(__file__).parent
HTMX = "htmx-2.0.11.min.js"
#: Navigation: (label, path, roles that see it).
CASE_ROLES = {"analyst", "officer", "supervisor", "redress_officer", "privacy_officer"}
NAV = (
    ("Search", "/ui/", {"analyst", "officer", "supervisor", "redress_officer"}),
    ("Cases", "/ui/cases", CASE_ROLES),
    ("Identity reviews", "/ui/reviews", {"analyst", "supervisor", "redress_officer"}),
    ("Redress", "/ui/redress", CASE_ROLES),
    ("Dashboards", "/ui/dashboard", {"analyst", "officer", "supervisor", "privacy_officer"}),
    ("Alerts", "/ui/alerts", CASE_ROLES),
    ("Audit", "/ui/audit", {"privacy_officer"}),
    ("Users", "/ui/users", {"administrator"}),
)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["words"] = lambda s: str(s).replace("_", " ")
    return env


def page(request: Request, template: str, code: int = 200, **values: Any) -> HTMLResponse:
    """A page with the shared context (a 4xx page's reason goes to its audit event)."""
    if code >= 400 and getattr(request.state, "refusal", None) is None:
        reason = values.get("message") or values.get("error") or values.get("heading") or ""
        note_refusal(request, code, "page_error", str(reason))
    principal = getattr(request.state, "principal", None)
    role = principal.role if principal else None
    context = {
        "request": request,
        "user": principal.username if principal else None,
        "role": role,
        "role_text": ROLES.get(role or "", ""),
        "purpose": request.cookies.get(PURPOSE),
        "purposes": PURPOSES,
        "nav": [
            (label, path, _current(request.url.path, path))
            for label, path, roles in NAV
            if role in roles and opens(role, request.cookies.get(PURPOSE), path)
        ],
        "notice": take(request),
        "csrf": csrf_token(request),
        "htmx": f"/static/{HTMX}",
        **values,
    }
    out = HTMLResponse(environment().get_template(template).render(context), status_code=code)
    if FLASH in request.cookies:
        out.delete_cookie(FLASH)  # shown once
    return out


def _current(here: str, path: str) -> bool:
    """Whether the menu entry ``path`` is the section of the page at ``here``."""
    if path == "/ui/":
        return here in ("/ui/", "/ui/search")
    return here == path or here.startswith(path + "/")
