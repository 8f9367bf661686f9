"""The task tree on SQLite and PostgreSQL: parents wait on their children, supervisor-only
tasks need a supervisor and a written finding, every change is an event and an audit event,
and the history tables refuse UPDATE and DELETE."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from sojourn.audit.tables import audit_events
from sojourn.cases.model import SYSTEM, Actor, WorkflowError
from sojourn.cases.tables import decisions, task_events
from sojourn.cases.workflow import add_task, assign, decide, open_case, task_row, transition

OFFICER = Actor("olivia", "officer")
SUPERVISOR = Actor("sam", "supervisor")


def _count(engine: Engine, table: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_parents_wait_on_children(engine: Engine) -> None:
    with engine.begin() as conn:
        case = open_case(conn, "P1", OFFICER, "hard stop citizenship")
        child = add_task(conn, case, "citizenship_investigation", OFFICER, "hard stop")
        root = task_row(conn, child).parent_id
        assert task_row(conn, root).status == "on_hold"
        transition(conn, child, "in_progress", OFFICER, "interviewing")
        with pytest.raises(WorkflowError, match="only a supervisor"):
            decide(conn, child, "us_citizen", "birth certificate from Texas", OFFICER)
        with pytest.raises(WorkflowError, match="written finding"):
            decide(conn, child, "us_citizen", "ok", SUPERVISOR)
        decide(conn, child, "us_citizen", "Texas birth certificate verified", SUPERVISOR)
        assert task_row(conn, child).status == "completed"
        assert task_row(conn, root).status == "assigned"  # back when its last child closed
        assign(conn, root, "user", "olivia", SUPERVISOR, "for closure")
        found = conn.execute(select(decisions.c.actor, decisions.c.outcome)).one()
    assert tuple(found) == ("sam", "us_citizen")


def test_illegal_moves_are_refused_and_leave_nothing(engine: Engine) -> None:
    with engine.begin() as conn:
        case = open_case(conn, "P2", OFFICER, "priority proposed")
        task = add_task(conn, case, "supervisor_approval", SYSTEM, "priority_1 proposed")
        transition(conn, task, "cancelled", SUPERVISOR, "not warranted")
    before = (_count(engine, task_events), _count(engine, audit_events))
    for target in ("assigned", "completed", "in_progress"):
        with pytest.raises(WorkflowError, match="cannot go from cancelled"), engine.begin() as conn:
            transition(conn, task, target, SUPERVISOR, "reopen")
    with pytest.raises(WorkflowError, match="needs a reason"), engine.begin() as conn:
        transition(conn, task, "completed", SUPERVISOR, " ")
    assert (_count(engine, task_events), _count(engine, audit_events)) == before


def test_history_is_append_only(engine: Engine) -> None:
    with engine.begin() as conn:
        case = open_case(conn, "P3", OFFICER, "x")
        decide(conn, add_task(conn, case, "identity_review", OFFICER, "grey band"),
               "same", "the passport numbers agree", OFFICER)  # fmt: skip
    for table in ("task_events", "decisions"):
        for sql in (f"UPDATE {table} SET actor = 'mallory'", f"DELETE FROM {table}"):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(text(sql))


def test_a_task_goes_only_under_a_task_of_its_own_case(engine: Engine) -> None:
    with engine.begin() as conn:
        one = open_case(conn, "P8", OFFICER, "hard stop citizenship")
        other = open_case(conn, "P9", OFFICER, "hard stop citizenship")
        theirs = add_task(conn, other, "citizenship_investigation", OFFICER, "hard stop")
        with pytest.raises(WorkflowError, match=f"belongs to case {other}"):
            add_task(conn, one, "identity_review", OFFICER, "check", parent_id=theirs)
        assert task_row(conn, theirs).status == "assigned"  # not put on hold
