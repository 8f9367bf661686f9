"""Hard stops where the action happens, on a resolved generated population (SQLite and
PostgreSQL): evidence arriving after an approval was asked for holds it and refuses it;
evidence arriving after it was given, unseen by any recompute, still refuses carrying it out,
and the next recompute withdraws it; an open review holds approvals; the tasks that decide a
person's protection are ended only by the roles that decide them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from sojourn.cases.model import GUARDED, SYSTEM, Actor, StoppedError, WorkflowError
from sojourn.cases.recompute import recompute
from sojourn.cases.steps import set_status
from sojourn.cases.sync import open_case_of
from sojourn.cases.tables import decisions, task_events, tasks
from sojourn.cases.workflow import add_task, decide, open_case, transition
from sojourn.records import ingest_file, plan
from sojourn.resolve.run import resolve_all
from sojourn.resolve.tables import links
from sojourn.synth import generate
from tests.cases.conftest import plant_person
from tests.cases.planted import (
    TODAY,
    application,
    identity,
    naturalization,
    quietly,
    ready_persons,
    streamed,
)

OFFICER, SUPERVISOR = Actor("olivia", "officer"), Actor("sam", "supervisor")
FINDING = "the designation is supported by the records"


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> Engine:
    generate(700, 33, dt.date(2025, 9, 30), tmp_path / "synth")
    for item in plan([tmp_path / "synth"], None):
        ingest_file(engine, item.path, item.mapping)
    resolve_all(engine)
    return engine


def _task(engine: Engine, person: str, kind: str) -> Any:
    with engine.connect() as conn:
        case = open_case_of(conn, person)
        query = select(tasks).where(tasks.c.case_id == case, tasks.c.type == kind)
        return conn.execute(query.order_by(tasks.c.id.desc())).first()


def _last_reason(engine: Engine, task_id: int) -> str:
    query = select(task_events.c.reason).where(task_events.c.task_id == task_id)
    with engine.connect() as conn:
        return str(conn.execute(query.order_by(task_events.c.id.desc())).scalars().first())


def _planted_to(engine: Engine, person: str, went: str | None) -> None:
    assert went == person, "the planted record must reach the person for this test"


def test_evidence_after_an_approval_was_asked_holds_and_refuses_it(world: Engine) -> None:
    person = ready_persons(world)[0]
    approval = _task(world, person, "supervisor_approval")
    assert approval.status == "assigned"
    _planted_to(world, person, streamed(world, naturalization(identity(world, person))))
    held = _task(world, person, "supervisor_approval")
    assert held.status == "on_hold" and "citizenship" in _last_reason(world, held.id)
    moves = (lambda c: decide(c, held.id, "approve", FINDING, SUPERVISOR),
             lambda c: transition(c, held.id, "assigned", SUPERVISOR, "back to it"))  # fmt: skip
    for move in moves:
        with pytest.raises(StoppedError, match="citizenship"), world.begin() as conn:
            move(conn)
    assert _task(world, person, "citizenship_investigation").status == "assigned"
    with world.begin() as conn:  # ending it moves away from enforcement: allowed
        transition(conn, held.id, "cancelled", SUPERVISOR, "a citizen: no designation")


def test_late_evidence_unseen_by_any_recompute_still_refuses_and_withdraws(
    world: Engine,
) -> None:
    person = ready_persons(world)[1]
    approval = _task(world, person, "supervisor_approval")
    with world.begin() as conn:
        approved = decide(conn, approval.id, "approve", FINDING, SUPERVISOR)
    action = _task(world, person, "enforcement_action")
    assert action.status == "assigned" and json.loads(action.detail)["approval"] == approved
    _planted_to(world, person, quietly(world, application(identity(world, person), "I-589")))
    with pytest.raises(StoppedError, match="pending_application"), world.begin() as conn:
        decide(conn, action.id, "executed", "detainer lodged with the county", OFFICER)
    recompute(world, TODAY, "evidence arrived", [person])
    assert _task(world, person, "enforcement_action").status == "cancelled"
    query = select(decisions).where(decisions.c.retracts == approved)
    with world.connect() as conn:
        (withdrawn,) = conn.execute(query).all()
    assert withdrawn.kind == "retraction" and "pending_application" in withdrawn.finding
    again = recompute(world, TODAY, "again", [person])
    assert (again.tasks, again.opened) == (0, 0)  # withdrawn once, nothing asked again


def test_an_open_review_holds_approvals_until_it_is_done(world: Engine) -> None:
    person = ready_persons(world)[2]
    approval = _task(world, person, "supervisor_approval")
    with world.begin() as conn:
        review = add_task(conn, approval.case_id, "identity_review", OFFICER, "two persons?")
    assert _task(world, person, "supervisor_approval").status == "on_hold"
    with pytest.raises(StoppedError, match="identity_review"), world.begin() as conn:
        decide(conn, approval.id, "approve", FINDING, SUPERVISOR)
    with world.begin() as conn:
        transition(conn, review, "completed", OFFICER, "one person: same passport")
    recompute(world, TODAY, "review done", [person])
    assert _task(world, person, "supervisor_approval").status == "assigned"
    with world.begin() as conn:
        decide(conn, approval.id, "approve", FINDING, SUPERVISOR)


@pytest.mark.parametrize(
    ("kind", "role", "allowed"),
    [("citizenship_investigation", "officer", False),
     ("citizenship_investigation", "supervisor", True),
     ("supervisor_approval", "officer", False), ("redress_review", "redress_officer", False),
     ("redress_review", "supervisor", False), ("legal_review", "officer", True)],
)  # fmt: skip
def test_protective_tasks_end_only_by_who_decides_them(
    engine: Engine, kind: str, role: str, allowed: bool
) -> None:
    with engine.begin() as conn:
        plant_person(conn, "P-END")
        by = SYSTEM if kind in GUARDED else OFFICER
        task = add_task(conn, open_case(conn, "P-END", OFFICER, "t"), kind, by, "opened")
    with engine.begin() as conn:
        if allowed:
            transition(conn, task, "cancelled", Actor("x", role), "no longer needed here")
        else:
            with pytest.raises(WorkflowError, match="ended only by"):
                transition(conn, task, "cancelled", Actor("x", role), "no longer needed here")
    if kind == "redress_review":
        with pytest.raises(WorkflowError, match="with its request"), engine.begin() as conn:
            decide(conn, task, "upheld", "decided outside the redress route", SUPERVISOR)


def test_no_one_opens_or_carries_out_enforcement_by_hand(engine: Engine) -> None:
    with engine.begin() as conn:
        plant_person(conn, "P-HAND")
        case = open_case(conn, "P-HAND", OFFICER, "t")
    for kind in ("supervisor_approval", "enforcement_action"):
        with pytest.raises(WorkflowError, match="opened by an assessment"), engine.begin() as c:
            add_task(c, case, kind, SUPERVISOR, "by hand")
    with engine.begin() as conn:  # an action that carries out no approval
        action = add_task(conn, case, "enforcement_action", SYSTEM, "no approval behind it")
    with pytest.raises(WorkflowError, match="no approval"), engine.begin() as conn:
        decide(conn, action, "executed", "detainer lodged with the county", OFFICER)


def test_a_task_moved_meanwhile_is_never_overwritten(engine: Engine) -> None:
    with engine.begin() as conn:
        plant_person(conn, "P-RACE")
        task = add_task(conn, open_case(conn, "P-RACE", OFFICER, "t"), "legal_review",
                        OFFICER, "opened")  # fmt: skip
    with engine.connect() as stale:
        row = stale.execute(select(tasks).where(tasks.c.id == task)).one()
    with engine.begin() as conn:
        transition(conn, task, "cancelled", SUPERVISOR, "withdrawn by the other writer")
    with pytest.raises(WorkflowError, match="changed meanwhile"), engine.begin() as conn:
        set_status(conn, task, row.status, "completed", OFFICER, "the stale writer's move")


def test_a_merged_person_s_approval_is_withdrawn(world: Engine) -> None:
    person = ready_persons(world, at_least=4)[3]
    approval = _task(world, person, "supervisor_approval")
    with world.begin() as conn:
        approved = decide(conn, approval.id, "approve", FINDING, SUPERVISOR)
        mine = conn.execute(select(links.c.record_id).where(links.c.person_id == person))
        for record in sorted(set(mine.scalars())):  # resolution moves them to another person
            conn.execute(links.insert().values(
                record_id=record, person_id="P-survivor", run_id=99, method="judgement",
                linked_at=dt.datetime.now(dt.UTC), model_version="test",
            ))  # fmt: skip
    action = _task(world, person, "enforcement_action")
    with pytest.raises(StoppedError, match="no current records"), world.begin() as conn:
        decide(conn, action.id, "executed", "detainer lodged with the county", OFFICER)
    recompute(world, TODAY, "resolution merged them")
    assert _task(world, person, "enforcement_action").status == "cancelled"
    with world.connect() as conn:
        withdrawn = conn.execute(select(decisions).where(decisions.c.retracts == approved)).one()
    assert "no current records" in withdrawn.finding
