"""The case workflow over the store. Every change is a ``task_events`` row naming its actor,
role and reason, and an audit event in the same transaction; decisions are ``decisions``
rows; nothing is updated but a task's current state (whose history the events keep).

A parent task goes on hold when a child is added and comes back (``assigned``) when its last
open child closes. While a redress request is open for the person, enforcement tasks are held
and cannot start or complete.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from sojourn.cases.guard import check_stops, open_reviews
from sojourn.cases.model import (
    ASSIGNED,
    CANCELLED,
    COMPLETED,
    ENFORCEMENT_TASKS,
    GUARDED,
    ON_HOLD,
    OPEN,
    REVIEWS,
    ROOT,
    SYSTEM,
    TASK_TYPES,
    Actor,
    NotFoundError,
    WorkflowError,
    check_decision,
    check_transition,
)
from sojourn.cases.steps import audit as audit
from sojourn.cases.steps import (
    changed,
    event,
    frozen,
    insert,
    now,
    open_children,
    person_of_case,
    set_status,
)
from sojourn.cases.steps import task_row as task_row
from sojourn.cases.tables import cases, decisions, tasks
from sojourn.cases.withdraw import withdraw


def open_case(
    conn: Connection, person_id: str, actor: Actor, reason: str, assessment_id: int | None = None
) -> int:
    """A new case for the person with its root task; returns the case id."""
    case_id = insert(
        conn, cases, person_id=person_id, status="open", opened_at=now(),
        opened_by=actor.username, reason=reason, assessment_id=assessment_id,
    )  # fmt: skip
    add_task(conn, case_id, ROOT, actor, reason)
    return case_id


def root_of(conn: Connection, case_id: int) -> int:
    query = select(tasks.c.id).where(tasks.c.case_id == case_id, tasks.c.type == ROOT)
    found = conn.execute(query).scalar()
    if found is None:
        raise NotFoundError(f"no case {case_id}")
    return int(found)


def add_task(
    conn: Connection, case_id: int, task_type: str, actor: Actor, reason: str,
    parent_id: int | None = None, detail: Any = None,
) -> int:  # fmt: skip
    """A task of ``task_type`` under ``parent_id`` (default the root), assigned to its team;
    the parent goes on hold while it is open."""
    if task_type not in TASK_TYPES:
        raise WorkflowError(f"unknown task type {task_type!r}")
    if task_type in GUARDED and actor is not SYSTEM:
        raise WorkflowError(f"a {task_type} task is opened by an assessment or an approval only")
    if task_type != ROOT and parent_id is None:
        parent_id = root_of(conn, case_id)
    parent = task_row(conn, parent_id) if parent_id is not None else None
    if parent is not None and parent.case_id != case_id:
        raise WorkflowError(f"task {parent_id} belongs to case {parent.case_id}, not {case_id}")
    if parent is not None and parent.status not in OPEN:
        raise WorkflowError(f"task {parent_id} is {parent.status}: it takes no new tasks")
    at, team = now(), TASK_TYPES[task_type]
    task_id = insert(
        conn, tasks, case_id=case_id, parent_id=parent_id, type=task_type, status=ASSIGNED,
        assignee_kind="team", assignee=team, created_at=at, assigned_at=at,
        detail=json.dumps(detail or {}, default=str),
    )  # fmt: skip
    event(conn, task_id, actor, reason, action="created", to_status=ASSIGNED, assignee=team)
    if parent is not None and parent.status != ON_HOLD:
        set_status(conn, parent.id, parent.status, ON_HOLD, SYSTEM, f"waiting on task {task_id}")
    changed(conn, actor, "task_add", [str(case_id), str(task_id)],
          {"type": task_type, "reason": reason})  # fmt: skip
    _hold_if_stopped(conn, case_id, task_id, task_type, reason)
    return task_id


def _hold_if_stopped(conn: Connection, case_id: int, task_id: int, kind: str, why: str) -> None:
    """A new review withdraws the case's approvals; a new enforcement task waits while a
    redress request or a review is open."""
    if kind in REVIEWS:
        withdraw(conn, case_id, f"{kind} opened: {why}")
    if kind not in ENFORCEMENT_TASKS:
        return
    person = person_of_case(conn, case_id)
    reviews = open_reviews(conn, person) if kind in GUARDED else []
    if frozen(conn, person) or reviews:
        held = "redress request open" if not reviews else f"{reviews[0][1]} open"
        set_status(conn, task_id, ASSIGNED, ON_HOLD, SYSTEM, held)


def transition(
    conn: Connection, task_id: int, target: str, actor: Actor, reason: str,
    deciding: str | None = None,
) -> None:  # fmt: skip
    """Move a task to ``target`` (checked against the workflow, and against the hard stops
    when it acts toward enforcement; ``deciding``: the outcome of the decision that moves
    it), then resume its parent if this closed the parent's last open child."""
    if not reason.strip():
        raise WorkflowError("every change needs a reason")
    row = task_row(conn, task_id)
    person = person_of_case(conn, row.case_id)
    if row.status in OPEN:  # a closed task moves nowhere: the workflow says so below
        check_stops(conn, row, person, target, deciding)
    check_transition(row.type, row.status, target, actor, open_children(conn, task_id),
                     frozen(conn, person), deciding is not None)  # fmt: skip
    set_status(conn, task_id, row.status, target, actor, reason)
    changed(conn, actor, "task_status", [str(row.case_id), str(task_id), person],
          {"from": row.status, "to": target, "reason": reason})  # fmt: skip
    if target in (COMPLETED, CANCELLED) and row.parent_id is not None:
        _resume(conn, row.parent_id)


def _resume(conn: Connection, parent_id: int) -> None:
    parent = task_row(conn, parent_id)
    if parent.status == ON_HOLD and not open_children(conn, parent_id):
        set_status(conn, parent_id, ON_HOLD, ASSIGNED, SYSTEM, "its child tasks are closed")


def assign(
    conn: Connection, task_id: int, kind: str, assignee: str, actor: Actor, reason: str
) -> None:
    """Give a task to a user or a team."""
    if kind not in ("user", "team"):
        raise WorkflowError("a task is assigned to a user or a team")
    row = task_row(conn, task_id)
    if row.status not in OPEN:
        raise WorkflowError(f"task {task_id} is {row.status}")
    conn.execute(tasks.update().where(tasks.c.id == task_id),
                 {"assignee_kind": kind, "assignee": assignee})  # fmt: skip
    event(conn, task_id, actor, reason, action="assigned", assignee=assignee)
    changed(conn, actor, "task_assign", [str(row.case_id), str(task_id)],
          {"assignee": assignee, "reason": reason})  # fmt: skip


def decide(
    conn: Connection, task_id: int, outcome: str, finding: str, actor: Actor,
    evidence: Any = None, redress: bool = False,
) -> int:  # fmt: skip
    """A human decision that completes a task (tasks completed only by a decision need their
    outcome and a written finding; a redress review only with its request, ``redress``);
    returns the decision id. An approved designation opens its enforcement action; approving
    or carrying one out is refused while a hard stop holds."""
    row = task_row(conn, task_id)
    if row.type == "redress_review" and not redress:
        raise WorkflowError(
            "a redress review is decided with its request (POST /redress/{id}/decision)"
        )
    check_decision(row.type, outcome, finding)
    transition(conn, task_id, COMPLETED, actor, f"{outcome}: {finding}", deciding=outcome)
    detail = json.loads(row.detail or "{}")
    if row.type == "enforcement_action":  # after the stops: a refusal names them first
        _approval_in_force(conn, detail.get("approval"))
        evidence = {**(evidence or {}), "approval": detail.get("approval")}
    made = insert(
        conn, decisions, case_id=row.case_id, task_id=task_id, kind=row.type, outcome=outcome,
        finding=finding, actor=actor.username, role=actor.role, at=now(),
        evidence=json.dumps(evidence or {}, default=str),
    )  # fmt: skip
    if row.type == "supervisor_approval" and outcome == "approve":
        carry = {**detail, "approval": made, "approved_by": actor.username}
        add_task(conn, row.case_id, "enforcement_action", SYSTEM,
                 f"priority designation approved by {actor.username} (decision {made})",
                 detail=carry)  # fmt: skip
    return made


def _approval_in_force(conn: Connection, approval: Any) -> None:
    """An enforcement action carries out an approval that stands (given, not withdrawn)."""
    query = select(decisions.c.id).where(
        decisions.c.id == approval, decisions.c.outcome == "approve"
    )
    withdrawn = select(decisions.c.id).where(decisions.c.retracts == approval)
    if approval is None or conn.execute(query).first() is None:
        raise WorkflowError("this enforcement action carries out no approval")
    if conn.execute(withdrawn).first() is not None:
        raise WorkflowError(f"approval {approval} was withdrawn")


def close_case(conn: Connection, case_id: int, actor: Actor, reason: str, evidence: Any) -> None:
    """Close a case: open tasks are cancelled (children first), the root completes, and the
    closure keeps its reason and evidence."""
    query = select(tasks.c.id).where(tasks.c.case_id == case_id, tasks.c.status.in_(OPEN))
    open_tasks = list(conn.execute(query.order_by(tasks.c.id.desc())).scalars())
    root = root_of(conn, case_id)
    for task_id in open_tasks:
        row = task_row(conn, task_id)
        if task_id != root and row.status in OPEN:
            set_status(conn, task_id, row.status, CANCELLED, actor, f"case closed: {reason}")
    row = task_row(conn, root)
    if row.status in OPEN:
        set_status(conn, root, row.status, COMPLETED, actor, reason)
    closure = json.dumps({"reason": reason, "evidence": evidence}, default=str)
    conn.execute(cases.update().where(cases.c.id == case_id),
                 {"status": "closed", "closed_at": now(), "closure": closure})  # fmt: skip
    changed(conn, actor, "close", [str(case_id), person_of_case(conn, case_id)],
          {"reason": reason, "evidence": evidence})  # fmt: skip
