"""Assessments kept with their history, and the active policy.

``save`` writes a person's assessment only when its outcome (policy, priority, the rules that
fired and the hard stops, with their records) differs from their latest one: re-assessing
an unchanged person writes nothing, and every change is a new row, none overwritten.
Switching the active policy is an administrator's act, audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import fields, is_dataclass
from typing import Any

import rfc8785
from sqlalchemy import Connection, Engine, func, select

from sojourn.audit.log import AuditEvent, append
from sojourn.priority.assess import Assessment
from sojourn.priority.policy import Policy, PolicyError, policy_in_force, shipped
from sojourn.priority.tables import assessments, policy_activations


def digest(a: Assessment) -> str:
    """The SHA-256 of what the assessment decides and why (not of facts that drift daily,
    such as overstay days)."""
    outcome: Any = {
        "policy": a.policy,
        "priority": a.priority,
        "rules": sorted(
            [r.rule_id, r.supported, sorted({x for f in r.facts.values() for x in f["records"]})]
            for r in a.rules
        ),
        "stops": sorted([s.id, list(s.records)] for s in a.stops),
    }
    return hashlib.sha256(rfc8785.dumps(outcome)).hexdigest()


def _plain(value: Any) -> Any:
    """JSON for what ``json`` does not know: a dataclass as its fields (as ``asdict`` gives
    them, without its deep copies), anything else as text (dates)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    return str(value)


def assessment_row(a: Assessment, trigger: str, at: dt.datetime, digested: str) -> dict[str, Any]:
    """The ``assessments`` row of ``a`` (also written by the Spark assessment's tasks)."""
    body = {f.name: getattr(a, f.name) for f in fields(a)
            if f.name not in ("person_id", "as_of", "policy")}  # fmt: skip
    return {
        "person_id": a.person_id, "as_of": a.as_of.isoformat(), "policy": a.policy,
        "priority": a.priority, "enforcement_ready": a.enforcement_ready,
        "stops": json.dumps([s.id for s in a.stops]), "digest": digested,
        "body": json.dumps(body, default=_plain, sort_keys=True), "trigger": trigger,
        "assessed_at": at,
    }  # fmt: skip


def latest_digests(conn: Connection, person_ids: list[str] | None = None) -> dict[str, str]:
    """Each person's latest outcome digest (of ``person_ids`` when given: a few at a time)."""
    last_q = select(func.max(assessments.c.id))
    if person_ids is not None:
        last_q = last_q.where(assessments.c.person_id.in_(person_ids))
    last = last_q.group_by(assessments.c.person_id).scalar_subquery()
    rows = conn.execute(
        select(assessments.c.person_id, assessments.c.digest).where(assessments.c.id.in_(last))
    )
    return {r.person_id: r.digest for r in rows}


def latest_ids(conn: Connection, person_ids: list[str]) -> dict[str, int]:
    """The id of each person's latest stored assessment."""
    out: dict[str, int] = {}
    for start in range(0, len(person_ids), 10_000):
        chunk = person_ids[start : start + 10_000]
        query = (
            select(assessments.c.person_id, func.max(assessments.c.id))
            .where(assessments.c.person_id.in_(chunk))
            .group_by(assessments.c.person_id)
        )
        out.update({str(p): int(i) for p, i in conn.execute(query)})
    return out


def save(conn: Connection, found: Iterable[Assessment], trigger: str, batch: int = 5000) -> int:
    """Write the assessments whose outcome changed; returns how many were written."""
    found = list(found)
    few = [a.person_id for a in found] if len(found) <= 1000 else None
    known, at, written = latest_digests(conn, few), dt.datetime.now(dt.UTC), 0
    pending: list[dict[str, Any]] = []
    for a in found:
        digested = digest(a)
        if known.get(a.person_id) != digested:
            pending.append(assessment_row(a, trigger, at, digested))
        if len(pending) >= batch:
            conn.execute(assessments.insert(), pending)
            written, pending = written + len(pending), []
    if pending:
        conn.execute(assessments.insert(), pending)
    return written + len(pending)


def history(conn: Connection, person_id: str) -> list[dict[str, Any]]:
    """Every stored assessment of a person, oldest first."""
    query = select(assessments).where(assessments.c.person_id == person_id)
    out = []
    for r in conn.execute(query.order_by(assessments.c.id)):
        row = dict(r._mapping)
        row["body"], row["stops"] = json.loads(row["body"]), json.loads(row["stops"])
        out.append(row)
    return out


def active_policy(conn: Connection, day: dt.date) -> Policy:
    """The policy an administrator activated last, else the shipped one in force on ``day``."""
    query = select(policy_activations.c.policy).order_by(policy_activations.c.id.desc())
    key = conn.execute(query.limit(1)).scalar()
    return shipped()[key] if key in shipped() else policy_in_force(day)


def activate(engine: Engine, key: str, actor: str, role: str, reason: str) -> None:
    """Make ``key`` the active policy (an administrator's act, audited with it)."""
    if key not in shipped():
        raise PolicyError(f"unknown policy {key!r}")
    if not reason.strip():
        raise PolicyError("a reason is required to switch the active policy")
    with engine.begin() as conn:
        conn.execute(policy_activations.insert(), {"policy": key, "actor": actor,
                     "reason": reason, "activated_at": dt.datetime.now(dt.UTC)})  # fmt: skip
        event = AuditEvent(actor, role, "administration", "policy.activate", "policy", [key],
                           ["policy"], detail={"reason": reason})  # fmt: skip
        append(conn, event)
