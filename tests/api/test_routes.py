"""The role × route × purpose matrix over HTTP (allowed, refused, purpose missing, no token),
every call audited, field projection per role, the error shape, idempotency, and a failing
audit write failing the request."""

from __future__ import annotations

import itertools

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from sojourn.access.model import PURPOSES, ROLES
from tests.api.conftest import World

CI, CE, RD, OA, ST, AD = (
    "criminal_investigation",
    "civil_enforcement",
    "redress",
    "oversight_audit",
    "statistics",
    "administration",
)
READ = {
    "analyst": {CI},
    "officer": {CE},
    "supervisor": {CE},
    "redress_officer": {RD},
    "privacy_officer": {OA},
}
REPORTS = {r: {ST, CI, CE, OA} for r in ("analyst", "officer", "supervisor", "privacy_officer")}
SEARCH = {r: p for r, p in READ.items() if r != "privacy_officer"}
ALLOWED = {
    "person": READ,
    "search": SEARCH,
    "status": {
        r: p for r, p in READ.items() if r != "privacy_officer"
    },  # needs immigration history
    "users": {"administrator": {AD}},
    "audit": {"privacy_officer": {OA}},
    "reports": REPORTS,
    "export": {"analyst": {CI}, "redress_officer": {RD}},
    "cases": {**READ},
    "policies": {r: set(PURPOSES) for r in ROLES},
}


def _person(world: World, sql: str) -> str:
    with world.engine.connect() as conn:
        return str(conn.execute(text(sql)).scalar_one())


def _some_person(world: World) -> str:
    return _person(world, "SELECT person_id FROM links ORDER BY id LIMIT 1")


def _routes(person: str) -> dict[str, list[str]]:
    return {
        "person": [f"/persons/{person}", f"/persons/{person}/records", f"/persons/{person}/links"],
        "search": ["/persons/search?identifier=X1234567"],
        "export": [f"/persons/{person}/export?as_of=2025-09-30"],
        "cases": ["/cases?limit=5"],
        "policies": ["/policies"],
        "status": [
            f"/persons/{person}/status?as_of=2025-09-30",
            f"/persons/{person}/assessment?as_of=2025-09-30",
        ],
        "users": ["/users"],
        "audit": ["/audit/events?limit=5", "/audit/verify"],
        "reports": [
            "/reports/overstay?fy=2025&as_of=2025-09-30",
            "/reports/departures?from=2025-01-01&as_of=2025-09-30",
        ],
    }


@pytest.mark.parametrize("role", list(ROLES))
def test_role_route_purpose_matrix(world: World, role: str) -> None:
    person = _some_person(world)
    token = {"Authorization": f"Bearer {world.token(role)}"}
    for group, urls in _routes(person).items():
        for url, purpose in itertools.product(urls, PURPOSES):
            before = world.audit_count()
            answer = world.client.get(url, headers={**token, "X-Purpose-Of-Use": purpose})
            expected = 200 if purpose in ALLOWED[group].get(role, set()) else 403
            assert answer.status_code == expected, (role, url, purpose, answer.text)
            assert world.audit_count() == before + 1  # allowed or refused, it is audited
        for url in urls:
            assert world.client.get(url, headers=token).json()["error"]["code"] == (
                "purpose_required"
            )
            assert world.client.get(url).status_code == 401


def _records(world: World, role: str, purpose: str, person: str) -> list[dict[str, object]]:
    answer = world.client.get(f"/persons/{person}/records", headers=world.headers(role, purpose))
    assert answer.status_code == 200, answer.text
    return list(answer.json())


def test_field_projection_per_role(world: World) -> None:
    asylum = _person(
        world,
        "SELECT l.person_id FROM links l JOIN records r ON r.id = l.record_id "
        "WHERE r.kind = 'status' AND r.event LIKE '%I-589%' ORDER BY l.id LIMIT 1",
    )
    convicted = _person(
        world,
        "SELECT l.person_id FROM links l JOIN records r ON r.id = "
        "l.record_id WHERE r.kind = 'conviction' ORDER BY l.id LIMIT 1",
    )
    for person in (asylum, convicted):
        officer = _records(world, "officer", CE, person)
        assert all(r["field_group"] not in ("asylum", "audit") for r in officer)
        assert not any(
            {"offense", "statute", "facility", "charge"} & set(r["event"])  # type: ignore[arg-type]
            for r in officer
        )
    assert any(r["field_group"] == "asylum" for r in _records(world, "redress_officer", RD, asylum))
    status = world.client.get(
        f"/persons/{asylum}/status?as_of=2025-09-30", headers=world.headers("officer", CE)
    ).json()
    named = {r for i in status["intervals"] for r in i["records"]}
    shown = {r["id"] for r in _records(world, "officer", CE, asylum)}
    assert named <= shown | {"withheld"}
    analyst = _records(world, "analyst", CI, convicted)
    assert any("offense" in r["event"] for r in analyst if r["kind"] == "conviction")  # type: ignore[operator]
    privacy = world.client.get(
        f"/persons/{convicted}", headers=world.headers("privacy_officer", OA)
    )
    assert privacy.json()["field_groups"] == ["audit", "identity"]
    assert set(privacy.json()["identity"]) <= {
        "given_name",
        "middle_name",
        "family_name",
        "full_name",
        "name_original",
        "birth_date",
        "sex",
        "nationality",
        "birth_place",
    }
    assert privacy.json()["records"] == {}


def test_error_shape_and_unknown_person(world: World) -> None:
    answer = world.client.get("/persons/P-none", headers=world.headers("analyst", CI))
    assert answer.status_code == 404
    body = answer.json()["error"]
    assert body["code"] == "not_found" and body["request_id"] == answer.headers["X-Request-Id"]
    bad = world.client.get("/reports/overstay?fy=abc", headers=world.headers("analyst", ST))
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"
    wrong = world.client.post("/auth/login", json={"username": "nobody", "password": "nope"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "login_failed"
    codes = [
        world.client.post("/auth/login", json={"username": "nobody", "password": "x"}).status_code
        for _ in range(25)
    ]
    assert codes[-1] == 429 and set(codes) == {401, 429}


def test_idempotent_user_creation(world: World) -> None:
    headers = {**world.headers("administrator", AD), "Idempotency-Key": "key-0001-abc"}
    body = {"username": "new.officer", "role": "officer", "password": "twelve chars long"}
    first = world.client.post("/users", json=body, headers=headers)
    again = world.client.post("/users", json=body, headers=headers)
    assert first.status_code == 201 and again.status_code == 201
    assert first.json() == again.json()
    names = [u["username"] for u in world.client.get("/users", headers=headers).json()]
    assert names.count("new.officer") == 1
    other = world.client.post(
        "/users", json=body, headers={**headers, "Idempotency-Key": "k2-xxxxxxx"}
    )
    assert other.status_code == 409


def test_a_failing_audit_write_fails_the_request(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = _some_person(world)
    headers = world.headers("analyst", CI)

    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("sojourn.api.security.append", broken)
    client = TestClient(world.client.app, raise_server_exceptions=False)
    answer = client.get(f"/persons/{person}", headers=headers)
    assert answer.status_code == 500
    assert answer.json()["error"]["code"] == "internal_error" and "identity" not in answer.text


def test_search_by_name_and_birth_date_or_identifier(world: World) -> None:
    with world.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT l.person_id, r.given_name, r.family_name, r.birth_date, r.passport_number "
                "FROM links l JOIN records r ON r.id = l.record_id WHERE r.kind = 'arrival' AND "
                "r.birth_date IS NOT NULL AND r.passport_number IS NOT NULL ORDER BY l.id LIMIT 1"
            )
        ).one()
    headers = world.headers("officer", CE)
    name = f"{row.given_name} {row.family_name}"
    found = world.client.get(
        "/persons/search", params={"name": name, "birth_date": row.birth_date}, headers=headers
    ).json()
    assert found[0]["person_id"] == row.person_id and "name" in found[0]["matched"]
    by_id = world.client.get(
        "/persons/search", params={"identifier": row.passport_number}, headers=headers
    ).json()
    assert row.person_id in [h["person_id"] for h in by_id]
    protected = world.client.get("/persons/search", params={"sex": "F"}, headers=headers)
    assert protected.status_code == 422
    log = world.client.get("/audit/events?limit=20", headers=world.headers("privacy_officer", OA))
    searches = [e for e in log.json() if e["action"] == "person.search"]
    assert searches[0]["decision"] == "deny"  # the refused search (422) is on the record
    found_by = [e for e in searches if e["decision"] == "allow"]
    assert found_by and row.person_id in found_by[0]["resource_ids"]
