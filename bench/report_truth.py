"""The overstay report against the generator's truth (part of bench/status.py).

For fiscal years 2024 and 2025 as of the generator's date, prints the report's overstay and
in-country rates computed in DuckDB over the resolved persons, and over the true persons,
beside the truth: as the DHS method would count it from what was recorded
(``synth.reported``; goal: within 0.1 percentage point) and as it really was (the gap is the
departures no record shows).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
from sqlalchemy import Engine

from sojourn.reports.duck import compute_outcomes, open_events, overstay_counts
from sojourn.reports.overstay import APART, IN_SCOPE_MODES, OUT_OF_SCOPE, Row, fiscal_year, tally
from sojourn.reports.store import overstay_report
from sojourn.status.rulebook import default_rules
from sojourn.store.arrow import fetch_arrow
from sojourn.synth.reported import reported_outcomes

OVERSTAY = ("out_of_country", "in_country")


def _truth_row(frame: pl.DataFrame, column: str, year: int) -> Row:
    start, end = (d.isoformat() for d in fiscal_year(year))
    row = Row("truth")
    scope = frame.filter(
        pl.col("mode").is_in(sorted(IN_SCOPE_MODES))
        & ~pl.col("class_of_admission").is_in(sorted(OUT_OF_SCOPE))
        & pl.col("authorized_until").is_between(pl.lit(start), pl.lit(end))
        & ~pl.col("nationality").is_in(list(APART))
    )
    for outcome, n in scope.group_by(column).len().iter_rows():
        row.add({"none": "on_time"}.get(outcome, outcome), n)
    return row


def _by_true_person(engine: Engine, data: Path, as_of: dt.date, year: int) -> Row:
    records = fetch_arrow(engine, "SELECT id AS record_id, source, source_record_id, kind, "
                                  "event_date, event, nationality FROM records")  # fmt: skip
    con = duckdb.connect()
    con.register("r", records)
    truth = str(data / "truth" / "records.csv")
    events = con.sql(
        "SELECT t.person_id, r.record_id, r.kind, r.event_date, r.event, r.nationality FROM r "
        "JOIN (SELECT DISTINCT source, source_record_id, person_id FROM "
        f"read_csv('{truth}', all_varchar = true)) t USING (source, source_record_id)"
    ).to_arrow_table()
    sql = open_events(events, default_rules())
    compute_outcomes(sql, as_of)
    return tally(overstay_counts(sql, year), year, as_of).total


def _line(name: str, row: Row) -> str:
    over = row.rate(row.overstays)
    inside = row.rate(row.counts["in_country"])
    return f"    {name:<34} {row.expected:>8,} {over:>9.3%} {inside:>10.3%}"


def compare(engine: Engine, data: Path, as_of: dt.date) -> None:
    """Print the report's rates beside the truth's (records already ingested and resolved)."""
    rows = pl.from_arrow(
        fetch_arrow(engine, "SELECT source, source_record_id, kind, event_date FROM records")
    )
    assert isinstance(rows, pl.DataFrame)
    persons = pl.read_csv(data / "truth" / "persons.csv", infer_schema=False)
    truth = reported_outcomes(data, rows, as_of).join(
        persons.select("person_id", "nationality"), on="person_id", how="left"
    )
    for year in (2024, 2025):
        resolved = overstay_report(engine, year, as_of).total
        recorded = _truth_row(truth, "reported", year)
        real = _truth_row(truth, "overstay", year)
        print(f"overstay report FY{year} as of {as_of} (excluding Canada and Mexico):")
        print(f"    {'':<34} {'expected':>8} {'overstay':>9} {'in country':>10}")
        print(_line("report, resolved persons (SQL)", resolved))
        print(_line("report, true persons (SQL)", _by_true_person(engine, data, as_of, year)))
        print(_line("truth as recorded", recorded))
        print(_line("truth as it was", real))
        gap = abs(resolved.rate(resolved.overstays) - recorded.rate(recorded.overstays)) * 100
        print(f"    resolved report vs truth as recorded: {gap:.3f} pp (goal ≤ 0.1)")
