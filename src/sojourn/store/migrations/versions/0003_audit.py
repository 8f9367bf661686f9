"""Audit: hash-chained events, their resources, signed checkpoints; triggers refuse UPDATE
and DELETE on all three (the application cannot rewrite the log).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("audit_events", "audit_resources", "audit_checkpoints")


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column(
            "seq", sa.BigInteger, primary_key=True, autoincrement=False, comment="1, 2, 3 … no gaps"
        ),
        sa.Column("at", sa.String(32), nullable=False, comment="UTC time, ISO 8601 (as hashed)"),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False, comment="purpose of use"),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("resource_type", sa.String(32), nullable=False),
        sa.Column("resource_ids", sa.Text, nullable=False, comment="JSON list"),
        sa.Column(
            "fields", sa.Text, nullable=False, comment="JSON list of fields returned or changed"
        ),
        sa.Column("decision", sa.String(8), nullable=False, comment="allow or deny"),
        sa.Column(
            "policy_ids", sa.Text, nullable=False, comment="JSON list: the policies that decided"
        ),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text, nullable=False, comment="JSON object"),
        sa.Column(
            "prev_hash", sa.String(64), nullable=False, comment="leaf hash of the event before"
        ),
        sa.Column(
            "leaf_hash", sa.String(64), nullable=False, comment="RFC 9162 leaf hash of this event"
        ),
    )
    op.create_table(
        "audit_resources",
        sa.Column("seq", sa.BigInteger, sa.ForeignKey("audit_events.seq"), nullable=False),
        sa.Column("resource_id", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_resources_resource", "audit_resources", ["resource_id"])
    op.create_table(
        "audit_checkpoints",
        sa.Column("tree_size", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("root", sa.String(64), nullable=False, comment="RFC 9162 root, hex"),
        sa.Column("note", sa.Text, nullable=False, comment="the signed note, as exported"),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        _postgres_guards()
    else:
        _sqlite_guards()


def _sqlite_guards() -> None:
    for table in TABLES:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def _postgres_guards() -> None:
    op.execute(
        "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
        )
        op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC")


def downgrade() -> None:
    for table in ("audit_resources", "audit_checkpoints", "audit_events"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_append_only()")
