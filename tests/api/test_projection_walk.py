"""Every API route and every page, as every role for each purpose it may use, on a store
holding a person with a record of every kind: no response carries a planted value of a field
group the role lacks for the purpose (an asylum or adjustment application, its record id or
its receipt; an A-number or passport number; an address; an offense, statute or sentence…).
A route with no sample request fails the walk, so a new route is walked from the start."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import Engine

from sojourn.access.authz import Principal, authorizer
from sojourn.access.model import ROLES
from sojourn.access.users import get_user
from sojourn.api.app import api_routes, create_app
from sojourn.settings import get_settings
from sojourn.web.pages_auth import purposes_for
from tests.api import walk_store as ws
from tests.api.conftest import PASSWORD

Sample = tuple[str, dict[str, Any] | None]  # url, body (JSON for the API, a form for pages)
P, CASE, TASK = ws.PERSON, "{case}", "{task}"
NAME = "name=Zyxplant%20Qorvath&birth_date=1988-04-12"
API: dict[tuple[str, str], list[Sample]] = {
    ("POST", "/auth/login"): [("/auth/login", {"username": "nobody-walk", "password": "x" * 12})],
    ("GET", "/users"): [("/users", None)],
    ("POST", "/users"): [("/users", {"username": "walk-{role}", "role": "analyst",
                                     "password": PASSWORD})],
    ("GET", "/audit/events"): [(f"/audit/events?person={P}", None),
                               ("/audit/events?actor=redress_officer", None)],
    ("GET", "/audit/verify"): [("/audit/verify", None)],
    ("GET", "/reports/overstay"): [("/reports/overstay?fy=2024", None)],
    ("GET", "/reports/departures"): [("/reports/departures?from=2024-01-01", None)],
    ("GET", "/persons/search"): [(f"/persons/search?identifier={ws.PASSPORT}", None),
                                 (f"/persons/search?identifier={ws.A_NUMBER}", None),
                                 (f"/persons/search?{NAME}", None)],
    ("GET", "/persons/{person_id}"): [(f"/persons/{P}", None)],
    ("GET", "/persons/{person_id}/records"): [(f"/persons/{P}/records", None)],
    ("GET", "/persons/{person_id}/links"): [(f"/persons/{P}/links", None)],
    ("GET", "/persons/{person_id}/status"): [(f"/persons/{P}/status", None)],
    ("GET", "/persons/{person_id}/export"): [(f"/persons/{P}/export", None)],
    ("GET", "/persons/{person_id}/assessment"): [(f"/persons/{P}/assessment", None)],
    ("GET", "/cases"): [(f"/cases?person={P}", None), ("/cases", None)],
    ("GET", "/cases/{case_id}"): [(f"/cases/{CASE}", None)],
    ("POST", "/cases/{case_id}/tasks"): [(f"/cases/{CASE}/tasks",
                                          {"type": "legal_review", "reason": "walk"})],
    ("POST", "/tasks/{task_id}/status"): [(f"/tasks/{TASK}/status",
                                           {"to": "on_hold", "reason": "walk"})],
    ("POST", "/tasks/{task_id}/assignee"): [(f"/tasks/{TASK}/assignee",
                                             {"kind": "user", "assignee": "officer",
                                              "reason": "walk"})],
    ("POST", "/tasks/{task_id}/decision"): [(f"/tasks/{TASK}/decision",
                                             {"outcome": "approve", "finding": "walk"})],
    ("POST", "/persons/{person_id}/redress"): [(f"/persons/{P}/redress",
                                                {"kind": "record", "requester": "walk",
                                                 "statement": "walk", "subject": {}})],
    ("POST", "/redress/{redress_id}/decision"): [("/redress/{redress}/decision",
                                                  {"outcome": "denied", "finding": "walk"})],
    ("GET", "/redress/{redress_id}"): [("/redress/{redress}", None)],
    ("GET", "/policies"): [("/policies", None)],
    ("POST", "/policy/active"): [("/policy/active", {"policy": "none@walk", "reason": "walk"})],
    ("POST", "/persons/{person_id}/follow"): [(f"/persons/{P}/follow", {})],
    ("POST", "/cases/{case_id}/follow"): [(f"/cases/{CASE}/follow", {})],
    ("GET", "/alerts"): [("/alerts", None)],
}  # fmt: skip
PAGES: dict[tuple[str, str], list[Sample]] = {
    ("GET", "/"): [("/", None)],
    ("GET", "/ui/login"): [("/ui/login", None)],
    ("POST", "/ui/login"): [("/ui/login", {"username": "nobody-walk", "password": "x" * 12})],
    ("GET", "/ui/purpose"): [("/ui/purpose", None)],
    ("POST", "/ui/purpose"): [("/ui/purpose", {"purpose": "{purpose}"})],
    ("GET", "/ui/"): [("/ui/", None)],
    ("GET", "/ui/search"): [(f"/ui/search?identifier={ws.PASSPORT}", None),
                            (f"/ui/search?{NAME}", None)],
    ("GET", "/ui/persons/{person_id}"): [(f"/ui/persons/{P}", None)],
    ("GET", "/ui/reviews"): [("/ui/reviews", None)],
    ("GET", "/ui/reviews/{review_id}"): [("/ui/reviews/{review}", None)],
    ("POST", "/ui/reviews/{review_id}"): [("/ui/reviews/{review}",
                                           {"verdict": "unsure", "reason": "x"})],
    ("POST", "/ui/reviews/{review_id}/claim"): [("/ui/reviews/{review}/claim",
                                                 {"action": "claim"})],
    ("GET", "/ui/cases"): [("/ui/cases", None)],
    ("GET", "/ui/cases/{case_id}"): [(f"/ui/cases/{CASE}", None)],
    ("POST", "/ui/tasks/{task_id}"): [(f"/ui/tasks/{TASK}", {"action": "hold", "reason": "walk",
                                                            "case_id": CASE})],
    ("POST", "/ui/tasks/{task_id}/assignee"): [(f"/ui/tasks/{TASK}/assignee",
                                                {"assignee": "officer", "reason": "walk",
                                                 "case_id": CASE})],
    ("POST", "/ui/persons/{person_id}/redress"): [(f"/ui/persons/{P}/redress",
                                                   {"kind": "record", "requester": "walk",
                                                    "statement": "walk"})],
    ("GET", "/ui/redress"): [("/ui/redress", None)],
    ("GET", "/ui/redress/{redress_id}"): [("/ui/redress/{redress}", None)],
    ("POST", "/ui/redress/{redress_id}"): [("/ui/redress/{redress}",
                                            {"outcome": "walk", "finding": "walk"})],
    ("GET", "/ui/records/{record_id}/explain"): [
        (f"/ui/records/{r}/explain", None) for r in (ws.ASYLUM_ID, ws.ADJUSTMENT_ID,
                                                      ws.ARRIVAL_ID, ws.record_id("ZYXCONV00001"))
    ],
    ("GET", "/ui/dashboard"): [("/ui/dashboard?fy=2024", None)],
    ("GET", "/ui/audit"): [(f"/ui/audit?person={P}", None)],
    ("GET", "/ui/audit.csv"): [(f"/ui/audit.csv?person={P}", None)],
    ("POST", "/ui/audit/verify"): [("/ui/audit/verify", {})],
    ("GET", "/ui/users"): [("/ui/users", None)],
    ("POST", "/ui/persons/{person_id}/follow"): [(f"/ui/persons/{P}/follow", {})],
    ("POST", "/ui/cases/{case_id}/follow"): [(f"/ui/cases/{CASE}/follow", {})],
    ("GET", "/ui/alerts"): [("/ui/alerts", None)],
    ("GET", "/ui/alerts/stream"): [("/ui/alerts/stream?seconds=0.5", None)],
    ("POST", "/ui/logout"): [("/ui/logout", {})],  # last: it ends the session
}  # fmt: skip


@dataclass
class Walk:
    client: TestClient
    planted: ws.Planted

    def url(self, template: str, role: str, purpose: str) -> str:
        p = self.planted
        return template.format(case=p.case_id, task=p.legal_review, redress=p.redress_open,
                               review=p.review_id, role=role, purpose=purpose)  # fmt: skip


@pytest.fixture(scope="module")
def walk(population: Engine) -> Iterator[Walk]:
    mp = pytest.MonkeyPatch()
    mp.setenv("SOJOURN_LOGIN_RATE_PER_MINUTE", "100000")
    mp.setenv("SOJOURN_SEARCH_RATE_PER_MINUTE", "100000")
    get_settings.cache_clear()
    planted = ws.plant(population)
    ws.alert_everyone(population, list(ROLES))
    with TestClient(create_app(population)) as client:
        yield Walk(client, planted)
    mp.undo()
    get_settings.cache_clear()


def _principal(engine: Engine, role: str) -> Principal:
    with engine.connect() as conn:
        user = get_user(conn, role)
    assert user is not None
    return user.principal()


def _leaks(body: str, groups: frozenset[str]) -> list[str]:
    """The planted values of groups the caller lacks that the body carries."""
    found = []
    for group, markers in ws.MARKERS.items():
        if group in groups:
            continue
        for m in markers:
            if re.search(rf"(?<![0-9A-Za-z]){re.escape(m)}(?![0-9A-Za-z])", body, re.I):
                found.append(f"{group}: {m}")
    return found


def _sampled(samples: dict[tuple[str, str], list[Sample]], api: bool) -> list[tuple[str, str]]:
    routes = [r for r in api_routes(create_app_routes()) if r.include_in_schema == api]
    wanted = [(m, r.path) for r in routes for m in sorted(r.methods)]
    missing = [w for w in wanted if w not in samples]
    assert not missing, f"routes with no sample request in the walk: {missing}"
    return sorted(wanted, key=lambda w: (w[0] != "GET", w[1] == "/ui/logout"))


def create_app_routes() -> list[Any]:
    from sojourn.store import make_engine

    return list(create_app(make_engine("sqlite://")).routes)


def _api_call(w: Walk, method: str, url: str, body: Any, headers: dict[str, str]) -> Response:
    if method == "GET":
        return w.client.get(url, headers=headers)
    key = {"Idempotency-Key": f"walk-{abs(hash((url, str(headers))))}"}
    return w.client.post(url, json=body, headers={**headers, **key})


def test_no_api_route_shows_a_group_the_role_lacks(walk: Walk, population: Engine) -> None:
    leaks: list[str] = []
    for role in ROLES:
        login = walk.client.post("/auth/login", json={"username": role, "password": PASSWORD})
        token = login.json()["access_token"]
        who = _principal(population, role)
        for purpose, _ in purposes_for(who):
            groups, _ = authorizer().field_groups(who, purpose)
            headers = {"Authorization": f"Bearer {token}", "X-Purpose-Of-Use": purpose}
            for method, path in _sampled(API, api=True):
                for template, body in API[(method, path)]:
                    url = walk.url(template, role, purpose)
                    answer = _api_call(walk, method, url, _fill(walk, body, role), headers)
                    assert answer.status_code < 500, (url, answer.text)
                    leaks += [f"{role}/{purpose} {method} {url}: {x}"
                              for x in _leaks(answer.text, groups)]  # fmt: skip
    assert not leaks, "\n".join(leaks)


def _fill(w: Walk, body: dict[str, Any] | None, role: str) -> dict[str, Any] | None:
    if body is None:
        return None
    return {k: w.url(v, role, "") if isinstance(v, str) else v for k, v in body.items()}


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    return found.group(1) if found else ""


def _sign_in(client: TestClient, role: str, purpose: str) -> None:
    form = {"username": role, "password": PASSWORD, "csrf": _csrf(client.get("/ui/login").text)}
    answer = client.post("/ui/login", data=form)
    assert answer.status_code == 200 and answer.url.path == "/ui/purpose", answer.text
    chosen = {"purpose": purpose, "csrf": _csrf(answer.text)}
    client.post("/ui/purpose", data=chosen)  # then its landing page, allowed or not
    assert client.cookies.get("sojourn_purpose") == purpose


def test_no_page_shows_a_group_the_role_lacks(walk: Walk, population: Engine) -> None:
    leaks: list[str] = []
    app = walk.client.app
    for role in ROLES:
        who = _principal(population, role)
        for purpose, _ in purposes_for(who):
            groups, _ = authorizer().field_groups(who, purpose)
            with TestClient(app) as client:
                _sign_in(client, role, purpose)
                for method, path in _sampled(PAGES, api=False):
                    for template, body in PAGES[(method, path)]:
                        url = walk.url(template, role, purpose)
                        answer = _page(client, walk, method, url, body, role, purpose)
                        assert answer.status_code < 500, (url, answer.text)
                        leaks += [f"{role}/{purpose} {method} {url}: {x}"
                                  for x in _leaks(answer.text, groups)]  # fmt: skip
    assert not leaks, "\n".join(leaks)


def _page(
    client: TestClient, w: Walk, method: str, url: str, body: dict[str, Any] | None,
    role: str, purpose: str,
) -> Response:  # fmt: skip
    if method == "GET":
        return client.get(url)
    csrf = _csrf(client.get("/ui/purpose").text)
    form = {k: w.url(str(v), role, purpose) for k, v in (body or {}).items()}
    return client.post(url, data={**form, "csrf": csrf})
