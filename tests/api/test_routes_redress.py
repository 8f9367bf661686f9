"""Redress changes outcomes, over HTTP: the decider must open the request's review (the
person's records and the contested item) first; an uphold carries its remedy; a status
finding that changes nothing is refused with the reason; one that changes the status becomes
a record (source redress) linked to the person, and the recompute reflects it — the overstay
is gone, the approval withdrawn, the person no longer enforcement-ready."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, text

from sojourn.cases.tables import decisions
from sojourn.priority.current import assess_in
from tests.api.conftest import World
from tests.api.test_routes_cases import RD, _case_with_approval, _post

AS_OF = dt.date(2025, 9, 30)


def _overstay(world: World) -> tuple[str, dict[str, Any], int]:
    """An enforcement-ready overstay: (person, their facts, their approval task)."""
    for nth in range(6):
        detail, task = _case_with_approval(world, nth)
        person = detail["person_id"]
        with world.engine.connect() as conn:
            (a,) = assess_in(conn, [person], dt.date.today())
        if a.priority == "overstay":
            return person, a.facts, task
    raise AssertionError("no enforcement-ready overstay in the world")


def _file(world: World, person: str, key: str) -> str:
    body = {"kind": "status", "requester": "the person's attorney",
            "statement": "the overstay is wrong: an extension was approved",
            "subject": {"field": "status"}}  # fmt: skip
    filed = _post(world, "redress_officer", RD, f"/persons/{person}/redress", body, key)
    assert filed.status_code == 201, filed.text
    return f"/redress/{filed.json()['redress_id']}"


def test_an_uphold_changes_the_outcome_or_is_refused(world: World) -> None:
    person, facts, approval = _overstay(world)
    url = _file(world, person, "status-file-1")
    upheld = {"outcome": "upheld", "finding": "status corrected after review"}
    denied = {"outcome": "denied", "finding": "decided without reading the records"}
    unread = _post(world, "redress_officer", RD, f"{url}/decision", denied, "status-1")
    assert unread.status_code == 409 and "review" in unread.text
    review = world.client.get(url, headers=world.headers("redress_officer", RD))
    assert review.status_code == 200 and review.json()["person_id"] == person
    bare = _post(world, "redress_officer", RD, f"{url}/decision", upheld, "status-2")
    assert bare.status_code == 409 and "carries its remedy" in bare.text
    entered = dt.date.fromisoformat(facts["entry_date"])
    ead = {
        "kind": "status",
        "evidence": "I-797 notice shown by the attorney, receipt checked",
        "fields": {
            "form": "I-765",
            "filed_on": (entry := entered + dt.timedelta(10)).isoformat(),
            "outcome": "approved",
            "decided_on": (entry + dt.timedelta(30)).isoformat(),
        },
    }
    useless = {"outcome": "status_found", "finding": "a work permit was approved",
               "status_finding": ead}  # fmt: skip
    refused = _post(world, "redress_officer", RD, f"{url}/decision", useless, "status-3")
    assert refused.status_code == 409 and "changes nothing" in refused.text
    extension = {
        "kind": "status",
        "evidence": "I-797A approval notice, receipt verified in CLAIMS",
        "fields": {
            "form": "I-539",
            "filed_on": entry.isoformat(),
            "outcome": "approved",
            "decided_on": (entry + dt.timedelta(30)).isoformat(),
            "new_class": facts["class_of_admission"],
            "valid_until": (dt.date.today() + dt.timedelta(400)).isoformat(),
        },
    }
    remedy = {"outcome": "status_found", "finding": "an extension of stay was approved",
              "status_finding": extension}  # fmt: skip
    told = _post(world, "redress_officer", RD, f"{url}/decision", remedy, "status-4")
    assert told.status_code == 200, told.text
    with world.engine.connect() as conn:
        (after,) = assess_in(conn, [person], dt.date.today())
        source = conn.execute(text("SELECT source FROM records WHERE id = :r"),
                              {"r": told.json()["records"][0]}).scalar_one()  # fmt: skip
        made = list(conn.execute(select(decisions).where(decisions.c.task_id == approval)))
    assert source == "redress-finding-status" and after.facts["status"] != "overstay"
    assert not after.enforcement_ready and after.priority is None
    assert not any(d.outcome == "approve" for d in made)  # the approval was never given
