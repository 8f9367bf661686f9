"""A Hypothesis state machine that tries to get an approval past a hard stop (SQLite, a resolved
generated population, a new enforcement-ready person each example).

It interleaves citizenship evidence or a pending application arriving (through the real-time
pipeline, or quietly: stored and linked with nothing recomputed), recomputes, a supervisor
approving the designation or taking a held approval back up, and an officer carrying the
approval out. After every step: no approval or execution succeeded once the evidence was in
the store, and after a recompute no approval of the person stands unexecuted. No interleaving
ends approved.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import Engine, select

from sojourn.cases.model import Actor, WorkflowError
from sojourn.cases.recompute import recompute
from sojourn.cases.sync import open_case_of
from sojourn.cases.tables import decisions, tasks
from sojourn.cases.workflow import decide, transition
from sojourn.records import ingest_file, plan
from sojourn.resolve.run import resolve_all
from sojourn.store import make_engine, upgrade
from sojourn.synth import generate
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
EVIDENCE = st.sampled_from(["naturalization", "I-589", "I-485"])
_WORLD: dict[str, Any] = {}


def world(tmp: Path) -> tuple[Engine, list[str]]:
    """One resolved population for every example; each example takes the next ready person."""
    if "engine" not in _WORLD:
        engine = make_engine(f"sqlite:///{tmp / 'stops.db'}")
        upgrade(engine)
        generate(800, 8, dt.date(2025, 9, 30), tmp / "synth")
        for item in plan([tmp / "synth"], None):
            ingest_file(engine, item.path, item.mapping)
        resolve_all(engine)
        _WORLD["engine"], _WORLD["ready"] = engine, ready_persons(engine, at_least=40)
    return _WORLD["engine"], _WORLD["ready"]


class TryToApprovePastAStop(RuleBasedStateMachine):
    tmp: Path

    @initialize()
    def start(self) -> None:
        self.engine, ready = world(self.tmp)
        assert len(ready) >= 10, "the population must have enforcement-ready persons"
        turn = _WORLD["turn"] = _WORLD.get("turn", -1) + 1  # shrinking reuses persons
        self.person = ready[turn % len(ready)]
        self.evidence = self.person in _WORLD.setdefault("planted", set())  # in the store
        self.seen = False  # a recompute has run since it arrived

    def _task(self, kind: str) -> Any:
        with self.engine.connect() as conn:
            case = open_case_of(conn, self.person)
            query = select(tasks).where(tasks.c.case_id == case, tasks.c.type == kind)
            return conn.execute(query.where(tasks.c.status.in_(("assigned", "in_progress",
                                "on_hold"))).order_by(tasks.c.id.desc())).first()  # fmt: skip

    def _try(self, act: Any) -> bool:
        try:
            with self.engine.begin() as conn:
                act(conn)
        except WorkflowError:
            return False
        assert not self.evidence, "an approval or execution went through past a hard stop"
        return True

    @rule(kind=EVIDENCE, realtime=st.booleans())
    def evidence_arrives(self, kind: str, realtime: bool) -> None:
        who = identity(self.engine, self.person)
        planted = naturalization(who) if kind == "naturalization" else application(who, kind)
        went = streamed(self.engine, planted) if realtime else quietly(self.engine, planted)
        assert went == self.person  # exact identity and A-number: it is theirs
        self.evidence, self.seen = True, realtime
        _WORLD["planted"].add(self.person)

    @rule()
    def recompute_now(self) -> None:
        recompute(self.engine, TODAY, "state machine", [self.person])
        self.seen = self.evidence

    @rule()
    def supervisor_approves(self) -> None:
        task = self._task("supervisor_approval")
        if task is not None:
            self._try(lambda c: decide(c, task.id, "approve", "supported by records", SUPERVISOR))

    @rule()
    def supervisor_takes_a_held_approval_back_up(self) -> None:
        task = self._task("supervisor_approval")
        if task is not None and task.status == "on_hold":
            self._try(lambda c: transition(c, task.id, "assigned", SUPERVISOR, "resume work"))

    @rule()
    def officer_carries_it_out(self) -> None:
        task = self._task("enforcement_action")
        if task is not None:
            self._try(lambda c: decide(c, task.id, "executed", "detainer lodged", OFFICER))

    @precondition(lambda self: self.evidence and self.seen)
    @invariant()
    def nothing_stands_once_the_stop_is_known(self) -> None:
        with self.engine.connect() as conn:
            case = open_case_of(conn, self.person)
            made = list(conn.execute(select(decisions).where(decisions.c.case_id == case)))
        retracted = {d.retracts for d in made if d.retracts}
        executed = {json.loads(d.evidence).get("approval") for d in made
                    if d.kind == "enforcement_action" and d.outcome == "executed"}  # fmt: skip
        standing = [d.id for d in made if d.kind == "supervisor_approval"
                    and d.outcome == "approve" and d.id not in retracted | executed]  # fmt: skip
        assert not standing, f"approvals {standing} stand past a known hard stop"
        approval = self._task("supervisor_approval")
        assert approval is None or approval.status == "on_hold"
        assert self._task("enforcement_action") is None


def test_no_interleaving_ends_approved(tmp_path_factory: Any) -> None:
    TryToApprovePastAStop.tmp = tmp_path_factory.mktemp("stops")
    run = settings(max_examples=12, stateful_step_count=8, deadline=None,
                   suppress_health_check=list(HealthCheck))  # fmt: skip
    TryToApprovePastAStop.TestCase.settings = run
    TryToApprovePastAStop.TestCase().runTest()
