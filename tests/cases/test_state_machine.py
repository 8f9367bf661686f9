"""A Hypothesis state machine over the case workflow (SQLite): random actors add tasks, move
them, decide them, file and decide redress. Invariants after every step: only legal
transitions were ever recorded, every task's state is its last event's, every successful
change wrote task events and audit events, a refused change wrote nothing, no event was
lost or altered, open children keep their parent on hold, supervisor-only tasks were
completed by a supervisor with a decision, and frozen enforcement tasks never progressed."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import Engine, select

from sojourn.audit.log import size
from sojourn.cases.model import (
    ENFORCEMENT_TASKS,
    GUARDED,
    OPEN,
    STATUSES,
    SUPERVISOR_ONLY,
    SYSTEM,
    TASK_TYPES,
    TRANSITIONS,
    Actor,
    WorkflowError,
)
from sojourn.cases.redress import decide_request, file_request, open_review
from sojourn.cases.tables import decisions, redress_requests, task_events, tasks
from sojourn.cases.workflow import add_task, decide, open_case, transition
from sojourn.store import make_engine, upgrade
from tests.cases.conftest import plant_person

ACTORS = st.sampled_from([Actor("olivia", "officer"), Actor("sam", "supervisor"),
                          Actor("ana", "analyst"), Actor("pat", "privacy_officer")])  # fmt: skip
TYPES = st.sampled_from([t for t in TASK_TYPES if t != "case"])
PERSONS = itertools.count()
_ENGINE: dict[str, Engine] = {}


def engine(tmp: Path) -> Engine:
    if "e" not in _ENGINE:
        _ENGINE["e"] = make_engine(f"sqlite:///{tmp / 'cases.db'}")  # one database, a case each
        upgrade(_ENGINE["e"])
    return _ENGINE["e"]


def _deny(conn: Any, request: int, who: Actor) -> None:
    """Decide a redress request as ``who`` would: its review opened first."""
    open_review(conn, request, who)
    decide_request(conn, request, "denied", "no error found", who)


class Workflow(RuleBasedStateMachine):
    db: Engine

    @initialize()
    def start(self) -> None:
        self.person = f"SM{next(PERSONS)}"
        self.events_seen: list[tuple[Any, ...]] = []
        with self.db.begin() as conn:
            plant_person(conn, self.person)
            self.case = open_case(conn, self.person, Actor("olivia", "officer"), "start")
        self.audit = self._audit()

    def _audit(self) -> int:
        with self.db.connect() as conn:
            return size(conn)

    def _tasks(self) -> list[Any]:
        with self.db.connect() as conn:
            return list(conn.execute(select(tasks).where(tasks.c.case_id == self.case)))

    def _attempt(self, action: Any) -> bool:
        """Run one change; a refusal must leave no trace. True when it was made."""
        before = (self._audit(), len(self._events()))
        try:
            with self.db.begin() as conn:
                action(conn)
        except WorkflowError:
            assert (self._audit(), len(self._events())) == before
            return False
        assert self._audit() > before[0]
        return True

    def _events(self) -> list[tuple[Any, ...]]:
        ids = [t.id for t in self._tasks()]
        with self.db.connect() as conn:
            query = select(task_events).where(task_events.c.task_id.in_(ids))
            return [tuple(r) for r in conn.execute(query.order_by(task_events.c.id))]

    @rule(kind=TYPES, who=ACTORS, pick=st.integers(0, 50))
    def add(self, kind: str, who: Actor, pick: int) -> None:
        open_ = [t for t in self._tasks() if t.status in OPEN]
        parent = open_[pick % len(open_)].id if open_ else None
        by = SYSTEM if kind in GUARDED else who  # approvals are asked by the system only
        self._attempt(lambda c: add_task(c, self.case, kind, by, "work", parent))

    @rule(to=st.sampled_from(STATUSES), who=ACTORS, pick=st.integers(0, 50))
    def move(self, to: str, who: Actor, pick: int) -> None:
        task = self._tasks()[pick % len(self._tasks())]
        held = task.type in ENFORCEMENT_TASKS and to in ("in_progress", "completed")
        done = self._attempt(lambda c: transition(c, task.id, to, who, "moved"))
        assert not (done and held and self._frozen())  # frozen enforcement never progresses

    @rule(who=ACTORS, pick=st.integers(0, 50), outcome=st.sampled_from(
        ["approve", "reject", "us_citizen", "not_us_citizen", "same", "x"]))  # fmt: skip
    def decide(self, who: Actor, pick: int, outcome: str) -> None:
        task = self._tasks()[pick % len(self._tasks())]
        self._attempt(lambda c: decide(c, task.id, outcome, "a written finding here", who))

    @rule(who=ACTORS)
    def redress(self, who: Actor) -> None:
        subject = {"record": "r1"}
        self._attempt(lambda c: file_request(c, self.person, "record", "the person", "wrong",
                                             subject, who))  # fmt: skip

    @rule(who=ACTORS)
    def decide_redress(self, who: Actor) -> None:
        with self.db.connect() as conn:
            query = select(redress_requests.c.id).where(
                redress_requests.c.person_id == self.person, redress_requests.c.status == "open"
            )
            found = conn.execute(query).scalar()
        if found is not None:
            self._attempt(lambda c: _deny(c, found, who))

    @invariant()
    def history_holds(self) -> None:
        if not hasattr(self, "case"):
            return
        events = self._events()
        assert events[: len(self.events_seen)] == self.events_seen  # nothing lost or altered
        self.events_seen = events
        last: dict[int, str] = {}
        for e in events:
            if e[5] == "status":
                assert e[7] in TRANSITIONS[e[6]], e  # only legal transitions
            if e[7]:
                last[e[1]] = e[7]
        for t in self._tasks():
            assert last[t.id] == t.status
            kids = [c for c in self._tasks() if c.parent_id == t.id and c.status in OPEN]
            if kids and t.status in OPEN:
                assert t.status == "on_hold"

    @invariant()
    def supervisors_decide(self) -> None:
        if not hasattr(self, "case"):
            return
        with self.db.connect() as conn:
            made = {r.task_id: r for r in conn.execute(select(decisions))}
        for t in self._tasks():
            if t.type in SUPERVISOR_ONLY and t.status == "completed":
                assert made[t.id].role == "supervisor" and made[t.id].finding

    def _frozen(self) -> bool:
        with self.db.connect() as conn:
            query = select(redress_requests.c.id).where(
                redress_requests.c.person_id == self.person, redress_requests.c.status == "open"
            )
            return conn.execute(query).first() is not None


def test_the_case_workflow(tmp_path_factory: Any) -> None:
    Workflow.db = engine(tmp_path_factory.mktemp("sm"))
    run = Workflow.TestCase
    run.settings = settings(max_examples=30, stateful_step_count=20, deadline=None)
    run().runTest()
