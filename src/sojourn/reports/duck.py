"""The reports at scale: SQL in DuckDB over an Arrow snapshot of the store.

``sql/outcomes.sql`` computes every admission's outcome as ``admissions.admission_outcomes``
does one person at a time (a differential test keeps the two equal); the rule book's classes
and parameters, with their effective dates, are handed to it as two small tables, so a new
rule version changes the SQL's answer exactly as it changes the engine's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa

from sojourn.reports.admissions import Outcome
from sojourn.reports.departures import DepartureReport, assembled
from sojourn.reports.overstay import CLASS_GROUPS, IN_SCOPE_MODES, OUT_OF_SCOPE, fiscal_year
from sojourn.status.rulebook import RuleBook

SQL = Path(__file__).with_name("sql")
EVENT_COLUMNS = ("person_id", "record_id", "kind", "event_date", "event", "nationality")
_FAR_PAST, _FAR_FUTURE = dt.date(1, 1, 1), dt.date(9999, 12, 31)


def open_events(events: pa.Table, rules: RuleBook) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding ``events`` (an Arrow table with ``EVENT_COLUMNS``) and the
    rule book's final rules as tables."""
    con = duckdb.connect()
    con.register("events_in", events)
    _load(con, "events_in", rules)
    con.unregister("events_in")
    return con


def open_parquet(path: Path, rules: RuleBook) -> duckdb.DuckDBPyConnection:
    """The same over Parquet files of ``EVENT_COLUMNS`` (a path or a glob)."""
    con = duckdb.connect()
    _load(con, f"read_parquet('{path}')", rules)
    return con


def _load(con: duckdb.DuckDBPyConnection, source: str, rules: RuleBook) -> None:
    # Persons are numbered: the SQL joins, groups and sorts by person many times, and a
    # number is much cheaper to compare than an id text.
    con.execute(
        "CREATE TABLE persons AS SELECT person_id, row_number() OVER () AS pk "
        f"FROM (SELECT DISTINCT person_id FROM {source})"
    )
    con.execute(
        "CREATE TABLE events AS SELECT p.pk, e.record_id, e.kind, "
        "CAST(e.event_date AS DATE) AS event_date, e.event, "
        f"nullif(e.nationality, '') AS nationality FROM {source} e JOIN persons p USING (person_id)"
    )
    rule_tables(con, rules)


def rule_tables(con: duckdb.DuckDBPyConnection, rules: RuleBook) -> None:
    """The rule book's classes and parameters as tables of ``con`` (the report's SQL joins
    them; the Spark report reads them from here too)."""
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
        "JOIN persons USING (pk) ORDER BY person_id, arrival_date, record_id"
    ).fetchall()
    return [
        (person, Outcome(rid, day, cls, mode, until, left, outcome, None if n is None else int(n)))
        for person, rid, day, cls, mode, until, left, outcome, n in rows
    ]


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


def departure_report(
    con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date, deadline_days: int
) -> DepartureReport:
    """The departure report from ``start`` to the snapshot date ``end`` (``sql/departures.sql``;
    the same figures as ``departures.departure_report``)."""
    con.execute("SET VARIABLE start_day = ?::DATE", [start])
    con.execute("SET VARIABLE end_day = ?::DATE", [end])
    for statement in _statements("departures.sql"):
        con.execute(statement)
    weeks = con.execute(
        "SELECT isoyear(day) || '-W' || lpad(week(day)::TEXT, 2, '0'), level, count(*) FROM ("
        "SELECT day, level FROM departure_days UNION ALL "
        "SELECT verified, 'self_departure_verified' FROM intents WHERE verified IS NOT NULL"
        ") WHERE day BETWEEN ? AND ? GROUP BY ALL",
        [start, end],
    ).fetchall()
    conflicts = [r for (r,) in con.execute("SELECT record_id FROM departure_conflicts").fetchall()]
    intents = con.execute("SELECT intent_on, verified FROM intents").fetchall()
    return assembled(start, end, deadline_days, weeks, conflicts, intents)
