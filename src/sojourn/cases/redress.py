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

from sojourn.cases.model import (
    ENFORCEMENT_TASKS,
    ON_HOLD,
    OPEN,
    SYSTEM,
    Actor,
    NotFoundError,
    WorkflowError,
)
from sojourn.cases.steps import audit, insert, now, set_status
from sojourn.cases.sync import open_case_of
from sojourn.cases.tables import cases, redress_requests, tasks
from sojourn.cases.withdraw import resume_held
from sojourn.cases.workflow import add_task, decide, open_case
from sojourn.records.corrections import correct
from sojourn.resolve.store import person_record_ids

KINDS = ("record", "link", "status")
OUTCOMES = ("corrected", "link_judged", "upheld", "denied")


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


def decide_request(
    conn: Connection, request_id: int, outcome: str, finding: str, actor: Actor,
    correction: Correction | None = None, judgement: int | None = None,
    judged: tuple[str, ...] = (),
) -> dict[str, Any]:  # fmt: skip
    """Record the outcome of a redress request (a correction is written here; a link
    judgement is made by the caller, in the same transaction, and its id and pair given);
    returns what the requester is told."""
    row = conn.execute(select(redress_requests).where(redress_requests.c.id == request_id)).first()
    if row is None or row.status != "open":
        raise NotFoundError(f"no open redress request {request_id}")
    _check_records(conn, str(row.person_id), correction, judged)
    if outcome not in OUTCOMES:
        raise WorkflowError(f"a redress outcome is one of {', '.join(OUTCOMES)}")
    if (outcome == "corrected") != (correction is not None):
        raise WorkflowError("a correction outcome comes with its correction, and only it")
    if outcome == "link_judged" and judgement is None:
        raise WorkflowError("a link outcome names the judgement made")
    detail: dict[str, Any] = {"outcome": outcome, "finding": finding}
    if correction is not None:
        c = correction
        fixed = correct(conn, c.record_id, c.field, c.value, finding, actor.username, request_id)
        detail["correction_id"] = fixed
        detail["correction"] = correction.__dict__
    if judgement is not None:
        detail["judgement_id"], detail["records"] = judgement, list(judged)
    review = _review_task(conn, request_id)
    if review is not None:
        decide(conn, review, outcome, finding, actor, detail, redress=True)
    told = {"status": "decided", "decided_at": now(), "decided_by": actor.username,
            "outcome": outcome, "outcome_detail": json.dumps(detail, default=str)}  # fmt: skip
    conn.execute(redress_requests.update().where(redress_requests.c.id == request_id), told)
    resume_held(conn, str(row.person_id))
    touched = [correction.record_id] if correction is not None else list(judged)
    audit(conn, actor, "redress.decide", [str(row.person_id), str(request_id), *touched], detail)
    return detail
