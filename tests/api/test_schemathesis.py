"""Property-based tests from the app's own OpenAPI document (schemathesis): no server error
for any generated request, and no route that ignores its declared authentication (the
``ignored_auth`` check sends each request again without the token)."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import ignored_auth, not_a_server_error

from tests.api.conftest import World

#: The role and purpose each part of the API is called with (so that requests pass the
#: guard and reach the route's own code).
CALLERS = {
    "/users": ("administrator", "administration"),
    "/audit": ("privacy_officer", "oversight_audit"),
    "/reports": ("analyst", "statistics"),
    "/persons": ("analyst", "criminal_investigation"),
}
TOKENS: dict[tuple[int, str], str] = {}


def _headers(world: World, path: str) -> dict[str, str]:
    for prefix, (role, purpose) in CALLERS.items():
        if path.startswith(prefix):
            key = (id(world.client.app), role)
            if key not in TOKENS:
                TOKENS[key] = world.token(role)
            return {"Authorization": f"Bearer {TOKENS[key]}", "X-Purpose-Of-Use": purpose}
    return {}


def _exercise(operation: Any, headers: dict[str, str]) -> None:
    checks = [not_a_server_error, ignored_auth] if headers else [not_a_server_error]

    @given(case=operation.as_strategy())
    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    run()


def test_no_server_errors_and_no_ignored_auth(world: World) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 11
    for operation in operations:
        _exercise(operation, _headers(world, operation.path))
