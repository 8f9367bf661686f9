"""Following a case: a subscription names a case (its person too), and so does an alert.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as table:
        table.add_column(sa.Column("case_id", sa.Integer, nullable=True))
        table.create_index("ix_subscriptions_case", ["case_id"])
    with op.batch_alter_table("alerts") as table:
        table.add_column(sa.Column("case_id", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as table:
        table.drop_column("case_id")
    with op.batch_alter_table("subscriptions") as table:
        table.drop_index("ix_subscriptions_case")
        table.drop_column("case_id")
