"""Every page but signing in and out goes through a page guard (session, purpose, Cedar,
audit); choosing the purpose needs a session."""

from __future__ import annotations

from sojourn.api.app import api_routes, create_app
from sojourn.store import make_engine
from tests.routes import dependency_names

OPEN = {"/ui/login", "/ui/logout", "/"}
SESSION_ONLY = {"/ui/purpose"}


def test_every_page_is_guarded() -> None:
    app = create_app(make_engine("sqlite://"))
    pages = [r for r in api_routes(app.routes) if not r.include_in_schema]
    assert len(pages) >= 15
    for route in pages:
        names = dependency_names(route)
        if route.path in OPEN:
            continue
        assert "web_principal" in names, route.path
        if route.path not in SESSION_ONLY:
            assert len({n for n in names if n.startswith("page_")}) == 1, route.path
