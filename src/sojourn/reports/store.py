"""Reports over the store. The overstay report runs as SQL in DuckDB (``duck``, over the
store's snapshot); the Python path, each resolved person's records as a history and each
admission an outcome, is the reference it is tested against and serves single persons."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import Engine, select

from sojourn.records.kinds import IDENTITY_ONLY_KINDS
from sojourn.records.tables import records
from sojourn.reports.admissions import Outcome, admission_outcomes
from sojourn.reports.departures import DepartureReport, departure_report
from sojourn.reports.duck import compute_outcomes, overstay_counts
from sojourn.reports.duck import departure_report as sql_departure_report
from sojourn.reports.overstay import Report, build_report, tally
from sojourn.reports.snapshot import NotResolvedError, open_store
from sojourn.resolve.store import current_links
from sojourn.status.events import Event, History, event_from_record
from sojourn.status.rulebook import RuleBook, default_rules

__all__ = ["ENGINES", "NotResolvedError", "departures", "outcomes", "overstay_report"]


def _histories(engine: Engine) -> Iterator[tuple[History, dict[str, str | None]]]:
    """Each resolved person's history and the nationality on each of their records."""
    with engine.connect() as conn:
        links = current_links(conn).select("record_id", "person_id")
        if links.is_empty():
            raise NotResolvedError("no person yet: run `sojourn resolve` first")
        columns = (records.c.id, records.c.kind, records.c.event_date, records.c.event,
                   records.c.nationality)  # fmt: skip
        rows = conn.execute(select(*columns)).all()
    person = dict(links.iter_rows())
    events: dict[str, list[Event]] = defaultdict(list)
    nationality: dict[str, str | None] = {}
    for row in rows:
        owner = person.get(row.id)
        if owner is not None and row.kind not in IDENTITY_ONLY_KINDS:
            events[owner].append(event_from_record(dict(row._mapping)))
            nationality[row.id] = row.nationality
    for owner in sorted(events):
        yield History(events[owner]), nationality


def outcomes(
    engine: Engine, as_of: dt.date, rules: RuleBook | None = None
) -> Iterator[tuple[Outcome, str | None]]:
    """Every admission's outcome with the nationality its arrival record gives."""
    book = rules or default_rules()
    for history, nationality in _histories(engine):
        for outcome in admission_outcomes(history, as_of, book):
            yield outcome, nationality.get(outcome.record_id)


def departures(
    engine: Engine, start: dt.date, end: dt.date, method: str = "sql"
) -> DepartureReport:
    """The departure report from ``start`` to the snapshot date ``end``, in DuckDB (``sql``)
    or person by person in Python (``python``, the reference)."""
    rule = default_rules().require("departure.self_departure_intent", end)
    deadline = int(rule.param("deadline_days"))
    if _method(method) == "python":
        histories = (history for history, _ in _histories(engine))
        return departure_report(histories, start, end, deadline)
    con = open_store(engine)
    try:
        return sql_departure_report(con, start, end, deadline)
    finally:
        con.close()


def _method(method: str) -> str:
    if method not in ENGINES:
        raise ValueError(f"unknown report engine {method!r}: use one of {', '.join(ENGINES)}")
    return method


ENGINES = ("sql", "python")


def overstay_report(engine: Engine, year: int, as_of: dt.date, method: str = "sql") -> Report:
    """The overstay report for fiscal ``year`` as of the snapshot date ``as_of``, computed
    in DuckDB (``sql``) or person by person in Python (``python``, the reference)."""
    if _method(method) == "python":
        return build_report(outcomes(engine, as_of), year, as_of)
    con = open_store(engine)
    try:
        compute_outcomes(con, as_of)
        return tally(overstay_counts(con, year), year, as_of)
    finally:
        con.close()


def overstay_and_departures(
    engine: Engine, year: int, as_of: dt.date, start: dt.date
) -> tuple[Report, DepartureReport]:
    """Both SQL reports over one read of the store (the dashboard's figures): the overstay
    report of fiscal ``year`` and the departures from ``start``, as of ``as_of``."""
    rule = default_rules().require("departure.self_departure_intent", as_of)
    con = open_store(engine)
    try:
        compute_outcomes(con, as_of)
        report = tally(overstay_counts(con, year), year, as_of)
        return report, sql_departure_report(con, start, as_of, int(rule.param("deadline_days")))
    finally:
        con.close()
