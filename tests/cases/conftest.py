"""Shared by the case tests: a person the store knows (one link), without generating data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection

from sojourn.resolve.tables import links


def plant_person(conn: Connection, person_id: str) -> None:
    """A current link naming ``person_id`` (what redress checks before it files)."""
    conn.execute(links.insert().values(
        record_id=f"rec-{person_id}", person_id=person_id, run_id=0,
        linked_at=dt.datetime.now(dt.UTC), method="single", model_version="test",
    ))  # fmt: skip
