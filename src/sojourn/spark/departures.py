"""The departure report on Spark: ``sql/departures.sql``, the Spark SQL port of the DuckDB
report's ``reports/sql/departures.sql``, over the same Parquet snapshot of the store's events
as the overstay report. Spark finds each person's departures, their strongest evidence per
day, the conflicting manifest departures and the self-departure intents; the driver collects
the weekly counts, the conflicts and the intents and assembles the report with the DuckDB
path's own code (``reports.departures.assembled``). This module imports PySpark: only the
Spark code paths import it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from pyspark.sql import DataFrame, SparkSession

from sojourn.reports.departures import DepartureReport, assembled
from sojourn.spark.report import events_view
from sojourn.status.rulebook import default_rules

if TYPE_CHECKING:
    from sqlalchemy import Engine

SQL = Path(__file__).with_name("sql") / "departures.sql"
WEEKS = (
    "SELECT concat(extract(YEAROFWEEK FROM day), '-W', lpad(cast(weekofyear(day) AS STRING), "
    "2, '0')) AS week, level, count(*) AS n FROM (SELECT day, level FROM departure_days "
    "UNION ALL SELECT verified, 'self_departure_verified' FROM intents "
    "WHERE verified IS NOT NULL) WHERE day BETWEEN {start} AND {end} GROUP BY 1, 2"
)


def _dated(sql: str, start: dt.date, end: dt.date) -> str:
    return sql.replace("{start}", f"DATE'{start.isoformat()}'").replace(
        "{end}", f"DATE'{end.isoformat()}'"
    )


def report_from_events(
    spark: SparkSession, events: DataFrame, start: dt.date, end: dt.date, deadline_days: int
) -> DepartureReport:
    """The departure report from ``start`` to the snapshot date ``end`` from a frame of
    events (``reports.duck.EVENT_COLUMNS``); the same figures as ``duck.departure_report``."""
    events_view(events)
    text = _dated(SQL.read_text(encoding="utf-8"), start, end)
    for statement in (s.strip() for s in text.split("\n;\n")):
        if statement:
            spark.sql(statement)
    weeks = [
        (r["week"], r["level"], int(r["n"])) for r in spark.sql(_dated(WEEKS, start, end)).collect()
    ]
    conflicts = [str(r["record_id"]) for r in spark.table("departure_conflicts").collect()]
    intents = [(r["intent_on"], r["verified"]) for r in spark.table("intents").collect()]
    return assembled(start, end, deadline_days, weeks, conflicts, intents)


def departure_report(
    engine: Engine, start: dt.date, end: dt.date, spark: SparkSession | None = None
) -> DepartureReport:
    """The store's departure report computed on Spark (the snapshot written as Parquet by the
    driver, as for the overstay report)."""
    from sojourn.spark.session import spark_session
    from sojourn.spark.snapshot import snapshot_dir, write_events

    rule = default_rules().require("departure.self_departure_intent", end)
    session = spark or spark_session()
    with snapshot_dir() as folder:
        path = write_events(engine, folder)
        frame = session.read.parquet(str(path))
        return report_from_events(session, frame, start, end, int(rule.param("deadline_days")))
