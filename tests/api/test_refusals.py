"""Every refusal leaves a ``deny`` audit event: 400, 401, 403, 404, 409 and 422 from the API,
and a page's refusals, each with who (``anonymous`` before a token), role, purpose, action,
the ids in the path and the reason; a 409 whose transaction rolled back is still on the
record; a guard's own refusal is not written twice; request ids are the server's."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from tests.api.conftest import World
from tests.api.test_routes_cases import _case_with_approval, _post

CI, CE, ST = "criminal_investigation", "civil_enforcement", "statistics"


def _events(world: World, request_id: str) -> list[dict[str, Any]]:
    with world.engine.connect() as conn:
        found = conn.execute(
            text("SELECT * FROM audit_events WHERE request_id = :r ORDER BY seq"), {"r": request_id}
        )
        out = [dict(r._mapping) for r in found]
    for e in out:
        e["resource_ids"], e["detail"] = json.loads(e["resource_ids"]), json.loads(e["detail"])
    return out


def _denied(world: World, answer: Any) -> dict[str, Any]:
    """The one deny event of a refused answer (written by ``api.refusals``)."""
    found = [e for e in _events(world, answer.headers["X-Request-Id"]) if e["decision"] == "deny"]
    assert len(found) == 1, found
    assert found[0]["detail"]["status"] == answer.status_code
    return found[0]


def test_not_found_invalid_and_missing_purpose_are_audited(world: World) -> None:
    missing = world.client.get("/persons/P-none", headers=world.headers("analyst", CI))
    assert missing.status_code == 404
    event = _denied(world, missing)
    assert (event["actor"], event["role"], event["purpose"]) == ("analyst", "analyst", CI)
    assert event["action"] == "person.read" and event["resource_ids"] == ["P-none"]
    assert event["detail"]["code"] == "not_found"
    invalid = world.client.get("/reports/overstay?fy=abc", headers=world.headers("analyst", ST))
    assert invalid.status_code == 422
    assert _denied(world, invalid)["detail"]["code"] == "invalid_request"
    no_purpose = world.client.get("/persons/P-none", headers=world.headers("analyst", None))
    event = _denied(world, no_purpose)
    assert no_purpose.status_code == 400 and event["actor"] == "analyst"
    assert event["purpose"] == "" and event["detail"]["code"] == "purpose_required"
    odd = world.client.get(
        "/persons/P-none", headers={**world.headers("analyst", None), "X-Purpose-Of-Use": "fun"}
    )
    assert _denied(world, odd)["detail"]["purpose_sent"] == "fun"


def test_anonymous_refusals_are_audited(world: World) -> None:
    answer = world.client.get("/persons/P-1")
    assert answer.status_code == 401
    event = _denied(world, answer)
    assert (event["actor"], event["role"], event["purpose"]) == ("anonymous", "anonymous", "")
    assert event["action"] == "person.read" and event["resource_ids"] == ["P-1"]
    bad = world.client.get("/persons/P-1", headers={"Authorization": "Bearer not-a-token"})
    assert _denied(world, bad)["detail"]["code"] == "not_authenticated"
    nowhere = world.client.get("/no/such/route")
    assert nowhere.status_code == 404
    assert _denied(world, nowhere)["action"] == "GET /no/such/route"


def test_a_workflow_refusal_is_on_the_record_though_its_write_rolled_back(world: World) -> None:
    _, task = _case_with_approval(world, 0)
    body = {"outcome": "approve", "finding": "final order confirmed with the court record"}
    refused = _post(world, "officer", CE, f"/tasks/{task}/decision", body, "refusal-test-1")
    assert refused.status_code == 409
    event = _denied(world, refused)
    assert (event["actor"], event["purpose"]) == ("officer", CE)
    assert str(task) in event["resource_ids"] and "supervisor" in event["detail"]["reason"]
    with world.engine.connect() as conn:
        kept = conn.execute(
            text("SELECT count(*) FROM idempotency_keys WHERE key = 'refusal-test-1'")
        )
        assert kept.scalar_one() == 0  # the write itself left nothing


def test_a_guard_refusal_is_written_once(world: World) -> None:
    answer = world.client.get("/users", headers=world.headers("analyst", CI))
    assert answer.status_code == 403
    (event,) = _events(world, answer.headers["X-Request-Id"])
    assert (event["decision"], event["actor"], event["purpose"]) == ("deny", "analyst", CI)
    assert "status" not in event["detail"]  # the guard's own event, not the middleware's


def test_page_refusals_are_audited(world: World) -> None:
    signed_out = world.client.get("/ui/persons/P-1", follow_redirects=False)
    assert signed_out.status_code == 303
    event = _events(world, signed_out.headers["X-Request-Id"])[0]
    assert (event["decision"], event["actor"]) == ("deny", "anonymous")
    assert event["detail"]["code"] == "login_required" and event["resource_ids"] == ["P-1"]


def test_request_ids_are_the_servers(world: World) -> None:
    mine = world.client.get("/persons/P-none", headers={"X-Request-Id": "mine<script>"})
    chosen = mine.headers["X-Request-Id"]
    assert chosen != "mine<script>" and chosen.endswith(".minescript") and len(chosen) <= 64
    assert _events(world, chosen)[0]["request_id"] == chosen
    other = world.client.get("/persons/P-none", headers={"X-Request-Id": "mine<script>"})
    assert other.headers["X-Request-Id"] != chosen


def test_a_signed_in_page_refusal_is_audited(world: World) -> None:
    cookies = {"sojourn_session": world.token("analyst"), "sojourn_purpose": CI}
    world.client.cookies.update(cookies)
    try:
        missing = world.client.get("/ui/persons/P-none")
    finally:
        world.client.cookies.clear()
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    event = _denied(world, missing)
    assert (event["actor"], event["role"], event["purpose"]) == ("analyst", "analyst", CI)
    assert event["resource_ids"] == ["P-none"] and event["detail"]["code"] == "page_error"
