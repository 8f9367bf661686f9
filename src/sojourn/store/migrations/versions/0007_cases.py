"""Cases, tasks, task events, decisions, redress requests and record corrections; task events,
decisions and corrections are append-only (triggers refuse UPDATE and DELETE).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
APPEND_ONLY = ("task_events", "decisions", "record_corrections")


def _cases() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, comment="open or closed"),
        sa.Column("opened_at", TZ, nullable=False),
        sa.Column("opened_by", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text, nullable=False, comment="why it was opened"),
        sa.Column("assessment_id", sa.Integer, comment="the assessment that opened it"),
        sa.Column("closed_at", TZ),
        sa.Column("closure", sa.Text, comment="JSON: reason and evidence records"),
    )
    op.create_index("ix_cases_person", "cases", ["person_id"])
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("tasks.id")),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assignee_kind", sa.String(8), nullable=False, comment="user or team"),
        sa.Column("assignee", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("assigned_at", TZ),
        sa.Column("in_progress_at", TZ),
        sa.Column("on_hold_at", TZ),
        sa.Column("completed_at", TZ),
        sa.Column("cancelled_at", TZ),
        sa.Column(
            "detail", sa.Text, nullable=False, comment="JSON: the hard stop or rule behind it"
        ),
    )
    op.create_index("ix_tasks_case", "tasks", ["case_id"])


def _history() -> None:
    op.create_table(
        "task_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id"), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("action", sa.String(16), nullable=False, comment="created, status, assigned"),
        sa.Column("from_status", sa.String(16)),
        sa.Column("to_status", sa.String(16)),
        sa.Column("assignee", sa.String(64)),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_index("ix_task_events_task", "task_events", ["task_id", "id"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id")),
        sa.Column(
            "kind", sa.String(32), nullable=False, comment="the task type decided, or retraction"
        ),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("finding", sa.Text, nullable=False, comment="the written reason"),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("retracts", sa.Integer, sa.ForeignKey("decisions.id")),
        sa.Column(
            "evidence", sa.Text, nullable=False, comment="JSON: records and assessment cited"
        ),
    )


def _redress() -> None:
    op.create_table(
        "redress_requests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False, comment="record, link or status"),
        sa.Column("requester", sa.Text, nullable=False, comment="the person or their attorney"),
        sa.Column("filed_by", sa.String(64), nullable=False, comment="the officer who took it"),
        sa.Column("filed_at", TZ, nullable=False),
        sa.Column(
            "subject", sa.Text, nullable=False, comment="JSON: the record, link or field contested"
        ),
        sa.Column("statement", sa.Text, nullable=False, comment="what the requester says"),
        sa.Column("status", sa.String(16), nullable=False, comment="open or decided"),
        sa.Column("decided_at", TZ),
        sa.Column("decided_by", sa.String(64)),
        sa.Column("outcome", sa.String(32), comment="corrected, link_judged, upheld, denied"),
        sa.Column("outcome_detail", sa.Text, comment="JSON: what changed, told to the requester"),
    )
    op.create_index("ix_redress_person", "redress_requests", ["person_id"])
    op.create_table(
        "record_corrections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_id", sa.String(32), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("value", sa.Text, nullable=False, comment="JSON of the corrected value"),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("redress_id", sa.Integer, comment="the redress request that led to it"),
    )
    op.create_index("ix_record_corrections_record", "record_corrections", ["record_id", "id"])


def _append_only() -> None:
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            name = f"{table}_no_{verb.lower()}"
            if op.get_bind().dialect.name == "postgresql":
                op.execute(
                    f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    f"RAISE EXCEPTION '{table} is append-only'; END $$"
                )
                op.execute(f"CREATE TRIGGER {name} BEFORE {verb} ON {table} "
                           f"FOR EACH ROW EXECUTE FUNCTION {name}()")  # fmt: skip
            else:
                op.execute(f"CREATE TRIGGER {name} BEFORE {verb} ON {table} BEGIN "
                           f"SELECT RAISE(ABORT, '{table} is append-only'); END")  # fmt: skip


def upgrade() -> None:
    _cases()
    _history()
    _redress()
    _append_only()


def downgrade() -> None:
    tables = ("record_corrections", "redress_requests", "decisions", "task_events", "tasks")
    for table in (*tables, "cases"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            for verb in ("update", "delete"):
                op.execute(f"DROP FUNCTION {table}_no_{verb}()")
