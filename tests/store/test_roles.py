"""The application's PostgreSQL role may append to the audit log but not change it."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, ProgrammingError

from sojourn.audit.log import AuditEvent, append
from sojourn.store import make_engine, upgrade
from sojourn.store.roles import grant_app_role
from tests.conftest import PG_URL, drop_pg_schema, new_pg_schema


def test_the_app_role_appends_but_cannot_rewrite_the_audit_log() -> None:
    schema, role = new_pg_schema(), f"app_{uuid.uuid4().hex[:10]}"
    owner = make_engine(PG_URL, schema)
    try:
        upgrade(owner)
        with owner.begin() as conn:
            conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        grant_app_role(owner, role)
        app = make_engine(PG_URL.replace("postgres@", f"{role}@"), schema)
        with app.begin() as conn:
            append(conn, AuditEvent("ana", "analyst", "statistics", "report.read", "report"))
            conn.execute(text("INSERT INTO idempotency_keys VALUES ('k', 'a', 'r', '{}', now())"))
        for sql in (
            "UPDATE audit_events SET actor = 'x'",
            "DELETE FROM audit_events",
            "TRUNCATE audit_events",
            "DROP TRIGGER audit_events_append_only ON audit_events",
            "SET session_replication_role = replica",
        ):
            with pytest.raises((ProgrammingError, DBAPIError)), app.begin() as conn:
                conn.execute(text(sql))
        app.dispose()
        with pytest.raises(ValueError, match="invalid role"):
            grant_app_role(owner, "bad-role; DROP TABLE x")
    finally:
        drop_pg_schema(schema)
        with owner.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
        owner.dispose()
