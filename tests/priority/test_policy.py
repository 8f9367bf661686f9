"""Policies load only when every rule compiles, names only facts of the schema and names no
protected attribute — in any spelling a rule could use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sojourn.priority.hardstops import hard_stops
from sojourn.priority.policy import PolicyError, load_policy, parse_policy, shipped
from sojourn.priority.schema import FACTS, PROTECTED

BASE: dict[str, Any] = {
    "id": "test", "version": "1", "title": "t", "citation": "c",
    "effective_from": "2020-01-01", "tiers": ["high"],
}  # fmt: skip


def _policy(when: str) -> dict[str, Any]:
    import datetime as dt

    rule = {"id": "r1", "tier": "high", "when": when, "citation": "x"}
    return {**BASE, "effective_from": dt.date(2020, 1, 1), "rules": [rule]}


def test_the_shipped_policies_and_hard_stops_load() -> None:
    policies = shipped()
    assert len(policies) == 3
    for p in policies.values():
        assert p.rules and all(r.citation for r in (*p.rules, *p.factors))
        assert all(set(r.facts) <= set(FACTS) for r in (*p.rules, *p.factors))
    assert {s.opens for s in hard_stops()} >= {"citizenship_investigation", "identity_review"}


@pytest.mark.parametrize(
    "when",
    [
        "race == 'x'",
        "in_us && ethnicity != null",
        "convictions.exists(c, c.sex == 'F')",
        "convictions.exists(c, c['religion'] == 'x')",
        "nationality == 'MEX'",
        "has(eye_color)",
        "country_of_birth == 'X'",
        'convictions.exists(c, c["hair_color"] == "x")',
        "NATIONALITY == 'X'",
        "in_us && person_race == 'x'",
    ],
)
def test_a_rule_naming_a_protected_attribute_fails_to_load(when: str) -> None:
    with pytest.raises(PolicyError, match="names a protected attribute") as err:
        parse_policy("p.yaml", _policy(when))
    assert "p.yaml" in str(err.value) and "'r1'" in str(err.value)


def test_no_fact_of_the_schema_is_a_protected_word() -> None:
    assert not set(FACTS) & PROTECTED
    assert all(not set(name.split("_")) & PROTECTED for name in FACTS)


def test_sexual_abuse_is_a_crime_category_not_a_protected_word() -> None:
    parse_policy("p.yaml", _policy("convictions.exists(c, c.category == 'sexual_abuse')"))


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("in_us &&", "does not compile"),
        ("favourite_colour == 'red'", "not in the fact schema: favourite_colour"),
        ("convictions.exists(c, c.class == 'felony') && debts > 0", "debts"),
    ],
)
def test_bad_rules_are_named(when: str, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        parse_policy("p.yaml", _policy(when))


def test_a_policy_file_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nversion: 1\n")
    with pytest.raises(PolicyError, match=r"broken\.yaml: missing 'title'"):
        load_policy(path)
    path.write_text("- a list\n")
    with pytest.raises(PolicyError, match=r"broken\.yaml: a policy is a mapping"):
        load_policy(path)


def test_rule_ids_are_unique_and_tiers_known() -> None:
    twice = _policy("in_us")
    twice["rules"] = twice["rules"] * 2
    with pytest.raises(PolicyError, match="used twice: r1"):
        parse_policy("p.yaml", twice)
    wrong = _policy("in_us")
    wrong["rules"][0]["tier"] = "highest"
    with pytest.raises(PolicyError, match="'highest' is not one of high"):
        parse_policy("p.yaml", wrong)


def test_every_fact_is_documented() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "policy.md").read_text(encoding="utf-8")
    assert [name for name in FACTS if f"| `{name}` |" not in doc] == []
