"""A few persons assessed inside the caller's transaction: what a decision re-reads at the
moment it is made (DESIGN.md §1.3: a stop is checked where the action happens). The records,
their current links and corrections are read through the caller's connection, so evidence
committed a moment ago, or written earlier in the same transaction, counts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, bindparam, text

from sojourn.priority.assess import Assessment, assess
from sojourn.priority.facts import derive
from sojourn.priority.policy import Policy
from sojourn.priority.run import FEW_SQL, Statements, group_inputs
from sojourn.priority.store import active_policy
from sojourn.priority.sweep import load_sweep
from sojourn.records.corrections import apply, corrected_fields
from sojourn.resolve.store import last_thresholds


def assess_in(
    conn: Connection, person_ids: list[str], as_of: dt.date, said: Statements | None = None,
    policy: Policy | None = None,
) -> list[Assessment]:  # fmt: skip
    """The assessment of each of ``person_ids`` that has linked records, read through
    ``conn`` (``said``: the facts their cases hold, by person)."""
    if not person_ids:
        return []
    query = text(FEW_SQL).bindparams(bindparam("ids", expanding=True))
    rows = [dict(r._mapping) for r in conn.execute(query, {"ids": person_ids})]
    mended = corrected_fields(conn, [r["id"] for r in rows])
    rows = [apply(r, mended.get(r["id"])) for r in rows]
    sweep = load_sweep(conn, rows)  # citizenship candidates, open reviews
    threshold = last_thresholds(conn)[0]
    policy = policy or active_policy(conn, as_of)
    return [
        assess(policy, derive(person), person.person_id, as_of, threshold)
        for person in group_inputs(rows, as_of, said or {}, sweep)
    ]
