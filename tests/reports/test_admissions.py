"""Each admission's outcome by the DHS method, on hand-made histories (each checked on both
paths: the Python engine and the SQL in DuckDB)."""

from __future__ import annotations

import datetime as dt

from sojourn.status.events import Event, make_event
from tests.reports.differential import both

AS_OF = dt.date(2025, 12, 31)


def _arrival(rid: str, on: str, until: str, cls: str = "B2", mode: str = "air") -> Event:
    return make_event("arrival", rid, arrival_date=on, class_of_admission=cls, admit_until=until,
                      mode=mode)  # fmt: skip


def _left(rid: str, on: str) -> Event:
    return make_event("departure", rid, departure_date=on, provenance="biometric")


def _outcomes(*events: Event) -> list[tuple[str, int | None]]:
    found = both(events, AS_OF)
    return [(o.outcome, o.overstay_days) for o in found]


def test_on_time_late_and_in_country() -> None:
    assert _outcomes(_arrival("a", "2025-01-01", "2025-06-30"), _left("d", "2025-06-30")) == [
        ("on_time", None)
    ]
    assert _outcomes(_arrival("a", "2025-01-01", "2025-06-30"), _left("d", "2025-07-10")) == [
        ("out_of_country", 10)
    ]
    assert _outcomes(_arrival("a", "2025-01-01", "2025-06-30")) == [("in_country", 184)]


def test_not_yet_due_and_covered_by_a_pending_application() -> None:
    assert _outcomes(_arrival("a", "2025-10-01", "2026-03-30")) == [("not_due", None)]
    pending = make_event("status", "x", form="I-539", filed_on="2025-06-01", outcome="pending")
    assert _outcomes(_arrival("a", "2025-01-01", "2025-06-30"), pending) == [("covered", None)]


def test_an_earlier_admission_followed_by_another_arrival_left_at_an_unknown_date() -> None:
    first, second = (
        _arrival("a", "2024-01-01", "2024-06-30"),
        _arrival("b", "2025-01-01", "2025-06-30"),
    )
    assert _outcomes(first, second, _left("d", "2025-06-01")) == [
        ("left_date_unknown", None), ("on_time", None),
    ]  # fmt: skip


def test_only_a_timely_application_of_this_stay_covers_it() -> None:
    late = make_event("status", "x", form="I-539", filed_on="2025-08-01", outcome="pending")
    assert _outcomes(_arrival("a", "2025-01-01", "2025-06-30"), late) == [("in_country", 184)]


def test_application_extension_or_change_pending_a_departure_while_pending_is_not_late() -> None:
    """8 CFR 214.1(c)(4): a timely request keeps the stay authorized while it is pending."""
    arrival = _arrival("a", "2025-01-01", "2025-03-31")
    pending = make_event("status", "x", form="I-129", filed_on="2025-03-16", outcome="withdrawn",
                         decided_on="2025-09-01")  # fmt: skip
    assert _outcomes(arrival, pending, _left("d", "2025-06-10")) == [("on_time", None)]
    decided = make_event("status", "x", form="I-129", filed_on="2025-03-16", outcome="withdrawn",
                         decided_on="2025-05-01")  # fmt: skip
    # withdrawn on May 1: the request authorized the stay until then, as a denial does
    assert _outcomes(arrival, decided, _left("d", "2025-06-10")) == [("out_of_country", 40)]
