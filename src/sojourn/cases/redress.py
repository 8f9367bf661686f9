"""Redress: a person or their attorney, through an officer, asks to correct a record, contest a
link or contest a status. Filing freezes the person's enforcement tasks and opens a redress
review; the decision is a correction (a new statement overriding a field, nothing deleted), a
judgement on the link, or a finding on the status; the requester's outcome is recorded, the
frozen tasks come back, and the caller recomputes resolution, status and assessment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from sojourn.audit.log import AuditEvent, append
from sojourn.cases.model import (
    ENFORCEMENT_TASKS,
    ON_HOLD,
    OPEN,
    SYSTEM,
    Actor,
    NotFoundError,
    WorkflowError,
)
from sojourn.cases.remedy import (
    REMEDIES,
    REVIEW,
    Finding,
    check_changed,
    check_correction_changes,
    check_favourable,
    check_judgement_changes,
    record_finding,
    reviewed,
    summary,
)
from sojourn.cases.steps import audit, insert, now, set_status
from sojourn.cases.sync import open_case_of
from sojourn.cases.tables import cases, redress_requests, tasks
from sojourn.cases.withdraw import resume_held
from sojourn.cases.workflow import add_task, decide, open_case
from sojourn.records.corrections import correct
from sojourn.resolve.store import person_record_ids

KINDS = ("record", "link", "status")
OUTCOMES = (*REMEDIES, "denied")


@dataclass(frozen=True)
class Correction:
    record_id: str
    field: str
    value: Any


def _enforcement_tasks(conn: Connection, person_id: str) -> list[Any]:
    query = (
        select(tasks)
        .join(cases, cases.c.id == tasks.c.case_id)
        .where(cases.c.person_id == person_id, tasks.c.status.in_(OPEN))
        .where(tasks.c.type.in_(ENFORCEMENT_TASKS))
    )
    return list(conn.execute(query))


def file_request(
    conn: Connection, person_id: str, kind: str, requester: str, statement: str,
    subject: dict[str, Any], actor: Actor,
) -> int:  # fmt: skip
    """File a redress request; returns its id. Enforcement tasks are frozen until decided."""
    if kind not in KINDS:
        raise WorkflowError(f"a redress request is about a {', '.join(KINDS)}")
    if not requester.strip() or not statement.strip():
        raise WorkflowError("a redress request names its requester and what they say")
    if not person_record_ids(conn, person_id):
        raise NotFoundError(f"no person with id {person_id}")
    request_id = insert(
        conn, redress_requests, person_id=person_id, kind=kind, requester=requester,
        filed_by=actor.username, filed_at=now(), subject=json.dumps(subject),
        statement=statement, status="open",
    )  # fmt: skip
    for task in _enforcement_tasks(conn, person_id):
        if task.status != ON_HOLD:
            set_status(conn, task.id, task.status, ON_HOLD, SYSTEM,
                       f"redress request {request_id} open")  # fmt: skip
    case_id = open_case_of(conn, person_id)
    if case_id is None:
        case_id = open_case(conn, person_id, actor, f"redress request {request_id}")
    add_task(conn, case_id, "redress_review", actor, f"redress request {request_id}",
             detail={"redress_id": request_id, "kind": kind})  # fmt: skip
    audit(conn, actor, "redress.file", [person_id, str(request_id)], {"kind": kind})
    return request_id


def _review_task(conn: Connection, request_id: int) -> int | None:
    """The request's open review task (None when its case was closed meanwhile: the request
    is still decided)."""
    query = select(tasks.c.id, tasks.c.detail).where(
        tasks.c.type == "redress_review", tasks.c.status.in_(OPEN)
    )
    for task_id, detail in conn.execute(query):
        if json.loads(detail).get("redress_id") == request_id:
            return int(task_id)
    return None


def _check_records(
    conn: Connection, person_id: str, correction: Correction | None, judged: tuple[str, ...]
) -> None:
    """A redress decision touches only the requester's records: the corrected record is one
    of theirs, and a judged pair holds at least one of theirs."""
    mine = set(person_record_ids(conn, person_id))
    if correction is not None and correction.record_id not in mine:
        raise WorkflowError(f"record {correction.record_id} is not a record of {person_id}")
    if judged and not mine & set(judged):
        raise WorkflowError(f"neither judged record is a record of {person_id}")


def person_of_request(conn: Connection, request_id: int) -> str:
    found = conn.execute(
        select(redress_requests.c.person_id).where(redress_requests.c.id == request_id)
    ).scalar()
    if found is None:
        raise NotFoundError(f"no redress request {request_id}")
    return str(found)


def open_review(conn: Connection, request_id: int, actor: Actor) -> dict[str, Any]:
    """The request, the item it contests and the person's records, for the one who decides
    it; the look is audited (``redress.review``, naming the records shown) and lets them
    decide."""
    row = conn.execute(select(redress_requests).where(redress_requests.c.id == request_id)).first()
    if row is None:
        raise NotFoundError(f"no redress request {request_id}")
    person = str(row.person_id)
    shown = person_record_ids(conn, person)
    look = AuditEvent(actor.username, actor.role, actor.purpose, REVIEW, "person",
                      [person, f"redress:{request_id}", *shown], ["records", "redress"],
                      detail={"redress": request_id})  # fmt: skip
    append(conn, look)
    out = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row._mapping.items()}
    return {**out, "subject": json.loads(row.subject), "records": shown}


def decide_request(
    conn: Connection, request_id: int, outcome: str, finding: str, actor: Actor,
    correction: Correction | None = None, judgement: int | None = None,
    judged: tuple[str, ...] = (), status: Finding | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Record the outcome of a redress request with its remedy (a correction or a status
    finding is written here; a link judgement is made by the caller, in the same transaction,
    and its id and pair given); returns what the requester is told. Refused when the decider
    has not opened the request's review, or when an uphold would change nothing."""
    row = conn.execute(select(redress_requests).where(redress_requests.c.id == request_id)).first()
    if row is None or row.status != "open":
        raise NotFoundError(f"no open redress request {request_id}")
    person = str(row.person_id)
    _check_outcome(outcome, correction, judgement, status)
    _check_records(conn, person, correction, judged)
    if not reviewed(conn, actor, request_id):
        raise WorkflowError("open the request's review (the person's records and the contested "
                            "item) before deciding it")  # fmt: skip
    before = summary(conn, person) if outcome != "denied" else None
    detail = _remedy(conn, row, outcome, finding, actor, correction, judgement, judged, status)
    if before is not None:
        after = summary(conn, person)
        check_favourable(before, after)
        if row.kind == "status":
            check_changed(before, after)
    review = _review_task(conn, request_id)
    if review is not None:
        decide(conn, review, outcome, finding, actor, detail, redress=True)
    told = {"status": "decided", "decided_at": now(), "decided_by": actor.username,
            "outcome": outcome, "outcome_detail": json.dumps(detail, default=str)}  # fmt: skip
    conn.execute(redress_requests.update().where(redress_requests.c.id == request_id), told)
    resume_held(conn, person)
    touched = detail.get("records", [])
    audit(conn, actor, "redress.decide", [person, str(request_id), *touched], detail)
    return detail


def _check_outcome(
    outcome: str, correction: Correction | None, judgement: int | None, status: Finding | None
) -> None:
    if outcome == "upheld":
        raise WorkflowError("an upheld request carries its remedy: a correction (corrected), a "
                            "link judgement (link_judged) or a status finding with its evidence "
                            "(status_found)")  # fmt: skip
    if outcome not in OUTCOMES:
        raise WorkflowError(f"a redress outcome is one of {', '.join(OUTCOMES)}")
    given = {"corrected": correction is not None, "link_judged": judgement is not None,
             "status_found": status is not None}  # fmt: skip
    if any(given[k] != (outcome == k) for k in given):
        raise WorkflowError(f"a {outcome} outcome comes with its own remedy, and only it")


def _remedy(
    conn: Connection, row: Any, outcome: str, finding: str, actor: Actor,
    correction: Correction | None, judgement: int | None, judged: tuple[str, ...],
    status: Finding | None,
) -> dict[str, Any]:  # fmt: skip
    """Write the remedy; what the requester is told of it."""
    detail: dict[str, Any] = {"outcome": outcome, "finding": finding}
    if correction is not None:
        c = correction
        check_correction_changes(conn, c.record_id, c.field, c.value)
        fixed = correct(conn, c.record_id, c.field, c.value, finding, actor.username, row.id)
        detail |= {"correction_id": fixed, "correction": c.__dict__, "records": [c.record_id]}
    if judgement is not None:
        check_judgement_changes(conn, judgement, judged)
        detail |= {"judgement_id": judgement, "records": list(judged)}
    if status is not None:
        made, anchor = record_finding(conn, row.id, str(row.person_id), status, actor, finding)
        detail |= {"status_finding": status.__dict__, "records": [made, anchor]}
    return detail
