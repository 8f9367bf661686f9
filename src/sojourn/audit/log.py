"""Appending to the audit log and reading it back.

Each event is one row. Its *entry* is the RFC 8785 canonical JSON of every column but the
leaf hash (the sequence number and the previous event's leaf hash included), and its leaf hash
is the RFC 9162 leaf hash of that entry: the chain and the Merkle tree share their leaves.
``append`` writes inside the caller's transaction, so an event and the write it records commit
together or not at all; appends are serialised (an advisory lock on PostgreSQL, the database
write lock on SQLite), so sequence numbers have no gaps.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import rfc8785
from sqlalchemy import Connection, func, select, text

from sojourn.audit.merkle import leaf_hash
from sojourn.audit.tables import audit_events, audit_resources

GENESIS = "0" * 64
#: An arbitrary constant: the advisory lock that serialises appends on PostgreSQL.
LOCK_KEY = 0x50_4A_41_55  # "SJAU"
LIST_COLUMNS = ("resource_ids", "fields", "policy_ids")
#: Appends made by this process (the command line signs a checkpoint when a command made any).
_appended = [0]
_counting = threading.Lock()


@dataclass(frozen=True)
class AuditEvent:
    """What happened: who, in which role, for which purpose, did what to which resources,
    which fields were returned or changed, and the decision with the policies behind it."""

    actor: str
    role: str
    purpose: str
    action: str
    resource_type: str
    resource_ids: Sequence[str] = ()
    fields: Sequence[str] = ()
    decision: str = "allow"
    policy_ids: Sequence[str] = ()
    request_id: str = ""
    detail: Mapping[str, Any] = field(default_factory=dict)


def now() -> str:
    """The current UTC time as the log writes it."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def entry_bytes(row: Mapping[str, Any]) -> bytes:
    """The canonical entry of a stored row (every column but ``leaf_hash``)."""
    body = {k: v for k, v in row.items() if k != "leaf_hash"}
    for name in (*LIST_COLUMNS, "detail"):
        body[name] = json.loads(body[name])
    return rfc8785.dumps(body)


def row_leaf(row: Mapping[str, Any]) -> str:
    return leaf_hash(entry_bytes(row)).hex()


def hold_writes(conn: Connection) -> None:
    """Take the log's write lock now, held to the end of the caller's transaction: every
    audited write of another transaction waits for it, and the caller's later reads see
    everything committed before it (a decision re-reads the hard stops under it)."""
    _lock(conn)


def _lock(conn: Connection) -> None:
    """Take the log's write lock before reading its head, so that two appends cannot read the
    same head. PostgreSQL: an advisory lock held to the end of the transaction. SQLite: a write
    statement that changes no row still opens the write transaction (the RESERVED lock), and a
    second writer waits for it (busy timeout) instead of reading a stale head."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    else:
        conn.execute(text("UPDATE audit_events SET seq = seq WHERE 0"))


HEAD = (
    select(audit_events.c.seq, audit_events.c.leaf_hash)
    .order_by(audit_events.c.seq.desc())
    .limit(1)
)


def _last(conn: Connection) -> tuple[int, str]:
    _lock(conn)
    head = conn.execute(HEAD).first()
    return (0, GENESIS) if head is None else (int(head.seq), str(head.leaf_hash))


def append(conn: Connection, event: AuditEvent, at: str | None = None) -> int:
    """Write ``event`` as the next one in the chain (in the caller's transaction); returns
    its sequence number."""
    return append_many(conn, [event], at)[0]


def append_many(conn: Connection, events: Sequence[AuditEvent], at: str | None = None) -> list[int]:
    """Write ``events`` as the next ones in the chain, in order, with one head read and one
    insert each into the events and their resources (in the caller's transaction); returns
    their sequence numbers."""
    if not events:
        return []
    seq, prev = _last(conn)
    made, resources = [], []
    for event in events:
        seq += 1
        row = _row(event, seq, prev, at or now())
        prev = row["leaf_hash"]
        made.append(row)
        resources += [{"seq": seq, "resource_id": r} for r in sorted(set(event.resource_ids))]
    conn.execute(audit_events.insert(), made)
    with _counting:
        _appended[0] += len(made)
    if resources:
        conn.execute(audit_resources.insert(), resources)
    return [int(r["seq"]) for r in made]


def _row(event: AuditEvent, seq: int, prev: str, at: str) -> dict[str, Any]:
    """The stored row of ``event`` at ``seq`` after the leaf ``prev``, with its leaf hash."""
    row: dict[str, Any] = {
        "seq": seq,
        "at": at,
        "actor": event.actor,
        "role": event.role,
        "purpose": event.purpose,
        "action": event.action,
        "resource_type": event.resource_type,
        "resource_ids": json.dumps(list(event.resource_ids)),
        "fields": json.dumps(sorted(event.fields)),
        "decision": event.decision,
        "policy_ids": json.dumps(list(event.policy_ids)),
        "request_id": event.request_id,
        "detail": json.dumps(dict(event.detail), sort_keys=True),
        "prev_hash": prev,
    }
    row["leaf_hash"] = row_leaf(row)
    return row


def appended() -> int:
    """How many events this process has appended (committed or not) since it started."""
    return _appended[0]


def rows(conn: Connection, start: int = 1, batch: int = 10_000) -> Iterator[dict[str, Any]]:
    """Every event from ``start``, in sequence order, as stored."""
    while True:
        query = (
            select(audit_events)
            .where(audit_events.c.seq >= start)
            .order_by(audit_events.c.seq)
            .limit(batch)
        )
        found = [dict(r._mapping) for r in conn.execute(query)]
        yield from found
        if len(found) < batch:
            return
        start = int(found[-1]["seq"]) + 1


def size(conn: Connection) -> int:
    """The number of events (the last sequence number: the chain has no gaps), without
    counting rows."""
    return int(conn.execute(select(func.coalesce(func.max(audit_events.c.seq), 0))).scalar_one())
