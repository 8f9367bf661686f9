"""Cases over HTTP: the supervisor approves a priority (an officer cannot), a retry with the
same Idempotency-Key decides once, redress freezes the person's enforcement task until a
redress officer decides it, and the administrator switches the policy; each write audited."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import text

from tests.api.conftest import World
from tests.cases.planted import ready_persons

CE, RD, AD, OA = "civil_enforcement", "redress", "administration", "oversight_audit"
READY: dict[int, list[str]] = {}


def _case_with_approval(world: World, nth: int) -> tuple[dict[str, Any], int]:
    """The case of the nth enforcement-ready person (each test takes its own person)."""
    if id(world.engine) not in READY:  # the same list for every test of this world
        READY[id(world.engine)] = ready_persons(world.engine, dt.date(2025, 9, 30), at_least=6)
    person = READY[id(world.engine)][nth]
    headers = world.headers("officer", CE)
    (case,) = world.client.get(f"/cases?person={person}", headers=headers).json()
    detail = world.client.get(f"/cases/{case['id']}", headers=headers).json()
    task = next(t["id"] for t in detail["tasks"] if t["type"] == "supervisor_approval")
    return detail, task


#: Current links (each record's latest) grouped by person.
BY_PERSON = ("FROM links l WHERE l.id IN (SELECT max(id) FROM links GROUP BY record_id) "
             "GROUP BY l.person_id")  # fmt: skip


def _rows(world: World, sql: str) -> list[Any]:
    with world.engine.connect() as conn:
        return list(conn.execute(text(sql)).all())


def _post(world: World, role: str, purpose: str, url: str, body: Any, key: str) -> Any:
    headers = {**world.headers(role, purpose), "Idempotency-Key": key}
    return world.client.post(url, json=body, headers=headers)


def test_a_supervisor_approves_once(world: World) -> None:
    _, task = _case_with_approval(world, 0)
    body = {"outcome": "approve", "finding": "final order confirmed with the court record"}
    url = f"/tasks/{task}/decision"
    refused = _post(world, "officer", CE, url, body, "officer-try-1")
    assert refused.status_code == 409 and "supervisor" in refused.json()["error"]["message"]
    first = _post(world, "supervisor", CE, url, body, "approve-0001")
    again = _post(world, "supervisor", CE, url, body, "approve-0001")
    assert first.status_code == 201 and again.json() == first.json()
    log = world.client.get("/audit/events?actor=supervisor&limit=20",
                           headers=world.headers("privacy_officer", OA)).json()  # fmt: skip
    assert sum(e["action"] == "case.task_status" for e in log) == 1


def test_redress_freezes_until_decided(world: World) -> None:
    detail, task = _case_with_approval(world, 1)
    person = detail["person_id"]
    body = {
        "kind": "status",
        "requester": "the person's attorney",
        "statement": "my client has a pending appeal",
        "subject": {"field": "status"},
    }
    filed = _post(world, "officer", CE, f"/persons/{person}/redress", body, "redress-0001")
    assert filed.status_code == 201, filed.text
    headers = world.headers("officer", CE)
    now = world.client.get(f"/cases/{detail['id']}", headers=headers).json()
    status = {t["id"]: t["status"] for t in now["tasks"]}
    assert status[task] == "on_hold"
    moved = _post(world, "supervisor", CE, f"/tasks/{task}/status",
                  {"to": "in_progress", "reason": "start"}, "move-0001")  # fmt: skip
    assert moved.status_code == 409 and "redress" in moved.json()["error"]["message"]
    decision = {"outcome": "denied", "finding": "no appeal was filed within 30 days"}
    url = f"/redress/{filed.json()['redress_id']}/decision"
    assert _post(world, "officer", CE, url, decision, "decide-0001").status_code == 403
    unread = _post(world, "redress_officer", RD, url, decision, "decide-0003")
    assert unread.status_code == 409 and "review" in unread.json()["error"]["message"]
    review = world.client.get(
        url.removesuffix("/decision"), headers=world.headers("redress_officer", RD)
    )
    assert review.status_code == 200 and review.json()["records"]
    assert review.json()["subject"] == {"field": "status"}
    assert _post(world, "redress_officer", RD, url, decision, "decide-0002").status_code == 200
    after = world.client.get(f"/cases/{detail['id']}", headers=headers).json()
    assert {t["id"]: t["status"] for t in after["tasks"]}[task] == "assigned"
    assert after["redress"][0]["outcome"] == "denied"


def test_the_administrator_switches_the_policy(world: World) -> None:
    body = {"policy": "enforcement-priorities-2014@2014-11-20", "reason": "test of the switch"}
    headers = world.headers("administrator", AD)
    assert world.client.post("/policy/active", json=body, headers=headers).status_code == 200
    refused = world.client.post("/policy/active", json=body, headers=world.headers("analyst", AD))
    assert refused.status_code == 403
    shown = world.client.get("/policies", headers=world.headers("officer", CE)).json()
    assert shown["active"] == body["policy"] and len(shown["policies"]) == 3
    back = {"policy": "final-orders-and-overstays-2025@2025-01-20", "reason": "restore"}
    assert world.client.post("/policy/active", json=back, headers=headers).status_code == 200


def test_a_contested_link_is_judged_and_resolved_again(world: World) -> None:
    sql = "SELECT l.person_id, min(l.record_id), max(l.record_id) " + BY_PERSON
    ((person, a, b),) = _rows(world, sql + " HAVING count(*) = 2 ORDER BY l.person_id LIMIT 1")
    body = {"kind": "link", "requester": "the person", "statement": "that record is not mine",
            "subject": {"record_a": a, "record_b": b}}  # fmt: skip
    filed = _post(world, "redress_officer", RD, f"/persons/{person}/redress", body, "link-0001")
    assert filed.status_code == 201, filed.text
    decision = {"outcome": "link_judged", "finding": "different birth dates and passports",
                "judgement": {"record_a": a, "record_b": b, "verdict": "different"}}  # fmt: skip
    url = f"/redress/{filed.json()['redress_id']}/decision"
    world.client.get(url.removesuffix("/decision"), headers=world.headers("redress_officer", RD))
    told = _post(world, "redress_officer", RD, url, decision, "link-decide-1")
    assert told.status_code == 200, told.text
    assert told.json()["judgement_id"]
    with world.engine.connect() as conn:
        holders = conn.execute(
            text(
                "SELECT record_id, person_id FROM links WHERE id IN (SELECT max(id) FROM links "
                "WHERE record_id IN (:a, :b) GROUP BY record_id)"
            ),
            {"a": a, "b": b},
        ).all()
    assert len({p for _, p in holders}) == 2  # the two records are two persons now


def test_a_case_follower_is_told_of_each_change(world: World) -> None:
    detail, task = _case_with_approval(world, 2)
    officer = world.headers("officer", CE)
    made = world.client.post(f"/cases/{detail['id']}/follow", headers=officer)
    assert made.status_code == 201 and made.json()["person_id"] == detail["person_id"]
    assert world.client.post("/cases/999999/follow", headers=officer).status_code == 404
    body = {"outcome": "approve", "finding": "final order confirmed with the court record"}
    decided = _post(world, "supervisor", CE, f"/tasks/{task}/decision", body, "approve-0002")
    assert decided.status_code == 201
    alerts = world.client.get("/alerts", headers=officer).json()
    assert alerts and all(a["case_id"] == detail["id"] for a in alerts)
    moved = [(a["summary"]["task"], a["summary"]["to"]) for a in alerts]
    assert (task, "completed") in moved  # and the approval opened its enforcement action:
    assert any(a["summary"]["task_type"] == "enforcement_action" for a in alerts)


def test_following_a_person_needs_the_history_alerts_carry(world: World) -> None:
    detail, _ = _case_with_approval(world, 3)
    url = f"/persons/{detail['person_id']}/follow"
    privacy = world.client.post(url, headers=world.headers("privacy_officer", OA))
    assert privacy.status_code == 403 and "immigration history" in privacy.text
    assert world.client.post(url, headers=world.headers("officer", CE)).status_code == 201


def test_a_redress_decision_touches_only_the_requester_s_records(world: World) -> None:
    sql = "SELECT l.person_id, min(l.record_id) " + BY_PERSON + " ORDER BY l.person_id DESC LIMIT 3"
    (person, _), (_, theirs), (_, also_theirs) = _rows(world, sql)
    body = {"kind": "status", "requester": "the person", "statement": "my status is wrong",
            "subject": {"field": "status"}}  # fmt: skip
    filed = _post(world, "redress_officer", RD, f"/persons/{person}/redress", body, "scope-0001")
    assert filed.status_code == 201, filed.text
    url = f"/redress/{filed.json()['redress_id']}/decision"
    wrong = {"record_id": theirs, "field": "birth_date", "value": "1980-01-01"}
    fix = {"outcome": "corrected", "finding": "the date was mistyped", "correction": wrong}
    refused = _post(world, "redress_officer", RD, url, fix, "scope-0002")
    assert refused.status_code == 409 and "is not a record of" in refused.text
    pair = {"record_a": theirs, "record_b": also_theirs, "verdict": "same"}
    merge = {"outcome": "link_judged", "finding": "the same traveller", "judgement": pair}
    refused = _post(world, "redress_officer", RD, url, merge, "scope-0003")
    assert refused.status_code == 409 and "neither judged record" in refused.text
    with world.engine.connect() as conn:  # nothing of either attempt was written
        sql = "SELECT count(*) FROM judgements WHERE record_l IN (:a, :b) OR record_r IN (:a, :b)"
        judged = conn.execute(text(sql), {"a": theirs, "b": also_theirs}).scalar_one()
    assert judged == 0


def test_a_task_route_is_decided_and_refused_on_its_case(world: World) -> None:
    detail, task = _case_with_approval(world, 4)
    move = {"to": "in_progress", "reason": "an analyst tries to work a case"}
    refused = _post(world, "analyst", CE, f"/tasks/{task}/status", move, "analyst-move-1")
    assert refused.status_code == 403
    sql = ("SELECT resource_ids FROM audit_events WHERE actor = 'analyst' AND decision = 'deny' "
           "ORDER BY seq DESC LIMIT 1")  # fmt: skip
    with world.engine.connect() as conn:
        ids = json.loads(conn.execute(text(sql)).scalar_one())
    assert ids == [str(detail["id"])]  # the case, not the task's own number
    bad = _post(world, "officer", CE, "/tasks/not-a-task/status", move, "bad-task-1")
    assert bad.status_code == 422
