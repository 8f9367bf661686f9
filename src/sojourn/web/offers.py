"""Which moves a case page offers on each task: only those the workflow allows from the task's
state (``cases.model.check_transition``, with its open child tasks and an open redress
request), that no hard stop refuses now (``cases.guard``), and that the Cedar policies let the
user's role do for the purpose. A move held back is named with its reason, in words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from sojourn.access.authz import Principal, authorizer
from sojourn.cases.guard import guarded_move, stops_now
from sojourn.cases.model import (
    DECIDED,
    OPEN,
    TASK_TYPES,
    TRANSITIONS,
    Actor,
    WorkflowError,
    check_transition,
)

#: Plain moves: (action, target state, button label), in the order the page shows them.
MOVES = (("start", "in_progress", "Start"), ("hold", "on_hold", "Put on hold"),
         ("back", "assigned", "Back to assigned"), ("complete", "completed", "Complete"),
         ("cancel", "cancelled", "Cancel this task"))  # fmt: skip
TARGETS = {action: target for action, target, _ in MOVES}
RECORDS = re.compile(r" \(records [^)]*\)")


@dataclass
class Offer:
    """What the page offers on one task."""

    moves: list[tuple[str, str]] = field(default_factory=list)  # (action, label), no cancel
    outcomes: list[str] = field(default_factory=list)  # a decision's outcomes offered
    cancel: bool = False
    held: list[str] = field(default_factory=list)  # why a move is not offered, in words


@dataclass
class Context:
    """What the checks need, read once per case page."""

    actor: Actor
    works: bool
    frozen: bool
    children: dict[int, int]
    engine: Engine
    person: str
    _stops: list[str] | None = None

    def stops(self) -> list[str]:
        if self._stops is None:
            with self.engine.connect() as conn:
                found = stops_now(conn, self.person)
            self._stops = [RECORDS.sub("", s) for s in found]  # named, not their records
        return self._stops


def may_work(who: Principal, purpose: str) -> bool:
    """Whether the role may work (and decide) cases for this purpose (asked of Cedar)."""
    authz = authorizer()
    return all(authz.decide(who, a, "Case", "*", purpose).allowed
               for a in ("case.work", "case.decide"))  # fmt: skip


def context(engine: Engine, case: dict[str, Any], actor: Actor, works: bool) -> Context:
    children: dict[int, int] = {}
    for t in case["tasks"]:
        if t["parent_id"] is not None and t["status"] in OPEN:
            children[t["parent_id"]] = children.get(t["parent_id"], 0) + 1
    frozen = any(r["status"] == "open" for r in case["redress"])
    return Context(actor, works, frozen, children, engine, case["person_id"])


def offers(case: dict[str, Any], ctx: Context) -> dict[int, Offer]:
    """The offer on each open task of ``case`` (a case_detail dict), by task id."""
    shown = (t for t in case["tasks"] if t["status"] in OPEN and t["type"] in TASK_TYPES)
    return {t["id"]: _offer(t, ctx) for t in shown}


def _check(task: dict[str, Any], target: str, ctx: Context, outcome: str | None) -> str | None:
    """Why ``target`` is refused (None: allowed)."""
    try:
        waits = ctx.children.get(task["id"], 0)
        check_transition(task["type"], task["status"], target, ctx.actor, waits, ctx.frozen,
                         outcome is not None)  # fmt: skip
    except WorkflowError as exc:
        return str(exc)
    row = _Row(task["id"], task["type"], task["status"])
    if guarded_move(row, target, outcome) and ctx.stops():
        return "hard stops hold: " + "; ".join(ctx.stops())
    return None


@dataclass(frozen=True)
class _Row:
    id: int
    type: str
    status: str


def _offer(task: dict[str, Any], ctx: Context) -> Offer:
    out = Offer()
    if not ctx.works or task["type"] == "redress_review":
        return out
    legal = TRANSITIONS.get(task["status"], frozenset())
    for action, target, label in MOVES:
        if target not in legal or (action == "complete" and task["type"] in DECIDED):
            continue
        why = _check(task, target, ctx, None)
        if why is None and action == "cancel":
            out.cancel = True
        elif why is None:
            out.moves.append((action, label))
        elif action != "cancel" or "ended only by" not in why:
            out.held.append(f"{label}: {why}")
    if task["type"] in DECIDED:
        _decisions(task, ctx, "completed" in legal, out)
    return out


def _decisions(task: dict[str, Any], ctx: Context, legal: bool, out: Offer) -> None:
    """The outcomes offered; one line per reason for those held back."""
    if not legal:
        out.held.append(f"Decide: a task {task['status'].replace('_', ' ')} is not decided; "
                        "bring it back to assigned first")  # fmt: skip
        return
    refused: dict[str, list[str]] = {}
    for outcome in DECIDED[task["type"]]:
        why = _check(task, "completed", ctx, outcome)
        if why is None:
            out.outcomes.append(outcome)
        else:
            refused.setdefault(why, []).append(outcome.replace("_", " "))
    for why, which in refused.items():
        whole = len(which) == len(DECIDED[task["type"]])
        out.held.append(f"Decide{'' if whole else ' ' + ' or '.join(which)}: {why}")
