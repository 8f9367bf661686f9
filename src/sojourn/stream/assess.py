"""Assessing the persons a batch changed, in the batch's own transaction (so that the links it
has just written count), and the stored outcome of the persons it did not change (a record
seen again adds nothing to its person: their latest assessment stands)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, text

from sojourn.cases.guard import case_statements
from sojourn.priority.assess import Assessment, assess
from sojourn.priority.facts import derive
from sojourn.priority.run import FEW, FEW_SQL, group_inputs
from sojourn.priority.store import active_policy
from sojourn.priority.sweep import load_sweep
from sojourn.priority.tables import assessments
from sojourn.records.corrections import apply, corrected_fields
from sojourn.resolve.store import last_thresholds


@dataclass(frozen=True)
class Outcome:
    """What a person event tells of an assessment."""

    status: Any
    priority: str | None
    enforcement_ready: bool
    stops: list[str]

    @classmethod
    def of(cls, a: Assessment) -> Outcome:
        return cls(a.facts.get("status"), a.priority, a.enforcement_ready, [s.id for s in a.stops])


def assess_in(conn: Connection, as_of: dt.date, person_ids: list[str]) -> list[Assessment]:
    """The assessment of each of ``person_ids`` that has current records, read through
    ``conn`` (a few at a time, with one indexed query each)."""
    threshold, policy = last_thresholds(conn)[0], active_policy(conn, as_of)
    said = case_statements(conn, person_ids)
    out = []
    for start in range(0, len(person_ids), FEW):
        rows = _rows(conn, person_ids[start : start + FEW])
        sweep = load_sweep(conn, rows)
        for person in group_inputs(rows, as_of, said, sweep):
            out.append(assess(policy, derive(person), person.person_id, as_of, threshold))
    return out


def _rows(conn: Connection, person_ids: list[str]) -> list[dict[str, Any]]:
    query = text(FEW_SQL).bindparams(bindparam("ids", expanding=True))
    few = [dict(r._mapping) for r in conn.execute(query, {"ids": person_ids})]
    mended = corrected_fields(conn, [r["id"] for r in few])
    return [apply(r, mended.get(r["id"])) for r in few]


def stored_outcomes(conn: Connection, person_ids: list[str]) -> dict[str, Outcome]:
    """Each person's latest stored assessment, as a person event tells it."""
    if not person_ids:
        return {}
    last = (
        select(func.max(assessments.c.id))
        .where(assessments.c.person_id.in_(person_ids))
        .group_by(assessments.c.person_id)
    )
    a = assessments.c
    query = select(a.person_id, a.priority, a.enforcement_ready, a.stops, a.body)
    out = {}
    for row in conn.execute(query.where(a.id.in_(last.scalar_subquery()))):
        facts = json.loads(row.body).get("facts", {})
        out[str(row.person_id)] = Outcome(
            facts.get("status"), row.priority, bool(row.enforcement_ready), json.loads(row.stops)
        )
    return out
