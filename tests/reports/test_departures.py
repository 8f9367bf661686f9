"""The departure report on hand-made histories: evidence levels counted once per departure,
self-departure confirmation and deadlines, conflicts."""

from __future__ import annotations

import datetime as dt

from sojourn.reports.departures import departure_report, week_of
from sojourn.status.events import Event, History, make_event

START, END = dt.date(2025, 1, 1), dt.date(2025, 3, 31)


def _dep(rid: str, on: str, provenance: str) -> Event:
    return make_event("departure", rid, departure_date=on, provenance=provenance)


def test_levels_weeks_intents_and_conflicts() -> None:
    both = History([_dep("b", "2025-01-06", "biometric"), _dep("m", "2025-01-06", "manifest")])
    contradicted = History([
        _dep("x", "2025-02-03", "manifest"), make_event("address", "ar", effective_on="2025-02-20"),
    ])  # fmt: skip
    land = History([_dep("l", "2025-02-10", "land_exchange")])
    home = History([
        make_event("self_departure", "h1", intent_on="2025-01-10",
                   verified_departure_on="2025-01-24", verification_method="app_geolocation"),
        make_event("self_departure", "h2", intent_on="2025-01-15"),
        make_event("self_departure", "h3", intent_on="2025-03-25"),
    ])  # fmt: skip
    report = departure_report([both, contradicted, land, home], START, END, deadline_days=30)
    data = report.as_dict()
    assert data["confirmed_departures"] == {
        "biometric": 1, "manifest": 0, "land_exchange": 1, "self_departure_verified": 1,
    }  # fmt: skip
    assert data["by_week"][week_of(dt.date(2025, 1, 6))]["biometric"] == 1
    assert data["self_departure_intents"] == 3 and data["intents_confirmed"] == 1
    assert data["median_days_to_confirm"] == 14
    assert data["intents_unconfirmed_past_deadline"] == 1  # h2; h3 is within its 30 days
    assert data["conflict_records"] == ["x"]


def test_week_labels() -> None:
    assert (
        week_of(dt.date(2025, 1, 1)) == "2025-W01" and week_of(dt.date(2024, 12, 30)) == "2025-W01"
    )
