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
    "enforcement_action": "enforcement",
}
#: Tasks that move a case toward enforcement: frozen while a redress request is open.
ENFORCEMENT_TASKS = frozenset({"supervisor_approval", "departure_verification",
                               "enforcement_action"})  # fmt: skip
#: Tasks that act on a priority designation (approving it, carrying it out): refused while any
#: hard stop holds, held when one arises (cases/guard.py).
GUARDED = frozenset({"supervisor_approval", "enforcement_action"})
#: The review tasks hard stops open: while one is open in a case, nothing in it moves toward
#: enforcement.
REVIEWS = frozenset({"identity_review", "citizenship_investigation", "legal_review",
                     "redress_review"})  # fmt: skip
#: Task types only a supervisor may complete, and the decision each needs.
SUPERVISOR_ONLY = {
    "supervisor_approval": ("approve", "reject"),
    "citizenship_investigation": ("us_citizen", "not_us_citizen", "undetermined"),
}
#: Other task types completed only by a decision: its outcomes.
DECIDED = {
    **SUPERVISOR_ONLY,
    "enforcement_action": ("executed", "not_executed"),
    "redress_review": ("corrected", "link_judged", "status_found", "denied"),
}
#: Outcomes that move a person toward enforcement (checked against the hard stops).
TOWARD_ENFORCEMENT = frozenset({"approve", "executed"})
#: Who may end (cancel) a task of these types by a plain move; nobody may cancel a redress
#: review (its request is decided through redress), the system may cancel anything when it
#: closes a case.
ENDED_BY: dict[str, frozenset[str]] = {
    "supervisor_approval": frozenset({"supervisor"}),
    "citizenship_investigation": frozenset({"supervisor"}),
    "enforcement_action": frozenset({"supervisor"}),
    "redress_review": frozenset(),
}
#: Roles that work cases, and the ones that may act on each task type.
CASE_ROLES = frozenset({"officer", "supervisor", "analyst", "redress_officer"})
SUPERVISOR = "supervisor"


class WorkflowError(ValueError):
    """A change the workflow does not allow (the message says why)."""


class NotFoundError(WorkflowError, LookupError):
    """No such case, task or request."""


class StoppedError(WorkflowError):
    """A move toward enforcement refused because hard stops hold (``stops`` names them)."""

    def __init__(self, action: str, stops: list[str]) -> None:
        self.stops = stops
        super().__init__(f"{action} refused: {'; '.join(stops)}")


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
    if target == COMPLETED and task_type in SUPERVISOR_ONLY and actor.role != SUPERVISOR:
        raise WorkflowError(f"only a supervisor may complete a {task_type} task")
    if target == COMPLETED and task_type in DECIDED and not deciding:
        raise WorkflowError(f"a {task_type} task is completed by a decision with a finding")
    ended_by = ENDED_BY.get(task_type)
    reserved = ended_by is not None and actor is not SYSTEM and actor.role not in ended_by
    if target == CANCELLED and reserved:
        who = " or ".join(sorted(ended_by or ())) or "its decision alone"
        raise WorkflowError(f"a {task_type} task is ended only by {who}")
    if frozen and task_type in ENFORCEMENT_TASKS and target in (IN_PROGRESS, COMPLETED):
        raise WorkflowError("enforcement is frozen while a redress request is open")
    if actor.role not in CASE_ROLES and actor is not SYSTEM:
        raise WorkflowError(f"a {actor.role} does not work cases")


def check_decision(task_type: str, outcome: str | None, finding: str) -> None:
    """A task completed by a decision completes with one of its outcomes and a written
    finding."""
    outcomes = DECIDED.get(task_type)
    if outcomes is None:
        return
    if outcome not in outcomes:
        raise WorkflowError(f"a {task_type} needs an outcome: one of {', '.join(outcomes)}")
    if len(finding.strip()) < 10:
        raise WorkflowError(f"a {task_type} needs a written finding (at least 10 characters)")
