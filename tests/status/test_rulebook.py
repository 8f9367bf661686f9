"""The status rules as data: every built-in rule cited and valid; versions by date; proposed
rules only on request; broken files rejected with the file, rule and key named."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sojourn.status.rulebook import RuleError, default_rules, load_rules

DAY = dt.date(2024, 6, 1)

#: Every rule the issue lists, by id: the rule book must have each one.
REQUIRED = (
    "admission.fixed_period", "admission.visa_waiver", "admission.duration_of_status",
    "grace.f1_completion", "grace.f1_withdrawal", "grace.f1_termination",
    "grace.j1_program_end", "grace.employment_validity", "grace.employment_cessation",
    "application.extension_or_change_pending", "application.approval_retroactive",
    "application.denial", "application.adjustment_pending", "tps.designation",
    "deferred_action", "parole", "citizenship.naturalization", "citizenship.evidence",
    "proceedings.nta_filed", "order.final_no_appeal", "order.final_in_absentia",
    "order.appeal_pending", "order.alternate_after_voluntary_departure",
    "voluntary_departure.before_end_of_proceedings", "voluntary_departure.end_of_proceedings",
    "removal.executed", "unlawful_presence.accrual", "unlawful_presence.minor",
    "unlawful_presence.duration_of_status", "bar.three_year", "bar.ten_year",
    "departure.biometric_exit", "departure.carrier_manifest", "departure.land_exchange",
    "departure.self_departure_verified", "departure.self_departure_intent",
)  # fmt: skip


def test_every_required_rule_is_there_with_a_citation() -> None:
    book = default_rules()
    for rule_id in REQUIRED:
        rule = book.require(rule_id, DAY)
        assert rule.citation.strip() and rule.title.strip(), rule_id


def test_grace_periods_as_published() -> None:
    book = default_rules()
    grace = {r: book.require(r, DAY).param("grace_days") for r in REQUIRED if "grace." in r}
    assert grace == {
        "grace.f1_completion": 60, "grace.f1_withdrawal": 15, "grace.f1_termination": 0,
        "grace.j1_program_end": 30, "grace.employment_validity": 10,
        "grace.employment_cessation": 60,
    }  # fmt: skip
    assert book.require("admission.visa_waiver", DAY).param("max_stay_days") == 90
    assert "WT" in book.require("admission.visa_waiver", DAY).classes


def test_a_proposed_rule_is_used_only_on_request() -> None:
    book = default_rules()
    later = dt.date(2027, 1, 1)
    assert book.rule("admission.fixed_period_students", later) is None
    proposed = book.require("admission.fixed_period_students", later, proposed=True)
    assert proposed.status == "proposed" and proposed.param("f_grace_days") == 30
    assert book.rule("admission.fixed_period_students", DAY, proposed=True) is None


def _write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "r.yaml").write_text(body, encoding="utf-8")
    return tmp_path


VERSIONS = """rules:
  - {id: grace.x, title: old, citation: "8 CFR 1", effective: {to: 2019-12-31},
     params: {grace_days: 60}}
  - {id: grace.x, title: new, citation: "8 CFR 2", effective: {from: 2020-01-01},
     params: {grace_days: 30}}
"""


def test_a_later_version_takes_over_on_its_date(tmp_path: Path) -> None:
    book = load_rules(_write(tmp_path, VERSIONS))
    assert book.require("grace.x", dt.date(2019, 12, 31)).param("grace_days") == 60
    assert book.require("grace.x", dt.date(2020, 1, 1)).param("grace_days") == 30
    with pytest.raises(KeyError, match="no parameter"):
        book.require("grace.x", DAY).param("nope")


BROKEN = [
    ("rules: [{id: a.b, title: t}]", "r.yaml: rule a.b: 'citation' is required text"),
    ("rules: [{id: A-B, title: t, citation: c}]", "'id' must be dotted lower-case"),
    ("rules: [{id: a.b, title: t, citation: c, race: x}]", "unknown keys ['race']"),
    ("rules: [{id: a.b, title: t, citation: c, classes: [XX9]}]", "not in the class_of_admission"),
    ("rules: [{id: a.b, title: t, citation: c, effective: {from: soon}}]", "must be a date"),
    ("rules: [{id: a.b, title: t, citation: c, status: draft}]", "'status' must be one of"),
    (
        "rules: [{id: a.b, title: t, citation: c, effective: {from: 2020-01-02, to: 2020-01-01}}]",
        "effective.to is before",
    ),
    (
        "rules: [{id: a.b, title: t, citation: c}, {id: a.b, title: u, citation: d}]",
        "in force on the same days",
    ),
    ("nothing: here", "expected a top-level 'rules' list"),
]


@pytest.mark.parametrize(("body", "message"), BROKEN)
def test_a_broken_rule_file_fails_to_load(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(RuleError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_rules(_write(tmp_path, body))
