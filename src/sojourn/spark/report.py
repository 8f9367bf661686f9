"""The overstay report on Spark: ``sql/outcomes.sql``, the Spark SQL port of the DuckDB
report's ``reports/sql/outcomes.sql``, over a Parquet snapshot of the store's events.

Every admission's outcome, and the fiscal year's counts by (country, class group, outcome),
are computed in Spark; the driver only writes the snapshot (as the DuckDB path reads it:
``reports.snapshot.store_events``) and tallies the counts, a few hundred rows, into the
report with the single-machine path's own ``reports.overstay.tally``. The rule book's
classes and parameters reach the SQL as two small views built by the DuckDB path's own code,
so a new rule version changes both engines alike. This module imports PySpark: only the
Spark code paths import it.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as sf

from sojourn.reports.duck import rule_tables
from sojourn.reports.overstay import (
    CLASS_GROUPS,
    IN_SCOPE_MODES,
    OUT_OF_SCOPE,
    Report,
    fiscal_year,
    tally,
)
from sojourn.status.rulebook import RuleBook, default_rules

if TYPE_CHECKING:
    from sqlalchemy import Engine

VIEW = re.compile(r"^CREATE OR REPLACE TEMP VIEW (\w+) AS", re.MULTILINE)
SQL = Path(__file__).with_name("sql") / "outcomes.sql"
OUTCOME_COLUMNS = (
    "pk", "record_id", "arrival_date", "class_of_admission", "mode", "authorized_until",
    "departure_date", "nationality", "outcome", "overstay_days",
)  # fmt: skip


def rule_views(spark: SparkSession, rules: RuleBook) -> None:
    """Views ``rule_class`` and ``rule_param``: the rule book's final rules, as the DuckDB
    path's tables (built by its own code)."""
    con = duckdb.connect()
    try:
        rule_tables(con, rules)
        for name in ("rule_class", "rule_param"):
            table = con.table(name).to_arrow_table()
            spark.createDataFrame(table.to_pandas()).createOrReplaceTempView(name)
    finally:
        con.close()


def events_view(events: DataFrame) -> None:
    """View ``events`` from a frame of ``reports.duck.EVENT_COLUMNS``: each person keyed by
    their id (``pk``), dates as dates, an empty nationality as none (as ``duck._load``)."""
    events.select(
        sf.col("person_id").alias("pk"),
        "record_id",
        "kind",
        sf.col("event_date").cast("date").alias("event_date"),
        "event",
        sf.nullif(sf.col("nationality"), sf.lit("")).alias("nationality"),
    ).createOrReplaceTempView("events")


def statements(as_of: dt.date) -> list[str]:
    """The statements of ``sql/outcomes.sql`` with the snapshot date put in."""
    text = SQL.read_text(encoding="utf-8").replace("{as_of}", f"DATE'{as_of.isoformat()}'")
    return [s.strip() for s in text.split("\n;\n") if s.strip()]


def compute_outcomes(
    spark: SparkSession, events: DataFrame, as_of: dt.date, rules: RuleBook | None = None
) -> DataFrame:
    """Every admission's outcome as of the snapshot date (``OUTCOME_COLUMNS``; ``pk`` is the
    person's id). The views live in the session: one computation at a time per session.

    Each view read more than once by the later ones is computed and checkpointed locally
    before the next is planned: planned as one query, the fifteen views (several read two or
    three times) took Spark's optimizer 35 s with constraint propagation off and more than
    ten minutes with it on; so each plan stays small. (Cached instead of checkpointed, the
    plans still grew: slower again.)"""
    rule_views(spark, rules or default_rules())
    events_view(events)
    for name, statement, reads in _views(statements(as_of)):
        spark.sql(statement)
        if reads > 1 or name == "outcomes":
            spark.table(name).localCheckpoint().createOrReplaceTempView(name)
    return spark.table("outcomes")


def _views(found: list[str]) -> list[tuple[str, str, int]]:
    """Each statement's view, the statement, and how many times later statements read it."""
    names = []
    for statement in found:
        name = VIEW.search(statement)
        if name is None:
            raise ValueError(f"not a view of outcomes.sql: {statement[:60]!r}")
        names.append(name[1])
    code = [re.sub(r"--[^\n]*|'[^']*'", "", s) for s in found]  # no comments, no strings
    return [
        (name, statement, sum(len(re.findall(rf"\b{name}\b", s)) for s in code[i + 1 :]))
        for i, (name, statement) in enumerate(zip(names, found, strict=True))
    ]


def overstay_counts(outcomes: DataFrame, year: int) -> list[tuple[str, str, str, int]]:
    """(country, class group, outcome, count) of the fiscal year's expected departures, as
    ``reports.duck.overstay_counts`` gives them."""
    start, end = fiscal_year(year)
    groups = sf.create_map(*[sf.lit(x) for pair in sorted(CLASS_GROUPS.items()) for x in pair])
    found = (
        outcomes.where(
            sf.col("mode").isin(sorted(IN_SCOPE_MODES))
            & ~sf.col("class_of_admission").isin(sorted(OUT_OF_SCOPE))
            & sf.col("authorized_until").between(sf.lit(start), sf.lit(end))
        )
        .select(
            sf.coalesce("nationality", sf.lit("unknown")).alias("country"),
            sf.coalesce(groups[sf.col("class_of_admission")], sf.lit("other")).alias("grp"),
            "outcome",
        )
        .groupBy("country", "grp", "outcome")
        .count()
        .orderBy("country", "grp", "outcome")
        .collect()
    )
    return [(r["country"], r["grp"], r["outcome"], int(r["count"])) for r in found]


def report_from_events(
    spark: SparkSession, events: DataFrame, year: int, as_of: dt.date,
    rules: RuleBook | None = None,
) -> Report:  # fmt: skip
    """The overstay report of fiscal ``year`` as of ``as_of`` from a frame of events."""
    outcomes = compute_outcomes(spark, events, as_of, rules)
    return tally(overstay_counts(outcomes, year), year, as_of)


def overstay_report(
    engine: Engine, year: int, as_of: dt.date, spark: SparkSession | None = None
) -> Report:
    """The store's overstay report computed on Spark: the snapshot written as Parquet (by the
    driver, from the store), the outcomes and counts in Spark."""
    from sojourn.spark.session import spark_session
    from sojourn.spark.snapshot import snapshot_dir, write_events

    session = spark or spark_session()
    with snapshot_dir() as folder:
        path = write_events(engine, folder)
        return report_from_events(session, session.read.parquet(str(path)), year, as_of)
