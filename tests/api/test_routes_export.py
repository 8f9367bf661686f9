"""The person export: the whole file as the caller may see it, one audit event naming every
record exported, and a limit per user."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import text

from sojourn.api.ratelimit import RateLimit
from tests.api.conftest import World

CI, RD, OA = "criminal_investigation", "redress", "oversight_audit"


def _asylum_seeker(world: World) -> str:
    with world.engine.connect() as conn:
        return str(
            conn.execute(
                text(
                    "SELECT l.person_id FROM links l JOIN records r ON r.id = l.record_id "
                    "WHERE r.kind = 'status' AND r.event LIKE '%I-589%' ORDER BY l.id LIMIT 1"
                )
            ).scalar_one()
        )


def test_the_export_is_the_callers_view_and_is_audited_whole(world: World) -> None:
    person = _asylum_seeker(world)
    url = f"/persons/{person}/export?as_of=2025-09-30"
    redress = world.client.get(url, headers=world.headers("redress_officer", RD))
    assert redress.status_code == 200, redress.text
    assert redress.headers["Content-Disposition"] == (
        f'attachment; filename="person-{person}-2025-09-30.json"'
    )
    doc = redress.json()
    assert doc["exported_by"] == "redress_officer" and doc["purpose"] == RD
    assert any(r["field_group"] == "asylum" for r in doc["records"])
    assert doc["status"]["as_of"] == "2025-09-30"
    assert {x["record_id"] for x in doc["links"]} == {r["id"] for r in doc["records"]}
    analyst = world.client.get(url, headers=world.headers("analyst", CI)).json()
    assert all(r["field_group"] != "asylum" for r in analyst["records"])  # 8 CFR 208.6
    log = world.client.get("/audit/events?limit=50", headers=world.headers("privacy_officer", OA))
    exports = [e for e in log.json() if e["action"] == "person.export"]
    mine = next(e for e in exports if e["request_id"] == doc["request_id"])
    assert mine["actor"] == "redress_officer" and mine["purpose"] == RD
    shown = {person, *(r["id"] for r in doc["records"] if r["field_group"] != "asylum")}
    assert set(mine["resource_ids"]) == shown  # asylum record ids withheld from the auditor
    with world.engine.connect() as conn:  # the event itself names every record exported
        sql = "SELECT resource_ids FROM audit_events WHERE request_id = :r"
        stored = json.loads(conn.execute(text(sql), {"r": doc["request_id"]}).scalar_one())
    assert set(stored) == {person, *(r["id"] for r in doc["records"])}
    assert "status" in mine["fields"] and "links" in mine["fields"]


def test_exports_are_limited_per_user(world: World) -> None:
    person = _asylum_seeker(world)
    client = TestClient(world.client.app)
    client.app.state.rate_limits["export"] = RateLimit(2, 3600)  # type: ignore[attr-defined]
    analyst, redress = world.headers("analyst", CI), world.headers("redress_officer", RD)
    url = f"/persons/{person}/export"
    codes = [client.get(url, headers=analyst).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get(url, headers=analyst).json()["error"]["code"] == "rate_limited"
    assert client.get(url, headers=redress).status_code == 200  # another user's own window
