"""The reports at scale: SQL in DuckDB over an Arrow snapshot of the store.

``sql/outcomes.sql`` computes every admission's outcome as ``admissions.admission_outcomes``
does one person at a time (a differential test keeps the two equal); the rule book's classes
and parameters, with their effective dates, are handed to it as two small tables, so a new
rule version changes the SQL's answer exactly as it changes the engine's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from sojourn.reports.admissions import Outcome
from sojourn.reports.overstay import CLASS_GROUPS, IN_SCOPE_MODES, OUT_OF_SCOPE, fiscal_year
from sojourn.status.rulebook import RuleBook

SQL = Path(__file__).with_name("sql")
EVENT_COLUMNS = ("person_id", "record_id", "kind", "event_date", "event", "nationality")
_FAR_PAST, _FAR_FUTURE = dt.date(1, 1, 1), dt.date(9999, 12, 31)


def open_events(events: pa.Table | Any, rules: RuleBook) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding ``events`` (an Arrow table or DuckDB relation with
    ``EVENT_COLUMNS``) and the rule book's final rules as tables."""
    con = duckdb.connect()
    con.register("events_in", events)
    con.execute(
        "CREATE TABLE events AS SELECT person_id, record_id, kind, "
        "CAST(event_date AS DATE) AS event_date, event, nullif(nationality, '') AS nationality "
        "FROM events_in"
    )
    con.unregister("events_in")
    _rule_tables(con, rules)
    return con


def _rule_tables(con: duckdb.DuckDBPyConnection, rules: RuleBook) -> None:
    classes: list[tuple[str, dt.date, dt.date, str]] = []
    params: list[tuple[str, dt.date, dt.date, str, float]] = []
    for versions in rules.versions.values():
        for rule in versions:
            if rule.status != "final":
                continue
            span = (rule.effective_from or _FAR_PAST, rule.effective_to or _FAR_FUTURE)
            classes += [(rule.id, *span, c) for c in sorted(rule.classes)]
            params += [
                (rule.id, *span, name, float(value))
                for name, value in rule.params.items()
                if isinstance(value, int | float) and not isinstance(value, bool)
            ]
    con.execute("CREATE TABLE rule_class (rule_id TEXT, eff_from DATE, eff_to DATE, class TEXT)")
    con.execute(
        "CREATE TABLE rule_param (rule_id TEXT, eff_from DATE, eff_to DATE, name TEXT, "
        "value DOUBLE)"
    )
    if classes:
        con.executemany("INSERT INTO rule_class VALUES (?, ?, ?, ?)", classes)
    if params:
        con.executemany("INSERT INTO rule_param VALUES (?, ?, ?, ?, ?)", params)


def _statements(name: str) -> list[str]:
    text = (SQL / name).read_text(encoding="utf-8")
    return [s.strip() for s in text.split("\n;\n") if s.strip()]


def compute_outcomes(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    """Fill table ``outcomes``: every admission's outcome as of the snapshot date."""
    con.execute("SET VARIABLE as_of = ?::DATE", [as_of])
    for statement in _statements("outcomes.sql"):
        con.execute(statement)


def outcome_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[str, Outcome]]:
    """Each computed outcome with its person (for tests and single-person checks)."""
    rows = con.execute(
        "SELECT person_id, record_id, arrival_date, class_of_admission, mode, "
        "authorized_until, departure_date, outcome, overstay_days FROM outcomes "
        "ORDER BY person_id, arrival_date, record_id"
    ).fetchall()
    return [(r[0], Outcome(*r[1:8], None if r[8] is None else int(r[8]))) for r in rows]


def overstay_counts(con: duckdb.DuckDBPyConnection, year: int) -> list[tuple[str, str, str, int]]:
    """(country, class group, outcome, count) of the fiscal year's expected departures."""
    start, end = fiscal_year(year)
    con.execute("CREATE OR REPLACE TEMP TABLE class_groups (cls TEXT, grp TEXT)")
    con.executemany("INSERT INTO class_groups VALUES (?, ?)", sorted(CLASS_GROUPS.items()))
    query = """
        SELECT coalesce(o.nationality, 'unknown') AS country, coalesce(g.grp, 'other') AS grp,
               o.outcome, count(*) AS n
        FROM outcomes o LEFT JOIN class_groups g ON g.cls = o.class_of_admission
        WHERE list_contains(?, o.mode) AND NOT list_contains(?, o.class_of_admission)
          AND o.authorized_until BETWEEN ? AND ?
        GROUP BY ALL ORDER BY ALL
    """
    params = [sorted(IN_SCOPE_MODES), sorted(OUT_OF_SCOPE), start, end]
    return [(c, g, o, int(n)) for c, g, o, n in con.execute(query, params).fetchall()]
