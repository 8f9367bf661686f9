"""A snapshot of the store for the SQL reports: every linked record as an event of its
current person (the latest link of each record), read as Arrow and opened in DuckDB."""

from __future__ import annotations

import duckdb
import pyarrow as pa
from sqlalchemy import Engine

from sojourn.reports.duck import open_events
from sojourn.status.rulebook import RuleBook, default_rules
from sojourn.store.arrow import fetch_arrow

#: Identity-only records (person lists) are no events of a report.
RECORDS_SQL = (
    "SELECT id AS record_id, kind, event_date, event, nationality FROM records "
    "WHERE kind <> 'person'"
)
LINKS_SQL = "SELECT id, record_id, person_id FROM links"


class NotResolvedError(LookupError):
    """No record is linked to a person yet."""


def store_events(engine: Engine) -> pa.Table:
    """Each linked record with its current person, in ``duck.EVENT_COLUMNS``."""
    records = fetch_arrow(engine, RECORDS_SQL)
    links = fetch_arrow(engine, LINKS_SQL)
    if links.num_rows == 0:
        raise NotResolvedError("no person yet: run `sojourn resolve` first")
    con = duckdb.connect()
    con.register("records", records)
    con.register("links", links)
    return con.sql(
        "SELECT l.person_id, r.record_id, r.kind, r.event_date, r.event, r.nationality "
        "FROM records r JOIN (SELECT record_id, arg_max(person_id, id) AS person_id "
        "FROM links GROUP BY record_id) l USING (record_id)"
    ).to_arrow_table()


def open_store(engine: Engine, rules: RuleBook | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection over the store's snapshot, ready for ``duck.compute_outcomes``."""
    return open_events(store_events(engine), rules or default_rules())
