"""Identity reviews claimed and assigned: append-only rows, one per claim, assignment or
release (the review's assignee is its latest row's; none for a release).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_claims",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("review_id", sa.Integer, sa.ForeignKey("identity_reviews.id"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("assignee", sa.String(128)),
    )
    op.create_index("ix_review_claims_review", "review_claims", ["review_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_review_claims_review", "review_claims")
    op.drop_table("review_claims")
