"""A resolved person's records in full, with their provenance: what the API's person views
are projected from."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, bindparam, select

from sojourn.records.tables import IDENTITY_COLUMNS, records
from sojourn.resolve.store import person_record_ids


class NoSuchPersonError(LookupError):
    """No current link names this person."""


COLUMNS = (
    "id", "source", "source_record_id", "file", "row", "kind", "event_date", "event",
    "identifiers",
)  # fmt: skip
#: Built once (the API asks it for every person view).
DOSSIER = (
    select(*(records.c[c] for c in (*COLUMNS, *IDENTITY_COLUMNS)))
    .where(records.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(records.c.event_date, records.c.id)
)


def person_dossier(engine: Engine, person_id: str) -> list[dict[str, Any]]:
    """Each record currently linked to ``person_id``, oldest event first: id, source, the
    source's record id, file and row (provenance), kind, event date, identity values (those
    present) and event fields."""
    with engine.connect() as conn:
        ids = person_record_ids(conn, person_id)
        if not ids:
            raise NoSuchPersonError(f"no person with id {person_id}")
        rows = [dict(r._mapping) for r in conn.execute(DOSSIER, {"ids": ids})]
    out = []
    for row in rows:
        identity = {c: row.pop(c) for c in IDENTITY_COLUMNS}
        row["identity"] = {k: v for k, v in identity.items() if v not in (None, "")}
        row["event"] = json.loads(row["event"])
        when = row["event_date"]
        row["event_date"] = None if when is None else str(when)  # a person list: undated
        generic = row.pop("identifiers")
        if generic:
            row["identity"]["identifiers"] = json.loads(generic)
        out.append(row)
    return out
