"""The case workflow's vocabulary and rules, free of storage (the state-machine tests drive it
directly): task types, task states and their legal transitions, who may complete what.

Modelled on the VA's Caseflow task tree: a case has a root task; typed tasks hang under it;
a task is assigned to a person or a team; each state change is timestamped; a parent waits
``on_hold`` while it has open children and comes back when the last one closes.
"""

from __future__ import annotations

from dataclasses import dataclass

ASSIGNED, IN_PROGRESS, ON_HOLD, COMPLETED, CANCELLED = (
    "assigned", "in_progress", "on_hold", "completed", "cancelled",
)  # fmt: skip
STATUSES = (ASSIGNED, IN_PROGRESS, ON_HOLD, COMPLETED, CANCELLED)
OPEN = frozenset({ASSIGNED, IN_PROGRESS, ON_HOLD})
CLOSED = frozenset({COMPLETED, CANCELLED})

#: Legal moves between task states.
TRANSITIONS: dict[str, frozenset[str]] = {
    ASSIGNED: frozenset({IN_PROGRESS, ON_HOLD, COMPLETED, CANCELLED}),
    IN_PROGRESS: frozenset({ASSIGNED, ON_HOLD, COMPLETED, CANCELLED}),
    ON_HOLD: frozenset({ASSIGNED, IN_PROGRESS, CANCELLED}),
    COMPLETED: frozenset(),
    CANCELLED: frozenset(),
}

ROOT = "case"
#: Task types, with the team a new task of that type is assigned to.
TASK_TYPES: dict[str, str] = {
    ROOT: "enforcement",
    "identity_review": "identity",
    "citizenship_investigation": "citizenship",
    "legal_review": "legal",
    "supervisor_approval": "supervisors",
    "departure_verification": "enforcement",
    "redress_review": "redress",
    "closure": "supervisors",
}
#: Tasks that move a case toward enforcement: frozen while a redress request is open.
ENFORCEMENT_TASKS = frozenset({"supervisor_approval", "departure_verification"})
#: Task types only a supervisor may complete, and the decision each needs.
SUPERVISOR_ONLY = {
    "supervisor_approval": ("approve", "reject"),
    "citizenship_investigation": ("us_citizen", "not_us_citizen", "undetermined"),
}
#: Roles that work cases, and the ones that may act on each task type.
CASE_ROLES = frozenset({"officer", "supervisor", "analyst", "redress_officer"})
SUPERVISOR = "supervisor"


class WorkflowError(ValueError):
    """A change the workflow does not allow (the message says why)."""


class NotFoundError(WorkflowError, LookupError):
    """No such case, task or request."""


@dataclass(frozen=True)
class Actor:
    """Who acts, in which role, for which purpose (every change names them)."""

    username: str
    role: str
    purpose: str = "civil_enforcement"


SYSTEM = Actor("system", "system", "civil_enforcement")


def check_transition(
    task_type: str, current: str, target: str, actor: Actor, open_children: int, frozen: bool,
    deciding: bool = False,
) -> None:  # fmt: skip
    """Raise WorkflowError unless ``actor`` may move a ``task_type`` task to ``target``
    (``deciding``: as part of a recorded decision)."""
    if target not in TRANSITIONS.get(current, frozenset()):
        raise WorkflowError(f"a task cannot go from {current} to {target}")
    if open_children and target != ON_HOLD:
        raise WorkflowError(f"the task waits on {open_children} open child task(s)")
    if target == COMPLETED and task_type in SUPERVISOR_ONLY:
        if actor.role != SUPERVISOR:
            raise WorkflowError(f"only a supervisor may complete a {task_type} task")
        if not deciding:
            raise WorkflowError(f"a {task_type} task is completed by a decision with a finding")
    if frozen and task_type in ENFORCEMENT_TASKS and target in (IN_PROGRESS, COMPLETED):
        raise WorkflowError("enforcement is frozen while a redress request is open")
    if actor.role not in CASE_ROLES and actor is not SYSTEM:
        raise WorkflowError(f"a {actor.role} does not work cases")


def check_decision(task_type: str, outcome: str | None, finding: str) -> None:
    """A supervisor-only task completes with one of its outcomes and a written finding."""
    outcomes = SUPERVISOR_ONLY.get(task_type)
    if outcomes is None:
        return
    if outcome not in outcomes:
        raise WorkflowError(f"a {task_type} needs an outcome: one of {', '.join(outcomes)}")
    if len(finding.strip()) < 10:
        raise WorkflowError(f"a {task_type} needs a written finding (at least 10 characters)")
