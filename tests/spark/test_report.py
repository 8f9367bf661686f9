"""The overstay report on Spark against the DuckDB report: every admission's outcome and
every figure, on hand-made edge cases (each branch of the SQL) and on 2,000 generated
persons at several snapshot dates and fiscal years (issue 19, items 2 and 4)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pyarrow as pa
import pytest
from pyspark.sql import SparkSession

from sojourn.reports.admissions import Outcome
from sojourn.reports.duck import compute_outcomes as duck_outcomes
from sojourn.reports.duck import open_events, overstay_counts
from sojourn.reports.overstay import tally
from sojourn.spark.report import compute_outcomes, report_from_events
from sojourn.status.events import Event, make_event
from sojourn.status.rulebook import default_rules
from tests.reports.differential import events_table, sql_outcomes

Rows = list[tuple[str, Outcome]]


def _arrival(rid: str, on: str, cls: str = "B2", until: str | None = None, **more: object) -> Event:
    fields = {"arrival_date": on, "class_of_admission": cls, "mode": "air", **more}
    return make_event("arrival", rid, **fields, **({"admit_until": until} if until else {}))


def _app(rid: str, filed: str, outcome: str, form: str = "I-539", **more: str) -> Event:
    return make_event("status", rid, form=form, filed_on=filed, outcome=outcome, **more)


def _school(rid: str, status: str, status_date: str | None = None) -> Event:
    extra = {"status_date": status_date} if status_date else {}
    return make_event("student", rid, program_start="2024-09-01", program_end="2025-05-15",
                      status=status, **extra)  # fmt: skip


def _edge_cases() -> dict[str, list[Event]]:
    """One person per edge case of ``reports/sql/outcomes.sql`` (tests/reports/test_duck.py)."""
    left = make_event("departure", "d", departure_date="2025-03-01", provenance="manifest")
    late = make_event("departure", "d2", departure_date="2025-04-10", provenance="biometric")
    seen = make_event("address", "r", effective_on="2025-05-01")
    fixed = _arrival("a", "2025-01-01", until="2025-03-31")
    student = _arrival("a", "2024-08-20", "F1", duration_of_status=True)
    return {
        "same-day": [_arrival("a1", "2025-01-01", until="2025-03-01"),
                     _arrival("a2", "2025-01-01", "WT")],
        "extensions": [fixed,
                       _app("s1", "2025-03-15", "approved", decided_on="2025-05-01",
                            valid_until="2025-09-30"),
                       _app("s2", "2025-08-01", "approved", decided_on="2025-10-01",
                            valid_until="2026-03-31"),
                       _app("s3", "2026-04-15", "approved", decided_on="2026-05-01",
                            valid_until="2027-01-01")],
        "denied": [fixed, _app("s", "2025-03-01", "denied", decided_on="2025-06-15")],
        "waiver-extension": [_arrival("a", "2025-01-01", "WT"),
                             _app("s", "2025-02-01", "approved", decided_on="2025-02-15",
                                  valid_until="2025-12-31")],
        "f1-completed": [student, _school("s", "completed", "2025-05-10")],
        "f1-terminated": [student, _school("s", "terminated", "2025-03-01")],
        "f1-withdrawn": [student, _school("s", "withdrawn", "2025-03-01")],
        "j1": [_arrival("a", "2024-08-20", "J1", duration_of_status=True), _school("s", "active")],
        "m1": [_arrival("a", "2024-08-20", "M1", duration_of_status=True), _school("s", "active")],
        "f1-no-record": [student],
        "manifest-contradicted": [fixed, left, seen],
        "manifest-then-arrival": [fixed, left, _arrival("b", "2025-04-01", until="2025-09-30"),
                                  seen],
        "pending": [fixed, _app("s", "2025-03-01", "approved", decided_on="2026-02-01",
                                valid_until="2026-06-30")],
        "adjustment": [fixed, _app("g", "2025-02-01", "approved", form="I-485",
                                   decided_on="2025-10-01")],
        "waiver-pending": [_arrival("a", "2025-01-01", "WT"), _app("s", "2025-03-01", "pending")],
        "passport": [fixed, make_event("passport", "p", issued_on="2025-06-01")],
        "numident-a": [fixed, make_event("numident", "n", recorded_on="2025-06-01",
                                         citizenship_code="A")],
        "numident-c": [fixed, make_event("numident", "n", recorded_on="2025-06-01",
                                         citizenship_code="C")],
        "naturalized": [fixed, make_event("naturalization", "z", naturalized_on="2025-06-01")],
        "late-citizen": [fixed, late, _arrival("b", "2025-05-01", until="2025-07-31"),
                         make_event("passport", "p", issued_on="2025-06-01")],
        "parole": [_arrival("a", "2025-01-01", "PAROLE")],
    }  # fmt: skip


def _unique_ids(people: dict[str, list[Event]]) -> pa.Table:
    """The cases' events in one table, each record id prefixed by its person's."""
    renamed = {
        p: [Event(e.date, e.kind, f"{p}:{e.record_id}", e.fields) for e in events]
        for p, events in people.items()
    }
    return events_table(renamed)


def spark_rows(spark: SparkSession, events: pa.Table, as_of: dt.date) -> Rows:
    frame = spark.createDataFrame(events.to_pandas())
    found = compute_outcomes(spark, frame, as_of).collect()
    rows = [
        (r["pk"], Outcome(r["record_id"], r["arrival_date"], r["class_of_admission"], r["mode"],
                          r["authorized_until"], r["departure_date"], r["outcome"],
                          None if r["overstay_days"] is None else int(r["overstay_days"])))
        for r in found
    ]  # fmt: skip
    return sorted(rows, key=lambda x: (x[0], x[1].arrival_date, x[1].record_id))


@pytest.mark.parametrize("as_of", ["2025-12-31", "2026-04-30", "2026-06-01"])
def test_spark_outcomes_equal_duckdb_on_edge_cases(spark: SparkSession, as_of: str) -> None:
    day = dt.date.fromisoformat(as_of)
    events = _unique_ids(_edge_cases())
    expected = sql_outcomes(events, day)
    assert len({o.outcome for _, o in expected}) >= 4
    assert spark_rows(spark, events, day) == expected


@pytest.mark.parametrize(("year", "as_of"), [(2025, "2025-09-30"), (2024, "2025-03-01")])
def test_spark_report_equals_duckdb_on_2000_generated_persons(
    spark: SparkSession, generated: pa.Table, year: int, as_of: str
) -> None:
    day = dt.date.fromisoformat(as_of)
    expected = sql_outcomes(generated, day)
    assert len(expected) > 1_000
    assert len({o.outcome for _, o in expected}) >= 6
    assert spark_rows(spark, generated, day) == expected
    con = open_events(generated, default_rules())
    duck_outcomes(con, day)
    duck = tally(overstay_counts(con, year), year, day).as_dict()
    frame = spark.createDataFrame(generated.to_pandas())
    found = report_from_events(spark, frame, year, day).as_dict()
    assert found == duck
    assert found["total_excluding_canada_mexico"]["expected_departures"] > 100  # type: ignore[index]


def test_the_report_command_starts_without_pyspark() -> None:
    code = (
        "import sys\n"
        "from sojourn.cli import main\n"
        "sys.argv = ['sojourn', 'report', 'overstay', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('pyspark' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "spark" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "False"
