"""The departure report on Spark against the DuckDB report: every figure (weekly counts by
evidence level, conflicts, intents, days to confirm, overdue intents), on hand-made edge cases
(each branch of ``departures.sql``) and on 2,000 generated persons over several windows
(issue 19, item 2)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from pyspark.sql import SparkSession

from sojourn.reports.duck import departure_report, open_events
from sojourn.spark.departures import report_from_events
from sojourn.status.events import make_event
from sojourn.status.rulebook import default_rules
from tests.reports.differential import events_table

DEADLINE = 30


def _both(spark: SparkSession, events: pa.Table, start: str, end: str) -> tuple[dict, dict]:  # type: ignore[type-arg]
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    con = open_events(events, default_rules())
    duck = departure_report(con, first, last, DEADLINE).as_dict()
    frame = spark.createDataFrame(events.to_pandas())
    return report_from_events(spark, frame, first, last, DEADLINE).as_dict(), duck


def _departure(rid: str, on: str, level: str) -> object:
    return make_event("departure", rid, departure_date=on, provenance=level)


def _edge_cases() -> pa.Table:
    seen = make_event("address", "r", effective_on="2025-05-01")
    return events_table({
        "manifest-contradicted": [_departure("d", "2025-03-01", "manifest"), seen],
        "manifest-seen-after-end": [_departure("d", "2025-03-01", "manifest"),
                                    make_event("court", "c", nta_served_on="2026-01-10")],
        "two-levels-one-day": [_departure("d1", "2025-04-02", "manifest"),
                               _departure("d2", "2025-04-02", "biometric")],
        "land": [_departure("d", "2025-06-30", "land_exchange")],
        "unknown-level": [_departure("d", "2025-07-04", "rumour"),
                          _departure("d2", "2025-07-04", "land_exchange")],
        "before-window": [_departure("d", "2024-12-20", "biometric")],
        "after-end": [_departure("d", "2026-02-01", "biometric")],
        "intent-verified": [make_event("self_departure", "s", intent_on="2025-03-01",
                                       verified_departure_on="2025-03-20")],
        "intent-verified-after-end": [make_event("self_departure", "s", intent_on="2025-11-01",
                                                 verified_departure_on="2026-01-20")],
        "intent-overdue": [make_event("self_departure", "s", intent_on="2025-02-01")],
    })  # fmt: skip


@pytest.mark.parametrize(
    ("start", "end"), [("2025-01-01", "2025-12-31"), ("2025-04-01", "2025-06-30")]
)
def test_spark_departures_equal_duckdb_on_edge_cases(
    spark: SparkSession, start: str, end: str
) -> None:
    found, duck = _both(spark, _edge_cases(), start, end)
    assert found == duck
    if start == "2025-01-01":
        assert duck["conflicts"] == 1 and duck["self_departure_intents"] == 3
        assert duck["intents_confirmed"] == 1 and duck["intents_unconfirmed_past_deadline"] >= 1


@pytest.mark.parametrize(
    ("start", "end"), [("2024-10-01", "2025-09-30"), ("2025-06-01", "2025-08-15")]
)
def test_spark_departures_equal_duckdb_on_2000_generated_persons(
    spark: SparkSession, generated: pa.Table, start: str, end: str
) -> None:
    found, duck = _both(spark, generated, start, end)
    assert found == duck
    levels = duck["confirmed_departures"]
    assert sum(levels.values()) > 40 and len(duck["by_week"]) > 8  # type: ignore[union-attr,arg-type]
