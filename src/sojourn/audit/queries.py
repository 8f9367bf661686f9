"""Reading the audit log: who looked at a person, when and why; what one user did."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from sojourn.audit.tables import audit_events, audit_resources

COLUMNS = ("seq", "at", "actor", "role", "purpose", "action", "resource_type", "resource_ids",
           "fields", "decision", "policy_ids", "request_id")  # fmt: skip


def events(
    conn: Connection, person: str | None = None, actor: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """The latest ``limit`` events naming ``person`` and/or by ``actor``, newest first."""
    query = select(*(audit_events.c[c] for c in COLUMNS))
    if person is not None:
        named = select(audit_resources.c.seq).where(audit_resources.c.resource_id == person)
        query = query.where(audit_events.c.seq.in_(named))
    if actor is not None:
        query = query.where(audit_events.c.actor == actor)
    found = conn.execute(query.order_by(audit_events.c.seq.desc()).limit(limit))
    out = []
    for row in found:
        item = dict(row._mapping)
        for name in ("resource_ids", "fields", "policy_ids"):
            item[name] = json.loads(item[name])
        out.append(item)
    return out
