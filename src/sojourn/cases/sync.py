"""Cases follow assessments: a hard stop opens its review task, an enforcement-ready
assessment asks a supervisor to approve the priority designation, and a confirmed departure
closes the case citing the departure evidence (an unconfirmed one, a manifest alone, opens a
departure verification instead). Re-syncing an unchanged assessment changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from sojourn.cases.guard import open_reviews
from sojourn.cases.model import GUARDED, OPEN, SYSTEM, Actor
from sojourn.cases.tables import cases, decisions, tasks
from sojourn.cases.withdraw import resume_held, withdraw
from sojourn.cases.workflow import add_task, close_case, open_case
from sojourn.priority.assess import Assessment
from sojourn.status.engine import GONE


@dataclass
class SyncResult:
    opened: list[int] = field(default_factory=list)
    tasks: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)


def open_case_of(conn: Connection, person_id: str) -> int | None:
    query = select(cases.c.id).where(cases.c.person_id == person_id, cases.c.status == "open")
    found = conn.execute(query.order_by(cases.c.id.desc())).scalar()
    return int(found) if found is not None else None


@dataclass
class Known:
    """Each person's open case and the types of its open tasks, read once for many."""

    cases: dict[str, int]
    types: dict[int, set[str]]
    approved: set[int] = field(default_factory=set)  # cases with a standing approval

    @classmethod
    def load(cls, conn: Connection, person_ids: list[str], chunk: int = 500) -> Known:
        out = cls({}, {})
        for start in range(0, len(person_ids), chunk):
            ids = person_ids[start : start + chunk]
            query = (
                select(cases.c.person_id, func.max(cases.c.id))
                .where(cases.c.person_id.in_(ids), cases.c.status == "open")
                .group_by(cases.c.person_id)
            )
            found = {str(p): int(c) for p, c in conn.execute(query)}
            query = select(tasks.c.case_id, tasks.c.type).where(
                tasks.c.case_id.in_(list(found.values())), tasks.c.status.in_(OPEN)
            )
            for case_id, task_type in conn.execute(query) if found else ():
                out.types.setdefault(int(case_id), set()).add(str(task_type))
            out.cases.update(found)
            out.approved |= standing_approvals(conn, list(found.values()))
        return out

    def open_types(self, case_id: int) -> set[str]:
        return self.types.setdefault(case_id, set())


def standing_approvals(conn: Connection, case_ids: list[int]) -> set[int]:
    """Of ``case_ids``, those whose priority designation a supervisor approved and nobody
    withdrew (the designation is not asked for again)."""
    if not case_ids:
        return set()
    retracted = select(decisions.c.retracts).where(decisions.c.retracts.is_not(None))
    query = select(decisions.c.case_id).where(
        decisions.c.case_id.in_(case_ids), decisions.c.kind == "supervisor_approval",
        decisions.c.outcome == "approve", decisions.c.id.not_in(retracted),
    )  # fmt: skip
    return {int(c) for c in conn.execute(query).scalars()}


def guarded_cases(conn: Connection, person_id: str) -> list[int]:
    """The person's open cases (any of them) with an open approval or enforcement action."""
    query = (
        select(tasks.c.case_id)
        .join(cases, cases.c.id == tasks.c.case_id)
        .where(cases.c.person_id == person_id, cases.c.status == "open")
        .where(tasks.c.type.in_(GUARDED), tasks.c.status.in_(OPEN))
        .distinct()
    )
    return [int(c) for c in conn.execute(query).scalars()]


def _stopped(conn: Connection, a: Assessment, case_id: int, known: Known) -> None:
    """Hard stops arose or hold: approvals in every open case of the person are held and
    unexecuted ones withdrawn; once none holds (and no review is open), held approvals come
    back."""
    have = known.open_types(case_id)
    if a.stops:
        why = "; ".join(f"{s.id} (records {', '.join(s.records) or 'none'})" for s in a.stops)
        for held in guarded_cases(conn, a.person_id):
            if withdraw(conn, held, why)["withdrawn"] and held == case_id:
                have.discard("enforcement_action")
                known.approved.discard(case_id)
        return
    if not have & GUARDED:
        return
    reviews = [f"{kind} open" for _, kind in open_reviews(conn, a.person_id)]
    resume_held(conn, a.person_id, reviews)


def _wanted(a: Assessment) -> list[tuple[str, str, dict[str, Any]]]:
    """The review tasks the assessment calls for: (type, reason, detail)."""
    out: list[tuple[str, str, dict[str, Any]]] = []
    for s in a.stops:
        detail: dict[str, Any] = {"stop": s.id, "citation": s.citation, "records": list(s.records)}
        out.append((s.opens, f"hard stop {s.id}", {**detail, "policy": a.policy}))
    if a.enforcement_ready:
        rules = [r.rule_id for r in a.rules if r.supported]
        proposal = {"priority": a.priority, "rules": rules, "policy": a.policy}
        out.append(("supervisor_approval", f"priority {a.priority} proposed", proposal))
    return out


def _verify_departure(
    conn: Connection, case_id: int, a: Assessment, actor: Actor, result: SyncResult,
    have: set[str],
) -> None:  # fmt: skip
    """A departure on unconfirmed evidence (a carrier manifest alone) asks a person to
    verify it before the case can close."""
    if "departure_verification" in have:
        return
    records = list(a.evidence.get("departure_confirmed", ()))
    detail = {"status": a.facts.get("status"), "records": records, "policy": a.policy}
    why = "departure recorded on unconfirmed evidence"
    result.tasks.append(
        add_task(conn, case_id, "departure_verification", actor, why, detail=detail)
    )
    have.add("departure_verification")


def sync_assessment(
    conn: Connection, a: Assessment, assessment_id: int | None = None, actor: Actor = SYSTEM,
    known: Known | None = None,
) -> SyncResult:  # fmt: skip
    """Bring the person's case in line with their assessment (``known``: the open cases and
    task types of many persons, read beforehand; kept up to date)."""
    known = known or Known.load(conn, [a.person_id])
    result, case_id = SyncResult(), known.cases.get(a.person_id)
    if case_id is not None:
        _stopped(conn, a, case_id, known)
    if case_id is not None and a.facts.get("departure_confirmed"):
        evidence = {"records": list(a.evidence.get("departure_confirmed", ())),
                    "status": a.facts.get("status"), "assessment": assessment_id}  # fmt: skip
        close_case(conn, case_id, actor, "departure confirmed", evidence)
        result.closed.append(case_id)
        del known.cases[a.person_id]
        return result
    if case_id is not None and a.facts.get("status") in GONE:
        _verify_departure(conn, case_id, a, actor, result, known.open_types(case_id))
        return result
    wanted = [
        w for w in _wanted(a) if w[0] != "supervisor_approval" or case_id not in known.approved
    ]
    if not wanted or not a.facts.get("in_us"):
        return result
    if case_id is None:
        case_id = open_case(conn, a.person_id, actor, wanted[0][1], assessment_id)
        result.opened.append(case_id)
        known.cases[a.person_id] = case_id
    have = known.open_types(case_id)
    for task_type, reason, detail in wanted:
        if task_type not in have:
            by = SYSTEM if task_type in GUARDED else actor  # an approval is asked by the system
            result.tasks.append(add_task(conn, case_id, task_type, by, reason, detail=detail))
            have.add(task_type)
    return result
