"""A partial index over the records that are citizenship evidence (naturalization, a U.S.
nationality or passport), so the citizenship sweep reads them without scanning every record.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

CITIZENSHIP = "kind = 'naturalization' OR nationality = 'USA' OR passport_country = 'USA'"


def upgrade() -> None:
    op.create_index(
        "ix_records_citizenship", "records", ["birth_date"],
        sqlite_where=sa.text(CITIZENSHIP), postgresql_where=sa.text(CITIZENSHIP),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_records_citizenship", "records")
