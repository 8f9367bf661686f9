"""Entity resolution: models, runs, persons, links, person events, identity reviews and
judgements (all append-only).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resolve_models",
        sa.Column("version", sa.String(12), primary_key=True, comment="hash of the parameters"),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("records", sa.Integer, nullable=False, comment="records it was trained on"),
        sa.Column("body", sa.Text, nullable=False, comment="the model's JSON file"),
    )
    op.create_table(
        "resolve_runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False, comment="batch, judgement or realtime"),
        sa.Column(
            "model_version", sa.String(12), sa.ForeignKey("resolve_models.version"), nullable=False
        ),
        sa.Column("accept", sa.Float, nullable=False),
        sa.Column("review", sa.Float, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("persons", sa.Integer, nullable=False),
        sa.Column("links_written", sa.Integer, nullable=False),
        sa.Column("persons_created", sa.Integer, nullable=False),
        sa.Column("merges", sa.Integer, nullable=False),
        sa.Column("splits", sa.Integer, nullable=False),
        sa.Column("reviews_opened", sa.Integer, nullable=False),
    )
    op.create_table(
        "persons",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Integer, nullable=False, comment="the run that created it"),
    )
    op.create_table(
        "links",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(32), nullable=False),
        sa.Column("person_id", sa.String(16), nullable=False),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(16), nullable=False, comment="model, judgement or single"),
        sa.Column("model_version", sa.String(12), nullable=False),
        sa.Column(
            "via_record_id", sa.String(32), comment="the record it matched best in its person"
        ),
        sa.Column("match_probability", sa.Float),
        sa.Column("judgement_id", sa.Integer, comment="the judgement that made it, if any"),
        sa.Column("evidence", sa.Text, comment="JSON: the comparison vector with the via record"),
    )
    op.create_index("ix_links_record", "links", ["record_id", "id"])
    op.create_index("ix_links_person", "links", ["person_id"])
    op.create_table(
        "person_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "action", sa.String(16), nullable=False, comment="created, merged, split, retired"
        ),
        sa.Column("person_id", sa.String(16), nullable=False),
        sa.Column("other_person_id", sa.String(16), comment="merged into / split from"),
        sa.Column("records", sa.Integer, nullable=False, comment="records that moved"),
        sa.Column(
            "cause", sa.Text, nullable=False, comment="plain words: judgement, model version"
        ),
    )
    op.create_index("ix_person_events_person", "person_events", ["person_id"])
    op.create_table(
        "identity_reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("record_l", sa.String(32), nullable=False),
        sa.Column("record_r", sa.String(32), nullable=False),
        sa.Column("person_l", sa.String(16), nullable=False),
        sa.Column("person_r", sa.String(16)),
        sa.Column("match_probability", sa.Float, nullable=False),
        sa.Column("model_version", sa.String(12), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_index("ix_identity_reviews_pair", "identity_reviews", ["record_l", "record_r"])
    op.create_table(
        "judgements",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("record_l", sa.String(32), nullable=False),
        sa.Column("record_r", sa.String(32), nullable=False),
        sa.Column(
            "verdict", sa.String(16), nullable=False, comment="same, different, unsure, retracted"
        ),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("retracts", sa.Integer, sa.ForeignKey("judgements.id")),
        sa.Column("review_id", sa.Integer, sa.ForeignKey("identity_reviews.id")),
    )
    op.create_index("ix_judgements_pair", "judgements", ["record_l", "record_r"])


def downgrade() -> None:
    for table in (
        "judgements", "identity_reviews", "person_events", "links", "persons",
        "resolve_runs", "resolve_models",
    ):  # fmt: skip
        op.drop_table(table)
