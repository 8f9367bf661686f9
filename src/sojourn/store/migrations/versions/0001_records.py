"""Records: batches, append-only records and quarantined rows.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

# Frozen here: a migration never reads live code, or a later change would rewrite history.
IDENTITY_FIELDS = (
    "given_name", "middle_name", "family_name", "full_name", "name_original", "birth_date",
    "sex", "nationality", "birth_place", "address", "postcode", "passport_number",
    "passport_country", "a_number", "sevis_id", "fbi_number", "ssn", "receipt_number",
)  # fmt: skip

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("mapping", sa.String(128), nullable=False),
        sa.Column("mapping_sha256", sa.String(64), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("delimiter", sa.String(4)),
        sa.Column("header", sa.Text),
        sa.Column("file", sa.Text, nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("file_bytes", sa.BigInteger, nullable=False),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.Column("records_new", sa.Integer, nullable=False),
        sa.Column("records_existing", sa.Integer, nullable=False),
        sa.Column("quarantined", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "records",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("batch_id", sa.String(24), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("source_record_id", sa.Text, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("file", sa.Text, nullable=False),
        sa.Column("row", sa.Integer, nullable=False),
        sa.Column("event_date", sa.Date, nullable=False),
        *(sa.Column(name, sa.Text) for name in IDENTITY_FIELDS),
        sa.Column("event", sa.Text, nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
    )
    op.create_index("ix_records_source_record", "records", ["source", "source_record_id"])
    op.create_table(
        "sightings",
        sa.Column("batch_id", sa.String(24), primary_key=True),
        sa.Column("row", sa.Integer, primary_key=True),
        sa.Column("record_id", sa.String(32), nullable=False),
    )
    op.create_index("ix_sightings_record", "sightings", ["record_id"])
    op.create_table(
        "quarantine",
        sa.Column("batch_id", sa.String(24), sa.ForeignKey("batches.id"), primary_key=True),
        sa.Column("row", sa.Integer, primary_key=True),
        sa.Column("file", sa.Text, nullable=False),
        sa.Column("field", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("raw", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("quarantine")
    op.drop_table("sightings")
    op.drop_table("records")
    op.drop_table("batches")
