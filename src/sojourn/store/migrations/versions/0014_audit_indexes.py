"""The audit page's filters served by indexes: events by actor, by action and by time (the
page counts and pages each filter in SQL; without these each count read the whole log).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_audit_events_actor": ["actor", "seq"],
    "ix_audit_events_action": ["action", "seq"],
    "ix_audit_events_at": ["at"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "audit_events", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="audit_events")
