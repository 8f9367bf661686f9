"""Redress remedies work for the requester: an uphold never makes a person enforcement-ready,
gives them a priority or takes their citizenship evidence away; a finding gives its event
fields only (the identity comes from the person's own record); a judgement never separates a
person from citizenship evidence."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from sojourn.cases.model import Actor, WorkflowError
from sojourn.cases.remedy import Finding, check_favourable, record_finding
from tests.cases.conftest import plant_person

SUPERVISOR = Actor("sam", "supervisor")
BEFORE = {"status": "overstay", "priority": None, "stops": ["citizenship"], "ready": False}


@pytest.mark.parametrize(
    ("after", "harm"),
    [({**BEFORE, "ready": True, "stops": ["citizenship"]}, "enforcement-ready"),
     ({**BEFORE, "priority": "overstay"}, "priority overstay"),
     ({**BEFORE, "stops": []}, "citizenship evidence")],
)  # fmt: skip
def test_an_uphold_never_works_against_the_requester(after: dict[str, object], harm: str) -> None:
    with pytest.raises(WorkflowError, match=harm):
        check_favourable(BEFORE, after)
    check_favourable(BEFORE, {**BEFORE, "status": "in_status"})  # for them: allowed


def test_a_finding_gives_its_event_fields_only(engine: Engine) -> None:
    given = {"form": "I-539", "filed_on": "2024-01-02", "outcome": "approved",
             "family_name": "Someone Else"}  # fmt: skip
    finding = Finding("status", given, "I-797A approval notice")
    with engine.begin() as conn:
        plant_person(conn, "P-FIND")
        with pytest.raises(WorkflowError, match="not family_name"):
            record_finding(conn, 1, "P-FIND", finding, SUPERVISOR, "extension approved")
        bad = Finding("status", {"form": "I-539", "outcome": "approved"}, "I-797A approval notice")
        with pytest.raises(WorkflowError, match="not a valid status record"):
            record_finding(conn, 1, "P-FIND", bad, SUPERVISOR, "no filing date")
        made, anchor = record_finding(conn, 1, "P-FIND", Finding(
            "status", {"form": "I-539", "filed_on": "2024-01-02", "outcome": "approved"},
            "I-797A approval notice"), SUPERVISOR, "extension approved")  # fmt: skip
    assert anchor == "rec-P-FIND" and made != anchor
