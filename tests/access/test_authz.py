"""The Cedar policies: the role × action × purpose matrix (allowed and denied, deny by
default), field groups per role, purposes required, disabled users refused. The expected
tables are written out here, independently of the policy file."""

from __future__ import annotations

import itertools

import pytest

from sojourn.access.authz import Authorizer, PolicyError, Principal, PurposeError, authorizer
from sojourn.access.model import PURPOSES, ROLES

CI, CE, RD, OA, ST, AD = ("criminal_investigation", "civil_enforcement", "redress",
                          "oversight_audit", "statistics", "administration")  # fmt: skip
REPORT_PURPOSES = {ST, CI, CE, OA}
ALLOWED: dict[tuple[str, str], set[str]] = {
    ("person.read", "analyst"): {CI},
    ("person.read", "officer"): {CE},
    ("person.read", "supervisor"): {CE},
    ("person.read", "redress_officer"): {RD},
    ("person.read", "privacy_officer"): {OA},
    ("person.search", "analyst"): {CI},
    ("person.search", "officer"): {CE},
    ("person.search", "supervisor"): {CE},
    ("person.search", "redress_officer"): {RD},
    ("report.read", "analyst"): REPORT_PURPOSES,
    ("report.read", "officer"): REPORT_PURPOSES,
    ("report.read", "supervisor"): REPORT_PURPOSES,
    ("report.read", "privacy_officer"): REPORT_PURPOSES,
    ("user.manage", "administrator"): {AD},
    ("audit.read", "privacy_officer"): {OA},
    ("review.judge", "analyst"): {CI},
    ("review.judge", "supervisor"): {CE},
    ("review.judge", "redress_officer"): {RD},
}
RESOURCES = {
    "person.read": "Person",
    "person.search": "Person",
    "report.read": "Report",
    "user.manage": "UserAccount",
    "audit.read": "AuditLog",
    "review.judge": "Review",
}
BASE = {"identity", "identifiers", "travel_history", "immigration_history", "address"}
FIELDS: dict[tuple[str, str], set[str]] = {
    ("analyst", CI): BASE | {"criminal_history", "investigative"},
    ("officer", CE): BASE | {"criminal_history"},
    ("supervisor", CE): BASE | {"criminal_history"},
    ("redress_officer", RD): BASE | {"asylum"},
    ("privacy_officer", OA): {"identity", "audit"},
}


@pytest.mark.parametrize(("action", "role"), list(itertools.product(RESOURCES, ROLES)))
def test_role_action_purpose_matrix(action: str, role: str) -> None:
    who = Principal("someone", role)
    for purpose in PURPOSES:
        decision = authorizer().decide(who, action, RESOURCES[action], "x1", purpose)
        expected = purpose in ALLOWED.get((action, role), set())
        assert decision.allowed is expected, (action, role, purpose, decision)
        if expected:
            assert decision.policy_ids  # the permit that decided is named


@pytest.mark.parametrize(("role", "purpose"), list(itertools.product(ROLES, PURPOSES)))
def test_field_groups_per_role_and_purpose(role: str, purpose: str) -> None:
    groups, decision = authorizer().field_groups(Principal("someone", role), purpose)
    assert groups == FIELDS.get((role, purpose), set())
    if role == "officer":
        assert "asylum" not in groups and "investigative" not in groups
    if purpose == ST:
        assert decision.policy_ids == ("limits.statistics_aggregates_only",)


@pytest.mark.parametrize("purpose", [None, "", "curiosity"])
def test_a_request_without_a_known_purpose_is_refused(purpose: str | None) -> None:
    with pytest.raises(PurposeError, match="purpose of use is required"):
        authorizer().decide(Principal("ana", "analyst"), "person.read", "Person", "P1", purpose)


def test_a_disabled_user_is_refused_everything() -> None:
    who = Principal("ana", "analyst", active=False)
    decision = authorizer().decide(who, "person.read", "Person", "P1", CI)
    assert not decision.allowed and decision.policy_ids == ("limits.disabled_users",)


def test_an_unknown_role_gets_nothing_and_bad_policies_do_not_load() -> None:
    decision = authorizer().decide(Principal("x", "janitor"), "person.read", "Person", "P1", CI)
    assert not decision.allowed and decision.policy_ids == ()
    schema = (
        "entity User; entity Person; "
        "action read appliesTo { principal: [User], resource: [Person] };"
    )
    with pytest.raises(PolicyError):
        Authorizer(
            'permit (principal, action == Action::"read", resource) when { principal.age > 1 };',
            schema,
        )
