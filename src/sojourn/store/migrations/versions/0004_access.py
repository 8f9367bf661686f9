"""Access: users and login attempts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column(
            "password_hash",
            sa.Text,
            comment="Argon2id; NULL for users of the identity provider",
        ),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True)),
        sa.Column("disabled_by", sa.String(64)),
        sa.Column("disabled_reason", sa.Text),
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("succeeded", sa.Boolean, nullable=False),
        sa.Column("source", sa.String(64), nullable=False, comment="client address or 'cli'"),
    )
    op.create_index("ix_login_attempts_user_at", "login_attempts", ["username", "at"])


def downgrade() -> None:
    op.drop_table("login_attempts")
    op.drop_table("users")
