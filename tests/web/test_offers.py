"""What the case page offers on a task (issue 18, item 5), the start table, the error page's
way back and the role's article, without a browser."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.requests import Request

import sojourn.web
from sojourn.access.authz import Principal
from sojourn.cases.model import Actor
from sojourn.web.offers import Context, Offer, offers
from sojourn.web.security import DOING, role_words
from sojourn.web.start import START, back_to, opens, start_page


def _case(*tasks: dict[str, Any], redress: str | None = None) -> dict[str, Any]:
    rows = [{"id": i + 1, "parent_id": None, "detail": {}, **t} for i, t in enumerate(tasks)]
    return {"person_id": "P1", "tasks": rows, "redress": [{"status": redress}] if redress else []}


def _offer(role: str, task: dict[str, Any], stops: list[str] | None = None,
           works: bool = True, **case: Any) -> Offer:  # fmt: skip
    found = _case(task, **case)
    children = {}
    for t in found["tasks"]:
        if t["parent_id"]:
            children[t["parent_id"]] = children.get(t["parent_id"], 0) + 1
    frozen = any(r["status"] == "open" for r in found["redress"])
    ctx = Context(Actor(role, role), works, frozen, children, cast(Engine, None), "P1",
                  list(stops or []))  # fmt: skip
    return offers(found, ctx)[1]


def _actions(o: Offer) -> list[str]:
    return [a for a, _ in o.moves]


def test_an_on_hold_approval_is_not_decided() -> None:
    o = _offer("supervisor", {"type": "supervisor_approval", "status": "on_hold"})
    assert _actions(o) == ["start", "back"] and o.outcomes == [] and o.cancel
    assert any(h.startswith("Decide: a task on hold") for h in o.held)


def test_only_a_supervisor_decides_an_approval_or_cancels_it() -> None:
    o = _offer("officer", {"type": "supervisor_approval", "status": "assigned"})
    assert _actions(o) == ["start", "hold"] and o.outcomes == [] and not o.cancel
    assert any("only a supervisor may complete" in h for h in o.held)
    o = _offer("supervisor", {"type": "supervisor_approval", "status": "assigned"})
    assert o.outcomes == ["approve", "reject"] and o.cancel


def test_a_hard_stop_holds_back_the_approval_but_not_the_rejection() -> None:
    task = {"type": "supervisor_approval", "status": "in_progress"}
    o = _offer("supervisor", task, stops=["hard stop citizenship"])
    assert o.outcomes == ["reject"]
    assert any(h.startswith("Decide approve: hard stops hold: hard stop citizenship")
               for h in o.held)  # fmt: skip


def test_a_task_waiting_on_a_child_may_only_wait() -> None:
    parent = {"type": "legal_review", "status": "in_progress"}
    child = {"type": "identity_review", "status": "assigned", "parent_id": 1}
    found = _case(parent, child)
    ctx = Context(Actor("analyst", "analyst"), True, False, {1: 1}, cast(Engine, None), "P1", [])
    o = offers(found, ctx)[1]
    assert _actions(o) == ["hold"] and not o.cancel
    assert any("waits on 1 open child" in h for h in o.held)


def test_an_open_redress_request_freezes_enforcement() -> None:
    task = {"type": "departure_verification", "status": "assigned"}
    o = _offer("officer", task, redress="open")
    assert "start" not in _actions(o) and "complete" not in _actions(o)
    assert any("frozen while a redress request is open" in h for h in o.held)


def test_a_plain_task_completes_and_a_reader_is_offered_nothing() -> None:
    task = {"type": "legal_review", "status": "assigned"}
    assert _actions(_offer("analyst", task)) == ["start", "hold", "complete"]
    assert _offer("analyst", task).cancel
    assert _offer("privacy_officer", task, works=False) == Offer()
    assert _offer("privacy_officer", task).held  # the workflow refuses a non-case role too


@pytest.mark.parametrize(("role", "purposes"), list(START.items()))
def test_every_start_page_opens_for_its_role(role: str, purposes: dict[str, str]) -> None:
    for purpose, path in purposes.items():
        assert start_page(Principal(role, role), purpose) == path
        assert opens(role, purpose, path)
    assert start_page(Principal(role, role), "nonsense") is None


def _request(referer: str | None, path: str = "/ui/tasks/3", method: str = "POST",
             app: Any = None) -> Request:  # fmt: skip
    headers = [(b"host", b"sojourn.test")]
    if referer is not None:
        headers.append((b"referer", referer.encode()))
    scope = {"type": "http", "method": method, "path": path, "headers": headers,
             "query_string": b"", "scheme": "http", "server": ("sojourn.test", 80),
             **({"app": app} if app else {})}  # fmt: skip
    request = Request(scope)
    request.state.principal = Principal("privacy_officer", "privacy_officer")
    return request


def test_the_way_back_is_same_origin_and_never_the_page_that_failed() -> None:
    assert back_to(_request("http://sojourn.test/ui/cases/12"), "oversight_audit") == (
        "/ui/cases/12", "Back to case 12")  # fmt: skip
    for elsewhere in ("https://evil.test/ui/cases/1", "http://sojourn.test//evil.test/x",
                      "http://sojourn.test/elsewhere", None):  # fmt: skip
        assert back_to(_request(elsewhere), "oversight_audit")[0] == "/ui/audit"
    failed = _request("http://sojourn.test/ui/", path="/ui/", method="GET")
    assert back_to(failed, "oversight_audit") == ("/ui/audit", "Go to your start page")
    assert back_to(_request(None), "redress")[0] == "/ui/purpose"


def test_the_way_back_is_a_page_not_a_form_s_post_only_address() -> None:
    app = FastAPI()
    app.get("/ui/cases/{case_id}")(lambda case_id: case_id)
    app.post("/ui/tasks/{task_id}")(lambda task_id: task_id)
    came = "http://sojourn.test/ui/tasks/5"  # a case page shown again after a refused move
    assert back_to(_request(came, app=app), "oversight_audit")[0] == "/ui/audit"
    came = "http://sojourn.test/ui/cases/5"
    assert back_to(_request(came, app=app), "oversight_audit")[0] == "/ui/cases/5"


def test_a_role_is_named_with_its_article() -> None:
    assert [role_words(r) for r in ("analyst", "officer", "supervisor", "redress_officer",
                                    "administrator", "privacy_officer")] == [
        "An analyst", "An officer", "A supervisor", "A redress officer", "An administrator",
        "A privacy officer"]  # fmt: skip


def test_every_page_s_refusal_says_what_was_refused() -> None:
    here = Path(sojourn.web.__file__).parent
    used = {m for p in here.glob("*.py") for m in re.findall(r'page_guard\("([a-z._]+)"',
                                                            p.read_text())}  # fmt: skip
    assert used and used <= set(DOING), used - set(DOING)
