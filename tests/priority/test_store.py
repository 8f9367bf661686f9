"""Assessments stored with their history (an unchanged outcome writes nothing; a change is a
new row), and the audited switch of the active policy; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from sojourn.audit.queries import events
from sojourn.priority.policy import PolicyError, policy_in_force
from sojourn.priority.store import activate, active_policy, history, save
from tests.priority.scenario import AS_OF, POLICY_2014, POLICY_2025, arrival, conviction, run

PERSON = [arrival(), conviction("cv-af", "2021-06-01", "ROBBERY", "AF", 900)]


def test_history_keeps_changes_only(engine: Engine) -> None:
    first = run(POLICY_2025, PERSON)
    with engine.begin() as conn:
        assert save(conn, [first], "test") == 1
        assert save(conn, [first], "test") == 0  # unchanged: nothing written
        assert save(conn, [run(POLICY_2025, PERSON, open_redress=True)], "redress filed") == 1
        rows = history(conn, "P1")
    assert [r["trigger"] for r in rows] == ["test", "redress filed"]
    assert rows[0]["enforcement_ready"] and not rows[1]["enforcement_ready"]
    assert rows[1]["stops"] == ["open_redress"]
    assert rows[0]["body"]["rules"][0]["facts"]["overstay_days"]["records"] == ["arr"]


def test_switching_the_policy_is_audited(engine: Engine) -> None:
    with engine.connect() as conn:
        assert active_policy(conn, AS_OF).key == policy_in_force(AS_OF).key
    with pytest.raises(PolicyError, match="reason is required"):
        activate(engine, POLICY_2014, "root", "administrator", " ")
    with pytest.raises(PolicyError, match="unknown policy"):
        activate(engine, "made-up@1", "root", "administrator", "because")
    activate(engine, POLICY_2014, "root", "administrator", "court order to apply the 2014 memo")
    with engine.connect() as conn:
        assert active_policy(conn, AS_OF).key == POLICY_2014
        logged = events(conn, None, "root", 10)
        count = conn.execute(text("SELECT count(*) FROM policy_activations")).scalar_one()
    assert count == 1
    assert logged[0]["action"] == "policy.activate" and logged[0]["resource_ids"] == [POLICY_2014]
