"""Absence is not presence (issue 15): an overstay inferred only from a missing departure
record is a suspected, unverified overstay — a hard stop opening a departure verification,
never enforcement-ready — until a record places the person in the U.S. after the stay ended."""

from __future__ import annotations

import datetime as dt

from sojourn.priority.assess import Assessment, assess
from sojourn.priority.policy import shipped
from sojourn.status.events import Event, make_event
from tests.priority.scenario import POLICY_2014, POLICY_2021, POLICY_2025, address, facts, order

LATER = dt.date(2026, 10, 1)


def _arrival(mode: str | None, rid: str = "arr") -> Event:
    extra = {"mode": mode} if mode else {}
    return make_event("arrival", rid, arrival_date="2021-06-24", class_of_admission="B2",
                      admit_until="2021-12-23", **extra)  # fmt: skip


LAND_ONLY = [_arrival("land")]  # the person: a 2021 land arrival, nothing else


def _assess(events: list[Event], policy: str = POLICY_2025, **kw: object) -> Assessment:
    found = facts(events, as_of=LATER, **kw)  # type: ignore[arg-type]
    return assess(shipped()[policy], found, "P1", LATER, 0.9)


def test_a_land_arrival_alone_is_a_suspected_overstay_never_enforcement_ready() -> None:
    for policy in (POLICY_2014, POLICY_2021, POLICY_2025):
        a = _assess(LAND_ONLY, policy)
        assert not a.enforcement_ready and a.priority is None
        stop = next(s for s in a.stops if s.id == "presence_unverified")
        assert stop.opens == "departure_verification" and stop.records == ("arr",)
        assert "Overstay Report" in stop.citation
    a = _assess(LAND_ONLY)
    assert a.facts["overstay_days"] > 1700  # the day count itself is unchanged
    assert a.facts["exit_recording"] == "partial"
    assert a.facts["overstay_unverified"] and not a.facts["presence_verified"]


def test_an_address_filing_after_the_stay_verifies_presence() -> None:
    seen = [*LAND_ONLY, address("2024-03-10")]
    a = _assess(seen)
    assert a.facts["presence_verified"] and not a.facts["overstay_unverified"]
    assert a.evidence["presence_verified"] == ("ar11",)
    assert a.priority == "overstay" and a.enforcement_ready and a.stops == ()
    rule = next(r for r in a.rules if r.rule_id == "overstay")
    assert rule.facts["overstay_unverified"]["records"] == ["ar11"]


def test_a_record_within_the_stay_proves_nothing_about_after_it() -> None:
    during = [*LAND_ONLY, address("2021-09-01")]
    a = _assess(during)
    assert not a.facts["presence_verified"] and not a.enforcement_ready
    assert [s.id for s in a.stops] == ["presence_unverified"]


def test_an_air_overstay_with_no_presence_after_the_stay_is_unverified_too() -> None:
    # presence.yaml: a missing air exit is a *suspected* in-country overstay (GAO-13-683).
    for mode in ("air", "sea", None):
        a = _assess([_arrival(mode)])
        assert a.facts["exit_recording"] == ("systematic" if mode else "unknown")
        assert a.facts["overstay_unverified"] and not a.enforcement_ready
    crime = make_event("conviction", "cv", conviction_date="2023-05-02", offense="THEFT",
                       classification="M", offense_date="2023-01-15")  # fmt: skip
    a = _assess([_arrival("air"), crime])
    assert a.evidence["presence_verified"] == ("cv",) and a.enforcement_ready


def test_only_a_decision_with_the_person_present_places_them_in_court() -> None:
    absent = order("2024-03-01", rid="iz", in_absentia=True, hearing_on="2024-03-01")
    a = _assess([*LAND_ONLY, absent])
    assert a.facts["removal_order_final"] and not a.facts["presence_verified"]
    assert "presence_unverified" in {s.id for s in a.stops} and not a.enforcement_ready
    unknown = order("2024-03-01", rid="iz")  # no in_absentia recorded: not known present
    assert not _assess([*LAND_ONLY, unknown]).facts["presence_verified"]
    present = order("2024-03-01", rid="iz", in_absentia=False)
    b = _assess([*LAND_ONLY, present])
    assert b.evidence["presence_verified"] == ("iz",) and b.priority == "final_order"
    assert b.enforcement_ready


def test_presence_resting_on_a_grey_band_link_verifies_nothing() -> None:
    seen = [*LAND_ONLY, address("2024-03-10")]
    a = _assess(seen, confidence={"ar11": 0.6})
    assert a.priority is None and not a.enforcement_ready
    stop = next(s for s in a.stops if s.id == "uncertain_identity")
    assert "ar11" in stop.records


def test_uscis_filings_count_only_for_forms_filed_in_the_us() -> None:
    def filed(form: str) -> list[Event]:
        return [*LAND_ONLY, make_event("status", "app", form=form, filed_on="2023-02-01",
                                       outcome="denied", decided_on="2023-08-01")]  # fmt: skip

    assert _assess(filed("I-539")).facts["presence_verified"]
    assert not _assess(filed("I-129")).facts["presence_verified"]  # the employer files it
