"""Idempotency keys for writes: a write sent again with the same ``Idempotency-Key`` by the
same caller returns the first answer and changes nothing twice."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Column, Connection, DateTime, String, Table, Text, select

from sojourn.store.metadata import metadata

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("actor", String(64), primary_key=True),
    Column("route", String(128), nullable=False),
    Column("response", Text, nullable=False, comment="JSON of the first answer"),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def seen(conn: Connection, key: str, actor: str, route: str) -> Any | None:
    """The first answer to this key, or None; a key reused on another route is an error."""
    row = conn.execute(
        select(idempotency_keys.c.route, idempotency_keys.c.response).where(
            idempotency_keys.c.key == key, idempotency_keys.c.actor == actor
        )
    ).first()
    if row is None:
        return None
    if row.route != route:
        raise ValueError(f"idempotency key {key!r} was used for {row.route}")
    return json.loads(row.response)


def remember(conn: Connection, key: str, actor: str, route: str, response: Any) -> None:
    conn.execute(idempotency_keys.insert().values(key=key, actor=actor, route=route,
                 response=json.dumps(response), created_at=dt.datetime.now(dt.UTC)))  # fmt: skip
