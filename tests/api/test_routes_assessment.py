"""The assessment route: the active policy's outcome with its evidence, projected per role
(criminal-history facts need that group; an asylum application is named only to those who may
see it), with the stored history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from sojourn.priority.run import assess_store
from sojourn.priority.store import save
from tests.api.conftest import World

CI, CE, RD = "criminal_investigation", "civil_enforcement", "redress"


def _person(world: World, where: str) -> str:
    sql = (
        "SELECT l.person_id FROM links l JOIN records r ON r.id = l.record_id "
        f"WHERE {where} ORDER BY l.id LIMIT 1"
    )
    with world.engine.connect() as conn:
        return str(conn.execute(text(sql)).scalar_one())


def _get(world: World, role: str, purpose: str, person: str) -> dict[str, object]:
    answer = world.client.get(
        f"/persons/{person}/assessment?as_of=2025-09-30", headers=world.headers(role, purpose)
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_the_assessment_is_projected_per_role(world: World) -> None:
    convicted = _person(world, "r.kind = 'conviction'")
    analyst = _get(world, "analyst", CI, convicted)
    assert analyst["policy"] == "final-orders-and-overstays-2025@2025-01-20"
    assert isinstance(analyst["facts"]["convictions"], list)  # type: ignore[index]
    redress = _get(world, "redress_officer", RD, convicted)
    assert redress["facts"]["convictions"] == "withheld"  # type: ignore[index]
    asylum = _person(world, "r.kind = 'status' AND r.event LIKE '%I-589%' "
                     "AND r.event LIKE '%pending%'")  # fmt: skip
    officer = _get(world, "officer", CE, asylum)
    assert "I-589" not in officer["facts"]["pending_applications"]  # type: ignore[index]
    shown = {
        r["id"]
        for r in world.client.get(
            f"/persons/{asylum}/records", headers=world.headers("officer", CE)
        ).json()
    }
    cited = {r for s in officer["stops"] for r in s["records"]}  # type: ignore[attr-defined]
    assert cited <= shown  # a record the officer may not see is left out, unmarked
    convictions = analyst["facts"]["convictions"]  # type: ignore[index]
    officer_convicted = _get(world, "officer", CE, convicted)["facts"]["convictions"]  # type: ignore[index]
    assert all("category" in c and "sentence_days" in c for c in convictions)
    assert officer_convicted and all(
        "category" not in c and "sentence_days" not in c for c in officer_convicted
    )  # investigative detail: /records strips the offense and the sentence too
    assert "I-589" in _get(world, "redress_officer", RD, asylum)["facts"]["pending_applications"]  # type: ignore[index]
    assert "I-485" not in officer["facts"]["pending_applications"]  # type: ignore[index]
    # the timeline's masking of relief applications: tests/api/test_projection.py (twins)


def test_the_history_is_returned(world: World) -> None:
    person = _person(world, "r.kind = 'arrival'")
    with world.engine.begin() as conn:
        save(conn, assess_store(world.engine, dt.date(2025, 9, 30), person_ids=[person]), "t")
    body = _get(world, "analyst", CI, person)
    assert body["history"] and body["history"][0]["trigger"] == "t"  # type: ignore[index]
