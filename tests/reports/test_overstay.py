"""The overstay report's scope and counts (DHS method)."""

from __future__ import annotations

import datetime as dt

from sojourn.reports.admissions import Outcome
from sojourn.reports.overstay import build_report, fiscal_year


def _o(outcome: str, until: str, cls: str = "B2", mode: str = "air") -> Outcome:
    return Outcome("r", dt.date(2024, 1, 1), cls, mode, dt.date.fromisoformat(until), None,
                   outcome, None)  # fmt: skip


def test_fiscal_year_runs_october_to_september() -> None:
    assert fiscal_year(2025) == (dt.date(2024, 10, 1), dt.date(2025, 9, 30))


def test_scope_groups_and_canada_mexico_apart() -> None:
    rows = [
        (_o("on_time", "2024-10-01"), "FRA"),
        (_o("in_country", "2025-09-30"), "FRA"),
        (_o("out_of_country", "2025-03-01", "WT"), "DEU"),
        (_o("in_country", "2025-03-01", "F1"), "IND"),
        (_o("in_country", "2025-03-01", mode="land"), "FRA"),  # land: out of scope
        (_o("in_country", "2025-03-01", "C1"), "FRA"),  # transit: out of scope
        (_o("in_country", "2024-09-30"), "FRA"),  # ended in the fiscal year before
        (_o("in_country", "2025-03-01"), "MEX"),
        (_o("on_time", "2025-03-01"), "CAN"),
    ]
    report = build_report(rows, 2025, dt.date(2025, 12, 31))
    assert report.total.expected == 4 and report.total.overstays == 3
    assert report.total.counts["in_country"] == 2
    groups = {r.key: (r.expected, r.overstays) for r in report.by_class}
    assert groups == {"B1/B2": (2, 1), "visa waiver": (1, 1), "F": (1, 1)}
    apart = {r.key: (r.expected, r.counts["in_country"]) for r in report.apart}
    assert apart == {"CAN": (1, 0), "MEX": (1, 1)}
    assert report.by_country[0].key == "FRA" and report.by_country[0].expected == 2
    data = report.as_dict()
    assert data["snapshot"] == "2025-12-31" and data["period"] == ["2024-10-01", "2025-09-30"]
    assert data["total_excluding_canada_mexico"]["overstay_rate"] == 0.75  # type: ignore[index]
