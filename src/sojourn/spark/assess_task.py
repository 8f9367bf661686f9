"""What each Spark task of ``sojourn assess --engine spark`` runs: the single-machine
assessment of the persons of one partition.

A task receives its partition's rows (records with their current person, ordered by person
and record id, as ``priority.run`` reads them) as Arrow batches. A person's rows may run over
from one batch into the next: the last person of a batch is carried into the next one, so
each person is assessed once, on all of their records. The rows get their corrections
(``records.corrections.apply``), then ``priority.run.group_inputs`` (the status engine and
the sweep), ``priority.facts.derive`` and ``priority.assess.assess`` make each assessment,
and ``priority.store`` its digest and stored row: one implementation for both engines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from sqlalchemy import Engine

from sojourn.priority.assess import assess
from sojourn.priority.facts import derive
from sojourn.priority.policy import Policy, shipped
from sojourn.priority.run import group_inputs
from sojourn.priority.store import active_policy, assessment_row, digest
from sojourn.priority.sweep import Sweep, load_sweep
from sojourn.records.corrections import apply, corrected_fields, correction_ids
from sojourn.resolve.store import last_thresholds

#: One stored assessment without its trigger and time (the driver adds them when it writes).
RESULT_SCHEMA = (
    "person_id string, as_of string, policy string, priority string, "
    "enforcement_ready boolean, stops string, digest string, body string"
)
_ARROW = pa.schema([
    ("person_id", pa.string()), ("as_of", pa.string()), ("policy", pa.string()),
    ("priority", pa.string()), ("enforcement_ready", pa.bool_()), ("stops", pa.string()),
    ("digest", pa.string()), ("body", pa.string()),
])  # fmt: skip

Row = dict[str, Any]


@dataclass(frozen=True)
class Task:
    """Everything a task needs besides its rows, loaded once by the driver and broadcast:
    the policy (by key: each task takes it from the shipped ones), the identity threshold,
    the citizenship sweep over the whole store and the records' corrections."""

    as_of: dt.date
    policy: str
    threshold: float
    sweep: Sweep
    corrections: dict[str, dict[str, Any]]

    @classmethod
    def load(cls, engine: Engine, as_of: dt.date, policy: str | None = None) -> Task:
        """As ``priority.run.assess_store`` loads it for a run over everyone."""
        with engine.connect() as conn:
            threshold = last_thresholds(conn)[0]
            key = policy or active_policy(conn, as_of).key
            sweep = load_sweep(conn, None)
            fixed = corrected_fields(conn, correction_ids(conn))
        if key not in shipped():
            raise LookupError(f"unknown policy {key!r}: see `sojourn policy list`")
        return cls(as_of, key, threshold, sweep, fixed)


def _results(rows: list[Row], task: Task, policy: Policy) -> pa.RecordBatch:
    at = dt.datetime.now(dt.UTC)
    out = []
    for person in group_inputs(rows, task.as_of, {}, task.sweep):
        found = assess(policy, derive(person), person.person_id, task.as_of, task.threshold)
        row = assessment_row(found, "", at, digest(found))
        out.append({name: row[name] for name in _ARROW.names})
    return pa.RecordBatch.from_pylist(out, schema=_ARROW)


def _cut(rows: list[Row]) -> int:
    """Where the last person's rows begin (rows are ordered by person)."""
    last, i = rows[-1]["person_id"], len(rows)
    while i > 0 and rows[i - 1]["person_id"] == last:
        i -= 1
    return i


def assess_batches(batches: Iterator[pa.RecordBatch], task: Task) -> Iterator[pa.RecordBatch]:
    """The assessment rows of the persons of one partition, whose rows ``batches`` hold."""
    policy = shipped()[task.policy]
    carry: list[Row] = []
    for batch in batches:
        rows = carry + [apply(r, task.corrections.get(r["id"])) for r in batch.to_pylist()]
        if not rows:
            continue
        cut = _cut(rows)
        carry = rows[cut:]
        if cut:
            yield _results(rows[:cut], task, policy)
    if carry:
        yield _results(carry, task, policy)
