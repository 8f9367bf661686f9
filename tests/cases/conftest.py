"""Shared by the case tests: a person the store knows (one link), without generating data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection

from sojourn.records.tables import records
from sojourn.resolve.tables import links


def plant_person(conn: Connection, person_id: str) -> None:
    """A person the store knows: one address record (nothing that makes a status or a stop)
    and its current link naming ``person_id``."""
    conn.execute(records.insert().values(
        id=f"rec-{person_id}", batch_id="test", source="test", source_record_id=person_id,
        kind="address", file="test", row=0, event_date=dt.date(2024, 1, 1), family_name="Test",
        birth_date="1980-01-01", event='{"effective_on": "2024-01-01"}', raw="{}",
    ))  # fmt: skip
    conn.execute(links.insert().values(
        record_id=f"rec-{person_id}", person_id=person_id, run_id=0,
        linked_at=dt.datetime.now(dt.UTC), method="single", model_version="test",
    ))  # fmt: skip
