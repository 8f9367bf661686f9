"""The application's database role on PostgreSQL: it may read and write the working tables,
and only read and append to the audit log (no UPDATE, DELETE or TRUNCATE on the audit tables,
on top of the triggers that refuse them). The schema and tables stay owned by the migration
role, so the application role cannot drop the triggers either."""

from __future__ import annotations

import re

from sqlalchemy import Engine, inspect, text

AUDIT_TABLES = ("audit_events", "audit_resources", "audit_checkpoints")
_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_app_role(engine: Engine, role: str) -> list[str]:
    """Grant ``role`` what the application needs in the engine's schema; returns the
    statements run. The role must exist (``CREATE ROLE … LOGIN``, by the database owner)."""
    if engine.dialect.name != "postgresql":
        raise ValueError("database roles exist on PostgreSQL only")
    if not _ROLE.match(role):
        raise ValueError(f"invalid role name {role!r}")
    with engine.connect() as conn:
        schema = str(conn.execute(text("SELECT current_schema()")).scalar_one())
    tables = [t for t in inspect(engine).get_table_names(schema=schema) if t not in AUDIT_TABLES]
    statements = [f'GRANT USAGE ON SCHEMA "{schema}" TO {role}']
    statements += [
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON "{schema}"."{t}" TO {role}' for t in tables
    ]
    statements += [f'GRANT SELECT, INSERT ON "{schema}"."{t}" TO {role}' for t in AUDIT_TABLES]
    statements += [
        f'REVOKE UPDATE, DELETE, TRUNCATE ON "{schema}"."{t}" FROM {role}' for t in AUDIT_TABLES
    ]
    statements.append(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO {role}')
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    return statements
