"""Each shipped policy's tiers on hand-made persons, the hard stops, and evidence behind every
rule an assessment cites."""

from __future__ import annotations

from sojourn.priority.assess import Assessment
from sojourn.status.events import make_event
from tests.priority.scenario import (
    POLICY_2014,
    POLICY_2021,
    POLICY_2025,
    address,
    arrival,
    conviction,
    facts,
    order,
    run,
)

#: admitted Mar 2019 until Sep 2019, never left; an address filing places them here after
OVERSTAYER = [arrival(), address()]
AF = conviction("cv-af", "2021-06-01", "ROBBERY", "AF", 900)
FELONY = conviction("cv-f", "2021-06-01", "BURGLARY", "F", 400)
DUI = conviction("cv-dui", "2022-02-02", "DRIVING UNDER THE INFLUENCE", "M", 10)
THEFTS = [conviction(f"cv-t{i}", f"202{i}-01-15", "PETTY THEFT", "M", 5) for i in range(1, 4)]


def _evidenced(a: Assessment) -> None:
    for rule in (*a.rules, *a.factors):
        assert rule.citation
        for name, fact in rule.facts.items():
            if name in ("convictions", "felonies", "aggravated_felonies") and fact["value"]:
                assert fact["records"], (rule.rule_id, name)


def test_2014_tiers() -> None:
    a = run(POLICY_2014, [*OVERSTAYER, AF])
    assert a.priority == "priority_1" and a.enforcement_ready
    assert {r.rule_id for r in a.rules} == {"p1.felony", "p1.aggravated_felony"}
    assert a.rules[0].facts["in_us"]["value"] is True
    _evidenced(a)
    assert run(POLICY_2014, [*OVERSTAYER, DUI]).priority == "priority_2"  # significant
    assert run(POLICY_2014, [*OVERSTAYER, *THEFTS]).priority == "priority_2"  # three
    assert run(POLICY_2014, [*OVERSTAYER, *THEFTS[:2]]).priority is None
    assert run(POLICY_2014, [*OVERSTAYER, order("2024-03-01")]).priority == "priority_3"
    assert run(POLICY_2014, OVERSTAYER).priority is None  # an overstay alone: no priority
    assert run(POLICY_2014, OVERSTAYER, national_security=True).priority == "priority_1"


def test_2021_proposes_public_safety_with_factors_for_a_human() -> None:
    a = run(POLICY_2021, [*OVERSTAYER, FELONY], birth=None)
    assert a.priority == "public_safety"
    kinds = {f.rule_id for f in a.factors}
    assert "aggravating.sentence" in kinds and "mitigating.age" not in kinds
    old = run(POLICY_2021, [*OVERSTAYER, FELONY], birth=__import__("datetime").date(1950, 1, 1))
    assert "mitigating.age" in {f.rule_id for f in old.factors}
    assert run(POLICY_2021, OVERSTAYER).priority is None  # removable alone is not a basis
    assert run(POLICY_2021, [*OVERSTAYER, DUI]).priority is None
    border = run(POLICY_2021, OVERSTAYER, apprehended_at_border=True)
    assert border.priority == "border_security"
    assert border.rules[0].facts["apprehended_at_border"]["records"] == ["statement"]


def test_2025_final_orders_then_overstays() -> None:
    assert run(POLICY_2025, [*OVERSTAYER, order("2024-03-01")]).priority == "final_order"
    assert run(POLICY_2025, OVERSTAYER).priority == "overstay"
    ewi = [make_event("court", "nta", nta_served_on="2023-05-01",
                      charge="INA 212(a)(6)(A)(i)")]  # fmt: skip
    assert run(POLICY_2025, ewi).priority == "without_admission"
    left = [*OVERSTAYER, make_event("departure", "dep", departure_date="2020-01-02",
                                    provenance="biometric", mode="air")]  # fmt: skip
    assert run(POLICY_2025, left).priority is None  # not in the U.S.


def test_citizenship_evidence_stops_every_policy() -> None:
    naturalized = [*OVERSTAYER, AF, order("2024-03-01"),
                   make_event("naturalization", "n400", naturalized_on="2024-06-01")]  # fmt: skip
    for policy in (POLICY_2014, POLICY_2021, POLICY_2025):
        a = run(policy, naturalized)
        assert not a.enforcement_ready
        stop = next(s for s in a.stops if s.id == "citizenship")
        assert stop.opens == "citizenship_investigation" and "n400" in stop.records


def test_a_non_final_order_never_counts_as_final() -> None:
    pending_appeal = [*OVERSTAYER, order("2025-09-20", final=False)]  # appeal window running
    f = facts(pending_appeal)
    assert f.values["removal_order"] and not f.values["removal_order_final"]
    a = run(POLICY_2025, pending_appeal)
    assert a.priority != "final_order"
    assert any(s.id == "non_final_order" and s.opens == "legal_review" for s in a.stops)
    assert not a.enforcement_ready


def test_a_grey_band_link_never_supports_a_priority() -> None:
    weak = {"cv-af": 0.6}  # the conviction is linked to this person below the threshold
    a = run(POLICY_2014, [*OVERSTAYER, AF], confidence=weak)
    assert a.priority is None and not a.enforcement_ready
    assert all(not r.supported for r in a.rules)
    stop = next(s for s in a.stops if s.id == "uncertain_identity")
    assert stop.opens == "identity_review" and "cv-af" in stop.records
    sure = run(POLICY_2014, [*OVERSTAYER, AF], confidence={"cv-af": 0.99})
    assert sure.priority == "priority_1"


def test_pending_relief_and_protection_stop_enforcement() -> None:
    asylum = make_event("status", "i589", form="I-589", filed_on="2020-01-01", outcome="pending")
    a = run(POLICY_2025, [*OVERSTAYER, asylum])
    assert any(s.id == "pending_application" for s in a.stops)
    assert run(POLICY_2025, OVERSTAYER, open_redress=True).stops[0].id == "open_redress"
    assert run(POLICY_2025, OVERSTAYER, stay_of_removal=True).stops[0].id == "protected_status"


def test_deferred_action_and_a_us_passport_in_the_records_stop_enforcement() -> None:
    granted = make_event("deferred_action", "da", granted_on="2023-01-01", valid_until="2027-01-01")
    a = run(POLICY_2025, [*OVERSTAYER, AF, granted])
    assert not a.enforcement_ready
    stop = next(s for s in a.stops if s.id == "protected_status")
    assert "da" in stop.records
    passport = make_event("passport", "pp", issued_on="2022-05-01")
    b = run(POLICY_2025, [*OVERSTAYER, AF, passport])
    assert (
        not b.enforcement_ready
        and "pp" in next(s for s in b.stops if s.id == "citizenship").records
    )


def test_a_final_order_then_naturalization_is_a_citizenship_stop_alone() -> None:
    naturalized = make_event("naturalization", "nat", naturalized_on="2024-05-10")
    a = run(POLICY_2025, [arrival(), order("2021-03-01", in_absentia=False), naturalized])
    assert [s.id for s in a.stops] == ["citizenship"]  # not also a "non-final" order
    assert a.facts["removal_order_final"] and not a.enforcement_ready
