"""The counting conventions of docs/status.md, one test each, and the limits of what a pending
application protects (issue 17). A B-2 visitor admitted Jan 10, 2024 until Jul 9, 2024 unless
a test says otherwise: Jul 10 is the first day out of status."""

from __future__ import annotations

import datetime as dt

from sojourn.status.accrual import count
from sojourn.status.engine import Timeline, timeline
from sojourn.status.events import Event, make_event
from tests.status.test_engine import app, arrival, court, filed_case

D = dt.date


def status(events: list[Event], on: str, born: str | None = None) -> Timeline:
    birth = dt.date.fromisoformat(born) if born else None
    return timeline(events, dt.date.fromisoformat(on), birth)


def left(on: str) -> Event:
    return make_event("departure", "dep", departure_date=on, provenance="biometric")


def test_count_is_inclusive_and_leaves_out_spans() -> None:
    assert count(D(2024, 7, 10), D(2024, 7, 10), []) == 1
    assert count(D(2024, 7, 10), D(2024, 7, 19), [(D(2024, 7, 12), D(2024, 7, 13))]) == 8
    assert count(D(2024, 7, 10), D(2024, 7, 9), []) == 0


def test_the_as_of_date_counts() -> None:
    result = status([arrival()], "2024-07-10")
    assert (result.overstay_days, result.unlawful_presence_days) == (1, 1)


def test_the_departure_day_is_a_day_of_presence() -> None:
    result = status([arrival(), left("2024-07-11")], "2024-09-01")
    assert result.current is not None and result.current.status == "departed"
    assert (result.overstay_days, result.unlawful_presence_days) == (2, 2)


def test_leaving_on_the_181st_day_triggers_the_three_year_bar() -> None:
    # Jul 10, 2024 + 180 days = Jan 6, 2025: leaving that day is the 181st day of presence.
    result = status([arrival(), left("2025-01-06")], "2025-02-01")
    assert result.unlawful_presence_days == 181
    assert result.bar is not None and result.bar.startswith("3-year bar until 2028-01-06")
    day_before = status([arrival(), left("2025-01-05")], "2025-02-01")
    assert day_before.unlawful_presence_days == 180 and day_before.bar is None


def test_leaving_on_the_365th_day_triggers_the_ten_year_bar() -> None:
    # Jul 10, 2024 .. Jul 9, 2025 is 365 days (no Feb 29 in between).
    result = status([arrival(), left("2025-07-09")], "2025-08-01")
    assert result.unlawful_presence_days == 365
    assert result.bar is not None and result.bar.startswith("10-year bar until 2035-07-09")
    assert status([arrival(), left("2025-07-08")], "2025-08-01").bar.startswith("3-year")  # type: ignore[union-attr]


def test_a_person_who_left_on_time_has_no_overstay_days() -> None:
    assert status([arrival(), left("2024-07-09")], "2024-09-01").overstay_days is None


def test_unlawful_presence_starts_on_the_eighteenth_birthday() -> None:
    result = status([arrival()], "2024-08-31", born="2006-08-20")
    assert result.overstay_days == 53 and result.unlawful_presence_days == 12  # Aug 20..31


def test_a_feb_29_birthday_comes_of_age_on_march_1() -> None:
    events = [arrival(on="2024-01-10", until="2024-02-01")]
    result = status(events, "2024-03-10", born="2006-02-28")
    assert result.unlawful_presence_days == 12  # Feb 28..Mar 10, 2024 (leap year)
    leap = status([arrival(on="2022-01-10", until="2022-02-01")], "2022-03-10", born="2004-02-29")
    assert leap.unlawful_presence_days == 10  # Mar 1..10, 2022 (18 on Mar 1 in a common year)


def test_overstay_days_are_kept_after_a_later_tps_grant() -> None:
    tps = app("I-821", "2024-07-20", "approved", decided="2024-08-01", valid="2026-01-01")
    result = status([arrival(), tps], "2024-12-01")
    assert result.current is not None and result.current.status == "in_status"
    assert result.overstay_days == 22 and result.unlawful_presence_days == 22  # Jul 10..31


def test_deferred_action_stops_both_counts_and_ends_the_day_before_its_termination() -> None:
    granted = make_event("deferred_action", "da", granted_on="2024-08-01",
                         valid_until="2026-07-31", terminated_on="2024-10-01")  # fmt: skip
    during = status([arrival(), granted], "2024-09-15")
    assert during.current is not None and during.current.status == "deferred_action"
    assert during.overstay_days == 22 and during.unlawful_presence_days == 22
    after = status([arrival(), granted], "2024-10-10")
    assert after.current is not None and after.current.status == "overstay"
    assert after.overstay_days == 32  # Jul 10..31 and Oct 1..10


def test_a_visa_waiver_entrants_extension_protects_nothing() -> None:
    events = [arrival("WT", until="2024-04-08"), app("I-539", "2024-04-01")]
    result = status(events, "2024-05-08")
    assert result.current is not None
    assert (result.current.status, result.current.rule_id) == ("overstay", "admission.visa_waiver")
    assert result.overstay_days == 30 and result.unlawful_presence_days == 30


def test_an_untimely_extension_protects_nothing() -> None:
    result = status([arrival(), app("I-539", "2024-07-20")], "2024-08-09")
    assert result.current is not None
    assert (result.current.status, result.current.rule_id) == ("overstay", "application.untimely")
    assert result.unlawful_presence_days == 31


def test_an_untimely_extension_once_approved_covers_the_gap() -> None:
    late = app("I-539", "2024-07-20", "approved", decided="2024-09-01", valid="2025-01-09")
    result = status([arrival(), late], "2024-10-01")
    assert result.current is not None and result.current.status == "in_status"
    assert result.overstay_days is None and result.unlawful_presence_days == 0


def test_a_timely_extension_pending_stops_both_counts() -> None:
    result = status([arrival(), app("I-539", "2024-07-01")], "2024-10-01")
    assert result.current is not None and result.current.status == "pending_application"
    assert result.overstay_days is None and result.unlawful_presence_days == 0


def test_asylum_pending_stops_unlawful_presence_but_the_person_still_overstays() -> None:
    result = status([arrival(), app("I-589", "2024-09-01")], "2024-10-31")
    assert result.current is not None
    assert (result.current.status, result.current.rule_id) == (
        "overstay",
        "application.asylum_pending",
    )
    assert result.overstay_days == 114 and result.unlawful_presence_days == 53  # Jul 10..Aug 31


def test_adjustment_stops_the_counts_from_its_filing_date() -> None:
    result = status([arrival(), app("I-485", "2024-09-01")], "2024-12-01")
    assert result.current is not None and result.current.status == "pending_application"
    assert result.overstay_days == 53 and result.unlawful_presence_days == 53


def test_permanent_residence_ends_the_count() -> None:
    adjusted = app("I-485", "2024-07-20", "approved", decided="2025-03-01")
    result = status([arrival(), adjusted], "2026-01-01")
    assert result.current is not None and result.current.status == "lawful_permanent_resident"
    assert result.unlawful_presence_days == 10  # Jul 10..19, before the filing


def test_a_voluntary_departure_period_is_authorized_then_the_alternate_order_applies() -> None:
    case = filed_case(order="voluntary_departure", order_date="2024-12-01", vd_until="2025-01-30")
    during = status([arrival(), case], "2025-01-30")
    assert during.current is not None and during.current.status == "voluntary_departure"
    assert during.unlawful_presence_days == 144  # Jul 10..Nov 30
    after = status([arrival(), case], "2025-02-09")
    assert after.current is not None and after.current.status == "removal_order_final"
    assert after.unlawful_presence_days == 154 and after.overstay_days == 154


def test_a_us_passport_makes_a_citizen_whatever_the_entry_records() -> None:
    passport = make_event("passport", "pp", issued_on="2024-03-01", document_type="book")
    result = status([arrival(), passport], "2025-01-01")
    assert result.current is not None
    assert (result.current.status, result.current.rule_id) == (
        "us_citizen",
        "citizenship.us_passport",
    )
    assert result.overstay_days is None and result.unlawful_presence_days == 0


def test_only_ssa_code_a_is_citizenship_evidence() -> None:
    code_a = make_event("numident", "ssa", recorded_on="2024-08-01", citizenship_code="A")
    code_b = make_event("numident", "ssa", recorded_on="2024-08-01", citizenship_code="B")
    assert status([arrival(), code_a], "2024-09-01").current.status == "us_citizen"  # type: ignore[union-attr]
    assert status([arrival(), code_b], "2024-09-01").current.status == "overstay"  # type: ignore[union-attr]


def test_employment_ended_leaves_sixty_days_capped_at_the_i94_date() -> None:
    worker = arrival("H1B", until="2025-06-30")
    ended = make_event("employment_end", "emp", ended_on="2024-03-01",
                       notice_type="employer_notice")  # fmt: skip
    result = status([worker, ended], "2024-05-10")
    assert result.authorized_until == D(2024, 4, 30) and result.overstay_days == 10
    # a status violation: unlawful presence waits for the I-94 date or a formal finding
    assert result.unlawful_presence_days == 0
    assert status([worker, ended], "2025-07-09").unlawful_presence_days == 9
    short = arrival("H1B", until="2024-03-20")
    assert status([short, ended], "2024-04-01").authorized_until == D(2024, 3, 20)
    visitor = status([arrival("B2", until="2025-06-30"), ended], "2024-05-10")
    assert visitor.authorized_until == D(2025, 6, 30)


def test_parole_ends_the_day_before_its_termination_takes_effect() -> None:
    paroled = arrival("PAROLE", until="2026-01-09")
    notice = make_event("parole_termination", "pt", terminated_on="2025-04-24")
    result = status([paroled, notice], "2025-05-03")
    assert result.authorized_until == D(2025, 4, 23) and result.unlawful_presence_days == 10
    assert result.current is not None and result.current.status == "present_without_admission"
    assert result.overstay_days is None  # parole is not an admission: nothing to overstay


def test_an_f1_withdrawal_authorized_by_the_dso_leaves_fifteen_days() -> None:
    admitted = arrival("F1", until=None, duration_of_status=True)
    sevis = make_event("student", "sevis", program_start="2024-01-15", program_end="2027-05-31",
                       status="withdrawn", status_date="2024-10-01")  # fmt: skip
    assert status([admitted, sevis], "2024-11-01").authorized_until == D(2024, 10, 16)
    court_order = court(nta_served_on="2024-11-01")
    assert status([admitted, sevis, court_order], "2024-11-01").authorized_until == D(2024, 10, 16)


def test_never_admitted_accrues_from_the_first_record_that_places_them_here() -> None:
    booked = make_event("custody", "cus", book_in_on="2024-03-01", release_on="2024-03-05")
    # no arrival on record is no evidence of no admission: nothing counts without the charge
    assert status([booked], "2024-03-31").unlawful_presence_days == 0
    charged = court(nta_served_on="2024-03-02", charge="INA 212(a)(6)(A)(i)")
    result = status([booked, charged], "2024-03-31")
    assert result.current is not None and result.current.status == "present_without_admission"
    assert result.overstay_days is None and result.unlawful_presence_days == 31  # a lower bound
    asylum = app("I-589", "2024-03-11")
    assert status([booked, charged, asylum], "2024-03-31").unlawful_presence_days == 10
    removed = make_event("custody", "cus", book_in_on="2024-03-01", removed_on="2025-03-01")
    gone = status([removed, charged], "2025-06-01")
    assert gone.unlawful_presence_days == 366 and gone.bar is not None  # 2024 is a leap year
    assert gone.bar.startswith("10-year bar until 2035-03-01")


def test_a_timely_request_withdrawn_authorized_the_stay_until_the_withdrawal() -> None:
    withdrawn = app("I-539", "2024-07-01", "withdrawn", decided="2024-09-01")
    result = status([arrival(), withdrawn], "2024-09-30")
    assert result.authorized_until == D(2024, 9, 1) and result.overstay_days == 29


def test_a_change_to_h1b_leaves_duration_of_status_and_employment_grace_follows_it() -> None:
    student_admission = arrival("F1", until=None, duration_of_status=True)
    change = make_event("status", "cos", form="I-129", filed_on="2024-03-01",
                        outcome="approved", decided_on="2024-05-01", new_class="H1B",
                        valid_until="2027-09-30")  # fmt: skip
    ended = make_event("employment_end", "emp", ended_on="2025-01-31",
                       notice_type="employer_notice")  # fmt: skip
    result = status([student_admission, change, ended], "2025-04-10")
    assert result.authorized_until == D(2025, 4, 1) and result.overstay_days == 9
    # a status violation before the I-94 date: no unlawful presence yet (not D/S rules either)
    assert result.unlawful_presence_days == 0
    denial = make_event("status", "den", form="I-539", filed_on="2025-04-02", outcome="denied",
                        decided_on="2025-04-05")  # fmt: skip
    found = status([student_admission, change, ended, denial], "2025-04-10")
    assert found.unlawful_presence_days == 5  # from the day after the formal finding
