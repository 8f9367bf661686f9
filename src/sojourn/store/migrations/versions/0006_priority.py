"""Assessments and policy activations.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.String(16), nullable=False),
        sa.Column("as_of", sa.String(10), nullable=False, comment="the date the facts are as of"),
        sa.Column("policy", sa.String(96), nullable=False, comment="id@version"),
        sa.Column("priority", sa.String(48)),
        sa.Column("enforcement_ready", sa.Boolean, nullable=False),
        sa.Column("stops", sa.Text, nullable=False, comment="JSON list of the hard stops' ids"),
        sa.Column("digest", sa.String(64), nullable=False, comment="SHA-256 of the outcome"),
        sa.Column("body", sa.Text, nullable=False, comment="JSON: rules, factors, stops, facts"),
        sa.Column("trigger", sa.String(64), nullable=False, comment="what made it recompute"),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_assessments_person", "assessments", ["person_id", "id"])
    op.create_table(
        "policy_activations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("policy", sa.String(96), nullable=False, comment="id@version"),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("policy_activations")
    op.drop_index("ix_assessments_person", "assessments")
    op.drop_table("assessments")
