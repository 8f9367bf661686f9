"""Every change to a case is announced in its own transaction: a ``sojourn.case.<id>.*`` event
in the outbox (which task moved from where to where, the case's state after) and an alert,
audited, for each follower of the case — not for followers of the person only; a change that
rolls back announces nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, select, text

from sojourn.cases.model import Actor
from sojourn.cases.workflow import add_task, close_case, open_case, transition
from sojourn.events.alerts import alerts_for, follow
from sojourn.events.tables import outbox

OFFICER = Actor("olivia", "officer")


def _announced(engine: Engine) -> list[tuple[str, dict[str, object]]]:
    with engine.connect() as conn:
        rows = conn.execute(select(outbox.c.subject, outbox.c.body).order_by(outbox.c.id))
        return [(s, json.loads(b)["payload"]) for s, b in rows]


def test_case_changes_are_announced_and_followers_told(engine: Engine) -> None:
    with engine.begin() as conn:
        case = open_case(conn, "P1", OFFICER, "hard stop citizenship")
        follow(conn, "cora", "officer", "civil_enforcement", "P1", case_id=case)
        follow(conn, "pia", "analyst", "criminal_investigation", "P1")  # the person only
        task = add_task(conn, case, "citizenship_investigation", OFFICER, "hard stop")
        transition(conn, task, "in_progress", OFFICER, "interviewing the person")
        close_case(conn, case, OFFICER, "departure confirmed", {"records": ["r1"]})
    said = _announced(engine)
    assert [s for s, _ in said] == [f"sojourn.case.{case}.{a}" for a in
                                    ("task_add", "task_add", "task_status", "close")]  # fmt: skip
    moved = said[2][1]
    assert (moved["task"], moved["task_type"], moved["from"], moved["to"]) == (
        task, "citizenship_investigation", "assigned", "in_progress")  # fmt: skip
    assert said[3][1]["case_status"] == "closed" and "reason" not in said[3][1]
    with engine.connect() as conn:
        told = alerts_for(conn, "cora")
        assert alerts_for(conn, "pia") == []
        sql = "SELECT count(*) FROM audit_events WHERE action = 'alert.case' AND actor = 'cora'"
        audited = conn.execute(text(sql)).scalar()
    assert [a["summary"]["action"] for a in told] == ["task_add", "task_status", "close"]
    assert all(a["case_id"] == case for a in told) and audited == 3


def test_a_change_that_rolls_back_announces_nothing(engine: Engine) -> None:
    with pytest.raises(RuntimeError), engine.begin() as conn:
        open_case(conn, "P2", OFFICER, "hard stop citizenship")
        raise RuntimeError("the change failed")
    assert _announced(engine) == []


def test_a_disabled_follower_is_told_nothing_more(engine: Engine) -> None:
    from sojourn.access.users import add_user, disable_user

    add_user(engine, "dana", "officer", "a long enough passphrase", by="test")
    with engine.begin() as conn:
        case = open_case(conn, "P3", OFFICER, "hard stop citizenship")
        follow(conn, "dana", "officer", "civil_enforcement", "P3", case_id=case)
        add_task(conn, case, "citizenship_investigation", OFFICER, "hard stop")
    disable_user(engine, "dana", by="admin", reason="left the agency")
    with engine.begin() as conn:
        close_case(conn, case, OFFICER, "departure confirmed", {"records": ["r1"]})
        told = alerts_for(conn, "dana")
    assert [a["summary"]["action"] for a in told] == ["task_add"]  # not the closure
