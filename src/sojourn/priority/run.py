"""Assessing persons from the store: a snapshot of every linked record with its current person
and link probability (read as Arrow, joined in DuckDB), grouped by person, each person's
timeline from the status engine, facts, and the policy's assessment."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from sqlalchemy import Engine, bindparam, text

from sojourn.priority.assess import Assessment, assess
from sojourn.priority.facts import PersonInput, derive
from sojourn.priority.policy import Policy
from sojourn.priority.store import active_policy
from sojourn.priority.sweep import Sweep, load_sweep
from sojourn.records.corrections import apply, corrected_fields, correction_ids
from sojourn.resolve.store import last_thresholds
from sojourn.status.engine import timeline
from sojourn.status.events import record_events
from sojourn.status.rulebook import RuleBook, default_rules
from sojourn.store.arrow import fetch_arrow

RECORDS_SQL = (
    "SELECT id, kind, event_date, event, birth_date, nationality, passport_country FROM records"
)
LINKS_SQL = "SELECT id, record_id, person_id, method, match_probability FROM links"
JOINED = (
    "SELECT l.person_id, l.method, l.p, r.* FROM records r JOIN (SELECT record_id, "
    "arg_max(person_id, id) AS person_id, arg_max(method, id) AS method, "
    "arg_max(match_probability, id) AS p FROM links GROUP BY record_id) l "
    "ON l.record_id = r.id {where} ORDER BY l.person_id, r.id"
)
US = "USA"


#: Up to this many persons are read with one indexed query instead of a store snapshot.
FEW = 200
FEW_SQL = (
    "SELECT l.person_id, l.method, l.match_probability AS p, r.id, r.kind, r.event_date, "
    "r.event, r.birth_date, r.nationality, r.passport_country FROM links l JOIN records r "
    "ON r.id = l.record_id WHERE l.person_id IN :ids AND l.id = (SELECT max(x.id) FROM links x "
    "WHERE x.record_id = l.record_id) ORDER BY l.person_id, r.id"
)


def _few(engine: Engine, person_ids: list[str]) -> list[dict[str, Any]]:
    """The current records of a few persons (the real-time path: one indexed query)."""
    query = text(FEW_SQL).bindparams(bindparam("ids", expanding=True))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query, {"ids": person_ids})]


def _snapshot(engine: Engine, person_ids: list[str] | None) -> list[dict[str, Any]]:
    if person_ids is not None and len(person_ids) <= FEW:
        few = _few(engine, person_ids)
        with engine.connect() as conn:
            mended = corrected_fields(conn, [r["id"] for r in few])
        return [apply(r, mended.get(r["id"])) for r in few]
    import duckdb  # the batch path only: the real-time path never loads it

    con = duckdb.connect()
    con.register("records", fetch_arrow(engine, RECORDS_SQL))
    con.register("links", fetch_arrow(engine, LINKS_SQL))
    where = ""
    if person_ids is not None:
        con.register("wanted", pa.table({"p": pa.array(person_ids, pa.string())}))
        where = "WHERE l.person_id IN (SELECT p FROM wanted)"
    found: list[dict[str, Any]] = con.sql(JOINED.format(where=where)).to_arrow_table().to_pylist()
    with engine.connect() as conn:
        fixed = corrected_fields(conn, correction_ids(conn))
    return [apply(r, fixed.get(r["id"])) for r in found] if fixed else found


Statements = dict[str, dict[str, tuple[Any, tuple[str, ...]]]]


def _person(
    pid: str, rows: list[dict[str, Any]], as_of: dt.date, rules: RuleBook, said: Statements,
    sweep: Sweep,
) -> PersonInput:  # fmt: skip
    events = record_events(rows)
    births = Counter(
        r["birth_date"] for r in rows if r["birth_date"] and len(r["birth_date"]) == 10
    )
    birth = dt.date.fromisoformat(births.most_common(1)[0][0]) if births else None
    confidence = {
        r["id"]: 1.0 if r["method"] != "model" or r["p"] is None else float(r["p"]) for r in rows
    }
    citizen = tuple(r["id"] for r in rows if US in (r["nationality"], r["passport_country"]))
    ids = [r["id"] for r in rows]
    dates = {str(r["birth_date"]) for r in rows if r["birth_date"]}
    candidates = tuple(c.record_id for c in sweep.citizenship(ids, as_of, dates))
    return PersonInput(pid, events, birth, timeline(events, as_of, birth, rules), confidence,
                       citizen, said.get(pid, {}), candidates, sweep.open_reviews(ids))  # fmt: skip


def person_inputs(
    engine: Engine, as_of: dt.date, person_ids: list[str] | None = None,
    said: Statements | None = None,
) -> Iterator[PersonInput]:  # fmt: skip
    """Each resolved person (or each of ``person_ids``) ready to be assessed; ``said`` holds
    the facts recorded on their cases (open redress, officer statements) by person."""
    rows = _snapshot(engine, person_ids)
    few = person_ids is not None and len(person_ids) <= FEW
    with engine.connect() as conn:
        sweep = load_sweep(conn, rows if few else None)
    yield from group_inputs(rows, as_of, said or {}, sweep)


def group_inputs(
    rows: list[dict[str, Any]], as_of: dt.date, said: Statements, sweep: Sweep
) -> Iterator[PersonInput]:
    """Each person's input from their records' rows (ordered by person); ``sweep``: the
    citizenship sweep and open identity reviews over them (``priority.sweep.load_sweep``)."""
    rules, start = default_rules(), 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i]["person_id"] != rows[start]["person_id"]:
            pid = rows[start]["person_id"]
            yield _person(pid, rows[start:i], as_of, rules, said, sweep)
            start = i


def assess_store(
    engine: Engine,
    as_of: dt.date,
    policy: Policy | None = None,
    person_ids: list[str] | None = None,
    said: Statements | None = None,
) -> Iterator[Assessment]:
    """The assessment of each resolved person (or of ``person_ids``) as of ``as_of``."""
    with engine.connect() as conn:
        threshold = last_thresholds(conn)[0]
        policy = policy or active_policy(conn, as_of)
    for person in person_inputs(engine, as_of, person_ids, said):
        yield assess(policy, derive(person), person.person_id, as_of, threshold)
