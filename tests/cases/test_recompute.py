"""The safeguard suite on a resolved generated population (SQLite and PostgreSQL): cases follow
the assessments; nobody with citizenship evidence reaches an enforcement-ready state or a
supervisor's approval queue; re-running changes nothing; a planted redress request freezes a
final-order case and its correction (nothing deleted) changes the status and the assessment,
kept as a new history row."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from sojourn.cases.model import Actor
from sojourn.cases.recompute import recompute
from sojourn.cases.redress import Correction, decide_request, file_request, open_review
from sojourn.cases.tables import cases, tasks
from sojourn.priority.store import history
from sojourn.records import ingest_file, plan
from sojourn.records.tables import records
from sojourn.resolve.run import resolve_all
from sojourn.synth import generate

AS_OF = dt.date(2025, 9, 30)
OFFICER, SUPERVISOR = Actor("olivia", "officer"), Actor("sam", "supervisor")


@pytest.fixture
def resolved(engine: Engine, tmp_path: Path) -> Engine:
    generate(1500, 21, AS_OF, tmp_path / "synth")
    for item in plan([tmp_path / "synth"], None):
        ingest_file(engine, item.path, item.mapping)
    resolve_all(engine)
    return engine


def _open_types(engine: Engine, person: str) -> dict[str, str]:
    query = select(tasks.c.type, tasks.c.status).join(cases, cases.c.id == tasks.c.case_id)
    with engine.connect() as conn:
        return {t: s for t, s in conn.execute(query.where(cases.c.person_id == person))}


def test_cases_follow_assessments_and_safeguards_hold(resolved: Engine) -> None:
    first = recompute(resolved, AS_OF, "test")
    assert first.stored == len(first.assessments) and first.opened and first.tasks
    evidence = [a for a in first.assessments if a.facts["citizenship_evidence"]]
    assert evidence and not any(a.enforcement_ready for a in evidence)
    for a in evidence:
        found = _open_types(resolved, a.person_id)
        assert "supervisor_approval" not in found
        assert not a.facts["in_us"] or found.get("citizenship_investigation") == "assigned"
    again = recompute(resolved, AS_OF, "test")
    assert (again.stored, again.opened, again.tasks, again.closed) == (0, 0, 0, 0)


def test_a_redress_correction_changes_the_assessment(resolved: Engine) -> None:
    first = recompute(resolved, AS_OF, "test")
    target = next(a for a in first.assessments if a.priority == "final_order")
    court = target.evidence["removal_order_final"][0]
    with resolved.begin() as conn:
        request = file_request(conn, target.person_id, "status", "the person's attorney",
                               "the order was vacated", {"record": court}, OFFICER)  # fmt: skip
    frozen = recompute(resolved, AS_OF, "redress filed", [target.person_id])
    assert [s.id for s in frozen.assessments[0].stops] == ["open_redress"]
    assert _open_types(resolved, target.person_id)["supervisor_approval"] == "on_hold"
    with resolved.begin() as conn:
        open_review(conn, request, SUPERVISOR)
        decide_request(conn, request, "corrected", "the BIA vacated the order and terminated",
                       SUPERVISOR, Correction(court, "order", "termination"))  # fmt: skip
    after = recompute(resolved, AS_OF, "redress decided", [target.person_id]).assessments[0]
    assert after.priority != "final_order" and not after.facts["removal_order_final"]
    with resolved.connect() as conn:
        rows = history(conn, target.person_id)
        stored = conn.execute(select(records.c.event).where(records.c.id == court)).scalar_one()
        left = conn.execute(text("SELECT count(*) FROM record_corrections")).scalar_one()
    assert [r["trigger"] for r in rows] == ["test", "redress filed", "redress decided"]
    assert json.loads(stored)["order"] == "removal" and left == 1  # the record is unchanged
