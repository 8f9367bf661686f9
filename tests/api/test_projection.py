"""Withholding by inference: to an officer (no asylum group), a person with a pending asylum
application and one with a pending adjustment read the same in every view — the person, the
records, the status timeline, the assessment, the case — once their own ids are set aside.
The redress officer (who may see asylum applications) tells them apart."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from sqlalchemy import Engine, func, insert, select

from sojourn.cases.recompute import recompute
from sojourn.records.tables import IDENTITY_COLUMNS, records
from sojourn.resolve.tables import links, runs
from tests.api.conftest import World

CE, RD = "civil_enforcement", "redress"
TWINS = {"Ptwinasylum0001": "I-589", "Ptwinadjust0001": "I-485"}


def _plant(engine: Engine, person: str, form: str) -> None:
    who = {**dict.fromkeys(IDENTITY_COLUMNS), "given_name": "Twin", "family_name": "Alike",
           "birth_date": "1990-01-01", "nationality": "HND"}  # fmt: skip
    rows = [
        {"id": f"{person}arrival"[:32], "kind": "arrival", "event_date": dt.date(2023, 1, 5),
         "event": {"arrival_date": "2023-01-05", "port": "MIA", "mode": "air",
                   "class_of_admission": "B2", "admit_until": "2023-07-04",
                   "duration_of_status": False}},
        {"id": f"{person}relief"[:32], "kind": "status", "event_date": dt.date(2023, 3, 1),
         "event": {"form": form, "filed_on": "2023-03-01", "decided_on": None,
                   "outcome": "pending", "new_class": None, "valid_until": None}},
    ]  # fmt: skip
    with engine.begin() as conn:
        run = conn.execute(select(func.max(runs.c.id))).scalar_one()
        for n, r in enumerate(rows):
            conn.execute(
                insert(records).values(
                    **who,
                    id=r["id"],
                    batch_id="twins",
                    source=f"twin-{r['kind']}",
                    source_record_id=r["id"],
                    kind=r["kind"],
                    file="twins.jsonl",
                    row=n + 1,
                    event_date=r["event_date"],
                    event=json.dumps(r["event"]),
                    raw="{}",
                )
            )
            conn.execute(insert(links).values(
                record_id=r["id"], person_id=person, run_id=run, method="single",
                model_version="twins", match_probability=None,
                linked_at=dt.datetime.now(dt.UTC)))  # fmt: skip


def _views(world: World, role: str, purpose: str, person: str) -> str:
    headers = world.headers(role, purpose)
    got: dict[str, Any] = {}
    for part in ("", "/records", "/status?as_of=2025-09-30", "/assessment?as_of=2025-09-30"):
        answer = world.client.get(f"/persons/{person}{part}", headers=headers)
        assert answer.status_code == 200, answer.text
        got[part] = answer.json()
    got["assessment"] = {k: v for k, v in got["/assessment?as_of=2025-09-30"].items()
                         if k != "history"}  # fmt: skip
    del got["/assessment?as_of=2025-09-30"]
    (case,) = world.client.get(f"/cases?person={person}", headers=headers).json()
    detail = world.client.get(f"/cases/{case['id']}", headers=headers).json()
    got["case"] = {k: v for k, v in detail.items() if k not in ("id", "opened_at", "assessment_id")}
    got["tasks"] = [{k: t[k] for k in ("type", "status", "detail")}
                    for t in detail["tasks"]]  # fmt: skip
    del got["case"]["tasks"]
    text = json.dumps(got, sort_keys=True)
    return re.sub(re.escape(person) + r"\w*", "<own>", text)


def test_an_officer_cannot_tell_asylum_from_adjustment(world: World) -> None:
    for person, form in TWINS.items():
        _plant(world.engine, person, form)
    recompute(world.engine, dt.date(2025, 9, 30), "twins", list(TWINS))
    asylum, adjustment = (_views(world, "officer", CE, p) for p in TWINS)
    assert "I-589" not in asylum and "I-485" not in adjustment
    assert asylum == adjustment, _diff(asylum, adjustment)
    seen = [_views(world, "redress_officer", RD, p) for p in TWINS]
    assert "I-589" in seen[0] and "I-485" in seen[1] and seen[0] != seen[1]


def _diff(a: str, b: str) -> str:
    import difflib

    split = [x.replace(", ", ",\n").splitlines() for x in (a, b)]
    return "\n".join(difflib.unified_diff(*split, lineterm="", n=1))
