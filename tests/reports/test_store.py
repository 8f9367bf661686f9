"""The overstay and departure reports over the store, on SQLite and PostgreSQL: the SQL path
(DuckDB over the store's snapshot) gives the same reports as the Python engine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from sojourn.records import ingest_file, plan
from sojourn.records.tables import records
from sojourn.reports.snapshot import store_events
from sojourn.reports.store import NotResolvedError, departures, overstay_report
from sojourn.resolve.run import resolve_all
from sojourn.synth import generate


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report-store")
    generate(800, 5, dt.date(2025, 9, 30), out)
    return out


def test_sql_report_equals_python_report_on_resolved_persons(
    engine: Engine, population: Path
) -> None:
    for item in plan([population], None):
        ingest_file(engine, item.path, item.mapping)
    with pytest.raises(NotResolvedError, match="sojourn resolve"):
        overstay_report(engine, 2025, dt.date(2025, 9, 30))
    resolve_all(engine)
    events = store_events(engine)
    with engine.connect() as conn:
        assert events.num_rows == conn.execute(select(func.count()).select_from(records)).scalar()
    for year, as_of in ((2025, dt.date(2025, 9, 30)), (2024, dt.date(2025, 3, 1))):
        sql = overstay_report(engine, year, as_of).as_dict()
        assert sql == overstay_report(engine, year, as_of, method="python").as_dict()
        assert sql["total_excluding_canada_mexico"]["expected_departures"] > 50  # type: ignore[index]
    for start, end in ((dt.date(2025, 1, 1), dt.date(2025, 9, 30)),
                       (dt.date(2020, 1, 1), dt.date(2023, 6, 30))):  # fmt: skip
        found = departures(engine, start, end).as_dict()
        assert found == departures(engine, start, end, method="python").as_dict()
        assert sum(found["confirmed_departures"].values()) > 20  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="unknown report engine"):
        overstay_report(engine, 2025, dt.date(2025, 9, 30), method="spark")
