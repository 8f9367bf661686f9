"""Cases follow assessments (hand-made persons): hard stops open their reviews, a priority goes
to a supervisor, a confirmed departure closes the case citing its evidence, a manifest alone
does not; a redress request freezes enforcement until it is decided; re-syncing changes
nothing."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Engine, select

from sojourn.cases.model import Actor
from sojourn.cases.redress import decide_request, file_request, open_review
from sojourn.cases.sync import sync_assessment
from sojourn.cases.tables import cases, decisions, redress_requests, tasks
from sojourn.status.events import make_event
from tests.cases.conftest import plant_person
from tests.priority.scenario import POLICY_2025, arrival, order, run

OFFICER, SUPERVISOR = Actor("olivia", "officer"), Actor("sam", "supervisor")
FINAL = [arrival(), order("2024-03-01", in_absentia=False)]  # ordered in person: present


def _tasks(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {r.type: r.status for r in conn.execute(select(tasks).order_by(tasks.c.id))}


def test_a_priority_goes_to_a_supervisor_and_a_departure_closes(engine: Engine) -> None:
    with engine.begin() as conn:
        first = sync_assessment(conn, run(POLICY_2025, FINAL))
        assert first.opened and sync_assessment(conn, run(POLICY_2025, FINAL)).tasks == []
    assert _tasks(engine) == {"case": "on_hold", "supervisor_approval": "assigned"}
    manifest = make_event("departure", "dep-m", departure_date="2025-05-01",
                          provenance="manifest", mode="air")  # fmt: skip
    with engine.begin() as conn:
        unconfirmed = sync_assessment(conn, run(POLICY_2025, [*FINAL, manifest]))
        assert unconfirmed.closed == [] and len(unconfirmed.tasks) == 1
        assert sync_assessment(conn, run(POLICY_2025, [*FINAL, manifest])).tasks == []
    assert _tasks(engine)["departure_verification"] == "assigned"
    biometric = make_event("departure", "dep-b", departure_date="2025-05-01",
                           provenance="biometric", mode="air")  # fmt: skip
    with engine.begin() as conn:
        assert sync_assessment(conn, run(POLICY_2025, [*FINAL, biometric])).closed
        case = conn.execute(select(cases)).one()
    assert case.status == "closed"
    closure = json.loads(case.closure)
    assert closure["reason"] == "departure confirmed" and "dep-b" in closure["evidence"]["records"]
    assert _tasks(engine) == {
        "case": "completed",
        "supervisor_approval": "cancelled",
        "departure_verification": "cancelled",
    }


def test_hard_stops_open_reviews_not_enforcement(engine: Engine) -> None:
    naturalized = [*FINAL, make_event("naturalization", "n400", naturalized_on="2024-06-01")]
    with engine.begin() as conn:
        sync_assessment(conn, run(POLICY_2025, naturalized))
    found = _tasks(engine)
    assert found.get("citizenship_investigation") == "assigned"
    assert "supervisor_approval" not in found


def test_redress_freezes_enforcement_until_decided(engine: Engine) -> None:
    with engine.begin() as conn:
        plant_person(conn, "P1")
        sync_assessment(conn, run(POLICY_2025, FINAL))
        request = file_request(conn, "P1", "record", "the person's attorney",
                               "the order was vacated", {"record": "court"}, OFFICER)  # fmt: skip
    assert _tasks(engine)["supervisor_approval"] == "on_hold"
    assert _tasks(engine)["redress_review"] == "assigned"
    with engine.begin() as conn:
        open_review(conn, request, SUPERVISOR)
        told = decide_request(conn, request, "denied", "the court confirms the final order",
                              SUPERVISOR)  # fmt: skip
        row = conn.execute(select(redress_requests)).one()
        decision = conn.execute(select(decisions)).one()
    assert row.status == "decided" and row.outcome == "denied" and told["outcome"] == "denied"
    assert decision.kind == "redress_review" and decision.actor == "sam"
    assert _tasks(engine)["supervisor_approval"] == "assigned"


def test_an_unverified_overstay_opens_a_departure_verification(engine: Engine) -> None:
    land = make_event("arrival", "arr", arrival_date="2021-06-24", class_of_admission="B2",
                      admit_until="2021-12-23", mode="land")  # fmt: skip
    later = dt.date(2026, 10, 1)
    with engine.begin() as conn:
        first = sync_assessment(conn, run(POLICY_2025, [land], as_of=later))
        assert first.opened and len(first.tasks) == 1
        assert sync_assessment(conn, run(POLICY_2025, [land], as_of=later)).tasks == []
        detail = json.loads(conn.execute(select(tasks.c.detail).where(
            tasks.c.type == "departure_verification")).scalar_one())  # fmt: skip
    assert _tasks(engine) == {"case": "on_hold", "departure_verification": "assigned"}
    assert detail["stop"] == "presence_unverified" and detail["records"] == ["arr"]
    seen = make_event("address", "ar11", effective_on="2024-03-10")
    with engine.begin() as conn:
        sync_assessment(conn, run(POLICY_2025, [land, seen], as_of=later))
    assert _tasks(engine)["supervisor_approval"] == "assigned"  # verified: now a proposal
