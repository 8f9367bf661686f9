"""Any person file: undated identity-only records (kind ``person``: ``records.event_date`` may
be null), generic identifiers on records (a JSON object, type to value), and the data-quality
notes of rows kept with an unusable value made missing (``on_error: missing``).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

CITIZENSHIP = "kind = 'naturalization' OR nationality = 'USA' OR passport_country = 'USA'"


def upgrade() -> None:
    _event_date(nullable=True)
    op.add_column("records", sa.Column("identifiers", sa.Text))
    op.create_table(
        "record_notes",
        sa.Column("batch_id", sa.String(24), primary_key=True),
        sa.Column("row", sa.Integer, primary_key=True),
        sa.Column("field", sa.Text, primary_key=True),
        sa.Column("record_id", sa.String(32), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_index("ix_record_notes_record", "record_notes", ["record_id"])


def downgrade() -> None:
    op.drop_index("ix_record_notes_record", "record_notes")
    op.drop_table("record_notes")
    with op.batch_alter_table("records") as batch:
        batch.drop_column("identifiers")
    _event_date(nullable=False)


def _event_date(nullable: bool) -> None:
    """SQLite cannot alter a column: the table is copied (batch mode), its partial index
    dropped first and made again after (reflection would not keep its condition)."""
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("records", "event_date", existing_type=sa.Date, nullable=nullable)
        return
    op.drop_index("ix_records_citizenship", "records")
    with op.batch_alter_table("records") as batch:
        batch.alter_column("event_date", existing_type=sa.Date, nullable=nullable)
    op.create_index(
        "ix_records_citizenship", "records", ["birth_date"], sqlite_where=sa.text(CITIZENSHIP)
    )
