"""Every route declares its authorization action and its audit event, and every route but
login goes through a guard (authentication, purpose, Cedar, audit)."""

from __future__ import annotations

from sojourn.api.app import api_routes, create_app
from sojourn.api.security import CONTRACT
from sojourn.store import make_engine
from tests.routes import dependency_names


def test_every_route_declares_its_action_and_audit_event() -> None:
    app = create_app(make_engine("sqlite://"))
    routes = [r for r in api_routes(app.routes) if r.include_in_schema]  # the pages: tests/web
    assert len(routes) >= 10
    spec = app.openapi()
    for route in routes:
        for method in route.methods:
            contract = CONTRACT.get((method, route.path))
            assert contract is not None, f"{method} {route.path} declares no contract"
            operation = spec["paths"][route.path][method.lower()]
            assert operation["x-sojourn-action"] == contract.action
            assert operation["x-sojourn-audit"] == contract.audit
            if route.path != "/auth/login":
                guards = {n for n in dependency_names(route) if n.startswith("guard_")}
                assert guards == {f"guard_{contract.action.replace('.', '_')}"}, route.path
                assert "authenticate" in dependency_names(route)
