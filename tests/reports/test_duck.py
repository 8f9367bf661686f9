"""The SQL path (DuckDB) against the Python engine: hand-made edge cases, a rule version
change, and 10,000 generated persons at several snapshot dates (issue 4, item 6)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from sojourn.status.events import Event, make_event
from sojourn.status.rulebook import RuleBook, default_rules
from tests.reports.differential import (
    both,
    by_person,
    generated_events,
    python_outcomes,
    sql_outcomes,
)

AS_OF = dt.date(2025, 12, 31)


def _arrival(rid: str, on: str, cls: str = "B2", until: str | None = None, **more: object) -> Event:
    fields = {"arrival_date": on, "class_of_admission": cls, "mode": "air", **more}
    if until:
        fields["admit_until"] = until
    return make_event("arrival", rid, **fields)


def _app(rid: str, filed: str, outcome: str, form: str = "I-539", **more: str) -> Event:
    return make_event("status", rid, form=form, filed_on=filed, outcome=outcome, **more)


def _left(rid: str, on: str, provenance: str = "biometric") -> Event:
    return make_event("departure", rid, departure_date=on, provenance=provenance)


def _seen(rid: str, on: str) -> Event:
    return make_event("address", rid, effective_on=on)


def _kinds(*events: Event, as_of: dt.date = AS_OF) -> list[tuple[str, dt.date | None]]:
    return [(o.outcome, o.authorized_until) for o in both(events, as_of)]


def test_admission_fixed_period_two_arrivals_on_one_day_follow_the_last() -> None:
    found = _kinds(_arrival("a1", "2025-01-01", until="2025-03-01"),
                   _arrival("a2", "2025-01-01", "WT"))  # fmt: skip
    assert found == [
        ("left_date_unknown", dt.date(2025, 4, 1)),
        ("in_country", dt.date(2025, 4, 1)),
    ]


def test_application_approval_retroactive_makes_a_later_filing_timely() -> None:
    first = _app("s1", "2025-03-15", "approved", decided_on="2025-05-01", valid_until="2025-09-30")
    second = _app("s2", "2025-08-01", "approved", decided_on="2025-10-01",
                  valid_until="2026-03-31")  # fmt: skip
    late = _app("s3", "2026-04-15", "approved", decided_on="2026-05-01", valid_until="2027-01-01")
    events = (_arrival("a", "2025-01-01", until="2025-03-31"), first, second, late)
    assert _kinds(*events) == [("not_due", dt.date(2026, 3, 31))]
    # filed after the stay ended, the third request authorizes nothing until it is approved
    # (8 CFR 214.1(c)(4): the late filing excused), then it covers the gap retroactively
    assert _kinds(*events, as_of=dt.date(2026, 4, 30)) == [("in_country", dt.date(2026, 3, 31))]
    assert _kinds(*events, as_of=dt.date(2026, 6, 1)) == [("not_due", dt.date(2027, 1, 1))]


def test_application_denial_ends_the_stay_on_the_decision_date() -> None:
    denied = _app("s", "2025-03-01", "denied", decided_on="2025-06-15")
    found = _kinds(_arrival("a", "2025-01-01", until="2025-03-31"), denied)
    assert found == [("in_country", dt.date(2025, 6, 15))]


def test_admission_visa_waiver_ignores_extensions() -> None:
    ext = _app("s", "2025-02-01", "approved", decided_on="2025-02-15", valid_until="2025-12-31")
    assert _kinds(_arrival("a", "2025-01-01", "WT"), ext) == [("in_country", dt.date(2025, 4, 1))]


@pytest.mark.parametrize(
    ("cls", "status", "status_date", "until"),
    [
        ("F1", "completed", "2025-05-10", dt.date(2025, 7, 9)),  # grace.f1_completion, 60
        ("F1", "terminated", "2025-03-01", dt.date(2025, 3, 1)),  # grace.f1_termination, 0
        ("J1", "active", None, dt.date(2025, 6, 14)),  # grace.j1_program_end, 30
        ("M1", "active", None, dt.date(2025, 6, 14)),  # grace.m1_completion, 30
        ("F1", "completed", "2026-02-01", dt.date(2025, 7, 14)),  # completion not yet known
    ],
)
def test_grace_after_duration_of_status(
    cls: str, status: str, status_date: str | None, until: dt.date
) -> None:
    extra = {"status_date": status_date} if status_date else {}
    school = make_event("student", "s", program_start="2024-09-01", program_end="2025-05-15",
                        status=status, **extra)  # fmt: skip
    arrival = _arrival("a", "2024-08-20", cls, duration_of_status=True)
    assert [u for _, u in _kinds(arrival, school)] == [until]


def test_departure_manifest_contradicted_unless_a_new_arrival_comes_first() -> None:
    arrival = _arrival("a", "2025-01-01", until="2025-03-31")
    manifest = _left("d", "2025-03-01", "manifest")
    assert _kinds(arrival, manifest, _seen("r", "2025-05-01"))[0][0] == "in_country"
    back = _arrival("b", "2025-04-01", until="2025-09-30")
    found = _kinds(arrival, manifest, back, _seen("r", "2025-05-01"))
    assert [k for k, _ in found] == ["on_time", "in_country"]


def test_pending_when_decided_after_the_snapshot_and_adjustment_approved_covers() -> None:
    arrival = _arrival("a", "2025-01-01", until="2025-03-31")
    later = _app("s", "2025-03-01", "approved", decided_on="2026-02-01", valid_until="2026-06-30")
    assert _kinds(arrival, later) == [("covered", dt.date(2025, 3, 31))]
    green = _app("g", "2025-02-01", "approved", form="I-485", decided_on="2025-10-01")
    assert _kinds(arrival, green) == [("covered", dt.date(2025, 3, 31))]


def test_a_visa_waiver_entrants_pending_extension_covers_nothing() -> None:
    """INA 217(a)(1): a WT/WB entrant cannot extend or change status; an adjustment covers."""
    pending = _app("s", "2025-03-01", "pending")
    assert _kinds(_arrival("a", "2025-01-01", "WT"), pending)[0][0] == "in_country"
    assert _kinds(_arrival("a", "2025-01-01", until="2025-03-31"), pending)[0][0] == "covered"
    green = _app("g", "2025-03-01", "pending", form="I-485")
    assert _kinds(_arrival("a", "2025-01-01", "WT"), green)[0][0] == "covered"


@pytest.mark.parametrize(
    ("evidence", "outcome"),
    [
        (make_event("passport", "p", issued_on="2025-06-01"), "covered"),
        (make_event("numident", "n", recorded_on="2025-06-01", citizenship_code="A"), "covered"),
        (make_event("numident", "n", recorded_on="2025-06-01", citizenship_code="C"), "in_country"),
        (make_event("naturalization", "z", naturalized_on="2025-06-01"), "covered"),
        (make_event("passport", "p", issued_on="2026-01-05"), "in_country"),  # after the snapshot
    ],
)
def test_a_person_shown_to_be_a_citizen_is_no_overstay(evidence: Event, outcome: str) -> None:
    arrival = _arrival("a", "2025-01-01", until="2025-03-31")
    assert _kinds(arrival, evidence) == [(outcome, dt.date(2025, 3, 31))]


def test_citizenship_shown_excuses_a_late_departure_of_its_stay_only() -> None:
    passport = make_event("passport", "p", issued_on="2025-06-01")
    first = _arrival("a", "2025-01-01", until="2025-03-31")
    late = _left("d", "2025-04-10")
    assert _kinds(first, late, passport)[0][0] == "on_time"
    # shown after a new arrival: records after it say nothing about the earlier stay
    second = _arrival("b", "2025-05-01", until="2025-07-31")
    assert [k for k, _ in _kinds(first, late, second, passport)] == ["out_of_country", "covered"]


def test_a_new_rule_version_changes_both_paths_alike() -> None:
    book = default_rules()
    waiver = book.versions["admission.visa_waiver"][0]
    old = dataclasses.replace(waiver, effective_to=dt.date(2024, 12, 31))
    new = dataclasses.replace(waiver, effective_from=dt.date(2025, 1, 1),
                              params={**waiver.params, "max_stay_days": 60})  # fmt: skip
    rules = [r for rid, vs in book.versions.items() for r in vs if rid != waiver.id]
    changed = RuleBook([*rules, old, new])
    people = {"P1": [_arrival("a", "2024-12-01", "WT")], "P2": [_arrival("b", "2025-01-02", "WT")]}
    from tests.reports.differential import events_table

    sql = sql_outcomes(events_table(people), AS_OF, changed)
    assert sql == python_outcomes(people, AS_OF, changed)
    assert [o.authorized_until for _, o in sql] == [dt.date(2025, 3, 1), dt.date(2025, 3, 3)]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> pa.Table:
    """10,000 generated persons ingested into SQLite, each record with its true person."""
    out: Path = tmp_path_factory.mktemp("differential")
    return generated_events(out, 10_000, 11)


@pytest.mark.parametrize("as_of", ["2025-09-30", "2024-09-30", "2021-03-01"])
def test_sql_equals_python_on_10000_generated_persons(generated: pa.Table, as_of: str) -> None:
    day = dt.date.fromisoformat(as_of)
    people = by_person(generated)
    assert len(people) > 9_900  # a few generated persons left no record at all
    python = python_outcomes(people, day)
    assert len(python) > 5_000
    assert len({o.outcome for _, o in python}) >= 6
    assert sql_outcomes(generated, day) == python
