"""Where each role starts for each purpose of use it may choose, and where an error page sends
the user back to. One table: a purpose is offered to a role only if the role's start page for
it is listed here and the policies let the role open it (so choosing a purpose never ends on
"Not allowed"); the tests open every entry as its role."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from fastapi import Request
from starlette.routing import Match

from sojourn.access.authz import Principal, authorizer
from sojourn.access.model import PURPOSES

#: Role → purpose → its start page (the purposes not listed are not offered to the role: for
#: them the policies grant it nothing but the dashboards, which "statistics" opens).
START: dict[str, dict[str, str]] = {
    "analyst": {"criminal_investigation": "/ui/", "statistics": "/ui/dashboard"},
    "officer": {"civil_enforcement": "/ui/cases", "statistics": "/ui/dashboard"},
    "supervisor": {"civil_enforcement": "/ui/cases", "statistics": "/ui/dashboard"},
    "redress_officer": {"redress": "/ui/redress"},
    "privacy_officer": {"oversight_audit": "/ui/audit", "statistics": "/ui/dashboard"},
    "administrator": {"administration": "/ui/users"},
}
#: What opening each start page asks of the policies (the page's own guard).
OPENS: dict[str, tuple[str, str]] = {
    "/ui/": ("person.search", "Person"),
    "/ui/cases": ("case.read", "Case"),
    "/ui/redress": ("case.read", "Case"),
    "/ui/dashboard": ("report.read", "Report"),
    "/ui/audit": ("audit.read", "AuditLog"),
    "/ui/users": ("user.manage", "UserAccount"),
}
#: What each menu entry's page asks of the policies (an entry the user cannot open is not shown).
MENU_OPENS: dict[str, tuple[str, str]] = {
    **OPENS,
    "/ui/reviews": ("review.judge", "Review"),
    "/ui/alerts": ("alert.read", "Alert"),
}
SAFE = re.compile(r"^/ui/[A-Za-z0-9/_.:-]*$")
PLACES = ((re.compile(r"^/ui/cases/(\d+)$"), "Back to case {}"),
          (re.compile(r"^/ui/persons/[^/]+$"), "Back to the person"),
          (re.compile(r"^/ui/redress/(\d+)$"), "Back to redress request {}"))  # fmt: skip


@lru_cache(maxsize=512)
def opens(role: str, purpose: str | None, path: str) -> bool:
    """Whether the role may open the menu page ``path`` for ``purpose`` (the answer depends
    on role and purpose only; a path not in the table is not restricted here)."""
    if path not in MENU_OPENS or purpose not in PURPOSES:
        return path not in MENU_OPENS
    action, kind = MENU_OPENS[path]
    return authorizer().decide(Principal("menu", role), action, kind, "*", purpose).allowed


def start_page(who: Principal, purpose: str | None) -> str | None:
    """The page ``who`` starts on for ``purpose`` (None: the purpose is not theirs)."""
    path = START.get(who.role, {}).get(purpose or "")
    if path is None:
        return None
    action, kind = OPENS[path]
    return path if authorizer().decide(who, action, kind, "*", purpose).allowed else None


def purposes_for(who: Principal) -> list[tuple[str, str]]:
    """The purposes offered to ``who``: those with a start page the role may open."""
    return [(p, text) for p, text in PURPOSES.items() if start_page(who, p)]


def _opens(request: Request, path: str) -> bool:
    """Whether ``path`` is a page (a GET route of the app), not a form's POST-only address."""
    app = request.scope.get("app")
    if app is None:
        return True
    scope = {"type": "http", "method": "GET", "path": path, "root_path": ""}
    return any(route.matches(scope)[0] == Match.FULL for route in app.router.routes)


def back_to(request: Request, purpose: str | None) -> tuple[str, str]:
    """Where an error page's "Back" link goes, and its words: the same-origin page the user
    came from (never the page that failed on a read), else the start page of the user's role
    and purpose, else the choice of purpose (or the sign-in)."""
    came = urlsplit(request.headers.get("referer", ""))
    same = (
        came.netloc == request.url.netloc and SAFE.match(came.path) and _opens(request, came.path)
    )
    failed_here = came.path == request.url.path and request.method == "GET"
    if same and not failed_here and came.path != "/ui/login":
        for pattern, words in PLACES:
            found = pattern.match(came.path)
            if found:
                return came.path, words.format(*found.groups())
        return came.path + (f"?{came.query}" if came.query else ""), "Back to the previous page"
    who = getattr(request.state, "principal", None)
    if who is None:
        return "/ui/login", "Sign in"
    start = start_page(who, purpose)
    if start is None:
        return "/ui/purpose", "Choose a purpose of use"
    return start, "Go to your start page"
