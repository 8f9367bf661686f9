"""Scenario tests of the status engine, each named after the rule it checks (the rule's
citation is in status/rules/*.yaml and in the interval the engine returns)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sojourn.status.engine import Timeline, timeline
from sojourn.status.events import Event, make_event

D = dt.date


def arrival(
    cls: str = "B2", on: str = "2024-01-10", until: str | None = "2024-07-09", **kw: Any
) -> Event:
    return make_event(
        "arrival",
        "arr",
        arrival_date=on,
        class_of_admission=cls,
        admit_until=until,
        mode="air",
        **kw,
    )


def app(
    form: str,
    filed: str,
    outcome: str = "pending",
    decided: str | None = None,
    valid: str | None = None,
    rid: str = "app",
) -> Event:
    return make_event(
        "status",
        rid,
        form=form,
        filed_on=filed,
        outcome=outcome,
        decided_on=decided,
        valid_until=valid,
    )


def student(
    start: str, end: str | None, status: str = "active", status_date: str | None = None
) -> Event:
    return make_event(
        "student",
        "sevis",
        program_start=start,
        program_end=end,
        status=status,
        status_date=status_date,
    )


def court(**kw: Any) -> Event:
    return make_event("court", "court", **kw)


def filed_case(**kw: Any) -> Event:
    """A court record whose notice to appear was served on Aug 1 and filed on Aug 15, 2024."""
    return court(nta_served_on="2024-08-01", nta_filed_on="2024-08-15", **kw)


def status(events: list[Event], on: str) -> Timeline:
    return timeline(events, dt.date.fromisoformat(on))


def current(events: list[Event], on: str) -> tuple[str, str]:
    result = status(events, on).current
    assert result is not None
    return result.status, result.rule_id


# admission.fixed_period — INA 214(a)(1); 8 CFR 214.1(a)
def test_admission_fixed_period_last_day_of_stay_is_in_status() -> None:
    assert current([arrival()], "2024-07-09") == ("in_status", "admission.fixed_period")


def test_admission_fixed_period_first_day_after_is_overstay() -> None:
    result = status([arrival()], "2024-07-10")
    assert result.current is not None and result.current.status == "overstay"
    assert result.overstay_days == 1 and result.unlawful_presence_days == 1
    assert result.authorized_until == D(2024, 7, 9)


def test_admission_fixed_period_leap_day() -> None:
    events = [arrival(on="2024-01-01", until="2024-02-29")]
    assert current(events, "2024-02-29")[0] == "in_status"
    assert status(events, "2024-03-01").overstay_days == 1


# admission.visa_waiver — INA 217(a)(1): 90 days, no extension
def test_admission_visa_waiver_ends_after_90_days() -> None:
    events = [arrival("WT", on="2024-01-01", until=None)]
    assert status(events, "2024-03-31").current.status == "in_status"  # type: ignore[union-attr]
    result = status(events, "2024-04-01")
    assert (
        result.authorized_until == D(2024, 3, 31)
        and result.current.rule_id == "unlawful_presence.accrual"
    )  # type: ignore[union-attr]


def test_admission_visa_waiver_cannot_be_extended() -> None:
    events = [arrival("WT", on="2024-01-01", until="2024-03-31"),
              app("I-539", "2024-03-01", "approved", "2024-03-20", "2024-09-30")]  # fmt: skip
    assert status(events, "2024-05-01").current.status == "overstay"  # type: ignore[union-attr]


# admission.duration_of_status + grace.f1_completion — 8 CFR 214.2(f)(5)(iv): 60 days
def test_grace_f1_completion_sixty_days_after_program_end() -> None:
    events = [
        arrival("F1", until=None, duration_of_status=True),
        student("2024-01-15", "2025-05-15"),
    ]
    assert current(events, "2025-07-14") == ("in_status", "grace.f1_completion")
    assert status(events, "2025-07-15").current.status == "overstay"  # type: ignore[union-attr]


def test_grace_f1_termination_no_grace() -> None:
    events = [arrival("F1", until=None, duration_of_status=True),
              student("2024-01-15", "2025-05-15", "terminated", "2024-06-01")]  # fmt: skip
    assert current(events, "2024-06-01")[0] == "in_status"
    assert current(events, "2024-06-02") == ("overstay", "unlawful_presence.accrual")


def test_grace_j1_program_end_thirty_days() -> None:
    events = [
        arrival("J1", until=None, duration_of_status=True),
        student("2024-01-15", "2024-12-31"),
    ]
    assert current(events, "2025-01-30") == ("in_status", "grace.j1_program_end")
    assert current(events, "2025-01-31")[0] == "overstay"


def test_duration_of_status_without_program_end_has_no_end_date() -> None:
    events = [arrival("F1", until=None, duration_of_status=True)]
    result = status(events, "2030-01-01")
    assert result.current.status == "in_status" and result.authorized_until is None  # type: ignore[union-attr]


# unlawful_presence.duration_of_status — no accrual for D/S until a formal finding
def test_unlawful_presence_duration_of_status_needs_a_formal_finding() -> None:
    events = [
        arrival("F1", until=None, duration_of_status=True),
        student("2024-01-15", "2024-05-15"),
    ]
    assert status(events, "2024-12-01").unlawful_presence_days == 0
    denied = [*events, app("I-539", "2024-06-01", "denied", "2024-09-30")]
    assert status(denied, "2024-10-10").unlawful_presence_days == 10


# application.extension_or_change_pending / approval_retroactive / denial
def test_application_pending_after_the_stay_ends_authorizes_it() -> None:
    events = [arrival(), app("I-539", "2024-06-01")]
    assert current(events, "2024-08-01") == (
        "pending_application",
        "application.extension_or_change_pending",
    )
    assert status(events, "2024-08-01").overstay_days is None


def test_application_approval_retroactive_extends_the_stay() -> None:
    events = [arrival(), app("I-539", "2024-06-01", "approved", "2024-09-01", "2025-01-09")]
    result = status(events, "2024-12-01")
    assert result.current.status == "in_status" and result.authorized_until == D(2025, 1, 9)  # type: ignore[union-attr]
    assert result.current.rule_id == "application.approval_retroactive"  # type: ignore[union-attr]


def test_application_denial_starts_unlawful_presence_the_next_day() -> None:
    events = [arrival(), app("I-539", "2024-06-01", "denied", "2024-09-01")]
    result = status(events, "2024-09-11")
    assert result.authorized_until == D(2024, 9, 1) and result.unlawful_presence_days == 10
    assert result.current.status == "overstay"  # type: ignore[union-attr]


def test_application_untimely_does_not_authorize_the_stay() -> None:
    events = [arrival(), app("I-539", "2024-08-01", "denied", "2024-09-01")]
    assert status(events, "2024-09-11").authorized_until == D(2024, 7, 9)


def test_application_adjustment_pending_then_approved() -> None:
    events = [arrival(), app("I-485", "2024-05-01", "approved", "2025-02-01")]
    assert current(events, "2024-12-01") == (
        "pending_application",
        "application.adjustment_pending",
    )
    assert current(events, "2025-02-01") == (
        "lawful_permanent_resident",
        "application.adjustment_approved",
    )


# citizenship.naturalization — terminal and protective
def test_citizenship_naturalization_is_terminal() -> None:
    events = [arrival(), make_event("naturalization", "n400", naturalized_on="2024-10-01"),
              court(nta_served_on="2024-11-01", nta_filed_on="2024-11-05")]  # fmt: skip
    assert current(events, "2025-01-01") == ("us_citizen", "citizenship.naturalization")


# departure.* — only confirmed departures end a stay
def test_departure_biometric_exit_ends_the_stay() -> None:
    events = [
        arrival(),
        make_event("departure", "dep", departure_date="2024-07-01", provenance="biometric"),
    ]
    assert current(events, "2024-09-01") == ("departed", "departure.biometric_exit")


def test_departure_carrier_manifest_contradicted_by_later_presence_is_a_conflict() -> None:
    manifest = make_event("departure", "dep", departure_date="2024-07-01", provenance="manifest")
    events = [arrival(), manifest, make_event("address", "ar11", effective_on="2024-08-01")]
    result = status(events, "2024-09-01")
    assert result.current.status == "overstay" and "dep" in result.flags[0]  # type: ignore[union-attr]


def test_departure_self_departure_intent_does_not_end_the_stay() -> None:
    events = [arrival(), make_event("self_departure", "home", intent_on="2024-08-01")]
    assert current(events, "2024-09-01")[0] == "overstay"
    home = make_event(
        "self_departure", "home", intent_on="2024-08-01", verified_departure_on="2024-08-20",
        verification_method="app_geolocation",
    )  # fmt: skip
    verified = [arrival(), home]
    assert current(verified, "2024-09-01") == ("self_departed", "departure.self_departure_verified")


def test_removal_executed() -> None:
    events = [
        arrival(),
        make_event("custody", "ice", book_in_on="2024-08-01", removed_on="2024-08-20"),
    ]
    assert current(events, "2024-08-19")[0] == "overstay"
    assert current(events, "2024-08-20") == ("removed", "removal.executed")


# proceedings.nta_filed — served is not filed
def test_proceedings_nta_served_but_not_filed_is_not_proceedings() -> None:
    events = [arrival(), court(nta_served_on="2024-08-01")]
    assert current(events, "2024-09-01")[0] == "overstay"
    filed = [arrival(), court(nta_served_on="2024-08-01", nta_filed_on="2024-08-15")]
    assert current(filed, "2024-09-01") == ("in_proceedings", "proceedings.nta_filed")


# order.* — 8 CFR 1241.1
def test_order_final_in_absentia_at_once() -> None:
    events = [arrival(), filed_case(order="removal",
                               order_date="2024-10-01", in_absentia=True)]  # fmt: skip
    assert current(events, "2024-10-01") == ("removal_order_final", "order.final_in_absentia")


def test_order_final_no_appeal_the_day_after_the_thirtieth_day() -> None:
    events = [arrival(), filed_case(order="removal",
                               order_date="2024-10-01")]  # fmt: skip
    assert current(events, "2024-10-31")[0] == "in_proceedings"
    assert current(events, "2024-11-01") == ("removal_order_final", "order.final_no_appeal")


def test_order_appeal_pending_is_not_final() -> None:
    events = [arrival(), filed_case(order="removal",
                               order_date="2024-10-01", appeal_filed_on="2024-10-20")]  # fmt: skip
    assert current(events, "2025-06-01") == ("in_proceedings", "order.appeal_pending")


def test_order_alternate_after_voluntary_departure_overstayed() -> None:
    case = filed_case(order="voluntary_departure", order_date="2024-10-01", vd_until="2024-11-30")
    events = [arrival(), case]
    assert current(events, "2024-11-30") == (
        "voluntary_departure",
        "voluntary_departure.end_of_proceedings",
    )
    assert current(events, "2024-12-01") == (
        "removal_order_final",
        "order.alternate_after_voluntary_departure",
    )


# unlawful_presence.minor — no accrual under 18
def test_unlawful_presence_minor_counts_from_the_eighteenth_birthday() -> None:
    events = [arrival()]
    result = timeline(events, D(2024, 9, 1), birth_date=D(2006, 8, 22))
    assert result.overstay_days == 54 and result.unlawful_presence_days == 11


def test_every_interval_cites_its_rule_and_records() -> None:
    events = [arrival(), app("I-539", "2024-06-01", "denied", "2024-09-01")]
    result = status(events, "2024-10-01")
    # The stay ran on while the timely application was pending, then ended on the denial.
    assert [i.status for i in result.intervals] == ["in_status", "pending_application", "overstay"]
    for interval in result.intervals:
        assert interval.citation and interval.records
    assert result.intervals[1].start == D(2024, 7, 10) and result.intervals[1].end == D(2024, 9, 1)
    assert result.intervals[2].start == D(2024, 9, 2) and result.intervals[2].end is None


@pytest.mark.parametrize("on", ["2023-12-31"])
def test_nothing_known_before_the_first_record(on: str) -> None:
    assert status([arrival()], on).current is None


# bar.three_year / bar.ten_year — INA 212(a)(9)(B)(i): triggered by departure
def test_bar_three_year_after_more_than_180_days() -> None:
    left = make_event("departure", "dep", departure_date="2025-01-15", provenance="biometric")
    result = status([arrival(), left], "2025-03-01")
    assert result.unlawful_presence_days == 190  # Jul 10, 2024 to Jan 15, 2025 (left that day)
    assert result.bar is not None and result.bar.startswith("3-year bar until 2028-01-15")


def test_bar_ten_year_after_a_year_and_none_before_180_days() -> None:
    late = make_event("departure", "dep", departure_date="2025-08-01", provenance="biometric")
    assert status([arrival(), late], "2025-09-01").bar.startswith("10-year bar")  # type: ignore[union-attr]
    soon = make_event("departure", "dep", departure_date="2024-12-01", provenance="biometric")
    result = status([arrival(), soon], "2025-01-01")
    assert result.unlawful_presence_days == 145 and result.bar is None  # Jul 10 - Dec 1


def test_grace_f1_completion_ending_on_a_weekend_is_not_moved() -> None:
    # The program ends 2025-05-20; 60 days later is Saturday 2025-07-19. The grace period
    # ends on that calendar date: it does not roll over to the next business day.
    saturday = [
        arrival("F1", until=None, duration_of_status=True),
        student("2024-01-15", "2025-05-20"),
    ]
    assert dt.date(2025, 7, 19).weekday() == 5
    assert current(saturday, "2025-07-19")[0] == "in_status"
    assert current(saturday, "2025-07-20")[0] == "overstay"


# parole — INA 212(d)(5)(A): not an admission; presence authorized until it expires
def test_parole_until_expiry_then_no_authorization() -> None:
    events = [arrival("PAROLE", on="2023-01-15", until="2025-01-14")]
    assert current(events, "2025-01-14") == ("in_status", "parole")
    # parole is not an admission: once it ends, the person is present without admission
    assert current(events, "2025-01-15") == ("present_without_admission", "parole")
    after = status(events, "2025-01-24")
    assert after.overstay_days is None and after.unlawful_presence_days == 10


# tps.designation — INA 244: protected while the grant is valid
def test_tps_grant_protects_while_valid() -> None:
    tps = app("I-821", "2024-08-01", "approved", "2024-10-01", "2026-03-31", rid="tps")
    events = [arrival(), tps]
    assert current(events, "2024-09-01")[0] == "overstay"  # a pending TPS request is not a stay
    assert current(events, "2025-06-01") == ("in_status", "tps.designation")
    result = status(events, "2026-04-10")
    assert result.current.status == "overstay"  # type: ignore[union-attr]
    # Jul 10 - Sep 30, 2024 (83 days), then none under TPS, then Apr 1 - 10, 2026 (10 days).
    assert result.unlawful_presence_days == 93


# application.asylum_pending — INA 212(a)(9)(B)(iii)(II): no accrual while pending
def test_application_asylum_pending_stops_unlawful_presence() -> None:
    events = [arrival(), app("I-589", "2024-09-01", rid="asylum")]
    result = status(events, "2024-12-01")
    assert result.current.rule_id == "application.asylum_pending"  # type: ignore[union-attr]
    assert result.unlawful_presence_days == 53  # Jul 10 - Aug 31, 2024


# grace.m1_completion — 8 CFR 214.2(m)(5): 30 days
def test_grace_m1_completion_thirty_days() -> None:
    events = [
        arrival("M1", until=None, duration_of_status=True),
        student("2024-01-15", "2024-12-31"),
    ]
    assert current(events, "2025-01-30") == ("in_status", "grace.m1_completion")
    assert current(events, "2025-01-31")[0] == "overstay"


# admission.fixed_period for employment classes: the I-94 date already carries the grace
def test_employment_admission_runs_to_the_admit_until_date() -> None:
    events = [arrival("H1B", on="2023-10-01", until="2026-09-10")]
    assert current(events, "2026-09-10") == ("in_status", "admission.fixed_period")
    assert current(events, "2026-09-11")[0] == "overstay"


# application.approval_retroactive — a change of status approved into a new class
def test_change_of_status_approved_extends_the_stay() -> None:
    change = app("I-129", "2024-05-01", "approved", "2024-08-15", "2027-08-14")
    assert status([arrival(), change], "2025-01-01").authorized_until == D(2027, 8, 14)


# application.adjustment_pending — while the stay still runs, in status comes first
def test_adjustment_pending_while_in_status() -> None:
    events = [arrival(), app("I-485", "2024-03-01")]
    assert current(events, "2024-05-01") == ("in_status", "admission.fixed_period")
    assert current(events, "2024-08-01") == (
        "pending_application",
        "application.adjustment_pending",
    )


# order.relief_granted — relief from an immigration judge
def test_order_relief_granted_makes_a_permanent_resident() -> None:
    events = [arrival(), filed_case(order="relief_granted", order_date="2025-02-01")]
    assert current(events, "2025-02-01") == ("lawful_permanent_resident", "order.relief_granted")


# order.proceedings_closed — termination ends the proceedings; the stay rules apply again
def test_proceedings_terminated_fall_back_to_the_stay() -> None:
    events = [arrival(), filed_case(order="termination", order_date="2025-02-01")]
    assert current(events, "2025-01-31") == ("in_proceedings", "proceedings.nta_filed")
    assert current(events, "2025-02-01")[0] == "overstay"


# order.final_no_appeal — an appeal filed after the 30 days does not stop finality
def test_order_appeal_filed_too_late_is_final() -> None:
    events = [arrival(), filed_case(order="removal", order_date="2024-10-01",
                                    appeal_filed_on="2024-11-15")]  # fmt: skip
    assert current(events, "2024-12-01") == ("removal_order_final", "order.final_no_appeal")


# departure.land_exchange — an entry to Canada is an exit from the U.S.
def test_departure_land_exchange_ends_the_stay() -> None:
    exchange = make_event(
        "departure", "cbsa", departure_date="2024-05-01", provenance="land_exchange"
    )
    assert current([arrival(), exchange], "2024-06-01") == ("departed", "departure.land_exchange")


# admission.fixed_period — a new admission starts a new stay
def test_a_new_admission_after_a_departure_starts_a_new_stay() -> None:
    left = make_event("departure", "dep", departure_date="2024-03-01", provenance="biometric")
    again = make_event("arrival", "arr2", arrival_date="2024-09-01", class_of_admission="B2",
                       admit_until="2025-02-28", mode="air")  # fmt: skip
    result = status([arrival(), left, again], "2024-10-01")
    assert [i.status for i in result.intervals] == ["in_status", "departed", "in_status"]
    assert result.authorized_until == D(2025, 2, 28) and result.unlawful_presence_days == 0


# citizenship.naturalization — not a citizen the day before the oath
def test_citizenship_naturalization_starts_on_the_oath_day() -> None:
    events = [arrival(), make_event("naturalization", "n400", naturalized_on="2025-05-01")]
    assert current(events, "2025-04-30")[0] == "overstay"
    assert current(events, "2025-05-01") == ("us_citizen", "citizenship.naturalization")


# removal.executed — an exit before the last admission ended an earlier stay
def test_a_removal_before_a_new_admission_does_not_end_the_new_stay() -> None:
    removed = make_event("custody", "ice", book_in_on="2016-01-01", removed_on="2016-02-01")
    later = make_event("arrival", "arr2", arrival_date="2024-01-10", class_of_admission="B2",
                       admit_until="2024-07-09", mode="air")  # fmt: skip
    assert current([removed, later], "2024-03-01") == ("in_status", "admission.fixed_period")


# departure.carrier_manifest — only records of the same stay can contradict it
def test_records_after_a_new_arrival_do_not_contradict_an_earlier_departure() -> None:
    left = make_event("departure", "dep", departure_date="2024-03-01", provenance="manifest")
    again = make_event("arrival", "arr2", arrival_date="2025-01-01", class_of_admission="B2",
                       admit_until="2025-06-30", mode="air")  # fmt: skip
    address = make_event("address", "ar11", effective_on="2025-02-01")
    result = status([arrival(), left, again, address], "2025-03-01")
    assert [i.status for i in result.intervals] == ["in_status", "departed", "in_status"]
    assert result.flags == ()


# unlawful_presence.duration_of_status — a finding from an earlier stay does not count
def test_a_denial_in_an_earlier_stay_is_not_a_finding_for_this_one() -> None:
    old_denial = app("I-539", "2019-01-01", "denied", "2019-03-01", rid="old")
    events = [old_denial, arrival("F1", on="2020-01-10", until=None, duration_of_status=True),
              student("2020-01-15", "2021-05-15")]  # fmt: skip
    assert status(events, "2022-06-01").unlawful_presence_days == 0


# bar.three_year — only a voluntary departure before proceedings began
def test_no_three_year_bar_after_proceedings_began() -> None:
    case = filed_case(order="voluntary_departure", order_date="2024-12-01", vd_until="2025-01-30")
    left = make_event("departure", "dep", departure_date="2025-01-15", provenance="biometric")
    result = status([arrival(), case, left], "2025-03-01")
    # Jul 10 - Nov 30, 2024: the voluntary-departure period from Dec 1 is a period of stay
    # authorized (INA 240B), so no unlawful presence accrues in it.
    assert result.unlawful_presence_days == 144 and result.bar is None
