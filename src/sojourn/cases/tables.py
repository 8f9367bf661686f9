"""Cases, their tasks, every task change (append-only), human decisions (append-only) and
redress requests. A task's current state is on its row with one timestamp per state; the
``task_events`` rows are the history that is never rewritten."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Table, Text

from sojourn.store.metadata import metadata

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", String(16), nullable=False),
    Column("status", String(16), nullable=False, comment="open or closed"),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("opened_by", String(64), nullable=False),
    Column("reason", Text, nullable=False, comment="why it was opened"),
    Column("assessment_id", Integer, comment="the assessment that opened it"),
    Column("closed_at", DateTime(timezone=True)),
    Column("closure", Text, comment="JSON: reason and evidence records"),
    Index("ix_cases_person", "person_id"),
)

tasks = Table(
    "tasks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("parent_id", Integer, ForeignKey("tasks.id")),
    Column("type", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("assignee_kind", String(8), nullable=False, comment="user or team"),
    Column("assignee", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("assigned_at", DateTime(timezone=True)),
    Column("in_progress_at", DateTime(timezone=True)),
    Column("on_hold_at", DateTime(timezone=True)),
    Column("completed_at", DateTime(timezone=True)),
    Column("cancelled_at", DateTime(timezone=True)),
    Column("detail", Text, nullable=False, comment="JSON: the hard stop or rule behind it"),
    Index("ix_tasks_case", "case_id"),
)

task_events = Table(
    "task_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("task_id", Integer, ForeignKey("tasks.id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("action", String(16), nullable=False, comment="created, status, assigned"),
    Column("from_status", String(16)),
    Column("to_status", String(16)),
    Column("assignee", String(64)),
    Column("reason", Text, nullable=False),
    Index("ix_task_events_task", "task_id", "id"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("task_id", Integer, ForeignKey("tasks.id")),
    Column("kind", String(32), nullable=False, comment="the task type decided, or retraction"),
    Column("outcome", String(32), nullable=False),
    Column("finding", Text, nullable=False, comment="the written reason"),
    Column("actor", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("retracts", Integer, ForeignKey("decisions.id")),
    Column("evidence", Text, nullable=False, comment="JSON: records and assessment cited"),
)

redress_requests = Table(
    "redress_requests",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", String(16), nullable=False),
    Column("kind", String(16), nullable=False, comment="record, link or status"),
    Column("requester", Text, nullable=False, comment="the person or their attorney"),
    Column("filed_by", String(64), nullable=False, comment="the officer who took it"),
    Column("filed_at", DateTime(timezone=True), nullable=False),
    Column("subject", Text, nullable=False, comment="JSON: the record, link or field contested"),
    Column("statement", Text, nullable=False, comment="what the requester says"),
    Column("status", String(16), nullable=False, comment="open or decided"),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", String(64)),
    Column("outcome", String(32), comment="corrected, link_judged, upheld, denied"),
    Column("outcome_detail", Text, comment="JSON: what changed, told to the requester"),
    Index("ix_redress_person", "person_id"),
)
