"""The resolve package's tables. All of them are append-only: a re-run, a retraining or a
human judgement adds rows (a new link for a record, a merge or split event, a judgement that
retracts an earlier one) and never rewrites what was there."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from sojourn.store.metadata import metadata

models = Table(
    "resolve_models",
    metadata,
    Column("version", String(12), primary_key=True, comment="hash of the parameters"),
    Column("trained_at", DateTime(timezone=True), nullable=False),
    Column("records", Integer, nullable=False, comment="records it was trained on"),
    Column("body", Text, nullable=False, comment="the model's JSON file"),
)

runs = Table(
    "resolve_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False, comment="batch, judgement or realtime"),
    Column("model_version", String(12), ForeignKey("resolve_models.version"), nullable=False),
    Column("accept", Float, nullable=False),
    Column("review", Float, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True), nullable=False),
    Column("records", Integer, nullable=False),
    Column("persons", Integer, nullable=False),
    Column("links_written", Integer, nullable=False),
    Column("persons_created", Integer, nullable=False),
    Column("merges", Integer, nullable=False),
    Column("splits", Integer, nullable=False),
    Column("reviews_opened", Integer, nullable=False),
)

persons = Table(
    "persons",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("run_id", Integer, nullable=False, comment="the run that created it"),
)

links = Table(
    "links",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("record_id", String(32), nullable=False),
    Column("person_id", String(16), nullable=False),
    Column("run_id", Integer, nullable=False),
    Column("linked_at", DateTime(timezone=True), nullable=False),
    Column("method", String(16), nullable=False, comment="model, judgement or single"),
    Column("model_version", String(12), nullable=False),
    Column("via_record_id", String(32), comment="the record it matched best in its person"),
    Column("match_probability", Float),
    Column("judgement_id", Integer, comment="the judgement that made it, if any"),
    Column("evidence", Text, comment="JSON: the comparison vector with the via record"),
    Index("ix_links_record", "record_id", "id"),
    Index("ix_links_person", "person_id"),
    comment="a record's current person is its link with the highest id",
)

person_events = Table(
    "person_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("action", String(16), nullable=False, comment="created, merged, split, retired"),
    Column("person_id", String(16), nullable=False),
    Column("other_person_id", String(16), comment="merged into / split from"),
    Column("records", Integer, nullable=False, comment="records that moved"),
    Column("cause", Text, nullable=False, comment="plain words: judgement, model version"),
    Index("ix_person_events_person", "person_id"),
)

reviews = Table(
    "identity_reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("record_l", String(32), nullable=False),
    Column("record_r", String(32), nullable=False),
    Column("person_l", String(16), nullable=False),
    Column("person_r", String(16)),
    Column("match_probability", Float, nullable=False),
    Column("model_version", String(12), nullable=False),
    Column("reason", Text, nullable=False),
    Index("ix_identity_reviews_pair", "record_l", "record_r"),
    comment="open until a judgement on its pair of records",
)

judgements = Table(
    "judgements",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("record_l", String(32), nullable=False),
    Column("record_r", String(32), nullable=False),
    Column("verdict", String(16), nullable=False, comment="same, different, unsure, retracted"),
    Column("reason", Text, nullable=False),
    Column("retracts", Integer, ForeignKey("judgements.id")),
    Column("review_id", Integer, ForeignKey("identity_reviews.id")),
    Index("ix_judgements_pair", "record_l", "record_r"),
)

review_claims = Table(
    "review_claims",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("review_id", Integer, ForeignKey("identity_reviews.id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(128), nullable=False, comment="who claimed or assigned it"),
    Column("assignee", String(128), comment="none: released"),
    Index("ix_review_claims_review", "review_id", "id"),
    comment="a review's assignee is its latest row's (append-only)",
)
