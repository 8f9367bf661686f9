"""Reading cases a page at a time: open tasks of open cases by state, assignee and type
(counted and sliced in SQL, the root task aside), cases counted, redress requests by state."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, text

from sojourn.cases.model import Actor
from sojourn.cases.queries import (
    TaskFilter,
    count_cases,
    count_open_tasks,
    count_redress,
    list_cases,
    list_redress,
    open_task_choices,
    open_task_states,
    open_tasks,
)
from sojourn.cases.tables import redress_requests
from sojourn.cases.workflow import add_task, assign, open_case, transition

OFFICER = Actor("olivia", "officer")


def _board(engine: Engine) -> list[int]:
    """Six open cases with a legal review each (the third case's in progress, the fifth's
    assigned to olivia) and a seventh case closed: its task is not on the board."""
    with engine.begin() as conn:
        made = []
        for i in range(7):
            case = open_case(conn, f"P{i}", OFFICER, "hard stop")
            task = add_task(conn, case, "legal_review", OFFICER, "hard stop")
            if i == 2:
                transition(conn, task, "in_progress", OFFICER, "reading")
            if i == 4:
                assign(conn, task, "user", "olivia", OFFICER, "hers")
            made.append(case)
        conn.execute(text(f"UPDATE cases SET status = 'closed' WHERE id = {made[6]}"))
    return made


def test_open_tasks_are_counted_and_paged(engine: Engine) -> None:
    made = _board(engine)
    with engine.connect() as conn:
        assert count_cases(conn, None, "open") == 6 and count_cases(conn) == 7
        assert [c["id"] for c in list_cases(conn, None, "open", 2, 2)] == made[3:1:-1]
        assert count_open_tasks(conn, TaskFilter()) == 6
        states = open_task_states(conn, TaskFilter(state="on_hold"))  # every state counted
        assert states == {"assigned": 5, "in_progress": 1}
        page = open_tasks(conn, TaskFilter(state="assigned"), 2, 1)
        assert [t["case_id"] for t in page] == [made[4], made[3]]  # newest case first
        assert {t["type"] for t in page} == {"legal_review"} and page[0]["person_id"] == "P4"
        hers = TaskFilter(assignee="olivia")
        assert count_open_tasks(conn, hers) == 1 and open_tasks(conn, hers)[0]["case_id"] == made[4]
        assert count_open_tasks(conn, TaskFilter(type="closure")) == 0
        assignees, types = open_task_choices(conn)
    assert "olivia" in assignees and types == ["legal_review"]


def test_redress_requests_by_state(engine: Engine) -> None:
    now = dt.datetime.now(dt.UTC)
    rows = [{"person_id": f"P{i}", "kind": "record", "requester": "the person",
             "filed_by": "olivia", "filed_at": now, "subject": "{}", "statement": "s",
             "status": "decided" if i % 4 == 0 else "open"} for i in range(9)]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(redress_requests.insert(), rows)
    with engine.connect() as conn:
        assert count_redress(conn) == {"open": 6, "decided": 3}
        first = list_redress(conn, None, 7)
        assert [r["status"] for r in first] == ["open"] * 6 + ["decided"]
        assert [r["person_id"] for r in list_redress(conn, "decided", 2, 1)] == ["P4", "P0"]
